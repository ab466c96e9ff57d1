/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-diag.c — runs the sock_diag dumps on a private socket and groups subflows by connection. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mptcp-diag.h"

/* The kernel fills dump skbs of at most 32 KiB; twice that never truncates. */
#define RECV_BUFFER_SIZE (64 * 1024)
/* How often one snapshot is redone when the kernel flags a dump as interrupted. */
#define MAX_ATTEMPTS 3

typedef struct DumpContext {
        struct mnl_socket *nl;
        uint32_t portid;
        uint32_t seq;
        uint64_t deadline;
        void *buf;
        const MptcpDiagOptions *options;

        MptcpDiagConnection *conns; /* listeners included while collecting */
        size_t n_conns, allocated_conns;
        MptcpDiagSubflow *subflows;
        size_t n_subflows, allocated_subflows;
} DumpContext;

static uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

static void context_done(DumpContext *c) {
        if (c->nl)
                mnl_socket_close(c->nl);
        free(c->buf);
        free(c->conns);
        free(c->subflows);
}

/* Makes room for one more element in array (n used, *allocated allocated), at most limit in all. */
static int grow(void **array, size_t *allocated, size_t n, size_t size, size_t limit) {
        size_t want;
        void *p;

        if (n < *allocated)
                return 0;
        if (n >= limit)
                return -E2BIG;

        want = MIN(MAX(*allocated * 2, (size_t) 64), limit);
        p = reallocarray(*array, want, size);
        if (!p)
                return -ENOMEM;
        *array = p;
        *allocated = want;
        return 0;
}

#define GROW(array, allocated, n, limit)                                                           \
        ({                                                                                         \
                void *_a = (array);                                                                \
                int _r = grow(&_a, &(allocated), (n), sizeof(*(array)), (limit));                 \
                (array) = _a;                                                                      \
                _r;                                                                                \
        })

typedef int (*entry_cb_t)(DumpContext *c, const struct nlmsghdr *nlh);

static int on_connection(DumpContext *c, const struct nlmsghdr *nlh) {
        MptcpDiagConnection conn;
        int r;

        r = mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &conn);
        if (r < 0)
                return r == -EINVAL ? -EBADMSG : r;
        if (conn.listening && !c->options->listeners)
                return 0;

        r = GROW(c->conns, c->allocated_conns, c->n_conns, c->options->max_connections);
        if (r < 0)
                return r;
        c->conns[c->n_conns++] = conn;
        return 0;
}

static int on_subflow(DumpContext *c, const struct nlmsghdr *nlh) {
        MptcpDiagSubflow sf;
        int r;

        r = mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &sf);
        if (r == -ENODATA)
                return 0; /* a TCP socket that is no MPTCP subflow */
        if (r < 0)
                return r == -EINVAL ? -EBADMSG : r;

        r = GROW(c->subflows, c->allocated_subflows, c->n_subflows, c->options->max_subflows);
        if (r < 0)
                return r;
        c->subflows[c->n_subflows++] = sf;
        return 0;
}

static int wait_readable(DumpContext *c) {
        struct pollfd p = { .fd = mnl_socket_get_fd(c->nl), .events = POLLIN };

        for (;;) {
                uint64_t now = now_usec();
                int r;

                if (now >= c->deadline)
                        return -ETIMEDOUT;
                r = poll(&p, 1, (int) MIN((c->deadline - now + 999) / 1000, (uint64_t) INT32_MAX));
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (r > 0)
                        return 0;
        }
}

/* Sends one dump request and feeds its entries to cb until NLMSG_DONE. */
static int dump_run(DumpContext *c, struct nlmsghdr *req, entry_cb_t cb, bool *interrupted) {
        uint32_t seq = req->nlmsg_seq;

        if (mnl_socket_sendto(c->nl, req, req->nlmsg_len) < 0)
                return negative_errno();

        for (;;) {
                ssize_t n;
                int r;

                r = wait_readable(c);
                if (r < 0)
                        return r;

                n = recv(mnl_socket_get_fd(c->nl), c->buf, RECV_BUFFER_SIZE, MSG_DONTWAIT | MSG_TRUNC);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if ((size_t) n > RECV_BUFFER_SIZE)
                        return -EMSGSIZE;

                for (size_t off = 0; off < (size_t) n;) {
                        const struct nlmsghdr *nlh = (const struct nlmsghdr *) ((const uint8_t *) c->buf + off);

                        if (!mnl_nlmsg_ok(nlh, (int) ((size_t) n - off)))
                                return -EBADMSG;
                        off += MNL_ALIGN(nlh->nlmsg_len);

                        r = mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, c->portid, seq, interrupted);
                        if (r < 0)
                                return r;
                        if (r == MPTCP_DIAG_DUMP_DONE)
                                return 0;
                        if (r == MPTCP_DIAG_DUMP_ENTRY) {
                                r = cb(c, nlh);
                                if (r < 0)
                                        return r;
                        }
                }
        }
}

