/* SPDX-License-Identifier: GPL-2.0-or-later */
/* userspace-pm.c — the userspace path manager: tracks connections from mptcp_pm events and gives
 * each outgoing connection one subflow from every other usable local address once it is
 * ESTABLISHED (the kernel refuses SUBFLOW_CREATE before that). */
#include <inttypes.h>
#include <time.h>

#include "announce.h"
#include "log.h"
#include "userspace-pm.h"

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static IfaceAddr pm_to_iface(const PmAddr *a) {
        IfaceAddr i = { .family = a->family };

        if (a->family == AF_INET)
                i.in = a->in;
        else
                i.in6 = a->in6;
        return i;
}

static PmAddr iface_to_pm(const IfaceAddr *i, uint16_t port) {
        PmAddr a = { .family = i->family, .port = port };

        if (i->family == AF_INET)
                a.in = i->in;
        else
                a.in6 = i->in6;
        return a;
}

/* Errors the kernel gives when the connection went away between its event and our command:
 * normal for short flows, not worth more than a debug line (kernel-notes). */
static bool is_connection_gone_error(int r) {
        return r == -ENOTCONN || r == -EINVAL || r == -ENOENT || r == -ESRCH;
}

int userspace_pm_send(Manager *m, Connection *c, const struct nlmsghdr *req, const char *what,
                      const PmAddr *local, const PmAddr *remote) {
        char lbuf[PM_ADDR_STRLEN], rbuf[PM_ADDR_STRLEN];
        const char *extack = NULL;
        int r;

        r = pm_socket_request(m->pm, req, &extack);
        if (r >= 0)
                return 0;
        return log_full_errno(is_connection_gone_error(r) ? LOG_DEBUG : LOG_WARNING, r,
                              "Connection %08x: %s %s -> %s failed: %m%s%s", c->token, what,
                              pm_addr_to_string(local, lbuf, sizeof(lbuf)),
                              pm_addr_to_string(remote, rbuf, sizeof(rbuf)), extack && *extack ? ": " : "",
                              extack ?: "");
}

/* A subflow failed: back off before creating again, exponentially while failures repeat. */
static void note_failure(Manager *m, Connection *c) {
        uint64_t now = now_usec(), delay;

        if (c->last_failure_usec != 0 && now - c->last_failure_usec > SUBFLOW_FAILURES_FORGET_USEC)
                c->failures = 0;
        delay = SUBFLOW_RETRY_MIN_USEC << MIN(c->failures, 5u);
        c->failures++;
        c->last_failure_usec = now;
        c->retry_usec = now + MIN(delay, SUBFLOW_RETRY_MAX_USEC);
        manager_schedule_timer(m, c->retry_usec);
}

static void note_not_ready(Manager *m, Connection *c) {
        c->retry_usec = now_usec() + (SUBFLOW_NOT_READY_MIN_USEC << MIN(c->not_ready, SUBFLOW_NOT_READY_MAX_SHIFT));
        c->not_ready++;
        manager_schedule_timer(m, c->retry_usec);
}

