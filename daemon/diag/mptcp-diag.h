/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-diag.h — a synchronous sock_diag snapshot of this namespace's MPTCP connections and subflows. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "mptcp-diag-codec.h"

/* One connection with its subflows (initial subflow first, then joins by local id, then cookie). */
typedef struct MptcpDiagGroup {
        MptcpDiagConnection connection;
        const MptcpDiagSubflow *subflows; /* points into MptcpDiagSnapshot.subflows; NULL when none */
        size_t n_subflows;
} MptcpDiagGroup;

typedef struct MptcpDiagSnapshot {
        MptcpDiagGroup *connections; /* sorted by token, one per token, no listeners */
        size_t n_connections;
        MptcpDiagConnection *listeners; /* only when asked for (MptcpDiagOptions.listeners) */
        size_t n_listeners;
        MptcpDiagSubflow *subflows; /* all subflows: each connection's in a row, in connection order, */
        size_t n_subflows;          /* then the orphans */
        const MptcpDiagSubflow *orphans; /* the tail of subflows whose token matched no connection (a */
        size_t n_orphans;                /* connection created between the two dumps, or a race) */
        uint64_t duration_usec;          /* wall time the dumps took (CLOCK_MONOTONIC) */
        unsigned attempts;               /* 1, or more when a dump was interrupted and redone */
} MptcpDiagSnapshot;

typedef struct MptcpDiagOptions {
        bool listeners;         /* also dump MPTCP listeners (into MptcpDiagSnapshot.listeners) */
        uint64_t timeout_usec;  /* for the whole snapshot; 0 = MPTCP_DIAG_DEFAULT_TIMEOUT_USEC */
        size_t max_connections; /* 0 = MPTCP_DIAG_DEFAULT_MAX_CONNECTIONS (listeners count too) */
        size_t max_subflows;    /* 0 = MPTCP_DIAG_DEFAULT_MAX_SUBFLOWS */
} MptcpDiagOptions;

#define MPTCP_DIAG_DEFAULT_TIMEOUT_USEC (5 * 1000 * 1000ULL)
#define MPTCP_DIAG_DEFAULT_MAX_CONNECTIONS 65536
#define MPTCP_DIAG_DEFAULT_MAX_SUBFLOWS (4 * 65536)

/* Dumps the MPTCP connections (IPPROTO_MPTCP sockets, AF_INET and AF_INET6) and then the MPTCP
 * subflows (TCP sockets with MPTCP ULP info) of the caller's network namespace over a private
 * NETLINK_SOCK_DIAG socket, and groups the subflows under their connection's token. Needs
 * CAP_NET_ADMIN for the subflows' MPTCP details (without it the kernel omits them: no subflows).
 * The two dumps are not atomic: a connection may close or open in between (see orphans).
 * Returns 0 and a new snapshot in *ret, or a negative errno: -ETIMEDOUT past the timeout,
 * -E2BIG past a count limit, -EAGAIN when the kernel kept interrupting the dumps, -EBADMSG for a
 * malformed reply, -ENOENT when the kernel has no MPTCP diag support (mptcp_diag), the socket's
 * errors otherwise. *ret is untouched on failure. */
int mptcp_diag_dump(MptcpDiagSnapshot **ret);
int mptcp_diag_dump_full(const MptcpDiagOptions *options, MptcpDiagSnapshot **ret);

MptcpDiagSnapshot *mptcp_diag_snapshot_free(MptcpDiagSnapshot *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(MptcpDiagSnapshot *, mptcp_diag_snapshot_free);

/* The connection with this local token, NULL if none (binary search). */
const MptcpDiagGroup *mptcp_diag_snapshot_find(const MptcpDiagSnapshot *s, uint32_t token);
