/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mptcp-diag-codec.c — the sock_diag codec on hand-built messages shaped like kernel 6.18's. */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "mptcp-diag-codec.h"
#include "tests.h"

#define BUFSZ 4096
#define SEQ 4242
#define PORTID 777
#define TOKEN 0x8f1d2ce5u
#define TOKEN_PEER 0xd94a6c41u

/* Sizes kernel 6.18 sends: struct mptcp_info has grown to 96 bytes, tcp_info to 280. */
#define MPTCP_INFO_SIZE_6_18 96
#define TCP_INFO_SIZE_6_18 280

static uint8_t buffer[BUFSZ] __attribute__((aligned(8)));

/* ---- building replies ---- */

typedef struct Ends {
        int family;
        const char *src, *dst; /* textual, of the family */
        uint16_t sport, dport; /* host order */
        uint32_t ifindex;
} Ends;

static struct nlmsghdr *diag_msg_start(const Ends *e, uint8_t state) {
        struct inet_diag_msg *m;
        struct nlmsghdr *nlh;

        memset(buffer, 0, sizeof(buffer));
        nlh = mnl_nlmsg_put_header(buffer);
        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_MULTI;
        nlh->nlmsg_seq = SEQ;
        nlh->nlmsg_pid = PORTID;
        m = mnl_nlmsg_put_extra_header(nlh, sizeof(*m));
        m->idiag_family = (uint8_t) e->family;
        m->idiag_state = state;
        m->id.idiag_sport = htons(e->sport);
        m->id.idiag_dport = htons(e->dport);
        m->id.idiag_if = e->ifindex;
        m->id.idiag_cookie[0] = 0x1234;
        m->id.idiag_cookie[1] = 0x1;
        m->idiag_inode = 4711;
        m->idiag_uid = 1000;
        check(inet_pton(e->family, e->src, m->id.idiag_src) == 1);
        check(inet_pton(e->family, e->dst, m->id.idiag_dst) == 1);
        /* What 6.18 puts before INFO: SHUTDOWN, MARK, CGROUP_ID, SOCKOPT. */
        mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 0);
        mnl_attr_put_u32(nlh, INET_DIAG_MARK, 0);
        mnl_attr_put_u64(nlh, INET_DIAG_CGROUP_ID, 1);
        mnl_attr_put_u16(nlh, INET_DIAG_SOCKOPT, 0);
        return nlh;
}

static struct nlmsghdr *build_connection(const Ends *e, uint8_t state, uint32_t token, uint32_t flags,
                                         size_t info_size) {
        struct nlmsghdr *nlh = diag_msg_start(e, state);
        uint8_t info[128] = {};

        check(info_size <= sizeof(info));
        info[0] = 1; /* mptcpi_subflows */
        if (info_size >= 12)
                memcpy(info + 8, &flags, 4);
        if (info_size >= 16)
                memcpy(info + 12, &token, 4);
        mnl_attr_put(nlh, INET_DIAG_INFO, info_size, info);
        return nlh;
}

typedef struct SubflowSpec {
        const char *ulp_name;      /* NULL: no INET_DIAG_ULP_INFO at all */
        bool with_mptcp;           /* INET_ULP_INFO_MPTCP nest present */
        bool omit_token_loc, omit_flags, omit_id_loc, omit_id_rem;
        bool short_flags;          /* FLAGS as a u16 */
        bool unterminated_name;
        uint32_t flags;
        uint8_t id_loc, id_rem;
} SubflowSpec;

static struct nlmsghdr *build_subflow(const Ends *e, uint8_t state, const SubflowSpec *s) {
        struct nlmsghdr *nlh = diag_msg_start(e, state);
        struct nlattr *ulp, *mp;
        uint8_t tcp_info[TCP_INFO_SIZE_6_18] = {};

        mnl_attr_put(nlh, INET_DIAG_INFO, sizeof(tcp_info), tcp_info);
        if (!s->ulp_name)
                return nlh;

