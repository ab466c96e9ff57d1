/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-diag-codec.c — builds sock_diag dump requests and decodes MPTCP connections and subflows. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"
#include "nl-attr.h"
#include "mptcp-diag-codec.h"

/* ---- requests ------------------------------------------------------------------------------- */

#define ALL_STATES 0xffffffffu

static int request_start(void *buf, size_t size, uint32_t seq, int family, uint8_t protocol, uint32_t states,
                         uint8_t ext, struct nlmsghdr **ret) {
        struct inet_diag_req_v2 *req;
        struct nlmsghdr *nlh;

        if (!buf || !ret)
                return -EINVAL;
        if (family != AF_INET && family != AF_INET6)
                return -EAFNOSUPPORT;
        if ((uintptr_t) buf % 4 != 0)
                return -EINVAL;
        /* Header, request and the largest attribute we add (a u32). */
        if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*req)) + MNL_ATTR_HDRLEN + sizeof(uint32_t))
                return -ENOBUFS;

        memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*req)));
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;

        req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
        req->sdiag_family = (uint8_t) family;
        req->sdiag_protocol = protocol;
        req->idiag_ext = ext;
        req->idiag_states = states;
        req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
        req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

        *ret = nlh;
        return 0;
}

int mptcp_diag_build_connections_request(void *buf, size_t size, uint32_t seq, int family, bool listeners,
                                         struct nlmsghdr **ret) {
        uint32_t states = ALL_STATES;
        struct nlmsghdr *nlh;
        int r;

        if (!ret)
                return -EINVAL;
        if (!listeners)
                states &= ~MPTCP_DIAG_TCPF(TCP_LISTEN);

        /* IPPROTO_MPTCP does not fit sdiag_protocol (u8): the kernel takes INET_DIAG_REQ_PROTOCOL
         * instead when present. The u8 carries IPPROTO_TCP, which is what older kernels would dump. */
        r = request_start(buf, size, seq, family, IPPROTO_TCP, states, 1u << (INET_DIAG_INFO - 1), &nlh);
        if (r < 0)
                return r;
        mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, IPPROTO_MPTCP);

        *ret = nlh;
        return 0;
}

int mptcp_diag_build_subflows_request(void *buf, size_t size, uint32_t seq, int family, struct nlmsghdr **ret) {
        uint32_t states = ALL_STATES & ~(MPTCP_DIAG_TCPF(TCP_LISTEN) | MPTCP_DIAG_TCPF(TCP_TIME_WAIT) |
                                         MPTCP_DIAG_TCPF(MPTCP_DIAG_TCP_NEW_SYN_RECV));
        struct nlmsghdr *nlh;
        int r;

        if (!ret)
                return -EINVAL;
        r = request_start(buf, size, seq, family, IPPROTO_TCP, states, 1u << (INET_DIAG_INFO - 1), &nlh);
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

/* ---- decoding helpers ----------------------------------------------------------------------- */

static bool attr_len_is(const struct nlattr *a, size_t n) {
        return mnl_attr_get_payload_len(a) == n;
}

/* Reads a little piece of an attribute's payload at an offset, when the payload is long enough. */
static uint32_t payload_u32(const struct nlattr *a, size_t offset) {
        uint32_t v;

        memcpy(&v, (const uint8_t *) mnl_attr_get_payload(a) + offset, sizeof(v));
        return v;
}

/* The message must be whole (mnl_nlmsg_ok against len), a SOCK_DIAG_BY_FAMILY reply, and hold an
 * inet_diag_msg; *ret_msg is a copy (the buffer may be unaligned for it), the attributes follow. */
static int diag_message_check(const struct nlmsghdr *nlh, size_t len, struct inet_diag_msg *ret_msg,
                              const void **ret_attrs, size_t *ret_attrs_len) {
        const size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_msg));

        if (!nlh || len > INT_MAX)
                return -EBADMSG;
        if (!mnl_nlmsg_ok(nlh, (int) len))
                return -EBADMSG;
        if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
                return -EINVAL;
        if (nlh->nlmsg_len < hdr)
                return -EBADMSG;

        memcpy(ret_msg, mnl_nlmsg_get_payload(nlh), sizeof(*ret_msg));
        *ret_attrs = (const uint8_t *) nlh + hdr;
        *ret_attrs_len = nlh->nlmsg_len - hdr;
        return 0;
}

