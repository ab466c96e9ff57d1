/* SPDX-License-Identifier: GPL-2.0-or-later */
/* macro.h — cleanup attributes, ownership helpers and small utilities shared by all C code. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _pure_ __attribute__((pure))
#define _const_ __attribute__((const))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _likely_(x) (__builtin_expect(!!(x), 1))
#define _unlikely_(x) (__builtin_expect(!!(x), 0))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Take ownership of a pointer: returns it and leaves NULL behind, so a cleanup does nothing. */
#define TAKE_PTR(p)                                                                                \
        ({                                                                                         \
                typeof(p) *_pp = &(p);                                                             \
                typeof(p) _p = *_pp;                                                               \
                *_pp = NULL;                                                                       \
                _p;                                                                                \
        })

#define TAKE_FD(fd)                                                                                \
        ({                                                                                         \
                int *_fdp = &(fd);                                                                 \
                int _fd = *_fdp;                                                                   \
                *_fdp = -EBADF;                                                                    \
                _fd;                                                                               \
        })

/* Define foo_freep() for a type whose foo_free() returns NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                    \
        static inline void func##p(type *p) {                                                      \
                if (*p)                                                                            \
                        *p = func(*p);                                                             \
        }

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

/* free(p) and return NULL, for p = mfree(p). */
static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        *fd = safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

static inline const char *strna(const char *s) {
        return s ?: "n/a";
}

/* errno of the last failing libc call as a negative value, never 0. */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

#define zero(x) memset(&(x), 0, sizeof(x))
#define new0(t, n) ((t *) calloc((n) ?: 1, sizeof(t)))
#define new(t, n) ((t *) malloc(((n) ?: 1) * sizeof(t)))

/* Makes *p (an array of *allocated elements of size bytes) hold at least need elements, doubling
 * (at least 8) so that appending one at a time is amortized O(1). -ENOMEM leaves *p as it was. */
static inline int greedy_realloc(void **p, size_t *allocated, size_t need, size_t size) {
        size_t n;
        void *q;

        if (need <= *allocated)
                return 0;
        n = MAX(need, MAX(*allocated * 2, (size_t) 8));
        q = reallocarray(*p, n, size);
        if (!q)
                return -ENOMEM;
        *p = q;
        *allocated = n;
        return 0;
}
#define GREEDY_REALLOC(array, allocated, need)                                                      \
        ({                                                                                         \
                void *_p = (array);                                                                \
                int _r = greedy_realloc(&_p, &(allocated), (need), sizeof((array)[0]));            \
                if (_r >= 0)                                                                       \
                        (array) = _p;                                                              \
                _r;                                                                                \
        })
