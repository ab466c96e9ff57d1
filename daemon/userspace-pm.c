/* SPDX-License-Identifier: GPL-2.0-or-later */
/* userspace-pm.c — the userspace path manager: tracks connections from mptcp_pm events and gives
 * each outgoing connection one subflow from every other usable local address once it is
 * ESTABLISHED (the kernel refuses SUBFLOW_CREATE before that). */
#include <net/if.h>
#include <time.h>

#include "log.h"
#include "userspace-pm.h"

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static PmAddr link_addr_to_pm(const LinkAddr *a) {
        PmAddr p = { .family = a->family };

        if (a->family == AF_INET)
                p.in = a->in;
        else
                p.in6 = a->in6;
        return p;
}

/* Errors the kernel gives when the connection went away between its event and our command:
 * normal for short flows, not worth more than a debug line (kernel-notes). */
static bool is_connection_gone_error(int r) {
        return r == -ENOTCONN || r == -EINVAL || r == -ENOENT || r == -ESRCH;
}

static int subflow_create(Manager *m, Connection *c, const LinkInfo *link, const PmAddr *local) {
        char lbuf[PM_ADDR_STRLEN], rbuf[PM_ADDR_STRLEN];
        const char *extack = NULL;
        struct nlmsghdr *req;
        PmEndpoint ep = { .addr = *local, .ifindex = link->ifindex };
        Subflow sf = {
                .local = *local,
                .remote = c->remote,
                .ifindex = link->ifindex,
                .state = SUBFLOW_PENDING,
                .since_usec = now_usec(),
        };
        size_t size;
        void *buf;
        int r;

        r = address_ids_get(&m->address_ids, local, &ep.id);
        if (r < 0)
                return log_warning_errno(r, "No MPTCP address ID left for %s: %m",
                                         pm_addr_to_string(local, lbuf, sizeof(lbuf)));
        sf.loc_id = ep.id;

        buf = pm_socket_request_buffer(m->pm, &size);
        r = pm_build_subflow_create(buf, size, pm_socket_family_id(m->pm), pm_socket_next_seq(m->pm), c->token,
                                    &ep, &c->remote, &req);
        if (r < 0)
                return log_error_errno(r, "Failed to build SUBFLOW_CREATE: %m");

        /* Record first: SUB_ESTABLISHED may arrive before the ack is read. */
        r = connection_add_subflow(c, &sf, NULL);
        if (r < 0)
                return log_warning_errno(r, "Connection %08x: cannot track another subflow: %m", c->token);

        m->stats.subflows_requested++;
        r = pm_socket_request(m->pm, req, &extack);
        if (r < 0) {
                m->stats.subflows_request_failed++;
                connection_remove_subflow(c, local, &c->remote);
                if (is_connection_gone_error(r))
                        return log_debug_errno(r, "Connection %08x: subflow %s -> %s not created: %m%s%s",
                                               c->token, pm_addr_to_string(local, lbuf, sizeof(lbuf)),
                                               pm_addr_to_string(&c->remote, rbuf, sizeof(rbuf)),
                                               extack && *extack ? ": " : "", extack ?: "");
                return log_warning_errno(r, "Connection %08x: SUBFLOW_CREATE %s dev %s -> %s failed: %m%s%s",
                                         c->token, pm_addr_to_string(local, lbuf, sizeof(lbuf)), link->name,
                                         pm_addr_to_string(&c->remote, rbuf, sizeof(rbuf)),
                                         extack && *extack ? ": " : "", extack ?: "");
        }

        log_debug("Connection %08x: subflow %s dev %s -> %s requested (id %u)", c->token,
                  pm_addr_to_string(local, lbuf, sizeof(lbuf)), link->name,
                  pm_addr_to_string(&c->remote, rbuf, sizeof(rbuf)), ep.id);
        return 0;
}

/* One subflow from every usable local address of the remote's family, except the initial one's. */
static void reconcile_connection(Connection *c, void *userdata) {
        Manager *m = userdata;
        const LinkInfo *const *links;
        size_t n_links;

        if (c->server_side || !c->established)
                return;

        n_links = link_tracker_links(m->links, &links);
        for (size_t i = 0; i < n_links; i++) {
                const LinkInfo *l = links[i];

                if (!link_is_usable(l))
                        continue;
                for (size_t j = 0; j < l->n_addrs; j++) {
                        PmAddr local;

                        if (l->addrs[j].family != c->remote.family || !link_addr_is_usable(&l->addrs[j]))
                                continue;
                        local = link_addr_to_pm(&l->addrs[j]);
                        if (pm_addr_equal(&local, &c->local))
                                continue;
                        if (connection_find_subflow_from(c, &local))
                                continue;
                        (void) subflow_create(m, c, l, &local);
                }
        }
}

void userspace_pm_reconcile_all(Manager *m) {
        connection_table_foreach(m->connections, reconcile_connection, m);
}

static Connection *track_connection(Manager *m, const PmEvent *ev) {
        Connection *c;
        bool is_new;
        int r;

        r = connection_table_put(m->connections, ev->token, &c, &is_new);
        if (r < 0) {
                log_warning_errno(r, "Connection %08x not tracked: %m", ev->token);
                return NULL;
        }
        if (is_new) {
                Subflow initial = {
                        .local = ev->saddr,
                        .remote = ev->daddr,
                        .initial = true,
                        .state = SUBFLOW_PENDING,
                        .since_usec = now_usec(),
                };

                m->stats.connections_seen++;
                c->server_side = ev->server_side;
                c->local = ev->saddr;
                c->remote = ev->daddr;
                c->created_usec = initial.since_usec;
                (void) connection_add_subflow(c, &initial, NULL);
        }
        return c;
}

