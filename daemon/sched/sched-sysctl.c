/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-sysctl.c — the schedulers' names and net.mptcp.scheduler of the calling thread's namespace. */

#include <fcntl.h>

#include "macro.h"
#include "mptcp-sched.h"
#include "sched-loader.h"

/* /proc/sys/net resolves to the network namespace of the task that opens it. */
#define SCHED_SYSCTL_PATH "/proc/sys/net/mptcp/scheduler"

static const char *const sched_mode_names[_SCHED_LOADER_MODE_MAX] = {
        [SCHED_LOADER_WEIGHTED] = SCHED_NAME_WEIGHTED,
        [SCHED_LOADER_REDUNDANT] = SCHED_NAME_REDUNDANT,
        [SCHED_LOADER_COST] = SCHED_NAME_COST,
};

const char *sched_mode_to_name(SchedMode mode) {
        if ((unsigned) mode >= _SCHED_LOADER_MODE_MAX)
                return NULL;
        return sched_mode_names[mode];
}

int sched_sysctl_get(char *buf, size_t size) {
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;

        if (!buf || size < 2)
                return -EINVAL;
        fd = open(SCHED_SYSCTL_PATH, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
                n--;
        buf[n] = '\0';
        return n > 0 ? 0 : -ENODATA;
}

int sched_sysctl_set(const char *name) {
        _cleanup_close_ int fd = -EBADF;
        size_t len;
        ssize_t n;

        if (!name)
                return -EINVAL;
        len = strlen(name);
        if (len == 0 || len >= SCHED_LOADER_NAME_MAX)
                return -EINVAL;
        fd = open(SCHED_SYSCTL_PATH, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* The kernel answers ENOENT for a name no scheduler is registered under. */
        n = write(fd, name, len);
        if (n < 0)
                return -errno;
        return (size_t) n == len ? 0 : -EIO;
}
