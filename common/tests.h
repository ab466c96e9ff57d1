/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tests.h — check macros for the unit tests: say what failed and where, exit non-zero; every check
 * is counted (n_checks) so a test can print how much it verified. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

static unsigned n_checks _unused_;

#define check(expr)                                                                                \
        do {                                                                                       \
                n_checks++;                                                                        \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__,       \
                                __func__, #expr);                                                  \
                        exit(EXIT_FAILURE);                                                        \
                }                                                                                  \
        } while (0)

#define check_eq(a, b)                                                                             \
        do {                                                                                       \
                long long _a = (long long) (a), _b = (long long) (b);                              \
                n_checks++;                                                                        \
                if (_a != _b) {                                                                    \
                        fprintf(stderr, "%s:%d: %s: %s == %s failed: %lld != %lld\n", __FILE__,    \
                                __LINE__, __func__, #a, #b, _a, _b);                               \
                        exit(EXIT_FAILURE);                                                        \
                }                                                                                  \
        } while (0)

#define check_streq(a, b)                                                                          \
        do {                                                                                       \
                const char *_a = (a), *_b = (b);                                                   \
                n_checks++;                                                                        \
                if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
                        fprintf(stderr, "%s:%d: %s: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, \
                                __LINE__, __func__, #a, #b, strna(_a), strna(_b));                 \
                        exit(EXIT_FAILURE);                                                        \
                }                                                                                  \
        } while (0)

#define check_ok(expr) check((expr) >= 0)

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                                                  \
        do {                                                                                       \
                test_##name();                                                                     \
                printf("ok %s\n", #name);                                                          \
        } while (0)
