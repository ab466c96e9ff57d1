/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state-file.c — reads and atomically writes the persisted selected profile and mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state-file.h"

void saved_state_done(SavedState *s) {
        free(s->selected_profile);
        s->selected_profile = NULL;
}

/* Profile names as the policy language allows them in file names: no '/', no control
 * characters, not empty, short. */
static bool valid_profile_name(const char *s, size_t len) {
        if (len == 0 || len > HOLD_STRING_MAX)
                return false;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f || s[i] == '/')
                        return false;
        return true;
}

static int parse_state(char *buf, SavedState *ret, unsigned *ret_line) {
        SavedState s = { .mode = PROFILE_MODE_MANUAL };
        unsigned line = 0;
        char *p = buf, *nl;

        for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
                char *eq, *key, *value;

                line++;
                nl = strchr(p, '\n');
                if (nl)
                        *nl = '\0';
                if (*p == '\0' || *p == '#')
                        continue;
                eq = strchr(p, '=');
                if (!eq)
                        goto bad;
                *eq = '\0';
                key = p;
                value = eq + 1;
                if (streq(key, "selected-profile")) {
                        if (!valid_profile_name(value, strlen(value)) || s.selected_profile)
                                goto bad;
                        s.selected_profile = strdup(value);
                        if (!s.selected_profile)
                                return -ENOMEM;
                } else if (streq(key, "mode")) {
                        s.mode = profile_mode_from_string(value);
                        if (s.mode < 0)
                                goto bad;
                } else
                        goto bad;
        }
        *ret = s;
        return 0;
bad:
        saved_state_done(&s);
        if (ret_line)
                *ret_line = line;
        return -EBADMSG;
}

int state_file_load(const char *dir, SavedState *ret, unsigned *ret_line) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        char buf[STATE_FILE_SIZE_MAX + 1];
        size_t len = 0;

        if (asprintf(&path, "%s/%s", dir, STATE_FILE_NAME) < 0)
                return -ENOMEM;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
                return -errno;

        for (;;) {
                ssize_t n = read(fd, buf + len, sizeof(buf) - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len == sizeof(buf)) {
                        if (ret_line)
                                *ret_line = 0;
                        return -EBADMSG; /* too big to be ours */
                }
        }
        buf[len] = '\0';
        if (strlen(buf) != len) { /* a NUL inside */
                if (ret_line)
                        *ret_line = 0;
                return -EBADMSG;
        }
        return parse_state(buf, ret, ret_line);
}

int state_file_save(const char *dir, const char *selected_profile, ProfileMode mode) {
        _cleanup_free_ char *path = NULL, *tmp = NULL, *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *m = profile_mode_to_string(mode);
        int len, r;

        if (!m || (selected_profile && !valid_profile_name(selected_profile, strlen(selected_profile))))
                return -EINVAL;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (asprintf(&path, "%s/%s", dir, STATE_FILE_NAME) < 0 ||
            asprintf(&tmp, "%s/.%s.XXXXXX", dir, STATE_FILE_NAME) < 0)
                return -ENOMEM;
        len = asprintf(&text, "# mptcp-policyd: the user's choices, kept across restarts. Written by the daemon.\n"
                              "%s%s%smode=%s\n",
                       selected_profile ? "selected-profile=" : "", selected_profile ?: "",
                       selected_profile ? "\n" : "", m);
        if (len < 0)
                return -ENOMEM;

        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* Readable by all like the rest of /var/lib: it holds nothing secret. */
        if (fchmod(fd, 0644) < 0)
                goto fail_errno;
        for (ssize_t off = 0; off < len;) {
                ssize_t n = write(fd, text + off, (size_t) (len - off));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        goto fail_errno;
                }
                off += n;
        }
        if (fsync(fd) < 0)
                goto fail_errno;
        if (rename(tmp, path) < 0)
                goto fail_errno;
        /* The rename itself must survive a crash too. */
        {
                _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dfd >= 0)
                        (void) fsync(dfd);
        }
        return 0;

fail_errno:
        r = -errno;
        (void) unlink(tmp);
        return r;
}
