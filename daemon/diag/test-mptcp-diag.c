/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mptcp-diag.c — the sock_diag snapshot against real MPTCP connections in a namespace of its own. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "macro.h"
#include "mptcp-diag.h"
#include "pm-codec.h"

#define check(expr)                                                                                \
        do {                                                                                       \
                if (!(expr))                                                                       \
                        fail(__LINE__, "check failed: %s", #expr);                                 \
        } while (0)

#define check_eq(a, b)                                                                             \
        do {                                                                                       \
                long long _a = (long long) (a), _b = (long long) (b);                              \
                if (_a != _b)                                                                      \
                        fail(__LINE__, "%s == %lld, expected %s == %lld", #a, _a, #b, _b);         \
        } while (0)

#define NLBUF 8192 /* MNL_SOCKET_BUFFER_SIZE is not a constant */
#define WAIT_USEC (10 * 1000 * 1000ULL)
#define N_MANY 200
#define LOCAL_ID 5

static const char *current_step = "setup";

_printf_(2, 3) _noreturn_ static void fail(int line, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "%s:%d: [%s] ", __FILE__, line, current_step);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        abort();
}

static void step(const char *name) {
        current_step = name;
        printf("step: %s\n", name);
        fflush(stdout);
}

static uint64_t now_usec(void) {
        struct timespec ts;

        check(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

static PmAddr addr4(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET, .port = port };

        check(inet_pton(AF_INET, s, &a.in) == 1);
        return a;
}

static PmAddr addr6(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET6, .port = port };

        check(inet_pton(AF_INET6, s, &a.in6) == 1);
        return a;
}

static bool addr_port_equal(const PmAddr *a, const PmAddr *b) {
        return pm_addr_equal(a, b) && a->port == b->port;
}

static const char *fmt_addr(const PmAddr *a) {
        static char bufs[4][PM_ADDR_STRLEN];
        static unsigned i;

        return pm_addr_to_string(a, bufs[i++ % ELEMENTSOF(bufs)], PM_ADDR_STRLEN);
}

/* ---- namespace setup over rtnetlink ---- */

static void rtnl_request(struct mnl_socket *nl, struct nlmsghdr *nlh) {
        uint8_t buf[NLBUF] __attribute__((aligned(4)));
        int error;
        ssize_t n;

        nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = (uint32_t) now_usec();
        check(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0);
        n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
        check(n > 0);
        check_eq(nl_parse_ack((struct nlmsghdr *) buf, (size_t) n, &error, NULL), 0);
        check_eq(error, 0);
}

static void netns_setup(void) {
        uint8_t buf[NLBUF] __attribute__((aligned(4)));
        struct mnl_socket *nl;
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifi;
        struct ifaddrmsg *ifa;
        struct in_addr a;
        char pm[32] = "";
        int fd;

        if (unshare(CLONE_NEWNET) < 0)
                fail(__LINE__, "unshare(CLONE_NEWNET): %s (this test needs root)", strerror(errno));

        /* Per network namespace: only ours changes. */
        fd = open("/proc/sys/net/mptcp/path_manager", O_RDWR | O_CLOEXEC);
        check(fd >= 0);
        check(write(fd, "userspace", 9) == 9);
        check(lseek(fd, 0, SEEK_SET) == 0);
        check(read(fd, pm, sizeof(pm) - 1) > 0);
        check(strncmp(pm, "userspace", 9) == 0);
        close(fd);

        nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        check(nl);
        check(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0);

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_index = (int) if_nametoindex("lo");
        check(ifi->ifi_index > 0);
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        rtnl_request(nl, nlh);

        /* A second local address for the join (127/8 is local anyway; the address makes it an
         * address the system owns, as a real second interface's would be). */
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWADDR;
        nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = 8;
        ifa->ifa_scope = RT_SCOPE_HOST;
        ifa->ifa_index = if_nametoindex("lo");
        check(inet_pton(AF_INET, "127.0.0.2", &a) == 1);
        mnl_attr_put(nlh, IFA_LOCAL, sizeof(a), &a);
        mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
        rtnl_request(nl, nlh);

        mnl_socket_close(nl);
}

/* ---- MPTCP sockets ---- */

typedef union SockAddr {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
} SockAddr;

static socklen_t sockaddr_make(SockAddr *ret, int family, const char *addr, uint16_t port) {
        *ret = (SockAddr) {};
        if (family == AF_INET) {
                ret->in.sin_family = AF_INET;
                ret->in.sin_port = htons(port);
                check(inet_pton(AF_INET, addr, &ret->in.sin_addr) == 1);
                return sizeof(ret->in);
        }
        ret->in6.sin6_family = AF_INET6;
        ret->in6.sin6_port = htons(port);
        check(inet_pton(AF_INET6, addr, &ret->in6.sin6_addr) == 1);
        return sizeof(ret->in6);
}

/* The socket's own address, as the kernel shows it (IPv4-mapped stays AF_INET6 here). */
static PmAddr sock_local(int fd) {
        SockAddr sa;
        socklen_t sl = sizeof(sa);

        check(getsockname(fd, &sa.sa, &sl) == 0);
        if (sa.sa.sa_family == AF_INET)
                return (PmAddr) { .family = AF_INET, .in = sa.in.sin_addr, .port = ntohs(sa.in.sin_port) };
        check(sa.sa.sa_family == AF_INET6);
        return (PmAddr) { .family = AF_INET6, .in6 = sa.in6.sin6_addr, .port = ntohs(sa.in6.sin6_port) };
}

static uint16_t local_port(int fd) {
        return sock_local(fd).port;
}

static int mptcp_listen(int family, const char *addr) {
        SockAddr sa;
        socklen_t sl = sockaddr_make(&sa, family, addr, 0);
        int fd, one = 1;

        fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
        check(fd >= 0);
        check(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
        check(bind(fd, &sa.sa, sl) == 0);
        check(listen(fd, N_MANY + 16) == 0);
        return fd;
}

/* A blocking MPTCP connect to addr:port of the given family (v4-mapped works for AF_INET6). */
static int mptcp_connect(int family, const char *addr, uint16_t port) {
        SockAddr sa;
        socklen_t sl = sockaddr_make(&sa, family, addr, port);
        int fd;

        fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
        check(fd >= 0);
        check(connect(fd, &sa.sa, sl) == 0);
        return fd;
}

/* Data both ways: the client side's MPTCP connection becomes ESTABLISHED only once data flowed. */
static void ping_pong(int client, int server) {
        char b[64];

        check(write(client, "ping", 4) == 4);
        check(read(server, b, sizeof(b)) == 4);
        check(write(server, "pong", 4) == 4);
        check(read(client, b, sizeof(b)) == 4);
}

/* ---- generic netlink: the mptcp_pm family ---- */

typedef struct Genl {
        struct mnl_socket *cmd, *ev;
        uint16_t family_id;
        uint32_t group_id;
        PmEvent events[256];
        size_t n_events;
} Genl;

static void genl_open(Genl *g) {
        uint8_t buf[NLBUF] __attribute__((aligned(4)));
        struct nlmsghdr *nlh;
        ssize_t n;
        int grp;

        g->cmd = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
        g->ev = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC | SOCK_NONBLOCK);
        check(g->cmd && g->ev);
        check(mnl_socket_bind(g->cmd, 0, MNL_SOCKET_AUTOPID) == 0);
        check(mnl_socket_bind(g->ev, 0, MNL_SOCKET_AUTOPID) == 0);

        check_eq(genl_build_get_family(buf, sizeof(buf), 1, PM_GENL_NAME, &nlh), 0);
        check(mnl_socket_sendto(g->cmd, nlh, nlh->nlmsg_len) >= 0);
        n = mnl_socket_recvfrom(g->cmd, buf, sizeof(buf));
        check(n > 0);
        check_eq(genl_parse_family((struct nlmsghdr *) buf, (size_t) n, PM_GENL_EVENTS_GROUP, &g->family_id,
                                   &g->group_id), 0);
        check(g->group_id > 0);
        n = mnl_socket_recvfrom(g->cmd, buf, sizeof(buf)); /* the ACK */
        check(n > 0);

        grp = (int) g->group_id;
        check(mnl_socket_setsockopt(g->ev, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) == 0);
}

static void genl_close(Genl *g) {
        mnl_socket_close(g->cmd);
        mnl_socket_close(g->ev);
        g->cmd = g->ev = NULL;
}

/* Reads whatever events are queued, waiting at most timeout_usec for the first. */
static void genl_read_events(Genl *g, uint64_t timeout_usec) {
        struct pollfd p = { .fd = mnl_socket_get_fd(g->ev), .events = POLLIN };
        uint8_t buf[NLBUF] __attribute__((aligned(4)));
        ssize_t n;

        if (poll(&p, 1, (int) (timeout_usec / 1000)) <= 0)
                return;
        while ((n = mnl_socket_recvfrom(g->ev, buf, sizeof(buf))) > 0) {
                const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
                int len = (int) n;

                for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
                        PmEvent ev;

                        if (nlh->nlmsg_type != g->family_id)
                                continue;
                        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &ev), 0);
                        check(g->n_events < ELEMENTSOF(g->events));
                        g->events[g->n_events++] = ev;
                }
        }
        check(errno == EAGAIN); /* ENOBUFS here would mean lost events: the test must not cause any */
}

