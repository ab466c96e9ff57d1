/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json-out.h — a streaming JSON writer (short or pretty): mptcpctl --json, the daemon's Describe(). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

typedef enum JsonFormat {
        JSON_FORMAT_OFF,    /* human output */
        JSON_FORMAT_SHORT,  /* one line, no spaces */
        JSON_FORMAT_PRETTY, /* indented by two spaces, one member per line */
} JsonFormat;

/* Writes one JSON value (usually an object or array) to f as calls arrive; nothing is buffered
 * but what stdio buffers. Misuse (a value where a key is due, unbalanced ends, too deep) is
 * recorded and reported by json_writer_finish(), never written as broken JSON silently. */
typedef struct JsonWriter {
        FILE *f;
        bool pretty;
        unsigned depth;
        bool in_object[JSON_MAX_DEPTH + 1]; /* per level: object (true) or array/top (false) */
        bool has_items[JSON_MAX_DEPTH + 1]; /* per level: a member/element was written */
        bool key_pending;                   /* json_key() was called, its value is due */
        bool failed;                        /* misuse seen */
} JsonWriter;

void json_writer_init(JsonWriter *w, FILE *f, bool pretty);
/* Ends the value with a newline and flushes. 0, -EINVAL on misuse or unbalanced containers, -EIO
 * when writing failed. */
int json_writer_finish(JsonWriter *w);

void json_begin_object(JsonWriter *w);
void json_end_object(JsonWriter *w);
void json_begin_array(JsonWriter *w);
void json_end_array(JsonWriter *w);
void json_key(JsonWriter *w, const char *key);

void json_string(JsonWriter *w, const char *s); /* NULL writes null */
void json_bool(JsonWriter *w, bool b);
void json_null(JsonWriter *w);
void json_int(JsonWriter *w, int64_t i);
void json_uint(JsonWriter *w, uint64_t u);
void json_double(JsonWriter *w, double d); /* NaN and infinities write null */
/* Each string of a NULL-terminated vector (NULL = empty array). */
void json_strv(JsonWriter *w, char *const *strv);

/* Member shorthands: key then value. */
void json_key_string(JsonWriter *w, const char *key, const char *s);
void json_key_bool(JsonWriter *w, const char *key, bool b);
void json_key_int(JsonWriter *w, const char *key, int64_t i);
void json_key_uint(JsonWriter *w, const char *key, uint64_t u);
void json_key_strv(JsonWriter *w, const char *key, char *const *strv);

/* Writes s as a JSON string literal with quotes: '"' and '\' escaped, control characters as \n,
 * \t, ... or \u00XX, valid UTF-8 passed through, each byte of invalid UTF-8 as \ufffd. */
void json_write_string_literal(FILE *f, const char *s);
