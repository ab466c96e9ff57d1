/* SPDX-License-Identifier: GPL-2.0-or-later */
/* manager.h — the daemon's context: every piece of state hangs off one Manager. */
#pragma once

#include <systemd/sd-event.h>

#include "address-ids.h"
#include "bpf-backend.h"
#include "connection.h"
#include "interfaces.h"
#include "link-tracker.h"
#include "pm-socket.h"
#include "pm-sysctl.h"
#include "profile-choice.h"
#include "route-watch.h"
#include "sched-backend.h"
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
        const char *state_dir;     /* --state-dir; NULL = the config's state-dir, else STATE_DIR */
        bool no_bus;               /* --no-bus: never connect to the system bus */
        bool no_bpf;               /* --no-bpf: no sock_ops program, no telemetry */
        const char *bpf_pin_dir;   /* --bpf-pin-dir; NULL = BPF_LOADER_PIN_ROOT_DEFAULT */
        bool bpf_detach_on_exit;   /* --bpf-detach-on-exit: a clean stop detaches and unpins */
} ManagerOptions;

/* Why the active profile is the one in force. */
typedef enum ActiveReason {
        ACTIVE_REASON_HOLD,   /* a HoldProfile */
        ACTIVE_REASON_MANUAL, /* the user's SetProfile */
        ACTIVE_REASON_AUTO,   /* an auto rule, or default-profile in auto mode */
        _ACTIVE_REASON_MAX,
} ActiveReason;

const char *active_reason_to_string(ActiveReason r);

typedef struct BusService BusService;

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

        /* Which profile is in force (manager-profile.c). */
        char *selected_profile; /* the user's manual choice; NULL = the config's default-profile */
        ProfileMode mode;
        HoldTable holds;
        ActiveReason active_reason;
        int primary_ifindex; /* of the default route, for auto mode; 0 = none (route-watch keeps it) */
        RouteWatch *routes;  /* default route changes re-run the auto rules */

        BusService *bus; /* NULL with --no-bus */
        BpfBackend *bpf; /* always there after manager_start; says why when BPF is not in use */
        SchedBackend sched; /* the BPF MPTCP scheduler, where the kernel has one */
        uint64_t telemetry_change_usec; /* CLOCK_MONOTONIC of the last telemetry-driven apply */

        PmKind pm_kind;
        PmSysctlSaved sysctl_saved;

        ManagerStats stats;
} Manager;

int manager_new(const ManagerOptions *options, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Takes over path management of this network namespace and starts listening. */
int manager_start(Manager *m);
/* Re-reads the configuration and profiles; on any error the running policy stays and
 * *ret_error (if not NULL) gets the first problem as "file:line:column: message". */
int manager_reload(Manager *m, char **ret_error);
/* Re-derives every interface's facts and decision, then brings every connection to them. */
void manager_apply(Manager *m);
/* Makes sure the subflow timers run at usec (CLOCK_MONOTONIC) at the latest. */
void manager_schedule_timer(Manager *m, uint64_t usec);
/* ---- manager-profile.c: which profile is in force, and the ways to change it ---------------- */

/* Reads the persisted selected profile and mode (a missing or corrupt file is logged, not fatal). */
void manager_load_state(Manager *m);
/* The directory of the persisted state: --state-dir, else the config's state-dir, else STATE_DIR. */
const char *manager_state_dir(const Manager *m);
/* The user's choice, or the config's default-profile before there is one. */
const char *manager_selected_profile(const Manager *m);
/* NULL when the kernel can enforce p, else a reason token (e.g. redundant without the scheduler). */
const char *manager_profile_unusable_reason(const Manager *m, const Profile *p);
/* Finds the default route's interface again (at start and when a default route changes: the
 * auto rules match it, and looking it up on every apply would be a route dump per link event). */
void manager_update_primary_interface(Manager *m);
/* Chooses the profile in force (holds, manual, auto) without applying it. */
const Profile *manager_choose_profile(Manager *m, ActiveReason *ret_reason);
/* SetProfile: manual mode with name selected; releases every hold (holders are told).
 * -ENOENT unknown profile, -EOPNOTSUPP not enforceable here. */
int manager_set_profile(Manager *m, const char *name);
int manager_set_mode(Manager *m, ProfileMode mode);
/* HoldProfile. -ENOENT, -EOPNOTSUPP as above; -EINVAL, -E2BIG from hold_table_add(). */
int manager_add_hold(Manager *m, const char *profile, const char *reason, const char *application_id,
                     const char *holder, ProfileHold **ret);
/* Ends the hold with cookie. sender (if not NULL) must be its holder, else -EPERM; -ENOENT when
 * there is no such hold. notify: send ProfileReleased to the holder. */
int manager_release_hold(Manager *m, uint32_t cookie, const char *sender, bool notify);
/* Every hold ends (the bus went away: their holders with it). */
void manager_drop_holds(Manager *m, bool notify);

/* Hands path management back (restores the sysctls) and logs a summary. */
void manager_stop(Manager *m);