        ulp = mnl_attr_nest_start(nlh, INET_DIAG_ULP_INFO);
        if (s->unterminated_name)
                mnl_attr_put(nlh, INET_ULP_INFO_NAME, strlen(s->ulp_name), s->ulp_name);
        else
                mnl_attr_put_strz(nlh, INET_ULP_INFO_NAME, s->ulp_name);
        if (s->with_mptcp) {
                mp = mnl_attr_nest_start(nlh, INET_ULP_INFO_MPTCP);
                /* 6.18's order: tokens, flags and ids first, then the sequence numbers. */
                mnl_attr_put_u32(nlh, MPTCP_SUBFLOW_ATTR_TOKEN_REM, TOKEN_PEER);
                if (!s->omit_token_loc)
                        mnl_attr_put_u32(nlh, MPTCP_SUBFLOW_ATTR_TOKEN_LOC, TOKEN);
                if (s->short_flags)
                        mnl_attr_put_u16(nlh, MPTCP_SUBFLOW_ATTR_FLAGS, (uint16_t) s->flags);
                else if (!s->omit_flags)
                        mnl_attr_put_u32(nlh, MPTCP_SUBFLOW_ATTR_FLAGS, s->flags);
                if (!s->omit_id_rem)
                        mnl_attr_put_u8(nlh, MPTCP_SUBFLOW_ATTR_ID_REM, s->id_rem);
                if (!s->omit_id_loc)
                        mnl_attr_put_u8(nlh, MPTCP_SUBFLOW_ATTR_ID_LOC, s->id_loc);
                mnl_attr_put_u32(nlh, MPTCP_SUBFLOW_ATTR_RELWRITE_SEQ, 1);
                mnl_attr_put_u64(nlh, MPTCP_SUBFLOW_ATTR_MAP_SEQ, 2);
                mnl_attr_put_u32(nlh, MPTCP_SUBFLOW_ATTR_MAP_SFSEQ, 3);
                mnl_attr_put_u32(nlh, MPTCP_SUBFLOW_ATTR_SSN_OFFSET, 4);
                mnl_attr_put_u16(nlh, MPTCP_SUBFLOW_ATTR_MAP_DATALEN, 5);
                mnl_attr_put(nlh, 99, 3, "xyz"); /* something newer */
                mnl_attr_nest_end(nlh, mp);
        }
        mnl_attr_nest_end(nlh, ulp);
        return nlh;
}

static PmAddr pm4(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET, .port = port };

        check(inet_pton(AF_INET, s, &a.in) == 1);
        return a;
}

static PmAddr pm6(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET6, .port = port };

        check(inet_pton(AF_INET6, s, &a.in6) == 1);
        return a;
}

static bool same(const PmAddr *a, const PmAddr *b) {
        return pm_addr_equal(a, b) && a->port == b->port;
}

/* ---- truncation: every shorter length is an error, and nothing past it is read ---- */

typedef int (*parse_t)(const struct nlmsghdr *nlh, size_t len, void *ret);

static int parse_connection(const struct nlmsghdr *nlh, size_t len, void *ret) {
        return mptcp_diag_connection_parse(nlh, len, ret);
}

static int parse_subflow(const struct nlmsghdr *nlh, size_t len, void *ret) {
        return mptcp_diag_subflow_parse(nlh, len, ret);
}

/* The message at buffer, nlmsg_len bytes, is valid (parse returns expect). Cut at every length:
 * (a) the buffer ends early while nlmsg_len still claims the whole: -EBADMSG, always;
 * (b) nlmsg_len says the shorter length too: -EBADMSG, or (cut exactly between attributes so that
 *     only optional ones went missing) the same result as the whole or `also` (a subflow cut before
 *     its ULP info is a well-formed plain TCP socket: -ENODATA), never anything else.
 * Each copy is a heap block of exactly that size, so the sanitized build catches any over-read. */
