/* SPDX-License-Identifier: GPL-2.0-or-later */
/* announce.c — ADD_ADDR/REMOVE for accepted connections, and the listeners their joins need. */
#include <netinet/in.h>
#include <sys/socket.h>

#include "announce.h"
#include "log.h"
#include "userspace-pm.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static bool bit_test(const uint64_t *set, uint8_t id) {
        return set[id / 64] & (UINT64_C(1) << (id % 64));
}

static void bit_set(uint64_t *set, uint8_t id, bool on) {
        if (on)
                set[id / 64] |= UINT64_C(1) << (id % 64);
        else
                set[id / 64] &= ~(UINT64_C(1) << (id % 64));
}

typedef union SockaddrUnion {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
} SockaddrUnion;

static socklen_t sockaddr_from(const PmAddr *a, SockaddrUnion *u) {
        zero(*u);
        if (a->family == AF_INET) {
                u->in = (struct sockaddr_in) { .sin_family = AF_INET, .sin_addr = a->in, .sin_port = htons(a->port) };
                return sizeof(u->in);
        }
        u->in6 = (struct sockaddr_in6) { .sin6_family = AF_INET6, .sin6_addr = a->in6, .sin6_port = htons(a->port) };
        return sizeof(u->in6);
}

/* Joins to addr:port need a listener: the application's own if it listens on the wildcard
 * address (our bind then fails with EADDRINUSE), else ours. */
static void ensure_listener(Manager *m, const PmAddr *addr) {
        char buf[PM_ADDR_STRLEN];
        SockaddrUnion sa;
        socklen_t len;
        _cleanup_close_ int fd = -EBADF;
        int one = 1;

        for (size_t i = 0; i < m->n_listeners; i++)
                if (pm_addr_equal(&m->listeners[i].addr, addr) && m->listeners[i].addr.port == addr->port)
                        return;
        if (m->n_listeners >= ANNOUNCE_LISTENERS_MAX) {
                log_warning("Not listening on %s for joins: already %d listeners.",
                            pm_addr_to_string(addr, buf, sizeof(buf)), ANNOUNCE_LISTENERS_MAX);
                return;
        }

        fd = socket(addr->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_MPTCP);
        if (fd < 0) {
                log_warning_errno(negative_errno(), "Failed to create an MPTCP listener for joins: %m");
                return;
        }
        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        len = sockaddr_from(addr, &sa);
        if (bind(fd, &sa.sa, len) < 0) {
                if (errno != EADDRINUSE)
                        log_warning_errno(negative_errno(), "Failed to listen on %s for joins: %m",
                                          pm_addr_to_string(addr, buf, sizeof(buf)));
                return; /* EADDRINUSE: a wildcard listener of the application takes the joins */
        }
        if (listen(fd, 64) < 0) {
                log_warning_errno(negative_errno(), "Failed to listen on %s for joins: %m",
                                  pm_addr_to_string(addr, buf, sizeof(buf)));
                return;
        }
        log_debug("Listening on %s for joins to an announced address.", pm_addr_to_string(addr, buf, sizeof(buf)));
        m->listeners[m->n_listeners++] = (AnnounceListener) { .addr = *addr, .fd = TAKE_FD(fd) };
}

static void announce(Manager *m, Connection *c, const PmAddr *addr, uint8_t id) {
        PmEndpoint ep = { .addr = *addr, .id = id, .flags = MPTCP_PM_ADDR_FLAG_SIGNAL };
        PmAddr with_port = *addr;
        struct nlmsghdr *req;
        size_t size;
        void *buf;

        with_port.port = c->local.port;
        ensure_listener(m, &with_port);

        /* No port: the peer joins the connection's own port at the new address. */
        buf = pm_socket_request_buffer(m->pm, &size);
        if (pm_build_announce(buf, size, pm_socket_family_id(m->pm), pm_socket_next_seq(m->pm), c->token, &ep,
                              &req) < 0)
                return;
        if (userspace_pm_send(m, c, req, "ANNOUNCE", addr, &c->remote) >= 0) {
                char abuf[PM_ADDR_STRLEN];

                bit_set(c->announced, id, true);
                log_debug("Connection %08x: announced %s (id %u)", c->token, pm_addr_to_string(addr, abuf, sizeof(abuf)),
                          id);
        }
}

static void withdraw(Manager *m, Connection *c, uint8_t id) {
        struct nlmsghdr *req;
        size_t size;
        void *buf;

        buf = pm_socket_request_buffer(m->pm, &size);
        if (pm_build_remove(buf, size, pm_socket_family_id(m->pm), pm_socket_next_seq(m->pm), c->token, id, &req) < 0)
                return;
        /* Whatever the answer, the ID is no longer ours to consider announced. */
        if (userspace_pm_send(m, c, req, "REMOVE", &c->local, &c->remote) >= 0)
                log_debug("Connection %08x: announcement of id %u withdrawn", c->token, id);
        bit_set(c->announced, id, false);
}

void announce_reconcile(Manager *m, Connection *c) {
        uint64_t wanted[4] = {};

        for (size_t i = 0; i < m->interfaces.n; i++) {
                const InterfaceFacts *f = &m->interfaces.facts[i];

                if (!f->up || m->interfaces.decisions[i].use == RULE_USE_NEVER)
                        continue;
                for (size_t k = 0; k < f->n_addresses; k++) {
                        const IfaceAddr *a = &f->addresses[k];
                        PmAddr p = { .family = a->family };
                        uint8_t id;

                        if (a->family != c->local.family || iface_addr_is_link_local(a) || iface_addr_is_loopback(a))
                                continue;
                        if (a->family == AF_INET)
                                p.in = a->in;
                        else
                                p.in6 = a->in6;
                        if (pm_addr_equal(&p, &c->local))
                                continue; /* the peer knows it: the connection runs on it */
                        if (address_ids_get(&m->address_ids, &p, &id) < 0)
                                continue;
                        bit_set(wanted, id, true);
                        if (!bit_test(c->announced, id))
                                announce(m, c, &p, id);
                }
        }

        /* Gone, or no longer allowed: the peer closes its subflows to it. */
        for (unsigned id = 1; id <= ADDRESS_ID_MAX; id++)
                if (bit_test(c->announced, (uint8_t) id) && !bit_test(wanted, (uint8_t) id))
                        withdraw(m, c, (uint8_t) id);
}

void announce_forget_address(Manager *m, const PmAddr *addr) {
        for (size_t i = 0; i < m->n_listeners;)
                if (pm_addr_equal(&m->listeners[i].addr, addr)) {
                        safe_close(m->listeners[i].fd);
                        m->listeners[i] = m->listeners[--m->n_listeners];
                } else
                        i++;
}

void announce_listeners_free(Manager *m) {
        for (size_t i = 0; i < m->n_listeners; i++)
                safe_close(m->listeners[i].fd);
        m->n_listeners = 0;
}
