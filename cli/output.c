/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.c — what the verbs' human and JSON output share: tables, the arrow, JSON on stdout. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mptcpctl.h"
#include "output.h"

const char *arrow_glyph(void) {
        static const char *glyph = NULL;

        if (!glyph) {
                /* The locale that would be in force: LC_ALL, then LC_CTYPE, then LANG. mptcpctl does
                 * not call setlocale(), so that number parsing stays in the C locale. */
                const char *names[] = { "LC_ALL", "LC_CTYPE", "LANG" };
                const char *locale = NULL;

                for (size_t i = 0; i < ELEMENTSOF(names) && !locale; i++) {
                        const char *v = getenv(names[i]);

                        if (v && *v)
                                locale = v;
                }
                glyph = locale && (strcasestr(locale, "utf-8") || strcasestr(locale, "utf8"))
                                ? "\xe2\x86\x92"
                                : "->";
        }
        return glyph;
}

void table_init(Table *t, size_t n_columns) {
        *t = (Table){ .n_columns = n_columns };
}

void table_done(Table *t) {
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i]);
        free(t->cells);
        *t = (Table){};
}

static int table_take(Table *t, char *cell) {
        if (!cell)
                return -ENOMEM;
        if (GREEDY_REALLOC(t->cells, t->allocated, t->n_cells + 1) < 0) {
                free(cell);
                return -ENOMEM;
        }
        t->cells[t->n_cells++] = cell;
        return 0;
}

int table_add(Table *t, const char *cell) {
        return table_take(t, strdup(cell ?: "-"));
}

int table_addf(Table *t, const char *fmt, ...) {
        char *cell = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&cell, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        return table_take(t, cell);
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t text_width(const char *s) {
        size_t n = 0;

        for (; *s; s++)
                if (((unsigned char) *s & 0xC0) != 0x80)
                        n++;
        return n;
}

int table_print(const Table *t, FILE *f) {
        size_t *widths = new0(size_t, t->n_columns);

        if (!widths)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_cells; i++)
                widths[i % t->n_columns] = MAX(widths[i % t->n_columns], text_width(t->cells[i]));

        for (size_t i = 0; i < t->n_cells; i++) {
                size_t column = i % t->n_columns;
                bool last = column == t->n_columns - 1 || i == t->n_cells - 1;

                fputs(t->cells[i], f);
                if (last)
                        fputc('\n', f);
                else
                        fprintf(f, "%*s", (int) (widths[column] - text_width(t->cells[i]) + 2), "");
        }
        free(widths);
        return 0;
}

void json_stdout_begin(JsonWriter *w) {
        json_writer_init(w, stdout, arg_json == JSON_FORMAT_PRETTY);
}

int json_stdout_finish(JsonWriter *w) {
        int r = json_writer_finish(w);

        if (r == -EIO)
                return log_error("Failed to write to standard output."), MPTCPCTL_EXIT_FAILURE;
        if (r < 0)
                return log_error("Internal error: malformed JSON output."), MPTCPCTL_EXIT_FAILURE;
        return MPTCPCTL_EXIT_OK;
}

int json_stdout_end(JsonWriter *w, int r, const char *what) {
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", what), MPTCPCTL_EXIT_FAILURE;
        return json_stdout_finish(w);
}

int stdout_finish(void) {
        if (fflush(stdout) != 0 || ferror(stdout))
                return log_error("Failed to write to standard output."), MPTCPCTL_EXIT_FAILURE;
        return MPTCPCTL_EXIT_OK;
}