static void check_truncations(parse_t parse, size_t ret_size, int expect, int also) {
        const struct nlmsghdr *whole = (const struct nlmsghdr *) buffer;
        size_t full = whole->nlmsg_len;
        uint8_t sentinel[256];

        check(ret_size <= sizeof(sentinel));
        for (size_t n = 0; n < full; n++) {
                uint8_t *copy = malloc(n ?: 1);
                uint8_t out[256];
                int r;

                check(copy);
                memcpy(copy, buffer, n);
                memset(out, 0xa5, sizeof(out));
                memset(sentinel, 0xa5, sizeof(sentinel));
                check_eq(parse((const struct nlmsghdr *) copy, n, out), -EBADMSG);
                check(memcmp(out, sentinel, ret_size) == 0); /* untouched on failure */

                if (n >= sizeof(struct nlmsghdr)) {
                        ((struct nlmsghdr *) copy)->nlmsg_len = (uint32_t) n;
                        r = parse((const struct nlmsghdr *) copy, n, out);
                        check(r == -EBADMSG || r == expect || r == also);
                        if (r < 0 && r != expect)
                                check(memcmp(out, sentinel, ret_size) == 0);
                }
                free(copy);
        }
}

/* ---- requests ---- */

static void test_requests(void) {
        uint8_t buf[256] __attribute__((aligned(4)));
        struct inet_diag_req_v2 req;
        struct nlmsghdr *nlh, *keep = (struct nlmsghdr *) 0x1;
        const struct nlattr *a;
        size_t need;

        check_eq(mptcp_diag_build_connections_request(buf, sizeof(buf), 7, AF_INET, false, &nlh), 0);
        check(nlh == (struct nlmsghdr *) buf);
        check_eq(nlh->nlmsg_type, SOCK_DIAG_BY_FAMILY);
        check_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
        check_eq(nlh->nlmsg_seq, 7);
        memcpy(&req, mnl_nlmsg_get_payload(nlh), sizeof(req));
        check_eq(req.sdiag_family, AF_INET);
        check_eq(req.sdiag_protocol, IPPROTO_TCP);
        check_eq(req.idiag_ext, 1u << (INET_DIAG_INFO - 1));
        check_eq(req.idiag_states, ~(1u << TCP_LISTEN));
        check_eq(req.id.idiag_cookie[0], INET_DIAG_NOCOOKIE);
        check_eq(req.id.idiag_cookie[1], INET_DIAG_NOCOOKIE);
        check_eq(req.id.idiag_sport, 0);
        check_eq(req.id.idiag_if, 0);
        need = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(req)) + MNL_ATTR_HDRLEN + 4;
        check_eq(nlh->nlmsg_len, need);
        a = (const struct nlattr *) ((const uint8_t *) nlh + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(req)));
        check_eq(a->nla_type, INET_DIAG_REQ_PROTOCOL);
        check_eq(a->nla_len, MNL_ATTR_HDRLEN + 4);
        check_eq(mnl_attr_get_u32(a), IPPROTO_MPTCP);

        check_eq(mptcp_diag_build_connections_request(buf, sizeof(buf), 8, AF_INET6, true, &nlh), 0);
        memcpy(&req, mnl_nlmsg_get_payload(nlh), sizeof(req));
        check_eq(req.sdiag_family, AF_INET6);
        check_eq(req.idiag_states, 0xffffffffu);

        check_eq(mptcp_diag_build_subflows_request(buf, sizeof(buf), 9, AF_INET6, &nlh), 0);
        check_eq(nlh->nlmsg_len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(req)));
        check_eq(nlh->nlmsg_seq, 9);
        check_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
        memcpy(&req, mnl_nlmsg_get_payload(nlh), sizeof(req));
        check_eq(req.sdiag_family, AF_INET6);
        check_eq(req.sdiag_protocol, IPPROTO_TCP);
        check_eq(req.idiag_ext, 1u << (INET_DIAG_INFO - 1));
        check(!(req.idiag_states & (1u << TCP_LISTEN)));
        check(!(req.idiag_states & (1u << TCP_TIME_WAIT)));
        check(!(req.idiag_states & (1u << MPTCP_DIAG_TCP_NEW_SYN_RECV)));
        check(req.idiag_states & (1u << TCP_ESTABLISHED));
        check(req.idiag_states & (1u << TCP_SYN_SENT));
        check(req.idiag_states & (1u << TCP_FIN_WAIT1));

        /* Refusals leave ret alone. */
        check_eq(mptcp_diag_build_connections_request(buf, sizeof(buf), 1, AF_UNIX, false, &keep), -EAFNOSUPPORT);
        check_eq(mptcp_diag_build_subflows_request(buf, sizeof(buf), 1, AF_UNSPEC, &keep), -EAFNOSUPPORT);
        for (size_t n = 0; n < need; n++) {
                check_eq(mptcp_diag_build_connections_request(buf, n, 1, AF_INET, false, &keep), -ENOBUFS);
                check_eq(mptcp_diag_build_subflows_request(buf, n, 1, AF_INET, &keep), -ENOBUFS);
        }
        check(keep == (struct nlmsghdr *) 0x1);
        check_eq(mptcp_diag_build_connections_request(NULL, sizeof(buf), 1, AF_INET, false, &keep), -EINVAL);
        check_eq(mptcp_diag_build_connections_request(buf, sizeof(buf), 1, AF_INET, false, NULL), -EINVAL);
        check_eq(mptcp_diag_build_connections_request(buf + 1, sizeof(buf) - 1, 1, AF_INET, false, &keep), -EINVAL);
        check_eq(mptcp_diag_build_connections_request(buf, need, 1, AF_INET, false, &keep), 0);
}

