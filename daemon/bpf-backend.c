/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-backend.c — the daemon's use of the subflow BPF loader: start, decisions → map parameters,
 * telemetry for the bus and the steering, stop. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "bpf-backend.h"
#include "log.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#define BPFFS_DEFAULT_MOUNT "/sys/fs/bpf"
#define TELEMETRY_MAX_AGE_USEC (100u * 1000u)
/* Loss is estimated from retransmitted segments over segments acked (MSS-sized). */
#define LOSS_SEGMENT_BYTES 1448u

struct BpfBackend {
        sd_event *event;
        sd_event_source *timer;
        BpfBackendTelemetryHandler handler;
        void *userdata;

        BpfBackendState state;
        char message[BPF_LOADER_ERROR_MAX];
        BpfLoader *loader;

        BpfLinkParams *params; /* as last written; NULL before the first write */
        size_t n_params;
        bool params_written;
        bool apply_failed;

        BpfSubflowInfo *telemetry;
        size_t n_telemetry;
        uint64_t telemetry_usec; /* CLOCK_MONOTONIC of the read, 0 = never */
};

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static bool on_bpffs(const char *path) {
        struct statfs s;

        return statfs(path, &s) >= 0 && (unsigned long) s.f_type == BPF_FS_MAGIC;
}

/* The default pin root lives on /sys/fs/bpf, which not every system mounts: mount it (we are
 * root). In a private mount namespace (ip netns exec remounts /sys) the mount and its pins last
 * only as long as that namespace. */
