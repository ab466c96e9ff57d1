/* SPDX-License-Identifier: GPL-2.0-or-later */
/* manager.c — creates, starts and stops the daemon's context and wires its event sources. */
#include <inttypes.h>
#include <net/if.h>
#include <time.h>

#include "log.h"
#include "announce.h"
#include "bus-service.h"
#include "host-environment.h"
#include "kernel-backend.h"
#include "manager.h"
#include "userspace-pm.h"

static void on_pm_event(PmSocket *s, const PmEvent *ev, void *userdata) {
        Manager *m = userdata;

        /* Whatever the backend for new connections, connections latched to the userspace PM
         * earlier still need us; kernel-latched ones are tracked but never commanded. */
        userspace_pm_handle_event(m, ev);
        if (m->bus)
                bus_service_emit_connection_event(m->bus, ev);
}

static uint64_t now(clockid_t clock) {
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* After lost events, wait this long for the burst to pass, then take one snapshot for all of it. */
#define RESYNC_DELAY_USEC (20 * 1000)

static int manager_resync(Manager *m, PmKind latched_kind) {
        _cleanup_(mptcp_diag_snapshot_freep) MptcpDiagSnapshot *snapshot = NULL;
        MptcpDiagOptions options = { .listeners = true };
        int r;

        r = mptcp_diag_dump_full(&options, &snapshot);
        if (r < 0)
                return log_warning_errno(r, "Failed to list MPTCP connections over sock_diag: %m");
        m->stats.resyncs++;
        userspace_pm_resync(m, snapshot, latched_kind);
        return 0;
}

static int on_resync_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        m->resync_source = sd_event_source_unref(m->resync_source);
        if (manager_resync(m, m->pm_kind) < 0) /* try again later rather than stay blind */
                (void) sd_event_add_time_relative(m->event, &m->resync_source, CLOCK_MONOTONIC,
                                                  1000 * 1000, 0, on_resync_timer, m);
        return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        uint64_t next;

        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        next = userspace_pm_run_timers(m);
        if (next != 0)
                manager_schedule_timer(m, next);
        return 0;
}

void manager_schedule_timer(Manager *m, uint64_t usec) {
        uint64_t at;
        int enabled = SD_EVENT_OFF, r;

        if (m->timer_source) {
                (void) sd_event_source_get_enabled(m->timer_source, &enabled);
                if (enabled != SD_EVENT_OFF && sd_event_source_get_time(m->timer_source, &at) >= 0 && at <= usec)
                        return; /* it runs earlier anyway and re-arms for what is left */
                r = sd_event_source_set_time(m->timer_source, usec);
                if (r >= 0)
                        r = sd_event_source_set_enabled(m->timer_source, SD_EVENT_ONESHOT);
        } else
                r = sd_event_add_time(m->event, &m->timer_source, CLOCK_MONOTONIC, usec, 0, on_timer, m);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the subflow timer: %m");
}

static void on_pm_overflow(PmSocket *s, void *userdata) {
        Manager *m = userdata;
        int r;

        if (m->resync_source)
                return;
        log_notice("MPTCP event queue overflowed: events were lost; resynchronizing from the kernel.");
        r = sd_event_add_time_relative(m->event, &m->resync_source, CLOCK_MONOTONIC, RESYNC_DELAY_USEC, 0,
                                       on_resync_timer, m);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule a resync: %m");
}

static void on_link_event(LinkTracker *t, LinkEventType type, const LinkInfo *link, const LinkAddr *addr,
                          void *userdata) {
        Manager *m = userdata;

        switch (type) {
        case LINK_EVENT_ADDR_NEW:
        case LINK_EVENT_ADDR_CHANGED: /* e.g. DAD finished: the address became usable */
        case LINK_EVENT_LINK_CHANGED:
        case LINK_EVENT_LINK_NEW:
        case LINK_EVENT_RESYNCED:
                /* A new usable address or a link coming up: live connections may gain subflows. */
                if (link)
                        log_debug("Link %s (%i): %s", link->name, link->ifindex, link_event_type_to_string(type));
                manager_apply(m);
                break;
        case LINK_EVENT_ADDR_REMOVED:
                /* Apply first: announcements of the address are withdrawn with its ID. */
                manager_apply(m);
                if (addr) {
                        PmAddr p = { .family = addr->family };

                        if (addr->family == AF_INET)
                                p.in = addr->in;
                        else
                                p.in6 = addr->in6;
                        userspace_pm_forget_address(m, &p);
                        announce_forget_address(m, &p);
                }
                break;
        case LINK_EVENT_LINK_REMOVED:
                manager_apply(m);
                break;
        }
}