typedef bool (*event_match_t)(const PmEvent *ev, const void *arg);

static const PmEvent *genl_wait_event(Genl *g, event_match_t match, const void *arg, const char *what) {
        uint64_t deadline = now_usec() + WAIT_USEC;
        size_t seen = 0;

        for (;;) {
                for (; seen < g->n_events; seen++)
                        if (match(&g->events[seen], arg))
                                return &g->events[seen];
                if (now_usec() >= deadline)
                        fail(__LINE__, "timed out waiting for the event: %s", what);
                genl_read_events(g, deadline - now_usec());
        }
}

typedef struct EventKey {
        uint8_t type;
        bool any_side;
        bool server_side;
        PmAddr saddr; /* with port; family AF_UNSPEC = any */
        uint32_t token; /* 0 = any */
} EventKey;

static bool event_matches_key(const PmEvent *ev, const void *arg) {
        const EventKey *k = arg;

        if (ev->type != k->type || (!k->any_side && ev->server_side != k->server_side))
                return false;
        if (k->token != 0 && ev->token != k->token)
                return false;
        if (k->saddr.family != AF_UNSPEC && !addr_port_equal(&ev->saddr, &k->saddr))
                return false;
        return true;
}

static int genl_command(Genl *g, struct nlmsghdr *nlh) {
        uint8_t buf[NLBUF] __attribute__((aligned(4)));
        const char *extack = NULL;
        int error;
        ssize_t n;

        check(mnl_socket_sendto(g->cmd, nlh, nlh->nlmsg_len) >= 0);
        n = mnl_socket_recvfrom(g->cmd, buf, sizeof(buf));
        check(n > 0);
        check_eq(nl_parse_ack((struct nlmsghdr *) buf, (size_t) n, &error, &extack), 0);
        if (error < 0)
                fprintf(stderr, "command failed: %s (%s)\n", strerror(-error), strna(extack));
        return error;
}