/* ---- connections ---- */

static void test_connection_ipv4(void) {
        const Ends e = { AF_INET, "127.0.0.1", "127.0.0.1", 47002, 32783, 0 };
        struct nlmsghdr *nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED,
                                                MPTCP_INFO_SIZE_6_18);
        MptcpDiagConnection c;
        PmAddr l = pm4("127.0.0.1", 47002), r = pm4("127.0.0.1", 32783);

        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &c), 0);
        check_eq(c.token, TOKEN);
        check_eq(c.family, AF_INET);
        check(same(&c.local, &l));
        check(same(&c.remote, &r));
        check_eq(c.state, TCP_ESTABLISHED);
        check(!c.listening);
        check(!c.fallback);
        check_eq(c.info_flags, MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED);
        check_eq(c.n_subflows, 1);
        check_eq(c.ifindex, 0);
        check_eq(c.inode, 4711);
        check_eq(c.uid, 1000);
        check_eq(c.cookie, 0x100001234ULL);
        /* A longer buffer than the message: only nlmsg_len counts. */
        check_eq(mptcp_diag_connection_parse(nlh, sizeof(buffer), &c), 0);
        check_truncations(parse_connection, sizeof(MptcpDiagConnection), 0, -EBADMSG);
}

static void test_connection_ipv6_and_mapped(void) {
        const Ends e6 = { AF_INET6, "2001:db8::1", "2001:db8::2", 1, 2, 3 };
        const Ends em = { AF_INET6, "::ffff:10.0.0.1", "::ffff:10.0.0.2", 1000, 2000, 0 };
        const Ends enot = { AF_INET6, "::10.0.0.1", "::ffff:0:10.0.0.2", 1000, 2000, 0 };
        struct nlmsghdr *nlh;
        MptcpDiagConnection c;
        PmAddr a;

        nlh = build_connection(&e6, TCP_CLOSE_WAIT, TOKEN, MPTCP_INFO_FLAG_FALLBACK, MPTCP_INFO_SIZE_6_18);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &c), 0);
        check_eq(c.family, AF_INET6);
        a = pm6("2001:db8::1", 1);
        check(same(&c.local, &a));
        a = pm6("2001:db8::2", 2);
        check(same(&c.remote, &a));
        check_eq(c.ifindex, 3);
        check_eq(c.state, TCP_CLOSE_WAIT);
        check(c.fallback);
        check_truncations(parse_connection, sizeof(MptcpDiagConnection), 0, -EBADMSG);

        /* IPv4-mapped: the socket stays AF_INET6, the addresses are unmapped. */
        nlh = build_connection(&em, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &c), 0);
        check_eq(c.family, AF_INET6);
        a = pm4("10.0.0.1", 1000);
        check(same(&c.local, &a));
        a = pm4("10.0.0.2", 2000);
        check(same(&c.remote, &a));

        /* IPv4-compatible and SIIT-style addresses are not mapped ones. */
        nlh = build_connection(&enot, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &c), 0);
        check_eq(c.local.family, AF_INET6);
        check_eq(c.remote.family, AF_INET6);
}