static int ensure_default_bpffs(BpfBackend *b) {
        if (on_bpffs(BPFFS_DEFAULT_MOUNT))
                return 0;
        if (mount("bpf", BPFFS_DEFAULT_MOUNT, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0) {
                int r = -errno;

                (void) snprintf(
                        b->message, sizeof(b->message), "cannot mount a BPF filesystem on %s: %s",
                        BPFFS_DEFAULT_MOUNT, strerror(-r));
                return r;
        }
        log_info("Mounted a BPF filesystem on %s.", BPFFS_DEFAULT_MOUNT);
        return 0;
}

static int telemetry_read(BpfBackend *b) {
        BpfSubflowInfo *t = NULL;
        size_t n = 0;
        int r;

        if (!b->loader)
                return -EOPNOTSUPP;
        (void) bpf_loader_prune_telemetry(b->loader);
        r = bpf_loader_read_telemetry(b->loader, &t, &n);
        if (r < 0)
                return r;
        free(b->telemetry);
        b->telemetry = t;
        b->n_telemetry = n;
        b->telemetry_usec = now_usec();
        return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        BpfBackend *b = userdata;
        int r;

        r = telemetry_read(b);
        if (r < 0)
                log_debug_errno(r, "Failed to read the subflow telemetry: %m");
        else if (b->handler)
                b->handler(b, b->userdata);
        (void) sd_event_source_set_time(s, usec + BPF_BACKEND_TELEMETRY_USEC);
        return 0;
}

int bpf_backend_new(
        sd_event *event, const BpfBackendOptions *options, BpfBackendTelemetryHandler handler,
        void *userdata, BpfBackend **ret) {
        _cleanup_(bpf_backend_freep) BpfBackend *b = NULL;
        BpfLoaderOptions lo = { .pin_root = options->pin_dir, .cgroup_path = options->cgroup };
        BpfFeatures features;
        BpfError error = {};
        int r;

        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->event = sd_event_ref(event);
        b->handler = handler;
        b->userdata = userdata;

        if (options->disabled) {
                b->state = BPF_BACKEND_DISABLED;
                (void) snprintf(b->message, sizeof(b->message), "disabled with --no-bpf");
                log_info("BPF subflow parameters and telemetry: disabled (--no-bpf).");
                *ret = TAKE_PTR(b);
                return 0;
        }

        /* No mount for nothing: first whether this build and kernel can run the program at all. */
        bpf_features_detect(NULL, &features);
        if (!features.sock_ops) {
                b->state = BPF_BACKEND_UNAVAILABLE;
                (void) snprintf(b->message, sizeof(b->message), "%s", strna(features.sock_ops_reason));
                log_notice("BPF subflow parameters and telemetry unavailable: %s.", b->message);
                *ret = TAKE_PTR(b);
                return 0;
        }

        if (!options->pin_dir && ensure_default_bpffs(b) < 0) {
                b->state = BPF_BACKEND_BPFFS_UNAVAILABLE;
                log_notice("BPF subflow parameters and telemetry unavailable: %s.", b->message);
                *ret = TAKE_PTR(b);
                return 0;
        }

        r = bpf_loader_new(&lo, &b->loader, &error);
        if (r < 0) {
                const char *pin = options->pin_dir ?: BPF_LOADER_PIN_ROOT_DEFAULT;
                char parent[BPF_LOADER_ERROR_MAX];
                char *slash;

                /* Which one: no BPF filesystem under the pin root, or no BPF at all. */
                (void) snprintf(parent, sizeof(parent), "%s", pin);
                slash = strrchr(parent, '/');
                if (slash && slash != parent)
                        *slash = '\0';
                b->state = !on_bpffs(pin) && !on_bpffs(parent) ? BPF_BACKEND_BPFFS_UNAVAILABLE
                                                               : BPF_BACKEND_UNAVAILABLE;
                (void) snprintf(
                        b->message, sizeof(b->message), "%s",
                        error.message[0] ? error.message : strerror(-r));
                log_notice("BPF subflow parameters and telemetry unavailable: %s.", b->message);
                *ret = TAKE_PTR(b);
                return 0;
        }

        b->state = BPF_BACKEND_ATTACHED;
        log_info(
                "BPF sock_ops program attached to cgroup %s, pins under %s (%s maps, %s link).",
                bpf_loader_cgroup_path(b->loader), bpf_loader_pin_root(b->loader),
                bpf_loader_reused_maps(b->loader) ? "reused" : "new",
                bpf_loader_reused_link(b->loader) ? "updated" : "new");

        r = sd_event_add_time_relative(
                b->event, &b->timer, CLOCK_MONOTONIC, BPF_BACKEND_TELEMETRY_USEC, 0, on_timer, b);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(b->timer, SD_EVENT_ON);

        *ret = TAKE_PTR(b);
        return 0;
}

BpfBackend *bpf_backend_free(BpfBackend *b) {
        if (!b)
                return NULL;
        sd_event_source_disable_unref(b->timer);
        bpf_loader_free(b->loader);
        sd_event_unref(b->event);
        free(b->params);
        free(b->telemetry);
        free(b);
        return NULL;
}

BpfBackendState bpf_backend_state(const BpfBackend *b) {
        return b ? b->state : BPF_BACKEND_DISABLED;
}

const char *bpf_backend_degraded(const BpfBackend *b) {
        if (!b)
                return "bpf-disabled";
        switch (b->state) {
        case BPF_BACKEND_DISABLED:
                return "bpf-disabled";
        case BPF_BACKEND_UNAVAILABLE:
                return "bpf-unavailable";
        case BPF_BACKEND_BPFFS_UNAVAILABLE:
                return "bpffs-unavailable";
        case BPF_BACKEND_ATTACHED:
                return b->apply_failed ? "bpf-parameters-not-applied" : NULL;
        case _BPF_BACKEND_STATE_MAX:
                break;
        }
        return "bpf-unavailable";
}

const char *bpf_backend_message(const BpfBackend *b) {
        return b ? b->message : "";
}

static void
params_from_decisions(const InterfaceDecision *decisions, size_t n, BpfLinkParams *ret, size_t *ret_n) {
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
                const InterfaceDecision *d = &decisions[i];
                uint64_t rate = d->pacing_cap_bps / 8;

                if (d->ifindex <= 0 ||
                    (d->pacing_cap_bps == 0 && !d->congestion[0] && d->notsent_lowat == 0))
                        continue;
                if (d->pacing_cap_bps > 0 && rate == 0)
                        rate = 1;
                ret[k] = (BpfLinkParams){
                        .ifindex = (uint32_t) d->ifindex,
                        .pacing_rate = rate > UINT32_MAX - 1 ? UINT32_MAX - 1 : rate,
                        .notsent_lowat = d->notsent_lowat,
                };
                (void) snprintf(ret[k].congestion, sizeof(ret[k].congestion), "%s", d->congestion);
                k++;
        }
        *ret_n = k;
}

static bool params_equal(const BpfLinkParams *a, const BpfLinkParams *b, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (a[i].ifindex != b[i].ifindex || a[i].pacing_rate != b[i].pacing_rate ||
                    a[i].notsent_lowat != b[i].notsent_lowat ||
                    strcmp(a[i].congestion, b[i].congestion) != 0)
                        return false;
        return true;
}

