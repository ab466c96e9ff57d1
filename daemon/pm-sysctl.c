/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm-sysctl.c — net.mptcp.{enabled,path_manager,pm_type} of the namespace the daemon runs in. */
#include <fcntl.h>
#include <stdio.h>

#include "pm-sysctl.h"

static const char *const pm_kind_names[_PM_KIND_MAX] = {
        [PM_KIND_KERNEL] = "kernel",
        [PM_KIND_USERSPACE] = "userspace",
};

const char *pm_kind_to_string(PmKind k) {
        return k >= 0 && k < _PM_KIND_MAX ? pm_kind_names[k] : NULL;
}

/* /proc/sys/net is per network namespace of the process that opens it: exactly ours. */
static int sysctl_path(const char *root, const char *name, char *buf, size_t size) {
        int n = snprintf(buf, size, "%s/net/mptcp/%s", root ?: "/proc/sys", name);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

static int sysctl_read(const char *root, const char *name, char *buf, size_t size) {
        char path[4096];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;
        int r;

        r = sysctl_path(root, name, path, sizeof(path));
        if (r < 0)
                return r;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        n = read(fd, buf, size - 1);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        buf[strcspn(buf, "\n")] = 0;
        return 0;
}

static int sysctl_write(const char *root, const char *name, const char *value) {
        char path[4096];
        _cleanup_close_ int fd = -EBADF;
        size_t len = strlen(value);
        int r;

        r = sysctl_path(root, name, path, sizeof(path));
        if (r < 0)
                return r;
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (write(fd, value, len) != (ssize_t) len)
                return negative_errno();
        return 0;
}

int pm_sysctl_mptcp_enabled(const char *root) {
        char buf[16];
        int r;

        r = sysctl_read(root, "enabled", buf, sizeof(buf));
        if (r < 0)
                return r;
        return streq(buf, "1");
}

int pm_sysctl_select(const char *root, PmKind kind, PmSysctlSaved *saved) {
        PmSysctlSaved s = {};
        char buf[32];
        int r;

        r = sysctl_read(root, "pm_type", buf, sizeof(buf));
        if (r < 0)
                return r;
        s.pm_type = atoi(buf);

        r = sysctl_read(root, "path_manager", s.path_manager, sizeof(s.path_manager));
        if (r >= 0)
                s.have_path_manager = true;
        else if (r != -ENOENT)
                return r;
        s.valid = true;

        /* The two knobs are kept in sync by the kernel; path_manager is the newer, named one. */
        if (s.have_path_manager)
                r = sysctl_write(root, "path_manager", pm_kind_to_string(kind));
        else
                r = sysctl_write(root, "pm_type", kind == PM_KIND_USERSPACE ? "1" : "0");
        if (r < 0)
                return r;

        *saved = s;
        return 0;
}

int pm_sysctl_restore(const char *root, const PmSysctlSaved *saved) {
        char buf[16];

        if (!saved->valid)
                return 0;
        if (saved->have_path_manager)
                return sysctl_write(root, "path_manager", saved->path_manager);
        snprintf(buf, sizeof(buf), "%d", saved->pm_type);
        return sysctl_write(root, "pm_type", buf);
}
