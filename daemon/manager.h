/* SPDX-License-Identifier: GPL-2.0-or-later */
/* manager.h — the daemon's context: every piece of state hangs off one Manager. */
#pragma once

#include <systemd/sd-event.h>

#include "address-ids.h"
#include "connection.h"
#include "interfaces.h"
#include "link-tracker.h"
#include "pm-socket.h"
#include "pm-sysctl.h"
#include "settings.h"

typedef struct ManagerStats {
        uint64_t connections_seen;
        uint64_t subflows_requested;
        uint64_t subflows_request_failed;
        uint64_t subflows_established;
        uint64_t subflows_closed_error;
        uint64_t resyncs;
} ManagerStats;

/* Where configuration comes from (the command line). */
typedef struct ManagerOptions {
        const char *config_path;   /* default CONFIG_FILE */
        bool config_required;      /* --config given: a missing file is an error */
        char **profile_dirs;       /* --profiles, NULL-terminated; NULL = from the config */
        const char *sysfs_root;    /* NULL = /sys (tests) */
        const char *runtime_dir;   /* default RUNTIME_DIR: the path manager's original selection */
        int event_buffer;          /* event socket receive buffer, bytes; 0 = PM_EVENT_RCVBUF_DEFAULT */
} ManagerOptions;

/* An MPTCP listener the daemon holds so that joins to an announced address find one. */
typedef struct AnnounceListener {
        PmAddr addr; /* with port */
        int fd;
} AnnounceListener;
#define ANNOUNCE_LISTENERS_MAX 64

typedef struct Manager {
        ManagerOptions options;
        sd_event *event;
        PmSocket *pm;
        LinkTracker *links;
        ConnectionTable *connections;
        AddressIds address_ids;

        PolicyEnvironment environment; /* what this host offers, for the policy checks */
        PolicyCapabilities capabilities;
        Settings *settings;
        const Profile *profile; /* the active profile, inside settings */
        InterfaceTable interfaces;
        sd_event_source *resync_source; /* armed after lost events, coalesces bursts of them */
        sd_event_source *timer_source;  /* subflow deadlines and retries (userspace PM) */
        AnnounceListener listeners[ANNOUNCE_LISTENERS_MAX];
        size_t n_listeners;

        PmKind pm_kind;
        PmSysctlSaved sysctl_saved;

        ManagerStats stats;
} Manager;

int manager_new(const ManagerOptions *options, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Takes over path management of this network namespace and starts listening. */
int manager_start(Manager *m);
/* Re-reads the configuration and profiles; on any error the running policy stays. */
int manager_reload(Manager *m);
/* Re-derives every interface's facts and decision, then brings every connection to them. */
void manager_apply(Manager *m);
/* Makes sure the subflow timers run at usec (CLOCK_MONOTONIC) at the latest. */
void manager_schedule_timer(Manager *m, uint64_t usec);
/* Hands path management back (restores the sysctls) and logs a summary. */
void manager_stop(Manager *m);