static void test_connection_listener_and_sizes(void) {
        const Ends e = { AF_INET, "0.0.0.0", "0.0.0.0", 5000, 0, 0 };
        struct nlmsghdr *nlh;
        MptcpDiagConnection c, keep = { .token = 99 };

        nlh = build_connection(&e, TCP_LISTEN, 0, 0, MPTCP_INFO_SIZE_6_18);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &c), 0);
        check(c.listening);
        check_eq(c.token, 0);
        check_eq(c.local.port, 5000);
        check_eq(c.remote.port, 0);

        /* The oldest mptcp_info prefix we accept ends with the token; shorter is malformed. */
        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, 16);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &c), 0);
        check_eq(c.token, TOKEN);
        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, 15);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        check_eq(keep.token, 99);

        /* No INET_DIAG_INFO at all: we asked for it, so the reply is malformed. */
        nlh = diag_msg_start(&e, TCP_ESTABLISHED);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);

        /* A family we did not ask for. */
        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        ((struct inet_diag_msg *) mnl_nlmsg_get_payload(nlh))->idiag_family = AF_UNIX;
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);

        /* An ifindex that does not fit an int. */
        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        ((struct inet_diag_msg *) mnl_nlmsg_get_payload(nlh))->id.idiag_if = 0x80000000u;
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);

        /* Another message type. */
        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        nlh->nlmsg_type = NLMSG_DONE;
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &keep), -EINVAL);

        /* Bytes after the last attribute that are no attribute. */
        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        memset((uint8_t *) nlh + nlh->nlmsg_len, 0xff, 4);
        nlh->nlmsg_len += 4;
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);

        /* An attribute whose length runs past the message. */
        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        ((struct nlattr *) ((uint8_t *) nlh + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct inet_diag_msg))))->nla_len = 2000;
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        check_eq(keep.token, 99);

        /* An INET_DIAG_PAD before INFO (nla_reserve_64bit inserts one when INFO would be unaligned). */
        nlh = diag_msg_start(&e, TCP_ESTABLISHED);
        mnl_attr_put(nlh, INET_DIAG_PAD, 0, NULL);
        {
                uint8_t info[MPTCP_INFO_SIZE_6_18] = {};
                uint32_t t = TOKEN;

                memcpy(info + 12, &t, 4);
                mnl_attr_put(nlh, INET_DIAG_INFO, sizeof(info), info);
        }
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, &c), 0);
        check_eq(c.token, TOKEN);

        check_eq(mptcp_diag_connection_parse(NULL, 100, &c), -EBADMSG);
        check_eq(mptcp_diag_connection_parse(nlh, nlh->nlmsg_len, NULL), -EINVAL);
}

/* ---- subflows ---- */