static void subflow_create(Manager *m, Connection *c, const PolicySubflowCreate *want) {
        char lbuf[PM_ADDR_STRLEN], rbuf[PM_ADDR_STRLEN];
        struct nlmsghdr *req;
        PmEndpoint ep = {
                .addr = iface_to_pm(&want->local, 0),
                .ifindex = want->ifindex,
                /* MP_PRIO at the join itself: no window in which a backup path carries data. */
                .flags = want->backup ? MPTCP_PM_ADDR_FLAG_BACKUP : 0,
        };
        PmAddr remote = iface_to_pm(&want->remote, want->remote_port);
        Subflow sf = {
                .local = ep.addr,
                .remote = remote,
                .ifindex = want->ifindex,
                .backup = want->backup,
                .state = SUBFLOW_PENDING,
                .since_usec = now_usec(),
        };
        size_t size;
        void *buf;
        int r;

        r = address_ids_get(&m->address_ids, &ep.addr, &ep.id);
        if (r < 0) {
                log_warning_errno(r, "No MPTCP address ID left for %s: %m",
                                  pm_addr_to_string(&ep.addr, lbuf, sizeof(lbuf)));
                return;
        }
        sf.loc_id = ep.id;

        buf = pm_socket_request_buffer(m->pm, &size);
        r = pm_build_subflow_create(buf, size, pm_socket_family_id(m->pm), pm_socket_next_seq(m->pm), c->token,
                                    &ep, &remote, &req);
        if (r < 0) {
                log_error_errno(r, "Failed to build SUBFLOW_CREATE: %m");
                return;
        }

        /* Record first: SUB_ESTABLISHED may arrive before the ack is read. */
        r = connection_add_subflow(c, &sf, NULL);
        if (r < 0) {
                log_warning_errno(r, "Connection %08x: cannot track another subflow: %m", c->token);
                return;
        }

        m->stats.subflows_requested++;
        r = userspace_pm_send(m, c, req, "SUBFLOW_CREATE", &ep.addr, &remote);
        if (r < 0) {
                m->stats.subflows_request_failed++;
                connection_remove_subflow(c, &ep.addr, &remote);
                /* Not fully established yet (adopted a moment too early): try again shortly. A
                 * connection that is closing instead leaves the table with its CLOSED event. */
                if (r == -ENOTCONN)
                        note_not_ready(m, c);
                return;
        }
        manager_schedule_timer(m, sf.since_usec + SUBFLOW_PENDING_TIMEOUT_USEC);
        log_debug("Connection %08x: subflow %s -> %s requested (ifindex %i, id %u%s)", c->token,
                  pm_addr_to_string(&ep.addr, lbuf, sizeof(lbuf)), pm_addr_to_string(&remote, rbuf, sizeof(rbuf)),
                  want->ifindex, ep.id, want->backup ? ", backup" : "");
}

static void subflow_destroy(Manager *m, Connection *c, const PolicySubflow *s) {
        PmAddr local = iface_to_pm(&s->local, s->local_port), remote = iface_to_pm(&s->remote, s->remote_port);
        struct nlmsghdr *req;
        size_t size;
        void *buf;
        int r;

        /* SUBFLOW_DESTROY needs both ports: a join still in flight is destroyed once it is up. */
        if (s->local_port == 0 || s->remote_port == 0)
                return;

        buf = pm_socket_request_buffer(m->pm, &size);
        r = pm_build_subflow_destroy(buf, size, pm_socket_family_id(m->pm), pm_socket_next_seq(m->pm), c->token,
                                     &local, &remote, &req);
        if (r < 0) {
                log_error_errno(r, "Failed to build SUBFLOW_DESTROY: %m");
                return;
        }
        if (userspace_pm_send(m, c, req, "SUBFLOW_DESTROY", &local, &remote) >= 0) {
                char lbuf[PM_ADDR_STRLEN], rbuf[PM_ADDR_STRLEN];

                log_debug("Connection %08x: subflow %s -> %s destroyed", c->token,
                          pm_addr_to_string(&local, lbuf, sizeof(lbuf)), pm_addr_to_string(&remote, rbuf, sizeof(rbuf)));
        }
        /* The kernel's SUB_CLOSED removes it from our table. */
}

static void subflow_set_backup(Manager *m, Connection *c, const PolicySubflow *s, bool backup) {
        PmAddr local = iface_to_pm(&s->local, s->local_port), remote = iface_to_pm(&s->remote, s->remote_port);
        PmEndpoint ep = { .addr = local, .flags = backup ? MPTCP_PM_ADDR_FLAG_BACKUP : 0 };
        struct nlmsghdr *req;
        Subflow *sf;
        size_t size;
        void *buf;
        int r;

        sf = connection_find_subflow(c, &local, &remote);
        if (!sf || sf->state != SUBFLOW_ESTABLISHED)
                return; /* a join in flight was created with the right flag already */

        buf = pm_socket_request_buffer(m->pm, &size);
        r = pm_build_set_flags(buf, size, pm_socket_family_id(m->pm), pm_socket_next_seq(m->pm), c->token, &ep,
                               &remote, &req);
        if (r < 0) {
                log_error_errno(r, "Failed to build SET_FLAGS: %m");
                return;
        }
        /* The local side gets no event for MP_PRIO it sends: remember what we set. */
        if (userspace_pm_send(m, c, req, backup ? "SET_FLAGS backup" : "SET_FLAGS no-backup", &local, &remote) >= 0)
                sf->backup = backup;
}

