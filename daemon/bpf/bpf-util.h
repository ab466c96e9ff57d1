/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-util.h — BpfError filling and the capture of libbpf's messages while loading (internal). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bpf-loader.h"
#include "macro.h"

/* Fills error (may be NULL) with "FORMAT: strerror(-err)" plus, inside a capture, the tail of
 * libbpf's messages (the verifier's verdict, "couldn't reuse pinned map"...). Returns ret. */
int bpf_error_set(BpfError *error, int err, int ret, const char *format, ...) _printf_(4, 5);

/* The same for a reason that needs no errno text: error->error = ret. */
#define bpf_error_reason(error, ret, ...)                          \
        ({                                                         \
                BpfError *_e = (error);                            \
                int _r = bpf_error_set(_e, 0, (ret), __VA_ARGS__); \
                if (_e)                                            \
                        _e->error = _r;                            \
                _r;                                                \
        })

typedef struct BpfLogCapture {
        void *previous; /* libbpf_print_fn_t */
} BpfLogCapture;

/* Routes libbpf's messages into a per-thread buffer instead of stderr until _end(). */
void bpf_log_capture_begin(BpfLogCapture *c);
void bpf_log_capture_end(BpfLogCapture *c);