/* The userspace PM's address table of one connection (GET_ADDR dump with TOKEN). */
static size_t genl_dump_addrs(Genl *g, uint32_t token, PmEndpoint *ret, size_t max) {
        uint8_t buf[NLBUF] __attribute__((aligned(4)));
        struct nlmsghdr *nlh;
        size_t n_ret = 0;
        uint32_t seq = 77;

        check_eq(pm_build_dump_addrs(buf, sizeof(buf), g->family_id, seq, &token, &nlh), 0);
        check(mnl_socket_sendto(g->cmd, nlh, nlh->nlmsg_len) >= 0);
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(g->cmd, buf, sizeof(buf));
                const struct nlmsghdr *m = (const struct nlmsghdr *) buf;
                int len = (int) n;

                check(n > 0);
                for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
                        check_eq(m->nlmsg_seq, seq);
                        if (m->nlmsg_type == NLMSG_DONE)
                                return n_ret;
                        if (m->nlmsg_type == NLMSG_ERROR) {
                                int error;

                                check_eq(nl_parse_ack(m, m->nlmsg_len, &error, NULL), 0);
                                fail(__LINE__, "GET_ADDR dump failed: %s", strerror(-error));
                        }
                        check(n_ret < max);
                        check_eq(pm_addr_reply_parse(m, m->nlmsg_len, &ret[n_ret]), 0);
                        n_ret++;
                }
        }
}

