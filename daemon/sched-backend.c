/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-backend.c — selects the BPF MPTCP scheduler for the steering modes that use it. */
#include <stdlib.h>

#include "log.h"
#include "sched-backend.h"

void sched_backend_init(SchedBackend *b, bool disabled) {
        *b = (SchedBackend) {};
        if (disabled) /* --no-bpf: the BPF backend says bpf-disabled for both */
                return;
        sched_detect(NULL, &b->support);
        if (!b->support.available)
                log_info("BPF MPTCP scheduler: %s; steering uses the mainline mapping.", strna(b->support.message));
}

static void sched_backend_unselect(SchedBackend *b) {
        SchedError e = {};

        if (!b->loader)
                return;
        if (sched_loader_stop(b->loader, &e) < 0)
                log_warning("Failed to put back the previous MPTCP scheduler: %s", e.message);
        else if (b->selected)
                log_info("MPTCP scheduler: back to the previous one.");
        b->loader = sched_loader_free(b->loader);
        b->selected = false;
}

void sched_backend_apply(SchedBackend *b, SteeringMode steering, const InterfaceFacts *facts,
                         const InterfaceDecision *decisions, size_t n, const char *pin_dir) {
        SchedLinkParams links[64];
        SchedError e = {};
        SchedMode mode = _SCHED_LOADER_MODE_MAX; /* set by every case that goes on */
        size_t k = 0;

        switch (steering) {
        case STEERING_LOAD_BALANCING:
                mode = SCHED_LOADER_WEIGHTED;
                break;
        case STEERING_REDUNDANT:
                mode = SCHED_LOADER_REDUNDANT;
                break;
        case STEERING_ACTIVE_STANDBY:
        case STEERING_SMALLEST_DELAY:
        case STEERING_PRIORITY_BASED:
                sched_backend_unselect(b);
                return;
        }
        if (!b->support.available)
                return;

        if (!b->loader) {
                SchedLoaderOptions o = { .pin_root = pin_dir };

                if (sched_loader_new(&o, &b->loader, &e) < 0) {
                        if (!b->failed)
                                log_warning("Failed to load the BPF MPTCP scheduler: %s", e.message);
                        b->failed = SCHED_REASON_REFUSED;
                        return;
                }
        }
        for (size_t i = 0; i < n && k < ELEMENTSOF(links); i++)
                links[k++] = (SchedLinkParams) {
                        .ifindex = (uint32_t) facts[i].ifindex,
                        .weight = decisions[i].weight,
                        .metered = facts[i].metered == TRISTATE_YES,
                };
        if (sched_loader_set_links(b->loader, links, k) < 0 || sched_loader_select(b->loader, mode, &e) < 0) {
                if (!b->failed)
                        log_warning("Failed to select the BPF MPTCP scheduler %s: %s", sched_mode_to_name(mode),
                                    e.message);
                b->failed = SCHED_REASON_REFUSED;
                return;
        }
        if (!b->selected || b->failed)
                log_info("MPTCP scheduler: %s.", sched_mode_to_name(mode));
        b->selected = true;
        b->failed = NULL;
}

void sched_backend_done(SchedBackend *b) {
        sched_backend_unselect(b);
}

const char *sched_backend_feature(const SchedBackend *b) {
        return b->selected ? "bpf-scheduler" : NULL;
}

const char *sched_backend_degraded(const SchedBackend *b) {
        if (!b->support.available && b->support.reason)
                return b->support.reason;
        return b->failed;
}
