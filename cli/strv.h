/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strv.h — NULL-terminated string vectors as sd_bus_message_read_strv() returns them. */
#pragma once

#include <stdlib.h>

#include "macro.h"

static inline char **strv_free(char **l) {
        for (char **s = l; s && *s; s++)
                free(*s);
        free(l);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);

static inline size_t strv_length(char *const *l) {
        size_t n = 0;

        while (l && l[n])
                n++;
        return n;
}

static inline bool strv_contains(char *const *l, const char *s) {
        for (char *const *p = l; p && *p; p++)
                if (streq(*p, s))
                        return true;
        return false;
}