/* ---- printing what the kernel reported ---- */

static void print_subflow(const MptcpDiagSubflow *f) {
        printf("    subflow %s -> %s family %s token %08x token_rem %08x id %u/%u flags 0x%03x%s%s%s%s if %d %s\n",
               fmt_addr(&f->local), fmt_addr(&f->remote), f->family == AF_INET ? "inet" : "inet6", f->token,
               f->token_remote, f->id_loc, f->id_rem, f->flags, f->join ? " join" : "",
               f->backup_local ? " backup-local" : "", f->backup_remote ? " backup-remote" : "",
               f->fully_established ? " fully-established" : "", f->ifindex,
               strna(mptcp_diag_tcp_state_to_string(f->tcp_state)));
}

static void print_group(const MptcpDiagGroup *g) {
        const MptcpDiagConnection *c = &g->connection;

        printf("  connection %s -> %s family %s token %08x %s mptcpi_subflows %u mptcpi_flags 0x%x if %d "
               "inode %u\n",
               fmt_addr(&c->local), fmt_addr(&c->remote), c->family == AF_INET ? "inet" : "inet6", c->token,
               strna(mptcp_diag_tcp_state_to_string(c->state)), c->n_subflows, c->info_flags, c->ifindex,
               c->inode);
        for (size_t i = 0; i < g->n_subflows; i++)
                print_subflow(&g->subflows[i]);
}

/* The connection with this local and remote address and port. */
static const MptcpDiagGroup *find_group(const MptcpDiagSnapshot *s, const PmAddr *local, const PmAddr *remote) {
        const MptcpDiagGroup *found = NULL;

        for (size_t i = 0; i < s->n_connections; i++)
                if (addr_port_equal(&s->connections[i].connection.local, local) &&
                    addr_port_equal(&s->connections[i].connection.remote, remote)) {
                        check(!found);
                        found = &s->connections[i];
                }
        if (!found)
                fail(__LINE__, "no connection %s -> %s in the snapshot", fmt_addr(local), fmt_addr(remote));
        return found;
}

static void check_snapshot_invariants(const MptcpDiagSnapshot *s) {
        size_t total = 0;

        for (size_t i = 0; i < s->n_connections; i++) {
                const MptcpDiagGroup *g = &s->connections[i];

                check(!g->connection.listening);
                if (i > 0)
                        check(s->connections[i - 1].connection.token < g->connection.token);
                check(mptcp_diag_snapshot_find(s, g->connection.token) == g);
                for (size_t j = 0; j < g->n_subflows; j++)
                        check_eq(g->subflows[j].token, g->connection.token);
                total += g->n_subflows;
        }
        check_eq(total + s->n_orphans, s->n_subflows);
        check(s->orphans == s->subflows + total);
}

/* ---- the test ---- */

typedef struct Conn {
        int client, server;
        PmAddr client_addr, server_addr;
} Conn;

/* The first test's connections stay open until the end, so that the counts of the second are exact
 * (closed MPTCP sockets linger in closing states for a while). */
static Conn c4, c6, cm;
#define N_FIRST 6 /* MPTCP sockets of the first test: three connections, both sides */

static void conn_open(Conn *c, int listener, int family, const char *addr, uint16_t port) {
        c->client = mptcp_connect(family, addr, port);
        c->server = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        check(c->server >= 0);
        ping_pong(c->client, c->server);
        c->client_addr = sock_local(c->client);
}

static void conn_close(Conn *c) {
        close(c->client);
        close(c->server);
}