/* One end of the socket's identity: IPv4 in the first word, IPv6 in all four; an IPv4-mapped IPv6
 * address is reported as the IPv4 address it maps, as the path manager's events do. */
static void sockid_addr(int family, const uint32_t words[4], uint16_t port_be, PmAddr *ret) {
        static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

        *ret = (PmAddr) { .family = family, .port = ntohs(port_be) };
        if (family == AF_INET)
                memcpy(&ret->in, &words[0], sizeof(struct in_addr));
        else if (memcmp(words, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0) {
                ret->family = AF_INET;
                memcpy(&ret->in, &words[3], sizeof(struct in_addr));
        } else
                memcpy(&ret->in6, words, sizeof(struct in6_addr));
}

static int sockid_decode(const struct inet_diag_msg *m, int *ret_family, PmAddr *ret_local, PmAddr *ret_remote,
                         int *ret_ifindex, uint64_t *ret_cookie) {
        if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
                return -EBADMSG;
        if (m->id.idiag_if > INT_MAX)
                return -EBADMSG;

        *ret_family = m->idiag_family;
        sockid_addr(m->idiag_family, m->id.idiag_src, m->id.idiag_sport, ret_local);
        sockid_addr(m->idiag_family, m->id.idiag_dst, m->id.idiag_dport, ret_remote);
        *ret_ifindex = (int) m->id.idiag_if;
        *ret_cookie = (uint64_t) m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
        return 0;
}

/* ---- connections ---------------------------------------------------------------------------- */

/* The prefix of struct mptcp_info we read; the kernel's struct has grown since and keeps growing. */
#define MPTCP_INFO_MIN_SIZE (offsetof(struct mptcp_info, mptcpi_token) + sizeof(uint32_t))

typedef struct ConnParse {
        const struct nlattr *info;
} ConnParse;

static int conn_attr(const struct nlattr *a, void *userdata) {
        ConnParse *p = userdata;

        if (mnl_attr_get_type(a) == INET_DIAG_INFO) {
                if (mnl_attr_get_payload_len(a) < MPTCP_INFO_MIN_SIZE)
                        return -EBADMSG;
                p->info = a;
        }
        return 0;
}

int mptcp_diag_connection_parse(const struct nlmsghdr *nlh, size_t len, MptcpDiagConnection *ret) {
        MptcpDiagConnection c = {};
        struct inet_diag_msg m;
        ConnParse p = {};
        const void *attrs;
        size_t attrs_len;
        int r;

        if (!ret)
                return -EINVAL;

        r = diag_message_check(nlh, len, &m, &attrs, &attrs_len);
        if (r < 0)
                return r;
        r = sockid_decode(&m, &c.family, &c.local, &c.remote, &c.ifindex, &c.cookie);
        if (r < 0)
                return r;
        r = nl_attrs_walk(attrs, attrs_len, conn_attr, &p);
        if (r < 0)
                return r;
        if (!p.info)
                return -EBADMSG;

        c.state = m.idiag_state;
        c.listening = m.idiag_state == TCP_LISTEN;
        c.inode = m.idiag_inode;
        c.uid = m.idiag_uid;
        c.n_subflows = *(const uint8_t *) mnl_attr_get_payload(p.info);
        c.info_flags = payload_u32(p.info, offsetof(struct mptcp_info, mptcpi_flags));
        c.token = payload_u32(p.info, offsetof(struct mptcp_info, mptcpi_token));
        c.fallback = c.info_flags & MPTCP_INFO_FLAG_FALLBACK;

        *ret = c;
        return 0;
}

/* ---- subflows ------------------------------------------------------------------------------- */

typedef struct SubflowParse {
        const struct nlattr *ulp;   /* INET_DIAG_ULP_INFO */
        bool is_mptcp;              /* INET_ULP_INFO_NAME == "mptcp" */
        const struct nlattr *mptcp; /* INET_ULP_INFO_MPTCP */
        bool has_token_loc, has_flags, has_id_loc, has_id_rem;
        MptcpDiagSubflow sf;
} SubflowParse;

static int subflow_mptcp_attr(const struct nlattr *a, void *userdata) {
        SubflowParse *p = userdata;

        switch (mnl_attr_get_type(a)) {
        case MPTCP_SUBFLOW_ATTR_TOKEN_LOC:
                if (!attr_len_is(a, sizeof(uint32_t)))
                        return -EBADMSG;
                p->sf.token = mnl_attr_get_u32(a);
                p->has_token_loc = true;
                return 0;
        case MPTCP_SUBFLOW_ATTR_TOKEN_REM:
                if (!attr_len_is(a, sizeof(uint32_t)))
                        return -EBADMSG;
                p->sf.token_remote = mnl_attr_get_u32(a);
                return 0;
        case MPTCP_SUBFLOW_ATTR_FLAGS:
                if (!attr_len_is(a, sizeof(uint32_t)))
                        return -EBADMSG;
                p->sf.flags = mnl_attr_get_u32(a);
                p->has_flags = true;
                return 0;
        case MPTCP_SUBFLOW_ATTR_ID_LOC:
                if (!attr_len_is(a, sizeof(uint8_t)))
                        return -EBADMSG;
                p->sf.id_loc = mnl_attr_get_u8(a);
                p->has_id_loc = true;
                return 0;
        case MPTCP_SUBFLOW_ATTR_ID_REM:
                if (!attr_len_is(a, sizeof(uint8_t)))
                        return -EBADMSG;
                p->sf.id_rem = mnl_attr_get_u8(a);
                p->has_id_rem = true;
                return 0;
        default:
                return 0; /* sequence numbers, PAD, and whatever newer kernels add */
        }
}

static int ulp_attr(const struct nlattr *a, void *userdata) {
        static const char mptcp_name[] = "mptcp";
        SubflowParse *p = userdata;

        switch (mnl_attr_get_type(a)) {
        case INET_ULP_INFO_NAME: {
                const char *s = mnl_attr_get_payload(a);
                size_t n = mnl_attr_get_payload_len(a);

                if (n == 0 || !memchr(s, 0, n))
                        return -EBADMSG;
                p->is_mptcp = n >= sizeof(mptcp_name) && memcmp(s, mptcp_name, sizeof(mptcp_name)) == 0;
                return 0;
        }
        case INET_ULP_INFO_MPTCP:
                if (p->mptcp)
                        return -EBADMSG;
                p->mptcp = a;
                return 0;
        default:
                return 0;
        }
}

static int subflow_attr(const struct nlattr *a, void *userdata) {
        SubflowParse *p = userdata;

        if (mnl_attr_get_type(a) != INET_DIAG_ULP_INFO)
                return 0;
        if (p->ulp)
                return -EBADMSG;
        p->ulp = a;
        return nl_attrs_walk(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), ulp_attr, p);
}