/* Brings one connection to what the active profile's plan says: creates, destroys, MP_PRIO. */
static void reconcile_connection(Connection *c, void *userdata) {
        Manager *m = userdata;
        _cleanup_(policy_plan_freep) PolicyPlan *plan = NULL;
        _cleanup_free_ PolicySubflow *current = NULL;
        PolicyConnection conn;
        PolicyPlanLimits limits;
        int r;

        if (!c->established || !c->userspace_pm || !m->profile || m->interfaces.refused)
                return;
        if (c->server_side)
                announce_reconcile(m, c);

        current = new0(PolicySubflow, c->n_subflows);
        if (!current) {
                log_oom();
                return;
        }
        for (size_t i = 0; i < c->n_subflows; i++) {
                const Subflow *s = &c->subflows[i];

                current[i] = (PolicySubflow) {
                        .local = pm_to_iface(&s->local),
                        .local_port = s->local.port,
                        .remote = pm_to_iface(&s->remote),
                        .remote_port = s->remote.port,
                        .ifindex = s->ifindex,
                        .local_id = s->loc_id,
                        .backup = s->backup,
                        .initial = s->initial,
                };
        }
        conn = (PolicyConnection) {
                .remote = pm_to_iface(&c->remote),
                .remote_port = c->remote.port,
                .server_side = c->server_side,
        };
        limits = (PolicyPlanLimits) { .subflows = m->profile->limits.subflows };

        r = policy_plan_connection(m->interfaces.decisions, m->interfaces.facts, m->interfaces.n, &conn, current,
                                   c->n_subflows, &limits, &plan);
        if (r < 0) {
                log_warning_errno(r, "Connection %08x: cannot plan subflows: %m", c->token);
                return;
        }

        for (size_t i = 0; i < plan->n_set_backup; i++)
                subflow_set_backup(m, c, &plan->set_backup[i], true);
        for (size_t i = 0; i < plan->n_clear_backup; i++)
                subflow_set_backup(m, c, &plan->clear_backup[i], false);
        if (c->retry_usec == 0 || now_usec() >= c->retry_usec)
                for (size_t i = 0; i < plan->n_create; i++)
                        subflow_create(m, c, &plan->create[i]);
        for (size_t i = 0; i < plan->n_destroy; i++)
                subflow_destroy(m, c, &plan->destroy[i]);
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
                c->userspace_pm = m->pm_kind == PM_KIND_USERSPACE;
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
        if (c->not_ready > 0) { /* the kernel says it is ready now: no need to wait */
                c->not_ready = 0;
                c->retry_usec = 0;
        }
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
        /* Only now can a join be destroyed or re-flagged (both need its ports). */
        reconcile_connection(c, m);
}

