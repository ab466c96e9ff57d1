/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-backend.h — the daemon's use of the BPF MPTCP scheduler: detected at start, loaded and
 * selected while the active profile's steering needs it, put back otherwise. */
#pragma once

#include <stdbool.h>

#include "policy-engine.h"
#include "sched-loader.h"

typedef struct SchedBackend {
        SchedSupport support;
        SchedLoader *loader;
        bool selected;      /* net.mptcp.scheduler is one of ours */
        const char *failed; /* SCHED_REASON_REFUSED after a failed load or select, else NULL */
} SchedBackend;

/* Detection from vmlinux BTF; never fails. disabled (--no-bpf): nothing detected or used. */
void sched_backend_init(SchedBackend *b, bool disabled);
/* Steering load-balancing → the weighted scheduler, redundant → the redundant one, each with the
 * decisions' weights and the interfaces' metered facts; any other steering → the kernel's
 * default scheduler again. Logs (once per change) and never fails: without the scheduler the
 * engine's mainline mapping is in force. */
void sched_backend_apply(SchedBackend *b, SteeringMode steering, const InterfaceFacts *facts,
                         const InterfaceDecision *decisions, size_t n, const char *pin_dir);
/* Puts the namespace's scheduler back and frees. */
void sched_backend_done(SchedBackend *b);

/* "bpf-scheduler" while ours is selected, else NULL. */
const char *sched_backend_feature(const SchedBackend *b);
/* no-bpf-scheduler (the kernel has none), bpf-scheduler-refused, or NULL. */
const char *sched_backend_degraded(const SchedBackend *b);
