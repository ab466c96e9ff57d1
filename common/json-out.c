/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json-out.c — a streaming JSON writer (short or pretty): mptcpctl --json, the daemon's Describe(). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "json-out.h"
#include "macro.h"

void json_writer_init(JsonWriter *w, FILE *f, bool pretty) {
        *w = (JsonWriter) { .f = f, .pretty = pretty };
}

int json_writer_finish(JsonWriter *w) {
        if (w->depth != 0 || w->key_pending || !w->has_items[0])
                w->failed = true;
        fputc('\n', w->f);
        if (fflush(w->f) != 0 || ferror(w->f))
                return -EIO;
        return w->failed ? -EINVAL : 0;
}

static void newline_indent(JsonWriter *w, unsigned depth) {
        if (!w->pretty)
                return;
        fputc('\n', w->f);
        for (unsigned i = 0; i < depth; i++)
                fputs("  ", w->f);
}

/* Writes what must come before a value at the current position: a separator in an array, or
 * nothing after a key. Returns false on misuse (a value where a key is due, a second top value). */
static bool before_value(JsonWriter *w) {
        if (w->depth == 0) {
                if (w->has_items[0]) {
                        w->failed = true;
                        return false;
                }
                w->has_items[0] = true;
                return true;
        }
        if (w->in_object[w->depth]) {
                if (!w->key_pending) {
                        w->failed = true;
                        return false;
                }
                w->key_pending = false;
                return true;
        }
        if (w->has_items[w->depth])
                fputc(',', w->f);
        newline_indent(w, w->depth);
        w->has_items[w->depth] = true;
        return true;
}

static void begin(JsonWriter *w, bool object) {
        if (w->depth >= JSON_MAX_DEPTH) {
                w->failed = true;
                return;
        }
        if (!before_value(w))
                return;
        w->depth++;
        w->in_object[w->depth] = object;
        w->has_items[w->depth] = false;
        fputc(object ? '{' : '[', w->f);
}

static void end(JsonWriter *w, bool object) {
        if (w->depth == 0 || w->in_object[w->depth] != object || w->key_pending) {
                w->failed = true;
                return;
        }
        if (w->has_items[w->depth])
                newline_indent(w, w->depth - 1);
        w->depth--;
        fputc(object ? '}' : ']', w->f);
}

void json_begin_object(JsonWriter *w) {
        begin(w, true);
}

void json_end_object(JsonWriter *w) {
        end(w, true);
}

void json_begin_array(JsonWriter *w) {
        begin(w, false);
}

void json_end_array(JsonWriter *w) {
        end(w, false);
}

void json_key(JsonWriter *w, const char *key) {
        if (w->depth == 0 || !w->in_object[w->depth] || w->key_pending || !key) {
                w->failed = true;
                return;
        }
        if (w->has_items[w->depth])
                fputc(',', w->f);
        newline_indent(w, w->depth);
        w->has_items[w->depth] = true;
        json_write_string_literal(w->f, key);
        fputs(w->pretty ? ": " : ":", w->f);
        w->key_pending = true;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there are not one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_sequence_length(const unsigned char *s) {
        unsigned char c = s[0];
        unsigned char lo = 0x80, hi = 0xBF;
        size_t n;

        if (c < 0x80)
                return 1;
        if (c >= 0xC2 && c <= 0xDF)
                n = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
                n = 3;
                if (c == 0xE0)
                        lo = 0xA0;
                else if (c == 0xED)
                        hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
                n = 4;
                if (c == 0xF0)
                        lo = 0x90;
                else if (c == 0xF4)
                        hi = 0x8F;
        } else
                return 0;

        /* The first continuation byte has the narrowed range; the NUL terminator fails it too. */
        if (s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < n; i++)
                if (s[i] < 0x80 || s[i] > 0xBF)
                        return 0;
        return n;
}

/* The characters JSON escapes with a backslash and a letter; other control characters are written
 * as \u00XX. */
static const char *const short_escapes[] = {
        ['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
        ['\n'] = "\\n", ['\r'] = "\\r",  ['\t'] = "\\t",
};

void json_write_string_literal(FILE *f, const char *s) {
        const unsigned char *p = (const unsigned char *) s;

        fputc('"', f);
        while (*p) {
                size_t n;

                if (*p < ELEMENTSOF(short_escapes) && short_escapes[*p])
                        fputs(short_escapes[*p], f);
                else if (*p < 0x20)
                        fprintf(f, "\\u%04x", (unsigned) *p);
                else if ((n = utf8_sequence_length(p)) == 0)
                        fputs("\\ufffd", f);
                else {
                        fwrite(p, 1, n, f);
                        p += n;
                        continue;
                }
                p++;
        }
        fputc('"', f);
}

void json_string(JsonWriter *w, const char *s) {
        if (!s) {
                json_null(w);
                return;
        }
        if (before_value(w))
                json_write_string_literal(w->f, s);
}

void json_bool(JsonWriter *w, bool b) {
        if (before_value(w))
                fputs(b ? "true" : "false", w->f);
}

void json_null(JsonWriter *w) {
        if (before_value(w))
                fputs("null", w->f);
}

void json_int(JsonWriter *w, int64_t i) {
        if (before_value(w))
                fprintf(w->f, "%" PRIi64, i);
}

void json_uint(JsonWriter *w, uint64_t u) {
        if (before_value(w))
                fprintf(w->f, "%" PRIu64, u);
}

void json_double(JsonWriter *w, double d) {
        char buf[64];
        double back;

        if (isnan(d) || isinf(d)) {
                json_null(w);
                return;
        }
        if (!before_value(w))
                return;
        /* The shortest of %.15g and %.17g that reads back as the same number. */
        snprintf(buf, sizeof(buf), "%.15g", d);
        back = strtod(buf, NULL);
        if (back < d || back > d)
                snprintf(buf, sizeof(buf), "%.17g", d);
        fputs(buf, w->f);
}

void json_strv(JsonWriter *w, char *const *strv) {
        json_begin_array(w);
        for (char *const *s = strv; s && *s; s++)
                json_string(w, *s);
        json_end_array(w);
}

void json_key_string(JsonWriter *w, const char *key, const char *s) {
        json_key(w, key);
        json_string(w, s);
}

void json_key_bool(JsonWriter *w, const char *key, bool b) {
        json_key(w, key);
        json_bool(w, b);
}

void json_key_int(JsonWriter *w, const char *key, int64_t i) {
        json_key(w, key);
        json_int(w, i);
}

void json_key_uint(JsonWriter *w, const char *key, uint64_t u) {
        json_key(w, key);
        json_uint(w, u);
}

void json_key_strv(JsonWriter *w, const char *key, char *const *strv) {
        json_key(w, key);
        json_strv(w, strv);
}
