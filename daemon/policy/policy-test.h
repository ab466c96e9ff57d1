/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-test.h — minimal assertion helpers for the policy unit tests. */
#pragma once

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "macro.h"

#define check(expr)                                                                                \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr);   \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define check_eq_u64(a, b)                                                                         \
        do {                                                                                       \
                uint64_t _a = (a), _b = (b);                                                       \
                if (_a != _b) {                                                                    \
                        fprintf(stderr, "%s:%d: %s == %" PRIu64 ", expected %" PRIu64 "\n",        \
                                __FILE__, __LINE__, #a, _a, _b);                                   \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define check_streq(a, b)                                                                          \
        do {                                                                                       \
                const char *_a = (a), *_b = (b);                                                   \
                if (!streq_ptr(_a, _b)) {                                                          \
                        fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,        \
                                __LINE__, #a, strna(_a), strna(_b));                               \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)