static int collect(DumpContext *c, bool *interrupted) {
        static const int families[] = { AF_INET, AF_INET6 };
        uint8_t req[256] __attribute__((aligned(4)));
        struct nlmsghdr *nlh;
        int r;

        /* Connections first: a connection opened between the dumps shows as orphan subflows rather
         * than as a connection without its subflows. */
        for (size_t i = 0; i < ELEMENTSOF(families); i++) {
                r = mptcp_diag_build_connections_request(req, sizeof(req), ++c->seq, families[i],
                                                         c->options->listeners, &nlh);
                if (r < 0)
                        return r;
                r = dump_run(c, nlh, on_connection, interrupted);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(families); i++) {
                r = mptcp_diag_build_subflows_request(req, sizeof(req), ++c->seq, families[i], &nlh);
                if (r < 0)
                        return r;
                r = dump_run(c, nlh, on_subflow, interrupted);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int cmp_u32(uint32_t a, uint32_t b) {
        return a < b ? -1 : a > b;
}

static int cmp_u64(uint64_t a, uint64_t b) {
        return a < b ? -1 : a > b;
}

/* Listeners last; then by token, then cookie. */
static int connection_compare(const void *a, const void *b) {
        const MptcpDiagConnection *x = a, *y = b;

        if (x->listening != y->listening)
                return x->listening ? 1 : -1;
        return cmp_u32(x->token, y->token) ?: cmp_u64(x->cookie, y->cookie);
}

/* By token; the initial subflow before the joins; then local id, then cookie. */
static int subflow_compare(const void *a, const void *b) {
        const MptcpDiagSubflow *x = a, *y = b;

        if (x->token != y->token)
                return cmp_u32(x->token, y->token);
        if (x->join != y->join)
                return x->join ? 1 : -1;
        return cmp_u32(x->id_loc, y->id_loc) ?: cmp_u64(x->cookie, y->cookie);
}

static int group_compare_token(const void *key, const void *elem) {
        const MptcpDiagGroup *g = elem;

        return cmp_u32(*(const uint32_t *) key, g->connection.token);
}

const MptcpDiagGroup *mptcp_diag_snapshot_find(const MptcpDiagSnapshot *s, uint32_t token) {
        if (!s || s->n_connections == 0)
                return NULL;
        return bsearch(&token, s->connections, s->n_connections, sizeof(MptcpDiagGroup), group_compare_token);
}

/* Turns what was collected into a snapshot: connections sorted and unique by token (a dump resumed
 * across a changing hash table can repeat a socket), subflows unique by cookie and grouped. */
static int build_snapshot(DumpContext *c, MptcpDiagSnapshot **ret) {
        _cleanup_(mptcp_diag_snapshot_freep) MptcpDiagSnapshot *s = NULL;
        size_t n_conns = 0, n_listeners = 0, n_sf = 0, k = 0;

        s = new0(MptcpDiagSnapshot, 1);
        if (!s)
                return -ENOMEM;

        if (c->n_conns > 0)
                qsort(c->conns, c->n_conns, sizeof(*c->conns), connection_compare);
        for (size_t i = 0; i < c->n_conns; i++) {
                if (c->conns[i].listening)
                        n_listeners++;
                else if (n_conns == 0 || c->conns[i].token != c->conns[n_conns - 1].token)
                        c->conns[n_conns++] = c->conns[i];
        }
        /* The listeners sit after the connections (sort order); move them up behind the kept ones. */
        memmove(c->conns + n_conns, c->conns + c->n_conns - n_listeners, n_listeners * sizeof(*c->conns));

        if (c->n_subflows > 0)
                qsort(c->subflows, c->n_subflows, sizeof(*c->subflows), subflow_compare);
        for (size_t i = 0; i < c->n_subflows; i++) {
                bool dup = false;

                /* A repeat has the same token and cookie, so it sorted next to its twin (same id). */
                for (size_t j = n_sf; j > 0 && c->subflows[j - 1].token == c->subflows[i].token; j--)
                        if (c->subflows[j - 1].cookie == c->subflows[i].cookie) {
                                dup = true;
                                break;
                        }
                if (!dup)
                        c->subflows[n_sf++] = c->subflows[i];
        }

        s->connections = new0(MptcpDiagGroup, n_conns);
        s->listeners = new0(MptcpDiagConnection, n_listeners);
        s->subflows = new0(MptcpDiagSubflow, n_sf);
        if (!s->connections || !s->listeners || !s->subflows)
                return -ENOMEM;

        s->n_connections = n_conns;
        for (size_t i = 0; i < n_conns; i++)
                s->connections[i].connection = c->conns[i];
        s->n_listeners = n_listeners;
        if (n_listeners > 0)
                memcpy(s->listeners, c->conns + n_conns, n_listeners * sizeof(*s->listeners));

        /* Both sorted by token: merge. Matched subflows go to the front in connection order, the
         * orphans are appended after them in a second pass. */
        for (size_t i = 0, j = 0; i < n_sf; i++) {
                const MptcpDiagSubflow *sf = &c->subflows[i];

                while (j < n_conns && s->connections[j].connection.token < sf->token)
                        j++;
                if (j < n_conns && s->connections[j].connection.token == sf->token) {
                        if (s->connections[j].n_subflows == 0)
                                s->connections[j].subflows = &s->subflows[k];
                        s->connections[j].n_subflows++;
                        s->subflows[k++] = *sf;
                }
        }
        s->orphans = &s->subflows[k];
        for (size_t i = 0, j = 0; i < n_sf; i++) {
                const MptcpDiagSubflow *sf = &c->subflows[i];

                while (j < n_conns && s->connections[j].connection.token < sf->token)
                        j++;
                if (!(j < n_conns && s->connections[j].connection.token == sf->token))
                        s->subflows[k++] = *sf;
        }
        s->n_subflows = n_sf;
        s->n_orphans = n_sf - (size_t) (s->orphans - s->subflows);

        *ret = TAKE_PTR(s);
        return 0;
}

int mptcp_diag_dump_full(const MptcpDiagOptions *options, MptcpDiagSnapshot **ret) {
        MptcpDiagOptions o = options ? *options : (MptcpDiagOptions) {};
        uint64_t start = now_usec();
        unsigned attempt;
        int r;

        if (!ret)
                return -EINVAL;
        if (o.timeout_usec == 0)
                o.timeout_usec = MPTCP_DIAG_DEFAULT_TIMEOUT_USEC;
        if (o.max_connections == 0)
                o.max_connections = MPTCP_DIAG_DEFAULT_MAX_CONNECTIONS;
        if (o.max_subflows == 0)
                o.max_subflows = MPTCP_DIAG_DEFAULT_MAX_SUBFLOWS;

        for (attempt = 1;; attempt++) {
                _cleanup_(context_done) DumpContext c = {
                        .deadline = start + o.timeout_usec,
                        .options = &o,
                        .seq = (uint32_t) time(NULL),
                };
                MptcpDiagSnapshot *s;
                bool interrupted = false;

                c.buf = malloc(RECV_BUFFER_SIZE);
                if (!c.buf)
                        return -ENOMEM;
                c.nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
                if (!c.nl)
                        return negative_errno();
                if (mnl_socket_bind(c.nl, 0, MNL_SOCKET_AUTOPID) < 0)
                        return negative_errno();
                c.portid = mnl_socket_get_portid(c.nl);

                r = collect(&c, &interrupted);
                if (r < 0)
                        return r;
                if (interrupted) {
                        if (attempt >= MAX_ATTEMPTS)
                                return -EAGAIN;
                        continue;
                }

                r = build_snapshot(&c, &s);
                if (r < 0)
                        return r;
                s->duration_usec = now_usec() - start;
                s->attempts = attempt;
                *ret = s;
                return 0;
        }
}

int mptcp_diag_dump(MptcpDiagSnapshot **ret) {
        return mptcp_diag_dump_full(NULL, ret);
}

MptcpDiagSnapshot *mptcp_diag_snapshot_free(MptcpDiagSnapshot *s) {
        if (!s)
                return NULL;
        free(s->connections);
        free(s->listeners);
        free(s->subflows);
        free(s);
        return NULL;
}