static bool snapshot_has_established_join(const MptcpDiagSnapshot *s, uint32_t token_client, uint32_t token_server) {
        const MptcpDiagGroup *a = mptcp_diag_snapshot_find(s, token_client);
        const MptcpDiagGroup *b = mptcp_diag_snapshot_find(s, token_server);
        bool ja = false, jb = false;

        for (size_t i = 0; a && i < a->n_subflows; i++)
                ja = ja || (a->subflows[i].join && a->subflows[i].tcp_state == TCP_ESTABLISHED &&
                            a->subflows[i].fully_established);
        for (size_t i = 0; b && i < b->n_subflows; i++)
                jb = jb || (b->subflows[i].join && b->subflows[i].tcp_state == TCP_ESTABLISHED);
        return ja && jb;
}

static void test_connection_and_join(Genl *g, int listener4, int listener6) {
        _cleanup_(mptcp_diag_snapshot_freep) MptcpDiagSnapshot *s = NULL;
        const uint16_t port4 = local_port(listener4), port6 = local_port(listener6);
        const PmEvent *ev_client, *ev_server;
        uint32_t token_client, token_server;
        const MptcpDiagGroup *gc, *gs, *g6, *gm;
        PmAddr join_local = {};
        uint8_t buf[NLBUF] __attribute__((aligned(4)));
        PmEndpoint table[16];
        size_t n_table;
        struct nlmsghdr *nlh;
        uint64_t deadline;
        EventKey key;
        bool found;

        step("an IPv4 MPTCP connection, ESTABLISHED");
        conn_open(&c4, listener4, AF_INET, "127.0.0.1", port4);
        c4.server_addr = addr4("127.0.0.1", port4);
        key = (EventKey) { .type = MPTCP_EVENT_ESTABLISHED, .saddr = c4.client_addr };
        ev_client = genl_wait_event(g, event_matches_key, &key, "client ESTABLISHED");
        token_client = ev_client->token;
        key = (EventKey) { .type = MPTCP_EVENT_ESTABLISHED, .server_side = true, .saddr = c4.server_addr };
        ev_server = genl_wait_event(g, event_matches_key, &key, "server ESTABLISHED");
        token_server = ev_server->token;
        printf("events: client token %08x, server token %08x\n", token_client, token_server);

        step("IPv6 and IPv4-mapped MPTCP connections");
        conn_open(&c6, listener6, AF_INET6, "::1", port6);
        c6.server_addr = addr6("::1", port6);
        conn_open(&cm, listener6, AF_INET6, "::ffff:127.0.0.1", port6);
        cm.server_addr = addr4("127.0.0.1", port6); /* the snapshot unmaps */
        check(cm.client_addr.family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&cm.client_addr.in6));
        cm.client_addr = addr4("127.0.0.1", cm.client_addr.port);

        step("SUBFLOW_CREATE from 127.0.0.2 with an id and BACKUP");
        {
                PmEndpoint local = { .addr = addr4("127.0.0.2", 0), .id = LOCAL_ID, .flags = MPTCP_PM_ADDR_FLAG_BACKUP,
                                     .ifindex = (int32_t) if_nametoindex("lo") };
                PmAddr remote = addr4("127.0.0.1", port4);

                check_eq(pm_build_subflow_create(buf, sizeof(buf), g->family_id, 2, token_client, &local, &remote, &nlh), 0);
                check_eq(genl_command(g, nlh), 0);
        }
        key = (EventKey) { .type = MPTCP_EVENT_SUB_ESTABLISHED, .any_side = true, .token = token_client };
        ev_client = genl_wait_event(g, event_matches_key, &key, "client SUB_ESTABLISHED");
        check(pm_addr_equal(&ev_client->saddr, &(PmAddr) { .family = AF_INET, .in.s_addr = htonl(0x7f000002) }));
        join_local = ev_client->saddr;
        printf("event: client SUB_ESTABLISHED %s -> %s loc_id %u rem_id %u backup %d\n", fmt_addr(&ev_client->saddr),
               fmt_addr(&ev_client->daddr), ev_client->loc_id, ev_client->rem_id, ev_client->backup);
        key = (EventKey) { .type = MPTCP_EVENT_SUB_ESTABLISHED, .any_side = true, .token = token_server };
        ev_server = genl_wait_event(g, event_matches_key, &key, "server SUB_ESTABLISHED");
        printf("event: server SUB_ESTABLISHED %s -> %s loc_id %u rem_id %u backup %d\n", fmt_addr(&ev_server->saddr),
               fmt_addr(&ev_server->daddr), ev_server->loc_id, ev_server->rem_id, ev_server->backup);

        step("the snapshot shows both sides, their subflows, ids and flags");
        /* SUB_ESTABLISHED can precede the final ACK of the join: retry the dump until both join
         * subflows are ESTABLISHED (and the client's fully established), with a deadline. */
        deadline = now_usec() + WAIT_USEC;
        for (unsigned tries = 1;; tries++) {
                MptcpDiagSnapshot *t = NULL;

                check_eq(mptcp_diag_dump(&t), 0);
                if (snapshot_has_established_join(t, token_client, token_server)) {
                        s = t;
                        printf("snapshot after %u dump(s): %zu connections, %zu subflows, %zu orphans, %llu us\n", tries,
                               s->n_connections, s->n_subflows, s->n_orphans, (unsigned long long) s->duration_usec);
                        break;
                }
                mptcp_diag_snapshot_free(t);
                if (now_usec() >= deadline)
                        fail(__LINE__, "the join subflow never showed ESTABLISHED in the dump");
                genl_read_events(g, 10 * 1000); /* wait on the event socket a little, not a blind sleep */
        }
        for (size_t i = 0; i < s->n_connections; i++)
                print_group(&s->connections[i]);
        check_snapshot_invariants(s);
        check_eq(s->n_connections, N_FIRST);
        check_eq(s->n_listeners, 0);
        check_eq(s->n_orphans, 0);
        check_eq(s->attempts, 1);

        /* Client side of the IPv4 connection. */
        gc = find_group(s, &c4.client_addr, &c4.server_addr);
        check_eq(gc->connection.token, token_client);
        check(mptcp_diag_snapshot_find(s, token_client) == gc);
        check_eq(gc->connection.family, AF_INET);
        check_eq(gc->connection.state, TCP_ESTABLISHED);
        check(!gc->connection.listening);
        check(!gc->connection.fallback);
        check_eq(gc->connection.n_subflows, 1); /* mptcpi_subflows counts the joins */
        check(gc->connection.inode != 0);
        check_eq(gc->n_subflows, 2);
        /* The initial subflow. */
        check(!gc->subflows[0].join);
        check_eq(gc->subflows[0].token, token_client);
        check(addr_port_equal(&gc->subflows[0].local, &c4.client_addr));
        check(addr_port_equal(&gc->subflows[0].remote, &c4.server_addr));
        check_eq(gc->subflows[0].id_loc, 0);
        check_eq(gc->subflows[0].id_rem, 0);
        check(gc->subflows[0].flags & MPTCP_SUBFLOW_FLAG_MCAP_LOC);
        check(gc->subflows[0].flags & MPTCP_SUBFLOW_FLAG_MCAP_REM);
        check(!gc->subflows[0].backup_local && !gc->subflows[0].backup_remote);
        check_eq(gc->subflows[0].tcp_state, TCP_ESTABLISHED);
        check_eq(gc->subflows[0].ifindex, 0);
        /* The join we created. */
        check(gc->subflows[1].join);
        check(gc->subflows[1].flags & MPTCP_SUBFLOW_FLAG_JOIN_LOC);
        check_eq(gc->subflows[1].token, token_client);
        check_eq(gc->subflows[1].token_remote, token_server);
        check(addr_port_equal(&gc->subflows[1].local, &join_local));
        check(addr_port_equal(&gc->subflows[1].remote, &c4.server_addr));
        check_eq(gc->subflows[1].id_loc, LOCAL_ID);
        check_eq(gc->subflows[1].id_rem, 0);
        check(gc->subflows[1].backup_local);
        check(!gc->subflows[1].backup_remote);
        check_eq(gc->subflows[1].ifindex, (int) if_nametoindex("lo"));
        check_eq(gc->subflows[1].tcp_state, TCP_ESTABLISHED);

        /* Server side of the same connection. */
        gs = find_group(s, &c4.server_addr, &c4.client_addr);
        check_eq(gs->connection.token, token_server);
        check_eq(gs->connection.n_subflows, 1);
        check_eq(gs->n_subflows, 2);
        check(!gs->subflows[0].join);
        check(addr_port_equal(&gs->subflows[0].local, &c4.server_addr));
        check(gs->subflows[0].flags & MPTCP_SUBFLOW_FLAG_MCAP_REM);
        check(gs->subflows[1].join);
        check(gs->subflows[1].flags & MPTCP_SUBFLOW_FLAG_JOIN_REM);
        check(!(gs->subflows[1].flags & MPTCP_SUBFLOW_FLAG_JOIN_LOC));
        check(addr_port_equal(&gs->subflows[1].remote, &join_local));
        check(addr_port_equal(&gs->subflows[1].local, &c4.server_addr));
        check_eq(gs->subflows[1].id_rem, LOCAL_ID);
        check_eq(gs->subflows[1].id_loc, 0);
        check(gs->subflows[1].backup_remote); /* the peer's B bit in MP_JOIN */
        check(!gs->subflows[1].backup_local);
        check_eq(gs->subflows[1].token, token_server);

        /* IPv6 and IPv4-mapped connections, both sides. */
        g6 = find_group(s, &c6.client_addr, &c6.server_addr);
        check_eq(g6->connection.family, AF_INET6);
        check_eq(g6->n_subflows, 1);
        check_eq(g6->subflows[0].family, AF_INET6);
        check(addr_port_equal(&g6->subflows[0].local, &c6.client_addr));
        check_eq(find_group(s, &c6.server_addr, &c6.client_addr)->n_subflows, 1);
        gm = find_group(s, &cm.client_addr, &cm.server_addr);
        check_eq(gm->connection.family, AF_INET6);
        check_eq(gm->connection.local.family, AF_INET);
        check_eq(gm->n_subflows, 1);
        check(addr_port_equal(&gm->subflows[0].remote, &cm.server_addr));
        check_eq(find_group(s, &cm.server_addr, &cm.client_addr)->connection.family, AF_INET6);

        step("listeners only when asked for");
        {
                _cleanup_(mptcp_diag_snapshot_freep) MptcpDiagSnapshot *l = NULL;
                bool found4 = false, found6 = false;

                check_eq(mptcp_diag_dump_full(&(MptcpDiagOptions) { .listeners = true }, &l), 0);
                check_eq(l->n_listeners, 2);
                for (size_t i = 0; i < l->n_listeners; i++) {
                        const MptcpDiagConnection *c = &l->listeners[i];

                        printf("  listener %s family %s token %08x %s\n", fmt_addr(&c->local),
                               c->family == AF_INET ? "inet" : "inet6", c->token,
                               strna(mptcp_diag_tcp_state_to_string(c->state)));
                        check(c->listening);
                        check_eq(c->state, TCP_LISTEN);
                        found4 = found4 || (c->family == AF_INET && c->local.port == port4);
                        found6 = found6 || (c->family == AF_INET6 && c->local.port == port6);
                }
                check(found4 && found6);
                check_eq(l->n_connections, N_FIRST);
        }

        step("GET_ADDR with the token: the userspace PM's id table");
        n_table = genl_dump_addrs(g, token_client, table, ELEMENTSOF(table));
        found = false;
        for (size_t i = 0; i < n_table; i++) {
                printf("  id %u %s flags 0x%x ifindex %d\n", table[i].id, fmt_addr(&table[i].addr), table[i].flags,
                       table[i].ifindex);
                if (table[i].id == LOCAL_ID) {
                        check(pm_addr_equal(&table[i].addr, &join_local));
                        check(table[i].flags & MPTCP_PM_ADDR_FLAG_BACKUP);
                        found = true;
                }
        }
        check(found);
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return x < y ? -1 : x > y;
}

