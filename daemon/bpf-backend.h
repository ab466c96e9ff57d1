/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-backend.h — the daemon's use of the subflow BPF loader: start, decisions → map parameters,
 * telemetry for the bus and the steering, stop. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "bpf-loader.h"
#include "macro.h"
#include "pm-codec.h"
#include "policy-engine.h"

/*
 * Start: the loader attaches the sock_ops program to the configured cgroup (NULL: the cgroup2
 * root) with its pins under pin_dir. With the default pin directory, a missing bpffs on
 * /sys/fs/bpf is mounted first. Nothing here is fatal: without BPF the backend stays and says why
 * (bpf_backend_degraded()).
 *
 * Stop: bpf_backend_stop(detach = false) closes our descriptors only: the pinned link keeps the
 * program attached and the pinned maps keep the last parameters, so the policy keeps applying
 * while the daemon is down and the next start takes over without a gap (restart, upgrade,
 * crash). detach = true (--bpf-detach-on-exit) detaches the program and removes the pins.
 */

typedef struct BpfBackend BpfBackend;

typedef enum BpfBackendState {
        BPF_BACKEND_DISABLED,          /* --no-bpf */
        BPF_BACKEND_UNAVAILABLE,       /* not built, no BTF, load or attach refused */
        BPF_BACKEND_BPFFS_UNAVAILABLE, /* no BPF filesystem for the pins */
        BPF_BACKEND_ATTACHED,
        _BPF_BACKEND_STATE_MAX,
} BpfBackendState;

typedef struct BpfBackendOptions {
        bool disabled;       /* --no-bpf */
        const char *pin_dir; /* NULL: BPF_LOADER_PIN_ROOT_DEFAULT */
        const char *cgroup;  /* NULL: the cgroup2 root */
} BpfBackendOptions;

/* Called from the telemetry timer after each read (every BPF_BACKEND_TELEMETRY_USEC). */
typedef void (*BpfBackendTelemetryHandler)(BpfBackend *b, void *userdata);
#define BPF_BACKEND_TELEMETRY_USEC (1000u * 1000u)

/* Never fails for lack of BPF (see bpf_backend_state()); -ENOMEM, or an sd-event error. */
int bpf_backend_new(
        sd_event *event, const BpfBackendOptions *options, BpfBackendTelemetryHandler handler,
        void *userdata, BpfBackend **ret);
BpfBackend *bpf_backend_free(BpfBackend *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(BpfBackend *, bpf_backend_free);

BpfBackendState bpf_backend_state(const BpfBackend *b);
/* The Degraded token when not attached ("bpf-disabled", "bpf-unavailable", "bpffs-unavailable")
 * or when the last apply failed ("bpf-parameters-not-applied"); NULL when all is well. */
const char *bpf_backend_degraded(const BpfBackend *b);
/* One line for the log: why BPF is not in use. */
const char *bpf_backend_message(const BpfBackend *b);

/* Writes each decision's pacing cap, congestion control and notsent_lowat as this namespace's
 * parameters when they differ from the last ones written, bumps the generation and re-applies to
 * idle subflows (iter/tcp). 0 also when not attached (nothing to do). */
int bpf_backend_apply(BpfBackend *b, const InterfaceDecision *decisions, size_t n);

/* Sets have_telemetry, srtt_usec (best) and loss_ppm of each interface from the last read
 * (have_telemetry false: no established subflow on it). */
void bpf_backend_fill_facts(const BpfBackend *b, InterfaceFacts *facts, size_t n);

/* The subflow local → remote (addresses with ports) from a read at most 100 ms old; NULL when
 * unknown. */
const BpfSubflowInfo *bpf_backend_find_subflow(BpfBackend *b, const PmAddr *local, const PmAddr *remote);

/* Closes our descriptors (the pins keep the program and parameters), or with detach removes the
 * program and the pins. Idempotent. */
void bpf_backend_stop(BpfBackend *b, bool detach);
