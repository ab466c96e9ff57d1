/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-loader.c — loads and registers the struct_ops MPTCP schedulers, selects one, puts it all back. */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "macro.h"
#include "mptcp-sched.h"
#include "mptcp_sched.skel.h"
#include "sched-links.h"
#include "sched-loader.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

_Static_assert(SCHED_LOADER_WEIGHTED == (int) SCHED_MODE_WEIGHTED, "mode numbering");
_Static_assert(SCHED_LOADER_REDUNDANT == (int) SCHED_MODE_REDUNDANT, "mode numbering");
_Static_assert(SCHED_LOADER_COST == (int) SCHED_MODE_COST, "mode numbering");
_Static_assert(SCHED_LOADER_NAME_MAX == SCHED_NAME_MAX, "name length");

struct SchedLoader {
        struct mptcp_sched_bpf *skel;
        struct bpf_link *links[_SCHED_LOADER_MODE_MAX]; /* NULL where adopted */
        bool adopted;
        bool saved; /* saved_scheduler holds the original */
        char saved_scheduler[SCHED_LOADER_NAME_MAX];
        uint64_t saved_netns_cookie; /* namespace the original belongs to */
        bool stopped;
};

/* libbpf's messages while loading, kept (last ones win) for SchedError.message. */
static _Thread_local char capture_buf[384];

static int capture_print(enum libbpf_print_level level, const char *format, va_list args) {
        char line[256];
        size_t have, len;

        if (level == LIBBPF_DEBUG)
                return 0;
        (void) vsnprintf(line, sizeof(line), format, args);
        if (strncmp(line, "libbpf: ", 8) == 0)
                memmove(line, line + 8, strlen(line + 8) + 1);
        len = strlen(line);
        while (len > 0 && line[len - 1] == '\n')
                line[--len] = '\0';
        if (len == 0)
                return 0;
        have = strlen(capture_buf);
        if (have + len + 3 >= sizeof(capture_buf)) {
                /* Keep the newest message: the last one usually says why. */
                capture_buf[0] = '\0';
                have = 0;
        }
        (void) snprintf(capture_buf + have, sizeof(capture_buf) - have, "%s%s", have ? "; " : "", line);
        return 0;
}

/* Fills error (may be NULL): "FORMAT[: strerror(cause)][ (libbpf: captured)]"; returns err. */
_printf_(5, 6) static int sched_error(
        SchedError *error, const char *reason, int err, int cause, const char *format, ...) {
        va_list ap;
        size_t n;

        if (!error)
                return err;
        error->error = err;
        error->reason = reason;
        va_start(ap, format);
        (void) vsnprintf(error->message, sizeof(error->message), format, ap);
        va_end(ap);
        n = strlen(error->message);
        if (cause < 0 && n < sizeof(error->message))
                (void) snprintf(error->message + n, sizeof(error->message) - n, ": %s", strerror(-cause));
        n = strlen(error->message);
        if (capture_buf[0] && n < sizeof(error->message))
                (void) snprintf(
                        error->message + n, sizeof(error->message) - n, " (libbpf: %s)", capture_buf);
        return err;
}

static int netns_cookie(uint64_t *ret) {
        _cleanup_close_ int fd = -EBADF;
        socklen_t len = sizeof(*ret);

        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, ret, &len) < 0)
                return -errno;
        return 0;
}

static struct bpf_map *mode_map(SchedLoader *l, SchedMode mode) {
        switch (mode) {
        case SCHED_LOADER_WEIGHTED:
                return l->skel->maps.policyd_wrr;
        case SCHED_LOADER_REDUNDANT:
                return l->skel->maps.policyd_red;
        case SCHED_LOADER_COST:
                return l->skel->maps.policyd_cost;
        case _SCHED_LOADER_MODE_MAX:
                break;
        }
        return NULL;
}

static void unregister_all(SchedLoader *l) {
        for (size_t i = 0; i < ELEMENTSOF(l->links); i++)
                if (l->links[i]) {
                        /* libbpf 1.1: destroying a struct_ops "link" deletes the map's element,
                         * which unregisters the scheduler. */
                        (void) bpf_link__destroy(l->links[i]);
                        l->links[i] = NULL;
                }
}