static void test_many(int listener) {
        const uint16_t port = local_port(listener);
        uint64_t durations[21];
        Conn *conns;
        size_t n_client, n_server, n_sub;

        step("200 concurrent connections all appear");
        conns = new0(Conn, N_MANY);
        check(conns);
        for (size_t i = 0; i < N_MANY; i++) {
                conns[i].client = mptcp_connect(AF_INET, "127.0.0.1", port);
                conns[i].server = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
                check(conns[i].server >= 0);
        }

        for (size_t k = 0; k < ELEMENTSOF(durations); k++) {
                _cleanup_(mptcp_diag_snapshot_freep) MptcpDiagSnapshot *s = NULL;
                uint64_t t0 = now_usec();

                check_eq(mptcp_diag_dump(&s), 0);
                durations[k] = now_usec() - t0;

                n_client = n_server = n_sub = 0;
                for (size_t i = 0; i < s->n_connections; i++) {
                        const MptcpDiagGroup *g = &s->connections[i];

                        if (g->connection.remote.port == port)
                                n_client++;
                        else if (g->connection.local.port == port)
                                n_server++;
                        else
                                continue;
                        check_eq(g->n_subflows, 1);
                        check(!g->subflows[0].join);
                        n_sub += g->n_subflows;
                }
                check_snapshot_invariants(s);
                check_eq(n_client, N_MANY);
                check_eq(n_server, N_MANY);
                check_eq(n_sub, 2 * N_MANY);
                check_eq(s->n_connections, 2 * N_MANY + N_FIRST);
                check_eq(s->n_subflows, 2 * N_MANY + N_FIRST + 2); /* + the two ends of the join */
                check_eq(s->n_orphans, 0);
        }
        qsort(durations, ELEMENTSOF(durations), sizeof(uint64_t), cmp_u64);
        printf("dump of %d connections (%d MPTCP sockets, %d subflows): min %llu us, median %llu us, max %llu us "
               "over %zu dumps\n",
               N_MANY, 2 * N_MANY + N_FIRST, 2 * N_MANY + N_FIRST + 2, (unsigned long long) durations[0],
               (unsigned long long) durations[ELEMENTSOF(durations) / 2],
               (unsigned long long) durations[ELEMENTSOF(durations) - 1], ELEMENTSOF(durations));

        step("count limits and timeout are enforced");
        {
                MptcpDiagSnapshot *s = NULL;

                const size_t nc = 2 * N_MANY + N_FIRST, ns = 2 * N_MANY + N_FIRST + 2;

                check_eq(mptcp_diag_dump_full(&(MptcpDiagOptions) { .max_connections = nc - 1 }, &s), -E2BIG);
                check(!s);
                check_eq(mptcp_diag_dump_full(&(MptcpDiagOptions) { .max_subflows = ns - 1 }, &s), -E2BIG);
                check(!s);
                check_eq(mptcp_diag_dump_full(&(MptcpDiagOptions) { .max_connections = nc, .max_subflows = ns }, &s), 0);
                check_eq(s->n_connections, nc);
                check_eq(s->n_subflows, ns);
                s = mptcp_diag_snapshot_free(s);
                /* A timeout too short for four dumps of 400 sockets. */
                check_eq(mptcp_diag_dump_full(&(MptcpDiagOptions) { .timeout_usec = 1 }, &s), -ETIMEDOUT);
                check(!s);
        }

        for (size_t i = 0; i < N_MANY; i++)
                conn_close(&conns[i]);
        free(conns);
}

int main(void) {
        struct rlimit rl = { 4096, 4096 };
        int listener4, listener6, listener_many;
        Genl g = {};

        setvbuf(stdout, NULL, _IOLBF, 0);
        (void) setrlimit(RLIMIT_NOFILE, &rl); /* 400+ sockets; the default soft limit of 1024 would do too */

        netns_setup();
        genl_open(&g);

        listener4 = mptcp_listen(AF_INET, "127.0.0.1");
        listener6 = mptcp_listen(AF_INET6, "::");
        test_connection_and_join(&g, listener4, listener6);

        /* The event socket goes first: 400 CREATED/ESTABLISHED events nobody reads would only fill it. */
        genl_close(&g);
        listener_many = mptcp_listen(AF_INET, "127.0.0.1");
        test_many(listener_many);

        conn_close(&c4);
        conn_close(&c6);
        conn_close(&cm);
        close(listener4);
        close(listener6);
        close(listener_many);
        printf("all checks passed\n");
        return 0;
}
