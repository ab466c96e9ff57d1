/* SPDX-License-Identifier: GPL-2.0-or-later */
/* manager.h — the daemon's context: every piece of state hangs off one Manager. */
#pragma once

#include <systemd/sd-event.h>

#include "address-ids.h"
#include "connection.h"
#include "link-tracker.h"
#include "pm-socket.h"
#include "pm-sysctl.h"

typedef struct ManagerStats {
        uint64_t connections_seen;
        uint64_t subflows_requested;
        uint64_t subflows_request_failed;
        uint64_t subflows_established;
        uint64_t subflows_closed_error;
} ManagerStats;

typedef struct Manager {
        sd_event *event;
        PmSocket *pm;
        LinkTracker *links;
        ConnectionTable *connections;
        AddressIds address_ids;

        PmKind pm_kind;
        PmSysctlSaved sysctl_saved;

        ManagerStats stats;
} Manager;

int manager_new(Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Takes over path management of this network namespace and starts listening. */
int manager_start(Manager *m);
/* Hands path management back (restores the sysctls) and logs a summary. */
void manager_stop(Manager *m);
