/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm-sysctl.c — net.mptcp.{enabled,path_manager,pm_type} of the namespace the daemon runs in. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

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

static int record_path(const char *runtime_dir, char *buf, size_t size) {
        struct stat st;
        int n;

        if (stat("/proc/self/ns/net", &st) < 0)
                return negative_errno();
        n = snprintf(buf, size, "%s/path-manager.%llu", runtime_dir, (unsigned long long) st.st_ino);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* "path_manager pm_type have_path_manager", one line. */
static int record_read(const char *path, PmSysctlSaved *ret) {
        _cleanup_fclose_ FILE *f = NULL;
        PmSysctlSaved s = {};
        int have;

        f = fopen(path, "re");
        if (!f)
                return negative_errno();
        if (fscanf(f, "%31s %d %d", s.path_manager, &s.pm_type, &have) != 3 || (have != 0 && have != 1) ||
            s.pm_type < 0 || s.pm_type > 1)
                return -EBADMSG;
        s.have_path_manager = have;
        s.valid = true;
        *ret = s;
        return 0;
}

static int record_write(const char *runtime_dir, const char *path, const PmSysctlSaved *s) {
        char tmp[4096];
        _cleanup_fclose_ FILE *f = NULL;
        int n;

        if (mkdir(runtime_dir, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        if (n < 0 || (size_t) n >= sizeof(tmp))
                return -ENAMETOOLONG;
        f = fopen(tmp, "we");
        if (!f)
                return negative_errno();
        fprintf(f, "%s %d %d\n", s->have_path_manager ? s->path_manager : "-", s->pm_type, s->have_path_manager);
        if (fflush(f) != 0 || ferror(f)) {
                int r = negative_errno();
                (void) unlink(tmp);
                return r;
        }
        if (rename(tmp, path) < 0) {
                int r = negative_errno();
                (void) unlink(tmp);
                return r;
        }
        return 0;
}

int pm_sysctl_select(const char *root, const char *runtime_dir, PmKind kind, PmSysctlSaved *saved,
                     bool *ret_recovered) {
        PmSysctlSaved s = {}, recorded;
        char buf[32], path[4096];
        bool recovered = false;
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
        s.found = pm_sysctl_saved_kind(&s);

        if (runtime_dir) {
                r = record_path(runtime_dir, path, sizeof(path));
                if (r < 0)
                        return r;
                /* A record means an earlier instance never restored: its original is the real one. */
                if (record_read(path, &recorded) >= 0) {
                        recorded.found = s.found;
                        s = recorded;
                        recovered = true;
                } else {
                        r = record_write(runtime_dir, path, &s);
                        if (r < 0)
                                return r;
                }
        }

        /* The two knobs are kept in sync by the kernel; path_manager is the newer, named one. */
        r = pm_sysctl_set(root, &s, kind);
        if (r < 0)
                return r;

        *saved = s;
        if (ret_recovered)
                *ret_recovered = recovered;
        return 0;
}

int pm_sysctl_set(const char *root, const PmSysctlSaved *saved, PmKind kind) {
        if (saved->have_path_manager)
                return sysctl_write(root, "path_manager", pm_kind_to_string(kind));
        return sysctl_write(root, "pm_type", kind == PM_KIND_USERSPACE ? "1" : "0");
}

PmKind pm_sysctl_saved_kind(const PmSysctlSaved *saved) {
        if (saved->have_path_manager)
                return streq(saved->path_manager, "userspace") ? PM_KIND_USERSPACE : PM_KIND_KERNEL;
        return saved->pm_type == 1 ? PM_KIND_USERSPACE : PM_KIND_KERNEL;
}

int pm_sysctl_restore(const char *root, const char *runtime_dir, const PmSysctlSaved *saved) {
        char buf[16], path[4096];
        int r;

        if (!saved->valid)
                return 0;
        if (saved->have_path_manager)
                r = sysctl_write(root, "path_manager", saved->path_manager);
        else {
                snprintf(buf, sizeof(buf), "%d", saved->pm_type);
                r = sysctl_write(root, "pm_type", buf);
        }
        if (r < 0)
                return r;

        if (runtime_dir && record_path(runtime_dir, path, sizeof(path)) >= 0)
                (void) unlink(path);
        return 0;
}
