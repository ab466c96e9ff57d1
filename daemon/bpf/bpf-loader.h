/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-loader.h — the subflow BPF program: load/pin/attach, per-netns parameters, telemetry, iter. */
#pragma once

/*
 * Life cycle
 *   bpf_loader_new()     detects, opens the skeleton with maps pinned by name under the pin root
 *                        (LIBBPF_PIN_BY_NAME), loads, and attaches sock_ops to the cgroup with a
 *                        BPF link pinned as PIN_ROOT/subflow_sockops_link. When the pins exist
 *                        (a restarted daemon), the maps are reused with their contents and the
 *                        pinned link gets the new program with bpf_link__update_program(): no
 *                        moment without a program. A pinned link on another cgroup is detached
 *                        and replaced.
 *   bpf_loader_free()    closes our file descriptors only. The pins keep the program attached and
 *                        the maps alive: policy keeps applying while the daemon is down, and the
 *                        next bpf_loader_new() takes over. This is the restart / crash / upgrade
 *                        path.
 *   bpf_loader_detach()  the clean stop that leaves nothing behind: detaches the link (even if
 *                        someone else holds it), unpins link and maps and removes the pin root
 *                        when it is empty. Subflows keep the options already applied to them
 *                        until they close; new subflows get kernel defaults.
 *
 * Namespaces: parameters and telemetry belong to the network namespace of the calling thread
 * at the time of the call (its netns cookie); the iter pass visits that namespace only.
 *
 * Errors: negative errno. -EOPNOTSUPP means "no BPF here" (built without it, kernel without
 * BTF, load or attach refused by the kernel, pin root not on a BPF filesystem); the BpfError,
 * when given, then says why in words fit for Degraded. The library never logs: libbpf's own
 * messages are captured while loading and end up in BpfError.message.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BPF_LOADER_PIN_ROOT_DEFAULT "/sys/fs/bpf/mptcp-policyd"
#define BPF_LOADER_LINK_PIN_NAME "subflow_sockops_link"
#define BPF_LOADER_CC_NAME_MAX 16
#define BPF_LOADER_ERROR_MAX 512

typedef struct BpfLoader BpfLoader;

typedef struct BpfError {
        int error;                          /* negative errno of the underlying failure */
        char message[BPF_LOADER_ERROR_MAX]; /* one line: what failed and why */
} BpfError;

typedef struct BpfFeatures {
        bool built;                   /* the daemon was built with BPF */
        bool btf;                     /* vmlinux BTF was readable */
        bool sock_ops;                /* subflow parameters and telemetry (sock_ops + MPTCP in BTF) */
        bool scheduler;               /* bpf_struct_ops_mptcp_sched_ops: a BPF MPTCP scheduler can load */
        const char *sock_ops_reason;  /* why sock_ops is false; NULL when true */
        const char *scheduler_reason; /* why scheduler is false; NULL when true */
} BpfFeatures;

typedef struct BpfLoaderOptions {
        const char *pin_root;          /* NULL: BPF_LOADER_PIN_ROOT_DEFAULT; created if missing */
        const char *cgroup_path;       /* NULL: the cgroup2 root from /proc/self/mountinfo */
        uint64_t sample_interval_usec; /* RTT-callback sampling; 0: 100 ms */
} BpfLoaderOptions;

/* What one interface's subflows get. Zero = the kernel's default (no cap, sysctl lowat, the
 * subflow's own congestion control). */
typedef struct BpfLinkParams {
        uint32_t ifindex;
        uint64_t pacing_rate;                    /* bytes/s, at most UINT32_MAX - 1; 0 = no cap */
        uint32_t notsent_lowat;                  /* bytes; 0 = default */
        char congestion[BPF_LOADER_CC_NAME_MAX]; /* "" = leave */
} BpfLinkParams;

typedef union BpfAddr {
        struct in_addr in;
        struct in6_addr in6;
} BpfAddr;

typedef struct BpfSubflowInfo {
        uint64_t cookie;  /* socket cookie */
        uint32_t token;   /* the MPTCP connection's local token */
        uint32_t ifindex; /* 0 = not known (yet) */
        uint32_t srtt_usec;
        uint32_t total_retrans;
        uint32_t snd_cwnd;
        uint64_t bytes_acked;
        uint64_t bytes_received;
        uint64_t max_pacing_rate;   /* bytes/s as the socket holds it; UINT64_MAX = no cap */
        uint32_t generation;        /* namespace generation applied */
        uint32_t params_generation; /* generation of the params entry applied, 0 = none */
        uint32_t subflow_id;        /* 1 = initial; 0 = kernel without subflow ids */
        int family;                 /* AF_INET / AF_INET6 */
        BpfAddr local, remote;
        uint16_t local_port, remote_port;
        uint8_t tcp_state; /* TCP_ESTABLISHED, ..., TCP_CLOSE (7) */
        bool backup_local, backup_remote, join, passive;
        char congestion[BPF_LOADER_CC_NAME_MAX]; /* current congestion control */
        uint64_t updated_usec;                   /* CLOCK_MONOTONIC of the last sample */
} BpfSubflowInfo;

typedef struct BpfStats {
        uint64_t subflows; /* subflows adopted */
        uint64_t applied;  /* parameter (re)applications */
        uint64_t setsockopt_errors;
        uint64_t no_storage;
        uint64_t iter_visited;
} BpfStats;

/* Detection from vmlinux BTF (btf_path NULL: the running kernel's). Never fails. */
void bpf_features_detect(const char *btf_path, BpfFeatures *ret);

int bpf_loader_new(const BpfLoaderOptions *opts, BpfLoader **ret, BpfError *error);
BpfLoader *bpf_loader_free(BpfLoader *l);
int bpf_loader_detach(BpfLoader *l, BpfError *error);

/* True when the maps came from existing pins (restart), and when the pinned link was updated in
 * place rather than created. */
bool bpf_loader_reused_maps(const BpfLoader *l);
bool bpf_loader_reused_link(const BpfLoader *l);
const char *bpf_loader_cgroup_path(const BpfLoader *l);
const char *bpf_loader_pin_root(const BpfLoader *l);

/* The calling thread's network namespace cookie (SO_NETNS_COOKIE). */
int bpf_netns_cookie(uint64_t *ret);

/* Replaces the current namespace's parameters with params[0..n) and bumps its generation: live
 * subflows re-apply at their next RTT sample (traffic) or at bpf_loader_iter_apply() (idle). */
int bpf_loader_set_params(BpfLoader *l, const BpfLinkParams *params, size_t n, uint32_t *ret_generation);
/* Sets (params != NULL) or removes one interface's entry and bumps the generation. */
int bpf_loader_update_link(
        BpfLoader *l, uint32_t ifindex, const BpfLinkParams *params, uint32_t *ret_generation);
int bpf_loader_get_generation(BpfLoader *l, uint32_t *ret);

/* The current namespace's subflows (closed ones included until pruned); *ret freed by the caller. */
int bpf_loader_read_telemetry(BpfLoader *l, BpfSubflowInfo **ret, size_t *ret_n);
/* Forgets closed subflows of the current namespace; returns how many. */
int bpf_loader_prune_telemetry(BpfLoader *l);

/* Runs the iter/tcp pass in the current namespace; returns how many subflows it visited. */
int bpf_loader_iter_apply(BpfLoader *l, BpfError *error);

int bpf_loader_read_stats(BpfLoader *l, BpfStats *ret);

static inline void bpf_loader_freep(BpfLoader **l) {
        if (*l)
                *l = bpf_loader_free(*l);
}