int sched_loader_new(const SchedLoaderOptions *opts, SchedLoader **ret, SchedError *error) {
        static const SchedLoaderOptions default_opts = {};
        _cleanup_(sched_loader_freep) SchedLoader *l = NULL;
        const char *pin_root;
        libbpf_print_fn_t previous;
        int r;

        if (!ret)
                return -EINVAL;
        if (!opts)
                opts = &default_opts;
        pin_root = opts->pin_root ?: SCHED_LOADER_PIN_ROOT_DEFAULT;
        capture_buf[0] = '\0';

        if (!opts->skip_detect) {
                SchedSupport s;

                sched_detect(NULL, &s);
                if (!s.available)
                        return sched_error(error, s.reason, -EOPNOTSUPP, 0, "%s", s.message);
        }

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->stopped = true; /* nothing to put back yet */

        if (!opts->no_pin && mkdir(pin_root, 0700) < 0 && errno != EEXIST)
                return sched_error(
                        error, SCHED_REASON_REFUSED, -errno, -errno, "creating pin root %s", pin_root);

        previous = libbpf_set_print(capture_print);
        r = 0;
        {
                LIBBPF_OPTS(
                        bpf_object_open_opts, open_opts, .pin_root_path = opts->no_pin ? NULL : pin_root);
                struct bpf_map *map;

                l->skel = mptcp_sched_bpf__open_opts(&open_opts);
                if (!l->skel)
                        r = -errno ?: -EINVAL;
                if (r == 0 && opts->no_pin)
                        bpf_object__for_each_map(map, l->skel->obj) {
                                r = bpf_map__set_pin_path(map, NULL);
                                if (r < 0)
                                        break;
                        }
                if (r == 0)
                        r = mptcp_sched_bpf__load(l->skel);
        }
        libbpf_set_print(previous);
        if (r < 0) {
                /* The kernel lacks the struct_ops type or a kfunc, or the verifier said no. */
                if (r == -ENOMEM)
                        return sched_error(
                                error, SCHED_REASON_REFUSED, r, r, "loading the BPF MPTCP scheduler");
                return sched_error(
                        error, SCHED_REASON_REFUSED, -EOPNOTSUPP, r,
                        "the kernel refused the BPF MPTCP scheduler");
        }

        for (SchedMode m = 0; m < _SCHED_LOADER_MODE_MAX; m++) {
                struct bpf_link *link;

                previous = libbpf_set_print(capture_print);
                link = bpf_map__attach_struct_ops(mode_map(l, m));
                r = link ? 0 : -errno;
                libbpf_set_print(previous);
                if (r == -EEXIST) {
                        /* Registered by another daemon or a previous run: registrations are
                         * global and outlive their process. Theirs read the same pinned maps. */
                        l->adopted = true;
                        continue;
                }
                if (r < 0) {
                        unregister_all(l);
                        return sched_error(
                                error, SCHED_REASON_REFUSED, r, r, "registering MPTCP scheduler %s",
                                sched_mode_to_name(m));
                }
                l->links[m] = link;
        }

        l->stopped = false;
        *ret = TAKE_PTR(l);
        return 0;
}

int sched_loader_select(SchedLoader *l, SchedMode mode, SchedError *error) {
        const char *name = sched_mode_to_name(mode);
        uint64_t cookie = 0;
        int r;

        if (!l || !name || l->stopped)
                return -EINVAL;
        capture_buf[0] = '\0';

        r = netns_cookie(&cookie);
        if (r < 0)
                return sched_error(
                        error, SCHED_REASON_REFUSED, r, r, "reading the network namespace cookie");
        if (l->saved && cookie != l->saved_netns_cookie)
                return sched_error(
                        error, SCHED_REASON_REFUSED, -EXDEV, 0,
                        "net.mptcp.scheduler was saved in another network namespace");

        if (!l->saved) {
                r = sched_sysctl_get(l->saved_scheduler, sizeof(l->saved_scheduler));
                if (r < 0)
                        return sched_error(error, SCHED_REASON_REFUSED, r, r, "reading net.mptcp.scheduler");
                l->saved = true;
                l->saved_netns_cookie = cookie;
        }

        r = sched_sysctl_set(name);
        if (r < 0)
                return sched_error(
                        error, SCHED_REASON_REFUSED, r, r, "setting net.mptcp.scheduler to %s", name);
        return 0;
}

int sched_loader_stop(SchedLoader *l, SchedError *error) {
        int r = 0;

        if (!l)
                return -EINVAL;
        if (l->stopped)
                return 0;
        l->stopped = true;
        capture_buf[0] = '\0';

        /* The original first, so that no new connection picks a scheduler about to go. */
        if (l->saved) {
                uint64_t cookie = 0;

                if (netns_cookie(&cookie) < 0 || cookie != l->saved_netns_cookie)
                        r = sched_error(
                                error, SCHED_REASON_REFUSED, -EXDEV, 0,
                                "net.mptcp.scheduler not restored to %s: stop called in another "
                                "network namespace",
                                l->saved_scheduler);
                else {
                        r = sched_sysctl_set(l->saved_scheduler);
                        if (r < 0)
                                (void) sched_error(
                                        error, SCHED_REASON_REFUSED, r, r,
                                        "restoring net.mptcp.scheduler to %s", l->saved_scheduler);
                }
                l->saved = false;
        }

        unregister_all(l);
        return r;
}

SchedLoader *sched_loader_free(SchedLoader *l) {
        if (!l)
                return NULL;
        (void) sched_loader_stop(l, NULL);
        mptcp_sched_bpf__destroy(l->skel);
        return mfree(l);
}

bool sched_loader_adopted(const SchedLoader *l) {
        return l && l->adopted;
}

int sched_loader_set_links(SchedLoader *l, const SchedLinkParams *params, size_t n) {
        uint64_t cookie;
        int r;

        if (!l || !l->skel)
                return -EINVAL;
        r = netns_cookie(&cookie);
        if (r < 0)
                return r;
        return sched_links_replace(bpf_map__fd(l->skel->maps.sched_links), cookie, params, n);
}

int sched_loader_read_stats(SchedLoader *l, SchedStats *ret) {
        uint64_t v[_SCHED_STAT_MAX] = {};
        int fd;

        if (!l || !l->skel || !ret)
                return -EINVAL;
        fd = bpf_map__fd(l->skel->maps.sched_stats);
        for (uint32_t i = 0; i < _SCHED_STAT_MAX; i++)
                if (bpf_map_lookup_elem(fd, &i, &v[i]) < 0)
                        return -errno;
        *ret = (SchedStats){
                .send = v[SCHED_STAT_SEND],
                .retrans = v[SCHED_STAT_RETRANS],
                .none = v[SCHED_STAT_NONE],
                .picks = v[SCHED_STAT_PICKS],
                .backup_picks = v[SCHED_STAT_BACKUP_PICKS],
                .no_storage = v[SCHED_STAT_NO_STORAGE],
                .link_entries = v[SCHED_STAT_LINK_ENTRIES],
                .pacing_weights = v[SCHED_STAT_PACING_WEIGHTS],
        };
        return 0;
}
