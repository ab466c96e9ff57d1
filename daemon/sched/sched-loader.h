/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-loader.h — the struct_ops MPTCP scheduler: detection, registration, net.mptcp.scheduler, link
 * weights. */
#pragma once

/*
 * Where vmlinux BTF has bpf_struct_ops_mptcp_sched_ops (today only the mptcp_net-next tree),
 * bpf/sched/mptcp_sched.bpf.c registers three MPTCP packet schedulers, "policyd_wrr"
 * (weighted), "policyd_red" (redundant) and "policyd_cost" (cost-aware), that read per-interface
 * weights and costs from the sched_links map (and pacing caps from the sock_ops program's
 * subflow_params) of the caller's network namespace.
 *
 * Life cycle
 *   sched_detect()        what the kernel offers, from vmlinux BTF (never version numbers).
 *   sched_loader_new()    detects (unless told not to), loads the object with its maps pinned by
 *                         name under the pin root (shared with the sock_ops loader's pins) and
 *                         registers the three schedulers. A name already registered (another
 *                         daemon, or one killed with -9: registrations outlive the process) is
 *                         adopted, not replaced, and left registered at stop.
 *   sched_loader_select() sets net.mptcp.scheduler of the calling thread's network namespace,
 *                         saving the value it found the first time. New connections only.
 *   sched_loader_stop()   writes the saved net.mptcp.scheduler back (same namespace), then
 *                         unregisters the schedulers it registered. Live connections keep the
 *                         scheduler they started with until they close.
 *   sched_loader_free()   stops if not stopped, closes everything.
 *
 * Errors: negative errno, and a SchedError (when given) with a reason token for Degraded and a
 * one-line message: SCHED_REASON_ABSENT when the kernel (or the build) has no BPF scheduler,
 * SCHED_REASON_REFUSED when it has one but loading, registering or selecting failed (libbpf's
 * own messages are captured into the message). The library never logs.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_REASON_ABSENT "no-bpf-scheduler"
#define SCHED_REASON_REFUSED "bpf-scheduler-refused"

#define SCHED_LOADER_PIN_ROOT_DEFAULT "/sys/fs/bpf/mptcp-policyd"
#define SCHED_LOADER_ERROR_MAX 512
#define SCHED_LOADER_NAME_MAX 16 /* MPTCP_SCHED_NAME_MAX */

typedef struct SchedLoader SchedLoader;

typedef enum SchedMode {
        SCHED_LOADER_WEIGHTED,  /* "policyd_wrr": weighted round-robin by link weight */
        SCHED_LOADER_REDUNDANT, /* "policyd_red": every usable subflow */
        SCHED_LOADER_COST,      /* "policyd_cost": cheapest usable subflow, then lowest srtt */
        _SCHED_LOADER_MODE_MAX,
} SchedMode;

typedef struct SchedSupport {
        bool built;          /* the daemon was built with the scheduler object */
        bool available;      /* the kernel can register it */
        const char *reason;  /* SCHED_REASON_ABSENT when !available, else NULL */
        const char *message; /* why, in words; NULL when available */
} SchedSupport;

typedef struct SchedError {
        int error;          /* negative errno of the underlying failure */
        const char *reason; /* SCHED_REASON_* token */
        char message[SCHED_LOADER_ERROR_MAX];
} SchedError;

typedef struct SchedLoaderOptions {
        const char *pin_root; /* NULL: SCHED_LOADER_PIN_ROOT_DEFAULT; created if missing */
        bool no_pin;          /* private maps, nothing pinned (tests) */
        bool skip_detect;     /* try loading even where detection says no (tests) */
} SchedLoaderOptions;

/* One interface of the current network namespace. Zero weight = the default (or the weight
 * its pacing cap implies). */
typedef struct SchedLinkParams {
        uint32_t ifindex;
        uint32_t weight; /* 1..1000 */
        uint32_t cost;   /* relative, 0 = free */
        bool metered;    /* adds a fixed cost */
} SchedLinkParams;

typedef struct SchedStats {
        uint64_t send, retrans, none, picks, backup_picks, no_storage, link_entries, pacing_weights;
} SchedStats;

/* Detection from vmlinux BTF (btf_path NULL: the running kernel's). Never fails. */
void sched_detect(const char *btf_path, SchedSupport *ret);

/* "policyd_wrr", ...; NULL for an invalid mode. */
const char *sched_mode_to_name(SchedMode mode);

int sched_loader_new(const SchedLoaderOptions *opts, SchedLoader **ret, SchedError *error);
int sched_loader_select(SchedLoader *l, SchedMode mode, SchedError *error);
int sched_loader_stop(SchedLoader *l, SchedError *error);
SchedLoader *sched_loader_free(SchedLoader *l);

/* Replaces the current namespace's sched_links entries with params[0..n). */
int sched_loader_set_links(SchedLoader *l, const SchedLinkParams *params, size_t n);
int sched_loader_read_stats(SchedLoader *l, SchedStats *ret);
/* True when the schedulers were registered by someone else and adopted. */
bool sched_loader_adopted(const SchedLoader *l);

/* net.mptcp.scheduler of the calling thread's network namespace. */
int sched_sysctl_get(char *buf, size_t size);
int sched_sysctl_set(const char *name);

static inline void sched_loader_freep(SchedLoader **l) {
        if (*l)
                *l = sched_loader_free(*l);
}