static void on_route_change(RouteWatch *w, void *userdata) {
        Manager *m = userdata;

        manager_update_primary_interface(m);
        /* Only the auto rules look at the default route. */
        if (m->mode == PROFILE_MODE_AUTO && m->holds.n == 0 && m->settings && m->settings->config->n_auto_rules > 0) {
                log_debug("Default route changed: choosing the profile again.");
                manager_apply(m);
        }
}

int manager_new(const ManagerOptions *options, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = new0(Manager, 1);
        if (!m)
                return -ENOMEM;
        m->options = *options;
        m->pm_kind = PM_KIND_USERSPACE;
        m->mode = PROFILE_MODE_AUTO; /* until the user chooses: auto rules, else default-profile */

        r = sd_event_default(&m->event);
        if (r < 0)
                return r;

        m->connections = connection_table_new();
        if (!m->connections)
                return -ENOMEM;

        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        manager_drop_holds(m, false); /* their holder tracking belongs to the bus connection */
        route_watch_free(m->routes);
        bus_service_free(m->bus);
        bpf_backend_free(m->bpf); /* without stop: the pins keep the program (a failed start) */
        sched_backend_done(&m->sched);
        hold_table_done(&m->holds);
        free(m->selected_profile);
        sd_event_source_disable_unref(m->resync_source);
        sd_event_source_disable_unref(m->timer_source);
        announce_listeners_free(m);
        pm_socket_free(m->pm);
        link_tracker_free(m->links);
        connection_table_free(m->connections);
        interface_table_done(&m->interfaces);
        settings_free(m->settings);
        host_environment_done(&m->environment);
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

/* Errors (a file that is skipped or refused) are errors; warnings describe what a profile cannot
 * do on this host, which is worth a notice, not an alarm at every start. */
static void log_diagnostics(const PolicyDiagnostics *d) {
        for (size_t i = 0; i < d->n_items; i++) {
                const PolicyError *e = &d->items[i];
                int level = e->severity == POLICY_SEVERITY_ERROR ? LOG_ERR : LOG_NOTICE;

                /* The level says error or warning; the position stays grep-able as file:line:column. */
                if (e->line > 0)
                        log_full_errno(level, 0, "%s:%u:%u: %s", strna(e->file), e->line, e->column, e->message);
                else
                        log_full_errno(level, 0, "%s: %s", strna(e->file), e->message);
        }
        if (d->oom)
                log_oom();
}

/* The first error of d as "file:line:column: message" (or "file: message"); NULL on OOM or none. */
static char *first_error(const PolicyDiagnostics *d) {
        char *s = NULL;

        for (size_t i = 0; i < d->n_items; i++) {
                const PolicyError *e = &d->items[i];

                if (e->severity != POLICY_SEVERITY_ERROR)
                        continue;
                if ((e->line > 0 ? asprintf(&s, "%s:%u:%u: %s", strna(e->file), e->line, e->column, e->message)
                                 : asprintf(&s, "%s: %s", strna(e->file), e->message)) < 0)
                        return NULL;
                return s;
        }
        return NULL;
}

/* Loads settings; nothing of the running state changes on failure. strict (a reload): a broken
 * profile fails the load too, rather than silently dropping a profile that is running; at start
 * it is skipped so the daemon still enforces the rest. *ret_error (if not NULL) gets the first
 * problem. */
static int load_settings(Manager *m, bool strict, Settings **ret, char **ret_error) {
        _cleanup_(settings_freep) Settings *s = NULL;
        PolicyDiagnostics diag = {};
        int r;

        r = settings_load(m->options.config_path, m->options.config_required, m->options.profile_dirs,
                          &m->environment, &s, &diag);
        log_diagnostics(&diag);
        if (r >= 0 && strict && diag.n_errors > 0)
                r = -EINVAL;
        if (r < 0 && ret_error) {
                *ret_error = first_error(&diag);
                if (!*ret_error && r != -ENOMEM && asprintf(ret_error, "%s: %s", m->options.config_path, strerror(-r)) < 0)
                        *ret_error = NULL;
        }
        policy_diagnostics_done(&diag);
        if (r == -EINVAL)
                return log_error_errno(r, "Configuration %s is invalid.", m->options.config_path);
        if (r < 0)
                return log_error_errno(r, "Failed to load the configuration %s: %m", m->options.config_path);

        log_info("Loaded %zu profile(s) from %s%s; default profile: %s.", s->profiles->n_profiles, s->profile_dirs[0],
                 s->profile_dirs[0] && s->profile_dirs[1] ? " and more" : "", s->config->default_profile);
        *ret = TAKE_PTR(s);
        return 0;
}

/* Makes the chosen profile the active one; true when it changed. */
static bool update_active_profile(Manager *m) {
        ActiveReason reason;
        const Profile *p = manager_choose_profile(m, &reason);
        bool changed = p != m->profile || reason != m->active_reason;

        if (!p)
                return false;
        if (p != m->profile && (!m->profile || !streq(p->name, m->profile->name)))
                log_info("Now in force: active profile: %s (%s, %s), %s.", p->name,
                         path_manager_to_string(p->path_manager), steering_mode_to_string(p->steering),
                         reason == ACTIVE_REASON_HOLD     ? "held by an application"
                         : reason == ACTIVE_REASON_MANUAL ? "selected by the user"
                                                          : "auto mode");
        m->profile = p;
        m->active_reason = reason;
        return changed;
}

/* Decides again with the BPF telemetry in the facts (priority-based overflow needs it). Into
 * decisions, which has room for m->interfaces.n. */
static int decide_with_telemetry(Manager *m, InterfaceDecision *decisions) {
        bpf_backend_fill_facts(m->bpf, m->interfaces.facts, m->interfaces.n);
        return policy_decide(m->profile, &m->capabilities, m->interfaces.facts, m->interfaces.n, decisions);
}

static int update_interfaces(Manager *m) {
        int r;

        r = interface_table_update(&m->interfaces, m->links, m->settings->overrides, m->settings->n_overrides,
                                   m->options.sysfs_root, m->profile, &m->capabilities);
        if (r < 0)
                log_warning_errno(r, "Failed to update interface facts; keeping the previous ones: %m");
        else if (!m->interfaces.refused && m->interfaces.n > 0 &&
                 bpf_backend_state(m->bpf) == BPF_BACKEND_ATTACHED)
                (void) decide_with_telemetry(m, m->interfaces.decisions);
        return r;
}

/* What reaches the kernel; the flags only explain a decision. */
static bool decisions_equal(const InterfaceDecision *a, const InterfaceDecision *b) {
        return a->ifindex == b->ifindex && a->backup == b->backup && a->use == b->use &&
               a->subflows == b->subflows && a->pacing_cap_bps == b->pacing_cap_bps &&
               a->notsent_lowat == b->notsent_lowat && streq(a->congestion, b->congestion);
}

/* A decision the telemetry changed stays at least this long (against flapping: an overflow
 * relieves the very delay that caused it). */
#define TELEMETRY_DWELL_USEC (3 * 1000 * 1000)

/* Every telemetry read: applies again only when a decision changes with the new figures. */
static void on_bpf_telemetry(BpfBackend *b, void *userdata) {
        _cleanup_free_ InterfaceDecision *d = NULL;
        Manager *m = userdata;

        if (!m->profile || m->interfaces.refused || m->interfaces.n == 0)
                return;
        if (m->telemetry_change_usec != 0 && now(CLOCK_MONOTONIC) - m->telemetry_change_usec < TELEMETRY_DWELL_USEC)
                return;
        d = new0(InterfaceDecision, m->interfaces.n);
        if (!d || decide_with_telemetry(m, d) < 0)
                return;
        for (size_t i = 0; i < m->interfaces.n; i++)
                if (!decisions_equal(&d[i], &m->interfaces.decisions[i])) {
                        log_info("Interface %s: telemetry changes its decision to %s.", d[i].name,
                                 interface_decision_to_string(&d[i]));
                        m->telemetry_change_usec = now(CLOCK_MONOTONIC);
                        manager_apply(m);
                        return;
                }
}

void manager_apply(Manager *m) {
        PmKind want;
        int r;

        if (!m->settings || !m->links)
                return;

        (void) update_active_profile(m);
        if (!m->profile)
                return;
        r = update_interfaces(m);
        if (r < 0)
                goto out;
        /* In auto mode the choice depends on the primary interface's facts, which may just have
         * changed: choose once more with them. */
        if (m->active_reason == ACTIVE_REASON_AUTO && update_active_profile(m) && update_interfaces(m) < 0)
                goto out;
        if (m->interfaces.refused)
                log_warning("Profile %s cannot be enforced on this kernel (%s): connections keep their "
                            "current subflows.", m->profile->name, m->interfaces.refused);

        want = m->profile->path_manager == PATH_MANAGER_KERNEL ? PM_KIND_KERNEL : PM_KIND_USERSPACE;
        if (want != m->pm_kind) {
                /* New connections follow the new backend; live ones stay latched to theirs. */
                if (m->pm_kind == PM_KIND_KERNEL)
                        (void) kernel_backend_release(m);
                r = pm_sysctl_set(NULL, &m->sysctl_saved, want);
                if (r < 0)
                        log_warning_errno(r, "Failed to select the %s path manager, staying with %s: %m",
                                          pm_kind_to_string(want), pm_kind_to_string(m->pm_kind));
                else {
                        log_info("Path manager for new connections: %s.", pm_kind_to_string(want));
                        m->pm_kind = want;
                }
        }
        if (m->pm_kind == PM_KIND_KERNEL)
                (void) kernel_backend_apply(m);
        if (!m->interfaces.refused) {
                (void) bpf_backend_apply(m->bpf, m->interfaces.decisions, m->interfaces.n);
                sched_backend_apply(&m->sched, m->profile->steering, m->interfaces.facts, m->interfaces.decisions,
                                    m->interfaces.n, m->options.bpf_pin_dir);
        }

        for (size_t i = 0; i < m->interfaces.n; i++) {
                const InterfaceFacts *f = &m->interfaces.facts[i];

                log_debug("Interface %s: %s%s, metered %s, %s, %zu usable address(es) → %s", f->name,
                          interface_type_to_string(f->type), f->type_from_config ? " (config)" : "",
                          tristate_to_string(f->metered), f->up ? "usable" : "unusable", f->n_addresses,
                          interface_decision_to_string(&m->interfaces.decisions[i]));
        }

        userspace_pm_reconcile_all(m);
out:
        if (m->bus)
                bus_service_emit_changes(m->bus);
}

int manager_reload(Manager *m, char **ret_error) {
        _cleanup_(settings_freep) Settings *s = NULL;
        int r;

        r = load_settings(m, true, &s, ret_error);
        if (r < 0) {
                log_warning("Reload failed; the running policy (profile %s) stays.", m->profile->name);
                return r;
        }

        settings_free(m->settings);
        m->settings = TAKE_PTR(s);
        m->profile = NULL; /* pointed into the old settings */

        /* A selection and holds of profiles that are gone end here (the selection first: ending
         * a hold applies the profile then in force). */
        if (m->selected_profile && !settings_find_profile(m->settings, m->selected_profile)) {
                log_notice("The selected profile %s is gone; using %s.", m->selected_profile,
                           m->settings->config->default_profile);
                m->selected_profile = mfree(m->selected_profile);
        }
        for (size_t i = m->holds.n; i > 0; i--)
                if (!settings_find_profile(m->settings, m->holds.holds[i - 1].profile)) {
                        log_notice("Profile %s is gone: hold %u released.", m->holds.holds[i - 1].profile,
                                   m->holds.holds[i - 1].cookie);
                        (void) manager_release_hold(m, m->holds.holds[i - 1].cookie, NULL, true);
                }

        uint64_t t0 = now(CLOCK_MONOTONIC);
        manager_apply(m);
        log_info("Profile %s applied to %zu connection(s) in %.1f ms.", m->profile ? m->profile->name : "(none)",
                 connection_table_size(m->connections), (double) (now(CLOCK_MONOTONIC) - t0) / 1000.0);
        return 0;
}

int manager_start(Manager *m) {
        bool recovered;
        int r;

        r = host_environment_probe(&m->environment);
        if (r < 0)
                return log_error_errno(r, "Failed to probe this host's congestion controls and BPF: %m");
        m->capabilities.have_bpf_scheduler = m->environment.bpf_scheduler;

        r = load_settings(m, false, &m->settings, NULL);
        if (r < 0)
                return r;
        manager_load_state(m);
        /* Subscribed before the first lookup, so no change falls between the two. */
        r = route_watch_new(m->event, on_route_change, m, &m->routes);
        if (r < 0)
                return log_error_errno(r, "Failed to watch routes over rtnetlink: %m");
        manager_update_primary_interface(m);
        (void) update_active_profile(m);
        if (!m->profile)
                return log_error_errno(-ENOENT, "No profile to run.");
        m->pm_kind = m->profile->path_manager == PATH_MANAGER_KERNEL ? PM_KIND_KERNEL : PM_KIND_USERSPACE;

        /* BPF before the first apply, so that its parameters go with it. Never fatal. */
        r = bpf_backend_new(m->event,
                            &(BpfBackendOptions){
                                    .disabled = m->options.no_bpf,
                                    .pin_dir = m->options.bpf_pin_dir,
                                    .cgroup = m->settings->config->bpf_cgroup,
                            },
                            on_bpf_telemetry, m, &m->bpf);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the BPF backend: %m");
        sched_backend_init(&m->sched, m->options.no_bpf);

        r = pm_sysctl_mptcp_enabled(NULL);
        if (r < 0)
                return log_error_errno(r, "Cannot read net.mptcp.enabled (is MPTCP built into this kernel?): %m");
        if (r == 0)
                return log_error_errno(-ENOPROTOOPT,
                                       "MPTCP is disabled in this network namespace (net.mptcp.enabled=0).");

        /* Links first, so the first connection already sees every usable address. */
        r = link_tracker_new(m->event, on_link_event, m, &m->links);
        if (r < 0)
                return log_error_errno(r, "Failed to track links and addresses over rtnetlink: %m");

        r = pm_socket_new(m->event, m->options.event_buffer, on_pm_event, on_pm_overflow, m, &m->pm);
        if (r == -EPROTONOSUPPORT)
                return log_error_errno(r, "The kernel has no \"" PM_GENL_NAME "\" generic netlink family.");
        if (r < 0)
                return log_error_errno(r, "Failed to open the MPTCP path manager netlink sockets: %m");

        /* Select the PM only once we listen: connections from then on are latched to us. */
        r = pm_sysctl_select(NULL, m->options.runtime_dir, m->pm_kind, &m->sysctl_saved, &recovered);
        if (r < 0)
                return log_error_errno(r, "Failed to select the %s path manager: %m", pm_kind_to_string(m->pm_kind));
        if (recovered)
                log_notice("A previous instance stopped without restoring the path manager; "
                           "will restore its original on exit.");

        manager_apply(m);

        /* The bus last: callers see a daemon that already enforces its policy. Without a bus the
         * policy is enforced all the same; the service connects when the bus appears. */
        if (!m->options.no_bus) {
                r = bus_service_new(m, &m->bus);
                if (r < 0)
                        log_warning_errno(r, "Failed to set up the D-Bus service; running without it: %m");
        }
        /* Connections that exist already (a restart, or opened before us) are adopted, not reset.
         * After subscribing, so nothing falls between the snapshot and the first event. */
        (void) manager_resync(m, m->sysctl_saved.found);

        log_info("Path manager: %s (was %s); listening for MPTCP events (family %u).", pm_kind_to_string(m->pm_kind),
                 m->sysctl_saved.have_path_manager ? m->sysctl_saved.path_manager
                                                   : (m->sysctl_saved.pm_type ? "userspace" : "kernel"),
                 pm_socket_family_id(m->pm));
        return 0;
}

void manager_stop(Manager *m) {
        int r;

        /* By default the program and its parameters stay (pinned): policy keeps applying while
         * the daemon is down, and the next start takes over without a gap. */
        bpf_backend_stop(m->bpf, m->options.bpf_detach_on_exit);
        /* The scheduler is chosen per namespace (net.mptcp.scheduler): put back what was there. */
        sched_backend_done(&m->sched);

        /* Leave no endpoint behind: the namespace goes back to what it was without us. */
        if (m->pm && m->sysctl_saved.valid && m->pm_kind == PM_KIND_KERNEL)
                (void) kernel_backend_release(m);

        r = pm_sysctl_restore(NULL, m->options.runtime_dir, &m->sysctl_saved);
        if (r < 0)
                log_warning_errno(r, "Failed to restore the previous path manager: %m");
        else if (m->sysctl_saved.valid)
                log_info("Restored path manager %s.",
                         m->sysctl_saved.have_path_manager ? m->sysctl_saved.path_manager
                                                           : (m->sysctl_saved.pm_type ? "userspace" : "kernel"));
        m->sysctl_saved.valid = false;

        if (m->pm) {
                const PmSocketStats *st = pm_socket_stats(m->pm);

                log_info("Events: %" PRIu64 " handled, %" PRIu64 " invalid, %" PRIu64 " overflows; connections: %" PRIu64
                         " (%zu still tracked); subflows: %" PRIu64 " requested, %" PRIu64 " refused, %" PRIu64 " established, %" PRIu64
                         " closed with error; %" PRIu64 " resync(s).",
                         st->events, st->events_invalid, st->overflows, m->stats.connections_seen,
                         connection_table_size(m->connections),
                         m->stats.subflows_requested, m->stats.subflows_request_failed, m->stats.subflows_established,
                         m->stats.subflows_closed_error, m->stats.resyncs);
        }
}
