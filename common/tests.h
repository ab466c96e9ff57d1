/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tests.h — assertion macros for the unit tests: say what failed and where, then exit non-zero. */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#define ASSERT_TRUE(expr)                                                                          \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", __FILE__, __LINE__,   \
                                __func__, #expr);                                                  \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define ASSERT_EQ(a, b)                                                                            \
        do {                                                                                       \
                long long _a = (long long) (a), _b = (long long) (b);                              \
                if (_a != _b) {                                                                    \
                        fprintf(stderr, "%s:%d: %s: %s == %s failed: %lld != %lld\n", __FILE__,    \
                                __LINE__, __func__, #a, #b, _a, _b);                               \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define ASSERT_OK(expr) ASSERT_TRUE((expr) >= 0)

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                                                  \
        do {                                                                                       \
                test_##name();                                                                     \
                printf("ok %s\n", #name);                                                          \
        } while (0)
