/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-diag.h — diagnostics collected by the policy parsers: positions, messages, formatting. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "macro.h"

typedef struct PolicySource PolicySource;
typedef struct SourcePos SourcePos;

typedef enum PolicySeverity {
        POLICY_SEVERITY_ERROR,
        POLICY_SEVERITY_WARNING,
} PolicySeverity;

const char *policy_severity_to_string(PolicySeverity s) _const_;

/* One problem. line/column are 1-based; line 0 means the problem concerns the whole file
 * (cannot open, too large) and is printed as "file: error: message". */
typedef struct PolicyError {
        char *file;
        unsigned line;
        unsigned column;
        PolicySeverity severity;
        char *message;   /* no trailing period, no newline */
        char *line_text; /* the offending source line (no newline), NULL when unknown */
} PolicyError;

/* Collected problems; the parsers append, never log. Zero-initialize
 * (PolicyDiagnostics d = {};) and release with policy_diagnostics_done(). */
typedef struct PolicyDiagnostics {
        PolicyError *items;
        size_t n_items;
        size_t n_errors;
        size_t n_warnings;
        bool oom; /* a diagnostic could not be recorded for lack of memory */
} PolicyDiagnostics;

void policy_diagnostics_done(PolicyDiagnostics *d);

/* Append a diagnostic. file may be NULL ("<input>"); line_text may be NULL. Returns 0 or -ENOMEM
 * (then d->oom is set; counters are still incremented so errors are never lost silently). */
int policy_diag_add(
        PolicyDiagnostics *d, PolicySeverity severity, const char *file, unsigned line, unsigned column,
        const char *line_text, size_t line_text_len, const char *format, ...) _printf_(8, 9);
int policy_diag_addv(
        PolicyDiagnostics *d, PolicySeverity severity, const char *file, unsigned line, unsigned column,
        const char *line_text, size_t line_text_len, const char *format, va_list ap) _printf_(8, 0);

/* Append a diagnostic at pos in src (src may be NULL: no line text is quoted). */
int policy_diag_at(
        PolicyDiagnostics *d, const PolicySource *src, const SourcePos *pos, PolicySeverity severity,
        const char *format, ...) _printf_(5, 6);

/* "file:line:column: error: message" (or "file: error: message" for line 0). Returns a malloc'd
 * string, or NULL on OOM. */
char *policy_error_format_header(const PolicyError *e);

/* Print every diagnostic to f, each as the header line, then the offending line and a caret under
 * the column (when the line text is known). Tabs in the quoted line are kept so the caret lines
 * up. */
void policy_diagnostics_print(const PolicyDiagnostics *d, FILE *f);
void policy_error_print(const PolicyError *e, FILE *f);
