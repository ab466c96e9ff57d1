/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-util.c — BpfError formatting and the capture of libbpf's messages into it. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpf-util.h"
#include "config.h"

#if HAVE_BPF
#include <bpf/libbpf.h>
#endif

#define CAPTURE_MAX 8192
#define CAPTURE_TAIL 240

static _Thread_local char capture_buf[CAPTURE_MAX];
static _Thread_local size_t capture_len;
static _Thread_local bool capture_active;

/* The last CAPTURE_TAIL characters of what libbpf said, on one line. */
static void capture_tail(char *buf, size_t size) {
        size_t start, n = 0;
        size_t end = capture_len;

        /* Skip trailing blanks and libbpf's "-- END PROG LOAD LOG --" framing. */
        while (end > 0 && (capture_buf[end - 1] == '\n' || capture_buf[end - 1] == ' '))
                end--;
        start = end > CAPTURE_TAIL ? end - CAPTURE_TAIL : 0;
        for (size_t i = start; i < end && n + 1 < size; i++)
                buf[n++] = capture_buf[i] == '\n' || capture_buf[i] == '\t' ? ' ' : capture_buf[i];
        buf[n] = 0;
}

int bpf_error_set(BpfError *error, int err, int ret, const char *format, ...) {
        char tail[CAPTURE_TAIL + 1] = "";
        va_list ap;
        int n;

        if (!error)
                return ret;

        error->error = err;
        va_start(ap, format);
        n = vsnprintf(error->message, sizeof(error->message), format, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof(error->message))
                return ret;
        if (err != 0)
                n += snprintf(
                        error->message + n, sizeof(error->message) - (size_t) n, ": %s",
                        strerror(err < 0 ? -err : err));
        if (capture_active && capture_len > 0 && (size_t) n < sizeof(error->message)) {
                capture_tail(tail, sizeof(tail));
                snprintf(
                        error->message + n, sizeof(error->message) - (size_t) n, " (libbpf: %s%s)",
                        capture_len > CAPTURE_TAIL ? "..." : "", tail);
        }
        return ret;
}

#if HAVE_BPF
static int capture_print(enum libbpf_print_level level, const char *format, va_list ap) {
        _cleanup_free_ char *text = NULL;
        size_t n;

        if (level == LIBBPF_DEBUG)
                return 0;
        if (vasprintf(&text, format, ap) < 0)
                return 0;
        n = strlen(text);
        /* Keep the newest text (a verifier log ends with its verdict). */
        if (n > CAPTURE_MAX) {
                memcpy(capture_buf, text + n - CAPTURE_MAX, CAPTURE_MAX);
                capture_len = CAPTURE_MAX;
                return 0;
        }
        if (capture_len + n > CAPTURE_MAX) {
                size_t drop = capture_len + n - CAPTURE_MAX;

                memmove(capture_buf, capture_buf + drop, capture_len - drop);
                capture_len -= drop;
        }
        memcpy(capture_buf + capture_len, text, n);
        capture_len += n;
        return 0;
}

void bpf_log_capture_begin(BpfLogCapture *c) {
        capture_len = 0;
        capture_active = true;
        c->previous = (void *) libbpf_set_print(capture_print);
}

void bpf_log_capture_end(BpfLogCapture *c) {
        (void) libbpf_set_print((libbpf_print_fn_t) c->previous);
        capture_active = false;
        capture_len = 0;
}
#else
void bpf_log_capture_begin(BpfLogCapture *c) {
        c->previous = NULL;
}

void bpf_log_capture_end(BpfLogCapture *c) {
}
#endif
