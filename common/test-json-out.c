/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-json-out.c — tests of the JSON writer (common/json-out.c): escaping, UTF-8, layouts, misuse. */
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "json-out.h"
#include "tests.h"

/* Collects what a writer produced. */
typedef struct Capture {
        char *buf;
        size_t size;
        FILE *f;
        JsonWriter w;
} Capture;

static void capture_begin(Capture *c, bool pretty) {
        *c = (Capture){};
        c->f = open_memstream(&c->buf, &c->size);
        check(c->f);
        json_writer_init(&c->w, c->f, pretty);
}

/* Finishes the writer, checks its result, and returns the text (the caller frees it). */
static char *capture_end(Capture *c, int want) {
        check_eq(json_writer_finish(&c->w), want);
        check_eq(fclose(c->f), 0);
        return c->buf;
}

static char *literal(const char *s) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        check(f);
        json_write_string_literal(f, s);
        check_eq(fclose(f), 0);
        return buf;
}

#define check_literal(in, want)                        \
        do {                                           \
                _cleanup_free_ char *_s = literal(in); \
                check_streq(_s, want);                 \
        } while (0)

TEST(escapes) {
        check_literal("", "\"\"");
        check_literal("plain text", "\"plain text\"");
        check_literal("say \"hi\"", "\"say \\\"hi\\\"\"");
        check_literal("C:\\dir", "\"C:\\\\dir\"");
        check_literal("a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\"");
        check_literal("\x01\x1f", "\"\\u0001\\u001f\"");
        check_literal("\x1b[1m", "\"\\u001b[1m\"");
        /* DEL and '/' need no escape. */
        check_literal("\x7f/", "\"\x7f/\"");
}

