/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h — what the verbs' human and JSON output share: tables, the arrow, JSON on stdout. */
#pragma once

#include <stdio.h>

#include "json-out.h"
#include "macro.h"

/* "→" where the locale's character set is UTF-8, "->" elsewhere. */
const char *arrow_glyph(void);

/* A text table: cells are added row by row; columns but the last are padded to their widest cell
 * (counted in UTF-8 characters) and separated by two spaces. */
typedef struct Table {
        size_t n_columns;
        char **cells;
        size_t n_cells, allocated;
} Table;

void table_init(Table *t, size_t n_columns);
void table_done(Table *t);
int table_add(Table *t, const char *cell); /* NULL adds "-" */
int table_addf(Table *t, const char *fmt, ...) _printf_(2, 3);
int table_print(const Table *t, FILE *f);

/* Starts a JSON value on stdout in the --json format. */
void json_stdout_begin(JsonWriter *w);
/* Ends it; logs a failure and returns the exit code (0 on success). */
int json_stdout_finish(JsonWriter *w);
/* Ends it after writing it from a message: r is what writing returned; a negative r is logged as
 * failing to read "what" (e.g. "the profile list") and gives MPTCPCTL_EXIT_FAILURE. */
int json_stdout_end(JsonWriter *w, int r, const char *what);

/* The exit code after human output on stdout: 1 when writing failed (logged). */
int stdout_finish(void);
