/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-diag.c — collecting and printing policy diagnostics (file:line:column, line, caret). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy-diag.h"
#include "profile.h"

/* Beyond this many recorded diagnostics only the counters move: a hostile file cannot make us
 * allocate without bound. */
#define POLICY_DIAG_ITEMS_MAX 1000u

const char *policy_severity_to_string(PolicySeverity s) {
        switch (s) {
        case POLICY_SEVERITY_ERROR:
                return "error";
        case POLICY_SEVERITY_WARNING:
                return "warning";
        }
        return NULL;
}

static void policy_error_done(PolicyError *e) {
        free(e->file);
        free(e->message);
        free(e->line_text);
}

void policy_diagnostics_done(PolicyDiagnostics *d) {
        if (!d)
                return;
        for (size_t i = 0; i < d->n_items; i++)
                policy_error_done(&d->items[i]);
        free(d->items);
        *d = (PolicyDiagnostics) {};
}

int policy_diag_addv(
        PolicyDiagnostics *d, PolicySeverity severity, const char *file, unsigned line, unsigned column,
        const char *line_text, size_t line_text_len, const char *format, va_list ap) {

        PolicyError e = {
                .line = line,
                .column = column,
                .severity = severity,
        };

        if (!d)
                return 0;

        switch (severity) {
        case POLICY_SEVERITY_ERROR:
                d->n_errors++;
                break;
        case POLICY_SEVERITY_WARNING:
                d->n_warnings++;
                break;
        }

        if (d->n_items >= POLICY_DIAG_ITEMS_MAX)
                return 0;

        e.file = strdup(file ?: "<input>");
        if (vasprintf(&e.message, format, ap) < 0)
                e.message = NULL;
        if (line_text)
                e.line_text = strndup(line_text, line_text_len);
        if (!e.file || !e.message || (line_text && !e.line_text))
                goto oom;

        PolicyError *items = reallocarray(d->items, d->n_items + 1, sizeof(PolicyError));
        if (!items)
                goto oom;
        d->items = items;
        d->items[d->n_items++] = e;
        return 0;

oom:
        policy_error_done(&e);
        d->oom = true;
        return -ENOMEM;
}

int policy_diag_add(
        PolicyDiagnostics *d, PolicySeverity severity, const char *file, unsigned line, unsigned column,
        const char *line_text, size_t line_text_len, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = policy_diag_addv(d, severity, file, line, column, line_text, line_text_len, format, ap);
        va_end(ap);
        return r;
}

int policy_diag_at(
        PolicyDiagnostics *d, const PolicySource *src, const SourcePos *pos, PolicySeverity severity,
        const char *format, ...) {
        const char *text = NULL, *file = NULL;
        size_t len = 0;
        unsigned line = 0, column = 0;
        va_list ap;
        int r;

        if (pos) {
                file = pos->file;
                line = pos->line;
                column = pos->column;
        }
        if (!file && src)
                file = policy_source_name(src);
        if (src && line > 0 && policy_source_get_line(src, line, &text, &len) < 0)
                text = NULL;

        va_start(ap, format);
        r = policy_diag_addv(d, severity, file, line, column, text, len, format, ap);
        va_end(ap);
        return r;
}

char *policy_error_format_header(const PolicyError *e) {
        char *s;
        int r;

        if (e->line > 0)
                r = asprintf(&s, "%s:%u:%u: %s: %s", e->file, e->line, e->column,
                             policy_severity_to_string(e->severity), e->message);
        else
                r = asprintf(&s, "%s: %s: %s", e->file, policy_severity_to_string(e->severity), e->message);
        return r < 0 ? NULL : s;
}

void policy_error_print(const PolicyError *e, FILE *f) {
        _cleanup_free_ char *header = policy_error_format_header(e);

        fprintf(f, "%s\n", header ?: e->message);
        if (!e->line_text || e->line == 0)
                return;

        /* Reproduce tabs so the caret lands under the right character. */
        size_t len = strlen(e->line_text), n = e->column > 0 ? e->column - 1 : 0;
        _cleanup_free_ char *pad = malloc(n + 1);
        if (!pad) {
                fprintf(f, "  %s\n", e->line_text);
                return;
        }
        for (size_t i = 0; i < n; i++)
                pad[i] = i < len && e->line_text[i] == '\t' ? '\t' : ' ';
        pad[n] = 0;
        fprintf(f, "  %s\n  %s^\n", e->line_text, pad);
}

void policy_diagnostics_print(const PolicyDiagnostics *d, FILE *f) {
        for (size_t i = 0; i < d->n_items; i++)
                policy_error_print(&d->items[i], f);
        if (d->n_items < d->n_errors + d->n_warnings)
                fprintf(f, "(%zu further problems not shown)\n", d->n_errors + d->n_warnings - d->n_items);
        if (d->oom)
                fputs("(some problems could not be recorded: out of memory)\n", f);
}