static void on_sub_closed(Manager *m, const PmEvent *ev) {
        char lbuf[PM_ADDR_STRLEN], rbuf[PM_ADDR_STRLEN];
        Connection *c = connection_table_get(m->connections, ev->token);

        if (!c)
                return;
        connection_remove_subflow(c, &ev->saddr, &ev->daddr);
        if ((ev->present & PM_EVENT_HAS_ERROR) && ev->error != 0) {
                m->stats.subflows_closed_error++;
                if (c->userspace_pm && !c->server_side)
                        note_failure(m, c);
                log_info("Connection %08x: subflow %s -> %s closed: %s%s", c->token,
                         pm_addr_to_string(&ev->saddr, lbuf, sizeof(lbuf)),
                         pm_addr_to_string(&ev->daddr, rbuf, sizeof(rbuf)), strerror(ev->error),
                         c->retry_usec ? "; retrying after a backoff if the policy still wants it" : "");
        }
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

static bool is_server_side(const MptcpDiagSnapshot *snap, const MptcpDiagConnection *conn) {
        /* Accepted connections share their local port with one of our MPTCP listeners. */
        for (size_t i = 0; i < snap->n_listeners; i++) {
                const PmAddr *l = &snap->listeners[i].local;
                bool any = (l->family == AF_INET && l->in.s_addr == INADDR_ANY) ||
                           (l->family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&l->in6));

                if (l->port == conn->local.port && (any || pm_addr_equal(l, &conn->local)))
                        return true;
        }
        return false;
}

/* Only live connections are adopted: a closing one (FIN_WAIT, TIME_WAIT, ...) lingers in the dump
 * after its CLOSED event was sent, and would then never leave the table. */
static bool is_live_state(uint8_t state) {
        return state == 1 /* TCP_ESTABLISHED */ || state == 2 /* TCP_SYN_SENT */ || state == 3 /* TCP_SYN_RECV */;
}

typedef struct StaleTokens {
        const MptcpDiagSnapshot *snapshot;
        uint32_t *tokens;
        size_t n, allocated;
        bool oom;
} StaleTokens;

static void collect_stale(Connection *c, void *userdata) {
        StaleTokens *st = userdata;

        const MptcpDiagGroup *g = mptcp_diag_snapshot_find(st->snapshot, c->token);

        if (g && is_live_state(g->connection.state))
                return;
        if (GREEDY_REALLOC(st->tokens, st->allocated, st->n + 1) < 0) {
                st->oom = true;
                return;
        }
        st->tokens[st->n++] = c->token;
}

static void adopt_connection(Manager *m, const MptcpDiagSnapshot *snap, const MptcpDiagGroup *g,
                             PmKind latched_kind) {
        char lbuf[PM_ADDR_STRLEN];
        Connection *c;
        bool is_new;
        int r;

        r = connection_table_put(m->connections, g->connection.token, &c, &is_new);
        if (r < 0) {
                log_warning_errno(r, "Connection %08x not tracked: %m", g->connection.token);
                return;
        }
        if (is_new) {
                m->stats.connections_seen++;
                c->local = g->connection.local;
                c->remote = g->connection.remote;
                c->server_side = is_server_side(snap, &g->connection);
                c->userspace_pm = latched_kind == PM_KIND_USERSPACE;
                c->created_usec = now_usec();
        }

        /* The kernel's subflows replace ours: they include joins still in SYN_SENT, and their backup
         * flag is the one we set (the local events never tell it). */
        c->n_subflows = 0;
        /* Never downgrade: the subflow's FULLY_ESTABLISHED flag can lag the ESTABLISHED event we
         * already handled. Too early a SUBFLOW_CREATE only fails with ENOTCONN and is retried. */
        if (g->connection.state == 1 /* TCP_ESTABLISHED */)
                c->established = true;
        for (size_t i = 0; i < g->n_subflows; i++) {
                const MptcpDiagSubflow *d = &g->subflows[i];
                Subflow sf = {
                        .local = d->local,
                        .remote = d->remote,
                        .loc_id = d->id_loc,
                        .rem_id = d->id_rem,
                        .ifindex = d->ifindex,
                        .backup = d->backup_local,
                        .initial = !d->join,
                        .state = d->tcp_state == 1 /* TCP_ESTABLISHED */ ? SUBFLOW_ESTABLISHED : SUBFLOW_PENDING,
                        .since_usec = now_usec(),
                };

                if (sf.initial && d->fully_established)
                        c->established = true;
                if (d->id_loc != 0 && address_ids_claim(&m->address_ids, &d->local, d->id_loc) < 0)
                        log_debug("Connection %08x: %s keeps address ID %u, another address has it in our map",
                                  c->token, pm_addr_to_string(&d->local, lbuf, sizeof(lbuf)), d->id_loc);
                if (connection_add_subflow(c, &sf, NULL) < 0)
                        break;
        }
}