TEST(utf8) {
        /* Valid UTF-8 of every length passes through unchanged. */
        check_literal("caf\xc3\xa9", "\"caf\xc3\xa9\""); /* é, 2 bytes */
        check_literal("10.0.0.1 \xe2\x86\x92 10.0.0.2", "\"10.0.0.1 \xe2\x86\x92 10.0.0.2\""); /* → */
        check_literal("\xf0\x9f\x93\xb6", "\"\xf0\x9f\x93\xb6\""); /* 📶, 4 bytes */
        check_literal("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");         /* U+FFFF */
        check_literal("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
        /* Invalid: each offending byte becomes U+FFFD, the rest survives. */
        check_literal("a\xffz", "\"a\\ufffdz\"");
        check_literal("\xc3", "\"\\ufffd\"");                                  /* truncated at end */
        check_literal("\xc3z", "\"\\ufffdz\"");                                /* missing continuation */
        check_literal("\xc0\xaf", "\"\\ufffd\\ufffd\"");                       /* overlong '/' */
        check_literal("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");            /* overlong, 3 bytes */
        check_literal("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");            /* surrogate U+D800 */
        check_literal("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* above U+10FFFF */
        check_literal("\x80", "\"\\ufffd\"");                                  /* lone continuation */
}

TEST(short_layout) {
        char *const features[] = { (char *) "userspace-pm", (char *) "bpf-sockops", NULL };
        _cleanup_free_ char *out = NULL;
        Capture c;

        capture_begin(&c, false);
        json_begin_object(&c.w);
        json_key_string(&c.w, "ActiveProfile", "metered");
        json_key_bool(&c.w, "Usable", true);
        json_key_int(&c.w, "Index", -3);
        json_key_uint(&c.w, "Token", UINT32_MAX);
        json_key_strv(&c.w, "Features", features);
        json_key_strv(&c.w, "Degraded", NULL);
        json_key(&c.w, "Holds");
        json_begin_array(&c.w);
        json_begin_object(&c.w);
        json_end_object(&c.w);
        json_null(&c.w);
        json_string(&c.w, NULL);
        json_end_array(&c.w);
        json_end_object(&c.w);
        out = capture_end(&c, 0);
        check_streq(
                out, "{\"ActiveProfile\":\"metered\",\"Usable\":true,\"Index\":-3,\"Token\":4294967295,"
                     "\"Features\":[\"userspace-pm\",\"bpf-sockops\"],\"Degraded\":[],"
                     "\"Holds\":[{},null,null]}\n");
}

TEST(pretty_layout) {
        _cleanup_free_ char *out = NULL;
        Capture c;

        capture_begin(&c, true);
        json_begin_array(&c.w);
        json_begin_object(&c.w);
        json_key_string(&c.w, "Name", "wifi");
        json_key(&c.w, "Addresses");
        json_begin_array(&c.w);
        json_string(&c.w, "10.71.1.1");
        json_end_array(&c.w);
        json_key(&c.w, "Empty");
        json_begin_object(&c.w);
        json_end_object(&c.w);
        json_end_object(&c.w);
        json_end_array(&c.w);
        out = capture_end(&c, 0);
        check_streq(
                out, "[\n"
                     "  {\n"
                     "    \"Name\": \"wifi\",\n"
                     "    \"Addresses\": [\n"
                     "      \"10.71.1.1\"\n"
                     "    ],\n"
                     "    \"Empty\": {}\n"
                     "  }\n"
                     "]\n");
}

TEST(numbers) {
        _cleanup_free_ char *out = NULL;
        Capture c;

        capture_begin(&c, false);
        json_begin_array(&c.w);
        json_int(&c.w, INT64_MIN);
        json_uint(&c.w, UINT64_MAX);
        json_double(&c.w, 0.1);
        json_double(&c.w, 2.5e-7);
        json_double(&c.w, NAN);
        json_double(&c.w, INFINITY);
        json_bool(&c.w, false);
        json_end_array(&c.w);
        out = capture_end(&c, 0);
        check_streq(out, "[-9223372036854775808,18446744073709551615,0.1,2.5e-07,null,null,false]\n");
}

TEST(keys_are_escaped) {
        _cleanup_free_ char *out = NULL;
        Capture c;

        capture_begin(&c, false);
        json_begin_object(&c.w);
        json_key_string(&c.w, "a\"b\n", "\xe2\x86\x92");
        json_end_object(&c.w);
        out = capture_end(&c, 0);
        check_streq(out, "{\"a\\\"b\\n\":\"\xe2\x86\x92\"}\n");
}

TEST(misuse) {
        _cleanup_free_ char *a = NULL, *b = NULL, *d = NULL, *e = NULL, *f = NULL, *g = NULL;
        Capture c;

        /* A value in an object without a key is dropped and reported. */
        capture_begin(&c, false);
        json_begin_object(&c.w);
        json_string(&c.w, "orphan");
        json_end_object(&c.w);
        a = capture_end(&c, -EINVAL);
        check_streq(a, "{}\n");

        /* Unclosed container. */
        capture_begin(&c, false);
        json_begin_array(&c.w);
        b = capture_end(&c, -EINVAL);

        /* Mismatched end. */
        capture_begin(&c, false);
        json_begin_array(&c.w);
        json_end_object(&c.w);
        json_end_array(&c.w);
        d = capture_end(&c, -EINVAL);

        /* A key without its value. */
        capture_begin(&c, false);
        json_begin_object(&c.w);
        json_key(&c.w, "k");
        json_end_object(&c.w);
        e = capture_end(&c, -EINVAL);

        /* Nothing written, or two top-level values. */
        capture_begin(&c, false);
        f = capture_end(&c, -EINVAL);
        capture_begin(&c, false);
        json_null(&c.w);
        json_null(&c.w);
        g = capture_end(&c, -EINVAL);
        check_streq(g, "null\n");

        /* Too deep. */
        {
                _cleanup_free_ char *h = NULL;

                capture_begin(&c, false);
                for (unsigned i = 0; i < JSON_MAX_DEPTH + 2; i++)
                        json_begin_array(&c.w);
                h = capture_end(&c, -EINVAL);
                check_eq(strlen(h), JSON_MAX_DEPTH + 1); /* the brackets it accepted, newline */
        }
}

TEST(write_error) {
        JsonWriter w;
        FILE *f = fopen("/dev/full", "we");

        if (!f) {
                printf("skip write_error: no /dev/full\n");
                return;
        }
        json_writer_init(&w, f, false);
        json_string(&w, "x");
        check_eq(json_writer_finish(&w), -EIO);
        fclose(f);
}

int main(void) {
        RUN(escapes);
        RUN(utf8);
        RUN(short_layout);
        RUN(pretty_layout);
        RUN(numbers);
        RUN(keys_are_escaped);
        RUN(misuse);
        RUN(write_error);
        printf("%u checks passed\n", n_checks);
        return 0;
}