int mptcp_diag_subflow_parse(const struct nlmsghdr *nlh, size_t len, MptcpDiagSubflow *ret) {
        struct inet_diag_msg m;
        SubflowParse p = {};
        const void *attrs;
        size_t attrs_len;
        int r;

        if (!ret)
                return -EINVAL;

        r = diag_message_check(nlh, len, &m, &attrs, &attrs_len);
        if (r < 0)
                return r;
        r = sockid_decode(&m, &p.sf.family, &p.sf.local, &p.sf.remote, &p.sf.ifindex, &p.sf.cookie);
        if (r < 0)
                return r;
        r = nl_attrs_walk(attrs, attrs_len, subflow_attr, &p);
        if (r < 0)
                return r;

        /* Plain TCP, another ULP (tls), or an MPTCP subflow listener (the ULP name without info). */
        if (!p.ulp || !p.is_mptcp || !p.mptcp)
                return -ENODATA;

        r = nl_attrs_walk(mnl_attr_get_payload(p.mptcp), mnl_attr_get_payload_len(p.mptcp), subflow_mptcp_attr, &p);
        if (r < 0)
                return r;
        if (!p.has_token_loc || !p.has_flags || !p.has_id_loc || !p.has_id_rem)
                return -EBADMSG;

        p.sf.tcp_state = m.idiag_state;
        p.sf.backup_local = p.sf.flags & MPTCP_SUBFLOW_FLAG_BKUP_LOC;
        p.sf.backup_remote = p.sf.flags & MPTCP_SUBFLOW_FLAG_BKUP_REM;
        p.sf.join = p.sf.flags & (MPTCP_SUBFLOW_FLAG_JOIN_LOC | MPTCP_SUBFLOW_FLAG_JOIN_REM);
        p.sf.fully_established = p.sf.flags & MPTCP_SUBFLOW_FLAG_FULLY_ESTABLISHED;

        *ret = p.sf;
        return 0;
}