static void on_created(Manager *m, const PmEvent *ev) {
        char lbuf[PM_ADDR_STRLEN], rbuf[PM_ADDR_STRLEN];
        Connection *c = track_connection(m, ev);

        if (c)
                log_debug("Connection %08x created: %s -> %s (%s side)", c->token,
                          pm_addr_to_string(&c->local, lbuf, sizeof(lbuf)),
                          pm_addr_to_string(&c->remote, rbuf, sizeof(rbuf)), c->server_side ? "server" : "client");
}

static void on_established(Manager *m, const PmEvent *ev) {
        Connection *c = track_connection(m, ev); /* ESTABLISHED carries CREATED's attributes */

        if (!c)
                return;
        c->established = true;
        for (size_t i = 0; i < c->n_subflows; i++)
                if (c->subflows[i].initial)
                        c->subflows[i].state = SUBFLOW_ESTABLISHED;
        reconcile_connection(c, m);
}

static void on_closed(Manager *m, const PmEvent *ev) {
        /* A fallback to plain TCP produces CLOSED for a token never created: nothing to do. */
        if (connection_table_remove(m->connections, ev->token))
                log_debug("Connection %08x closed", ev->token);
}

static void on_sub_established(Manager *m, const PmEvent *ev) {
        Connection *c = connection_table_get(m->connections, ev->token);
        Subflow *s;

        if (!c)
                return;
        m->stats.subflows_established++;
        s = connection_find_subflow(c, &ev->saddr, &ev->daddr);
        if (!s) {
                /* Not ours: a join the peer or the kernel opened. Track it all the same. */
                Subflow sf = { .local = ev->saddr, .remote = ev->daddr };
                if (connection_add_subflow(c, &sf, &s) < 0)
                        return;
        }
        s->local = ev->saddr;
        s->remote = ev->daddr;
        s->loc_id = ev->loc_id;
        s->rem_id = ev->rem_id;
        if (ev->present & PM_EVENT_HAS_IFINDEX)
                s->ifindex = ev->ifindex;
        /* Locally the event says backup=0 even for a join created as backup: keep what we set. */
        if (ev->present & PM_EVENT_HAS_BACKUP)
                s->backup = s->backup || ev->backup;
        s->state = SUBFLOW_ESTABLISHED;
        s->since_usec = now_usec();
        log_debug("Connection %08x: subflow %u/%u established", c->token, ev->loc_id, ev->rem_id);
}

static void on_sub_closed(Manager *m, const PmEvent *ev) {
        char lbuf[PM_ADDR_STRLEN], rbuf[PM_ADDR_STRLEN];
        Connection *c = connection_table_get(m->connections, ev->token);

        if (!c)
                return;
        if ((ev->present & PM_EVENT_HAS_ERROR) && ev->error != 0) {
                m->stats.subflows_closed_error++;
                log_info("Connection %08x: subflow %s -> %s closed: %s", c->token,
                         pm_addr_to_string(&ev->saddr, lbuf, sizeof(lbuf)),
                         pm_addr_to_string(&ev->daddr, rbuf, sizeof(rbuf)), strerror(ev->error));
        }
        connection_remove_subflow(c, &ev->saddr, &ev->daddr);
}

static void on_sub_priority(Manager *m, const PmEvent *ev) {
        Connection *c = connection_table_get(m->connections, ev->token);
        Subflow *s;

        if (!c)
                return;
        s = connection_find_subflow(c, &ev->saddr, &ev->daddr);
        if (s && (ev->present & PM_EVENT_HAS_BACKUP))
                s->backup = ev->backup;
}

void userspace_pm_handle_event(Manager *m, const PmEvent *ev) {
        switch (ev->type) {
        case MPTCP_EVENT_CREATED:
                on_created(m, ev);
                break;
        case MPTCP_EVENT_ESTABLISHED:
                on_established(m, ev);
                break;
        case MPTCP_EVENT_CLOSED:
                on_closed(m, ev);
                break;
        case MPTCP_EVENT_SUB_ESTABLISHED:
                on_sub_established(m, ev);
                break;
        case MPTCP_EVENT_SUB_CLOSED:
                on_sub_closed(m, ev);
                break;
        case MPTCP_EVENT_SUB_PRIORITY:
                on_sub_priority(m, ev);
                break;
        default:
                /* ANNOUNCED/REMOVED/LISTENER_*: the peer's addresses and listeners, used once the
                 * policy engine decides per remote address. */
                log_debug("Event %s (%u) for %08x ignored", strna(pm_event_type_to_string(ev->type)), ev->type,
                          ev->token);
                break;
        }
}

void userspace_pm_handle_overflow(Manager *m) {
        /* The kernel dropped events: connections may have been created unseen. Until the inet_diag
         * resync lands, say so loudly; the big receive buffer makes this rare. */
        log_warning("MPTCP event socket overflowed: events were lost; connections opened during the burst "
                    "may lack subflows.");
}

void userspace_pm_forget_address(Manager *m, const PmAddr *addr) {
        (void) address_ids_release(&m->address_ids, addr);
}