int bpf_backend_apply(BpfBackend *b, const InterfaceDecision *decisions, size_t n) {
        _cleanup_free_ BpfLinkParams *params = NULL;
        BpfError error = {};
        uint32_t generation;
        size_t k;
        int r;

        if (!b || b->state != BPF_BACKEND_ATTACHED)
                return 0;

        params = calloc(n ?: 1, sizeof(*params));
        if (!params)
                return -ENOMEM;
        params_from_decisions(decisions, n, params, &k);
        if (b->params_written && !b->apply_failed && k == b->n_params && params_equal(params, b->params, k))
                return 0; /* nothing changed: no generation bump, no re-application */

        r = bpf_loader_set_params(b->loader, params, k, &generation);
        if (r < 0) {
                b->apply_failed = true;
                return log_warning_errno(r, "Failed to write the BPF subflow parameters: %m");
        }
        free(b->params);
        b->params = TAKE_PTR(params);
        b->n_params = k;
        b->params_written = true;
        b->apply_failed = false;

        for (size_t i = 0; i < k; i++)
                log_debug(
                        "BPF parameters for ifindex %" PRIu32 ": pacing %" PRIu64
                        " B/s, notsent_lowat %" PRIu32 ", congestion %s (generation %" PRIu32 ").",
                        b->params[i].ifindex, b->params[i].pacing_rate, b->params[i].notsent_lowat,
                        b->params[i].congestion[0] ? b->params[i].congestion : "(leave)", generation);

        /* Idle subflows see no RTT callback: re-apply to them now. */
        r = bpf_loader_iter_apply(b->loader, &error);
        if (r < 0)
                log_notice(
                        "BPF parameters written (generation %" PRIu32
                        ") but idle subflows not revisited: %s.",
                        generation, error.message);
        else
                log_info(
                        "BPF subflow parameters for %zu interface(s) in force (generation %" PRIu32
                        ", %d live subflow(s) revisited).",
                        k, generation, r);
        return 0;
}

void bpf_backend_fill_facts(const BpfBackend *b, InterfaceFacts *facts, size_t n) {
        if (!b || b->state != BPF_BACKEND_ATTACHED || b->telemetry_usec == 0)
                return;
        for (size_t i = 0; i < n; i++) {
                InterfaceFacts *f = &facts[i];
                uint64_t best = UINT64_MAX, acked = 0, retrans = 0;

                for (size_t j = 0; j < b->n_telemetry; j++) {
                        const BpfSubflowInfo *t = &b->telemetry[j];

                        if (t->ifindex != (uint32_t) f->ifindex || t->tcp_state != TCP_ESTABLISHED ||
                            t->srtt_usec == 0)
                                continue;
                        if (t->srtt_usec < best)
                                best = t->srtt_usec;
                        acked += t->bytes_acked;
                        retrans += t->total_retrans;
                }
                f->have_telemetry = best != UINT64_MAX;
                if (!f->have_telemetry) {
                        f->srtt_usec = 0;
                        f->loss_ppm = 0;
                        continue;
                }
                f->srtt_usec = best;
                f->loss_ppm = (uint32_t) (retrans * 1000000u / (acked / LOSS_SEGMENT_BYTES + retrans + 1));
        }
}

static bool addr_equal(int family, const BpfAddr *a, uint16_t port, const PmAddr *p) {
        if (p->family != family || p->port != port)
                return false;
        if (family == AF_INET)
                return a->in.s_addr == p->in.s_addr;
        return memcmp(&a->in6, &p->in6, sizeof(a->in6)) == 0;
}

const BpfSubflowInfo *bpf_backend_find_subflow(BpfBackend *b, const PmAddr *local, const PmAddr *remote) {
        const BpfSubflowInfo *found = NULL;

        if (!b || b->state != BPF_BACKEND_ATTACHED || local->port == 0)
                return NULL;
        if (now_usec() - b->telemetry_usec > TELEMETRY_MAX_AGE_USEC)
                (void) telemetry_read(b);
        for (size_t i = 0; i < b->n_telemetry; i++) {
                const BpfSubflowInfo *t = &b->telemetry[i];

                if (!addr_equal(t->family, &t->local, t->local_port, local) ||
                    !addr_equal(t->family, &t->remote, t->remote_port, remote))
                        continue;
                /* A 4-tuple may be reused: the newest sample wins. */
                if (!found || t->updated_usec > found->updated_usec)
                        found = t;
        }
        return found;
}

void bpf_backend_stop(BpfBackend *b, bool detach) {
        BpfError error = {};
        int r;

        if (!b || !b->loader)
                return;
        b->timer = sd_event_source_disable_unref(b->timer);
        if (detach) {
                r = bpf_loader_detach(b->loader, &error);
                if (r < 0)
                        log_warning_errno(r, "Failed to detach the BPF program: %s", error.message);
                else
                        log_info("BPF program detached, pins removed (--bpf-detach-on-exit).");
        } else
                log_info(
                        "BPF program stays attached with its parameters (pins under %s).",
                        bpf_loader_pin_root(b->loader));
        b->loader = bpf_loader_free(b->loader);
        b->state = BPF_BACKEND_DISABLED;
}