/* ---- dump control --------------------------------------------------------------------------- */

int mptcp_diag_dump_reply(const struct nlmsghdr *nlh, size_t len, uint32_t portid, uint32_t seq,
                          bool *interrupted) {
        int r, error;

        if (!nlh || len > INT_MAX || !mnl_nlmsg_ok(nlh, (int) len))
                return -EBADMSG;
        if (nlh->nlmsg_seq != seq || (nlh->nlmsg_pid != 0 && nlh->nlmsg_pid != portid))
                return MPTCP_DIAG_DUMP_OTHER;

        switch (nlh->nlmsg_type) {
        case NLMSG_NOOP:
                return MPTCP_DIAG_DUMP_OTHER;

        case NLMSG_ERROR:
                r = nl_parse_ack(nlh, nlh->nlmsg_len, &error, NULL);
                if (r < 0)
                        return -EBADMSG;
                return error < 0 ? error : -EPROTO;

        case NLMSG_DONE:
                /* The dump's final status follows the header (absent on very old kernels). */
                if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(int32_t)) {
                        int32_t status;

                        memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
                        if (status < 0)
                                return status;
                }
                if (nlh->nlmsg_flags & NLM_F_DUMP_INTR && interrupted)
                        *interrupted = true;
                return MPTCP_DIAG_DUMP_DONE;

        default:
                if (nlh->nlmsg_flags & NLM_F_DUMP_INTR && interrupted)
                        *interrupted = true;
                return MPTCP_DIAG_DUMP_ENTRY;
        }
}

const char *mptcp_diag_tcp_state_to_string(uint8_t state) {
        static const char *const table[] = {
                [TCP_ESTABLISHED] = "established",
                [TCP_SYN_SENT] = "syn-sent",
                [TCP_SYN_RECV] = "syn-recv",
                [TCP_FIN_WAIT1] = "fin-wait-1",
                [TCP_FIN_WAIT2] = "fin-wait-2",
                [TCP_TIME_WAIT] = "time-wait",
                [TCP_CLOSE] = "close",
                [TCP_CLOSE_WAIT] = "close-wait",
                [TCP_LAST_ACK] = "last-ack",
                [TCP_LISTEN] = "listen",
                [TCP_CLOSING] = "closing",
                [MPTCP_DIAG_TCP_NEW_SYN_RECV] = "new-syn-recv",
                [MPTCP_DIAG_TCP_BOUND_INACTIVE] = "bound-inactive",
        };

        return state < ELEMENTSOF(table) ? table[state] : NULL;
}
