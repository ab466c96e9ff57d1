/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-diag-codec.h — pure sock_diag codec: MPTCP connection and subflow dumps (no I/O, no logging). */
#pragma once

#include <linux/mptcp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pm-codec.h"

struct nlmsghdr;

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* TCP states as the kernel numbers them (idiag_state); glibc's <netinet/tcp.h> lacks the last two. */
#define MPTCP_DIAG_TCP_NEW_SYN_RECV 12
#define MPTCP_DIAG_TCP_BOUND_INACTIVE 13
#define MPTCP_DIAG_TCPF(state) (1u << (state))

/* One MPTCP socket (the msk) from a SOCK_DIAG_BY_FAMILY dump with INET_DIAG_REQ_PROTOCOL=262. */
typedef struct MptcpDiagConnection {
        uint32_t token;      /* mptcpi_token: the local token, the one mptcp_pm commands take; 0 on listeners */
        int family;          /* the socket's family: AF_INET or AF_INET6 (a dual-stack socket stays AF_INET6) */
        PmAddr local;        /* with port, host order; IPv4-mapped IPv6 addresses are given as AF_INET */
        PmAddr remote;       /* likewise; the unspecified address and port 0 on listeners */
        uint8_t state;       /* TCP_* of the MPTCP socket */
        bool listening;      /* state == TCP_LISTEN */
        int ifindex;         /* idiag_if: the device the socket is bound to, 0 if none */
        uint64_t cookie;     /* the socket cookie (idiag_cookie), stable while the socket lives */
        uint32_t inode;      /* idiag_inode; 0 once the owning file is gone */
        uint32_t uid;        /* idiag_uid, in the dumping socket's user namespace */
        uint8_t n_subflows;  /* mptcpi_subflows: the kernel counts the subflows beyond the initial one */
        uint32_t info_flags; /* mptcpi_flags: MPTCP_INFO_FLAG_* */
        bool fallback;       /* info_flags & MPTCP_INFO_FLAG_FALLBACK: plain TCP underneath */
} MptcpDiagConnection;

/* One MPTCP subflow (a TCP socket carrying the "mptcp" ULP) from a TCP dump with INET_DIAG_INFO. */
typedef struct MptcpDiagSubflow {
        uint32_t token;        /* MPTCP_SUBFLOW_ATTR_TOKEN_LOC: the local token of its connection */
        uint32_t token_remote; /* MPTCP_SUBFLOW_ATTR_TOKEN_REM: the peer's token (0 on the initial subflow) */
        int family;            /* the socket's family, as for connections */
        PmAddr local;          /* with port, host order; IPv4-mapped given as AF_INET */
        PmAddr remote;
        uint8_t id_loc;        /* MPTCP address ids, local and remote */
        uint8_t id_rem;
        uint32_t flags;        /* MPTCP_SUBFLOW_FLAG_* */
        bool backup_local;     /* flags & BKUP_LOC: this side asked for backup (MP_JOIN B bit / MP_PRIO sent) */
        bool backup_remote;    /* flags & BKUP_REM: the peer asked for backup */
        bool join;             /* flags & (JOIN_LOC | JOIN_REM): an MP_JOIN subflow, not the initial one */
        bool fully_established; /* flags & FULLY_ESTABLISHED */
        int ifindex;           /* idiag_if: the device the subflow is bound to, 0 if none */
        uint8_t tcp_state;     /* TCP_* of the subflow */
        uint64_t cookie;       /* the subflow's socket cookie */
} MptcpDiagSubflow;

/* Request builders: write one SOCK_DIAG_BY_FAMILY dump request (NLM_F_REQUEST|NLM_F_DUMP, seq as
 * given) for one address family (AF_INET or AF_INET6; -EAFNOSUPPORT otherwise) into buf (size
 * bytes; 256 are always enough; -ENOBUFS if less). ret is untouched on failure.
 * Connections: the MPTCP sockets with mptcp_info, every state but LISTEN unless listeners is true.
 * Subflows: every full TCP socket (no LISTEN, TIME_WAIT, NEW_SYN_RECV) with INET_DIAG_INFO, which
 * makes the kernel add INET_DIAG_ULP_INFO (it does so only for CAP_NET_ADMIN callers). */
int mptcp_diag_build_connections_request(void *buf, size_t size, uint32_t seq, int family, bool listeners,
                                         struct nlmsghdr **ret);
int mptcp_diag_build_subflows_request(void *buf, size_t size, uint32_t seq, int family, struct nlmsghdr **ret);

/* Decoders. nlh is one message, len the bytes readable at it; only nlh->nlmsg_len bytes are used
 * and nothing past len is read. Every attribute length is checked. They return 0 and fill *ret, or:
 * -EBADMSG: truncated or malformed (bad lengths, an attribute of the wrong size, a family other than
 *           AF_INET/AF_INET6, mandatory data missing: mptcp_info for a connection; TOKEN_LOC, FLAGS,
 *           ID_LOC and ID_REM in a subflow's MPTCP ULP info);
 * -EINVAL:  a whole message that is not SOCK_DIAG_BY_FAMILY (NLMSG_DONE, NLMSG_ERROR, ...);
 * -ENODATA: (subflows only) a well-formed TCP socket that is not an MPTCP subflow (no ULP info,
 *           another ULP, or an MPTCP subflow listener): skip it.
 * ret is untouched on failure. Unknown attributes are ignored. */
int mptcp_diag_connection_parse(const struct nlmsghdr *nlh, size_t len, MptcpDiagConnection *ret);
int mptcp_diag_subflow_parse(const struct nlmsghdr *nlh, size_t len, MptcpDiagSubflow *ret);

/* Where one received message stands in the dump requested on socket portid with sequence seq:
 * MPTCP_DIAG_DUMP_ENTRY (decode it), MPTCP_DIAG_DUMP_DONE (NLMSG_DONE: complete),
 * MPTCP_DIAG_DUMP_OTHER (another sequence/port or an NLMSG_NOOP: skip); or the kernel's error from
 * NLMSG_ERROR or NLMSG_DONE, -EPROTO for an ACK (error 0) where dump replies belong, -EBADMSG when
 * truncated. *interrupted (the caller zeroes it per dump) is set when an entry carries
 * NLM_F_DUMP_INTR. */
enum {
        MPTCP_DIAG_DUMP_OTHER = 0,
        MPTCP_DIAG_DUMP_ENTRY = 1,
        MPTCP_DIAG_DUMP_DONE = 2,
};
int mptcp_diag_dump_reply(const struct nlmsghdr *nlh, size_t len, uint32_t portid, uint32_t seq,
                          bool *interrupted);

/* "established", "syn-sent", ... for a TCP_* state; NULL if unknown. */
const char *mptcp_diag_tcp_state_to_string(uint8_t state);
