/* SPDX-License-Identifier: GPL-2.0-or-later */
/* manager.c — creates, starts and stops the daemon's context and wires its event sources. */
#include <inttypes.h>
#include <net/if.h>

#include "log.h"
#include "manager.h"
#include "userspace-pm.h"

static void on_pm_event(PmSocket *s, const PmEvent *ev, void *userdata) {
        Manager *m = userdata;

        switch (m->pm_kind) {
        case PM_KIND_USERSPACE:
                userspace_pm_handle_event(m, ev);
                break;
        case PM_KIND_KERNEL:
        case _PM_KIND_MAX:
                break;
        }
}

static void on_pm_overflow(PmSocket *s, void *userdata) {
        Manager *m = userdata;

        userspace_pm_handle_overflow(m);
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
                userspace_pm_reconcile_all(m);
                break;
        case LINK_EVENT_ADDR_REMOVED:
                if (addr) {
                        PmAddr p = { .family = addr->family };

                        if (addr->family == AF_INET)
                                p.in = addr->in;
                        else
                                p.in6 = addr->in6;
                        userspace_pm_forget_address(m, &p);
                }
                break;
        case LINK_EVENT_LINK_REMOVED:
                break;
        }
}

int manager_new(Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = new0(Manager, 1);
        if (!m)
                return -ENOMEM;
        m->pm_kind = PM_KIND_USERSPACE;

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
        pm_socket_free(m->pm);
        link_tracker_free(m->links);
        connection_table_free(m->connections);
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

int manager_start(Manager *m) {
        int r;

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

        r = pm_socket_new(m->event, on_pm_event, on_pm_overflow, m, &m->pm);
        if (r == -EPROTONOSUPPORT)
                return log_error_errno(r, "The kernel has no \"" PM_GENL_NAME "\" generic netlink family.");
        if (r < 0)
                return log_error_errno(r, "Failed to open the MPTCP path manager netlink sockets: %m");

        /* Select the PM only once we listen: connections from then on are latched to us. */
        r = pm_sysctl_select(NULL, m->pm_kind, &m->sysctl_saved);
        if (r < 0)
                return log_error_errno(r, "Failed to select the %s path manager: %m", pm_kind_to_string(m->pm_kind));

        log_info("Path manager: %s (was %s); listening for MPTCP events (family %u).", pm_kind_to_string(m->pm_kind),
                 m->sysctl_saved.have_path_manager ? m->sysctl_saved.path_manager
                                                   : (m->sysctl_saved.pm_type ? "userspace" : "kernel"),
                 pm_socket_family_id(m->pm));
        return 0;
}

void manager_stop(Manager *m) {
        int r;

        r = pm_sysctl_restore(NULL, &m->sysctl_saved);
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
                         "; subflows: %" PRIu64 " requested, %" PRIu64 " refused, %" PRIu64 " established, %" PRIu64
                         " closed with error.",
                         st->events, st->events_invalid, st->overflows, m->stats.connections_seen,
                         m->stats.subflows_requested, m->stats.subflows_request_failed, m->stats.subflows_established,
                         m->stats.subflows_closed_error);
        }
}