void userspace_pm_resync(Manager *m, const MptcpDiagSnapshot *snap, PmKind latched_kind) {
        StaleTokens stale = { .snapshot = snap };
        size_t adopted = 0;

        /* Closed while we did not listen: their CLOSED event is gone with the lost ones. */
        connection_table_foreach(m->connections, collect_stale, &stale);
        if (stale.oom)
                log_oom(); /* forgetting fewer is harmless: the next CLOSED or resync catches them */
        for (size_t i = 0; i < stale.n; i++)
                connection_table_remove(m->connections, stale.tokens[i]);
        free(stale.tokens);

        for (size_t i = 0; i < snap->n_connections; i++) {
                const MptcpDiagGroup *g = &snap->connections[i];

                if (g->connection.fallback || g->connection.token == 0 || !is_live_state(g->connection.state))
                        continue;
                adopt_connection(m, snap, g, latched_kind);
                adopted++;
        }

        log_info("Resynchronized with the kernel: %zu MPTCP connection(s), %zu subflow(s), %zu forgotten "
                 "(snapshot took %" PRIu64 " µs).",
                 adopted, snap->n_subflows, stale.n, snap->duration_usec);
        userspace_pm_reconcile_all(m);
}

typedef struct TimerWalk {
        Manager *m;
        uint64_t now;
        uint64_t next;
        Connection **due; /* connections to re-plan: reconcile may not run inside the walk */
        size_t n_due, allocated;
} TimerWalk;

static void earliest(uint64_t *next, uint64_t t) {
        if (t != 0 && (*next == 0 || t < *next))
                *next = t;
}

static void timer_walk(Connection *c, void *userdata) {
        TimerWalk *w = userdata;
        bool due = false;

        for (size_t i = 0; i < c->n_subflows;) {
                Subflow *s = &c->subflows[i];

                if (s->state == SUBFLOW_PENDING && !s->initial &&
                    w->now >= s->since_usec + SUBFLOW_PENDING_TIMEOUT_USEC) {
                        char lbuf[PM_ADDR_STRLEN];

                        log_info("Connection %08x: subflow from %s did not come up within %llu s; giving up "
                                 "on it for now.", c->token, pm_addr_to_string(&s->local, lbuf, sizeof(lbuf)),
                                 SUBFLOW_PENDING_TIMEOUT_USEC / 1000000ULL);
                        *s = c->subflows[--c->n_subflows];
                        note_failure(w->m, c);
                        continue;
                }
                if (s->state == SUBFLOW_PENDING && !s->initial)
                        earliest(&w->next, s->since_usec + SUBFLOW_PENDING_TIMEOUT_USEC);
                i++;
        }

        if (c->retry_usec != 0 && w->now >= c->retry_usec) {
                c->retry_usec = 0;
                due = true;
        }
        earliest(&w->next, c->retry_usec);

        if (due) {
                if (GREEDY_REALLOC(w->due, w->allocated, w->n_due + 1) < 0) {
                        /* Its retry is cleared: a later event or resync re-plans it. */
                        log_oom();
                        return;
                }
                w->due[w->n_due++] = c;
        }
}

uint64_t userspace_pm_run_timers(Manager *m) {
        TimerWalk w = { .m = m, .now = now_usec() };

        connection_table_foreach(m->connections, timer_walk, &w);
        for (size_t i = 0; i < w.n_due; i++)
                reconcile_connection(w.due[i], m); /* may arm new deadlines itself */
        free(w.due);
        return w.next;
}

void userspace_pm_forget_address(Manager *m, const PmAddr *addr) {
        (void) address_ids_release(&m->address_ids, addr);
}