static void test_subflow_client_join(void) {
        const Ends e = { AF_INET, "127.0.0.2", "127.0.0.1", 40885, 32783, 1 };
        const SubflowSpec s = {
                .ulp_name = "mptcp",
                .with_mptcp = true,
                /* As 6.18 reported the client side of a join created with BACKUP: 0x0ec. */
                .flags = MPTCP_SUBFLOW_FLAG_JOIN_REM | MPTCP_SUBFLOW_FLAG_JOIN_LOC | MPTCP_SUBFLOW_FLAG_BKUP_LOC |
                         MPTCP_SUBFLOW_FLAG_FULLY_ESTABLISHED | MPTCP_SUBFLOW_FLAG_CONNECTED,
                .id_loc = 5,
                .id_rem = 0,
        };
        struct nlmsghdr *nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        MptcpDiagSubflow f;
        PmAddr l = pm4("127.0.0.2", 40885), r = pm4("127.0.0.1", 32783);

        check_eq(s.flags, 0x0ec);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &f), 0);
        check_eq(f.token, TOKEN);
        check_eq(f.token_remote, TOKEN_PEER);
        check_eq(f.family, AF_INET);
        check(same(&f.local, &l));
        check(same(&f.remote, &r));
        check_eq(f.id_loc, 5);
        check_eq(f.id_rem, 0);
        check_eq(f.flags, 0x0ec);
        check(f.join);
        check(f.backup_local);
        check(!f.backup_remote);
        check(f.fully_established);
        check_eq(f.ifindex, 1);
        check_eq(f.tcp_state, TCP_ESTABLISHED);
        check_eq(f.cookie, 0x100001234ULL);
        check_truncations(parse_subflow, sizeof(MptcpDiagSubflow), 0, -ENODATA);
}

static void test_subflow_server_and_initial(void) {
        const Ends e = { AF_INET6, "::ffff:127.0.0.1", "::ffff:127.0.0.2", 32783, 40885, 0 };
        SubflowSpec s = {
                .ulp_name = "mptcp",
                .with_mptcp = true,
                /* The server side of that join: 0x0d4. */
                .flags = MPTCP_SUBFLOW_FLAG_JOIN_REM | MPTCP_SUBFLOW_FLAG_BKUP_REM |
                         MPTCP_SUBFLOW_FLAG_FULLY_ESTABLISHED | MPTCP_SUBFLOW_FLAG_CONNECTED,
                .id_loc = 0,
                .id_rem = 5,
        };
        struct nlmsghdr *nlh = build_subflow(&e, TCP_FIN_WAIT1, &s);
        MptcpDiagSubflow f;
        PmAddr r = pm4("127.0.0.2", 40885);

        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &f), 0);
        check_eq(f.family, AF_INET6);
        check_eq(f.local.family, AF_INET);
        check(same(&f.remote, &r));
        check(f.join);
        check(!f.backup_local);
        check(f.backup_remote);
        check_eq(f.id_rem, 5);
        check_eq(f.tcp_state, TCP_FIN_WAIT1);

        /* An initial subflow (client: MCAP_REM|MCAP_LOC|FULLY|CONNECTED = 0x0c3) is no join. */
        s.flags = 0x0c3;
        s.id_rem = 0;
        nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &f), 0);
        check(!f.join);
        check(!f.backup_local && !f.backup_remote);
        check_truncations(parse_subflow, sizeof(MptcpDiagSubflow), 0, -ENODATA);
}

