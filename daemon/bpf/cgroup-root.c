/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup-root.c — finds the cgroup v2 mount point in /proc/self/mountinfo. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-root.h"
#include "macro.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s, size_t len) {
        char *r = malloc(len + 1), *d = r;

        if (!r)
                return NULL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
                        *d++ = (char) (((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
                        i += 3;
                } else
                        *d++ = s[i];
        }
        *d = 0;
        return r;
}

/* Field n (0-based, space-separated) of line: its start and length. */
static int field(const char *line, unsigned n, const char **ret, size_t *ret_len) {
        const char *p = line;

        for (unsigned i = 0;; i++) {
                size_t len;

                p += strspn(p, " ");
                if (!*p || *p == '\n')
                        return -EINVAL;
                len = strcspn(p, " \n");
                if (i == n) {
                        *ret = p;
                        *ret_len = len;
                        return 0;
                }
                p += len;
        }
}

int cgroup2_find_root(const char *mountinfo_path, char **ret) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;

        f = fopen(mountinfo_path ?: "/proc/self/mountinfo", "re");
        if (!f)
                return -errno;

        while (getline(&line, &size, f) >= 0) {
                const char *sep, *fstype, *mnt;
                size_t fstype_len, mnt_len;
                char *r;

                /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
                sep = strstr(line, " - ");
                if (!sep)
                        continue;
                if (field(sep + 3, 0, &fstype, &fstype_len) < 0)
                        continue;
                if (fstype_len != strlen("cgroup2") || strncmp(fstype, "cgroup2", fstype_len) != 0)
                        continue;
                if (field(line, 4, &mnt, &mnt_len) < 0 || mnt >= sep || mnt[0] != '/')
                        continue;

                r = unescape_octal(mnt, mnt_len);
                if (!r)
                        return -ENOMEM;
                *ret = r;
                return 0;
        }
        if (ferror(f))
                return -EIO;
        return -ENOENT;
}