static void test_subflow_not_mptcp(void) {
        const Ends e = { AF_INET, "10.0.0.1", "10.0.0.2", 1, 2, 0 };
        MptcpDiagSubflow keep = { .token = 99 };
        struct nlmsghdr *nlh;

        /* Plain TCP: no ULP info. */
        nlh = build_subflow(&e, TCP_ESTABLISHED, &(SubflowSpec) { .ulp_name = NULL });
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -ENODATA);
        check_truncations(parse_subflow, sizeof(MptcpDiagSubflow), -ENODATA, -EBADMSG);
        /* Another ULP, even with a nest numbered like ours. */
        nlh = build_subflow(&e, TCP_ESTABLISHED, &(SubflowSpec) { .ulp_name = "tls", .with_mptcp = true });
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -ENODATA);
        nlh = build_subflow(&e, TCP_ESTABLISHED, &(SubflowSpec) { .ulp_name = "mptcpx", .with_mptcp = true });
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -ENODATA);
        /* The subflow listener of an MPTCP listener: the name and nothing else. */
        nlh = build_subflow(&e, TCP_LISTEN, &(SubflowSpec) { .ulp_name = "mptcp" });
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -ENODATA);
        check_eq(keep.token, 99);

        /* A connection message type mix-up is caught by type, not content. */
        nlh = build_subflow(&e, TCP_ESTABLISHED, &(SubflowSpec) { .ulp_name = "mptcp", .with_mptcp = true });
        nlh->nlmsg_type = NLMSG_ERROR;
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EINVAL);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, NULL), -EINVAL);
}

static void test_subflow_malformed(void) {
        const Ends e = { AF_INET, "10.0.0.1", "10.0.0.2", 1, 2, 0 };
        const SubflowSpec good = { .ulp_name = "mptcp", .with_mptcp = true, .flags = 0xc3 };
        MptcpDiagSubflow keep = { .token = 99 };
        struct nlmsghdr *nlh;
        SubflowSpec s;

        s = good, s.omit_token_loc = true;
        nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        s = good, s.omit_flags = true;
        nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        s = good, s.omit_id_loc = true;
        nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        s = good, s.omit_id_rem = true;
        nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        s = good, s.short_flags = true;
        nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        s = good, s.unterminated_name = true;
        nlh = build_subflow(&e, TCP_ESTABLISHED, &s);
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        check_eq(keep.token, 99);

        /* A nested attribute whose length overruns its nest (but not the message). */
        nlh = build_subflow(&e, TCP_ESTABLISHED, &good);
        {
                uint8_t *p = (uint8_t *) nlh + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct inet_diag_msg));
                uint8_t *end = (uint8_t *) nlh + nlh->nlmsg_len;
                struct nlattr *ulp = NULL;

                /* Find INET_DIAG_ULP_INFO, shrink its length to cover only the name. */
                while (p < end) {
                        struct nlattr *a = (struct nlattr *) p;

                        if ((a->nla_type & NLA_TYPE_MASK) == INET_DIAG_ULP_INFO)
                                ulp = a;
                        p += NLA_ALIGN(a->nla_len);
                }
                check(ulp);
                /* Name "mptcp" = 4 + 6, aligned 12; then the MPTCP nest's header claims more than is left. */
                ulp->nla_len = MNL_ATTR_HDRLEN + 12 + MNL_ATTR_HDRLEN + 4;
        }
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);

        /* Two ULP infos. */
        nlh = build_subflow(&e, TCP_ESTABLISHED, &good);
        {
                struct nlattr *ulp = mnl_attr_nest_start(nlh, INET_DIAG_ULP_INFO);

                mnl_attr_put_strz(nlh, INET_ULP_INFO_NAME, "mptcp");
                mnl_attr_nest_end(nlh, ulp);
        }
        check_eq(mptcp_diag_subflow_parse(nlh, nlh->nlmsg_len, &keep), -EBADMSG);
        check_eq(keep.token, 99);
}

/* ---- dump control ---- */

static struct nlmsghdr *control(uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid, const void *payload,
                                size_t size) {
        struct nlmsghdr *nlh;

        memset(buffer, 0, sizeof(buffer));
        nlh = mnl_nlmsg_put_header(buffer);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = flags;
        nlh->nlmsg_seq = seq;
        nlh->nlmsg_pid = pid;
        if (size > 0)
                memcpy(mnl_nlmsg_put_extra_header(nlh, size), payload, size);
        return nlh;
}

static void test_dump_reply(void) {
        const Ends e = { AF_INET, "10.0.0.1", "10.0.0.2", 1, 2, 0 };
        struct nlmsgerr err = { .error = -EPERM };
        bool intr = false;
        int32_t status = 0;
        struct nlmsghdr *nlh;

        nlh = control(NLMSG_DONE, NLM_F_MULTI, SEQ, PORTID, &status, sizeof(status));
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), MPTCP_DIAG_DUMP_DONE);
        check(!intr);
        nlh = control(NLMSG_DONE, NLM_F_MULTI, SEQ, PORTID, NULL, 0);
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), MPTCP_DIAG_DUMP_DONE);
        status = -ENOBUFS;
        nlh = control(NLMSG_DONE, NLM_F_MULTI, SEQ, PORTID, &status, sizeof(status));
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), -ENOBUFS);

        nlh = control(NLMSG_ERROR, 0, SEQ, PORTID, &err, sizeof(err));
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), -EPERM);
        err.error = 0;
        nlh = control(NLMSG_ERROR, 0, SEQ, PORTID, &err, sizeof(err));
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), -EPROTO);
        nlh = control(NLMSG_ERROR, 0, SEQ, PORTID, &err, 2);
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), -EBADMSG);

        nlh = control(NLMSG_DONE, 0, SEQ + 1, PORTID, NULL, 0);
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), MPTCP_DIAG_DUMP_OTHER);
        nlh = control(NLMSG_DONE, 0, SEQ, PORTID + 1, NULL, 0);
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), MPTCP_DIAG_DUMP_OTHER);
        nlh = control(NLMSG_NOOP, 0, SEQ, PORTID, NULL, 0);
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), MPTCP_DIAG_DUMP_OTHER);

        nlh = build_connection(&e, TCP_ESTABLISHED, TOKEN, 0, MPTCP_INFO_SIZE_6_18);
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), MPTCP_DIAG_DUMP_ENTRY);
        check(!intr);
        nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len, PORTID, SEQ, &intr), MPTCP_DIAG_DUMP_ENTRY);
        check(intr);
        check_eq(mptcp_diag_dump_reply(nlh, nlh->nlmsg_len - 1, PORTID, SEQ, &intr), -EBADMSG);
        check_eq(mptcp_diag_dump_reply(nlh, 3, PORTID, SEQ, &intr), -EBADMSG);
        check_eq(mptcp_diag_dump_reply(NULL, 0, PORTID, SEQ, &intr), -EBADMSG);

        /* Truncated control messages. */
        status = 0;
        nlh = control(NLMSG_DONE, NLM_F_MULTI, SEQ, PORTID, &status, sizeof(status));
        for (size_t n = 0; n < nlh->nlmsg_len; n++) {
                uint8_t *copy = malloc(n ?: 1);

                check(copy);
                memcpy(copy, nlh, n);
                check_eq(mptcp_diag_dump_reply((struct nlmsghdr *) copy, n, PORTID, SEQ, &intr), -EBADMSG);
                free(copy);
        }
}

static void test_state_names(void) {
        check(streq(mptcp_diag_tcp_state_to_string(TCP_ESTABLISHED), "established"));
        check(streq(mptcp_diag_tcp_state_to_string(TCP_LISTEN), "listen"));
        check(streq(mptcp_diag_tcp_state_to_string(MPTCP_DIAG_TCP_NEW_SYN_RECV), "new-syn-recv"));
        check(!mptcp_diag_tcp_state_to_string(0));
        check(!mptcp_diag_tcp_state_to_string(14));
        check(!mptcp_diag_tcp_state_to_string(255));
}

int main(void) {
        test_requests();
        test_connection_ipv4();
        test_connection_ipv6_and_mapped();
        test_connection_listener_and_sizes();
        test_subflow_client_join();
        test_subflow_server_and_initial();
        test_subflow_not_mptcp();
        test_subflow_malformed();
        test_dump_reply();
        test_state_names();
        printf("test-mptcp-diag-codec: %u checks passed\n", n_checks);
        return 0;
}
