/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connection.h — MPTCP connections and their subflows as the kernel's events describe them. */
#pragma once

#include <stdint.h>

#include "pm-codec.h"

/* Caps on what kernel events can make us allocate. */
#define CONNECTIONS_MAX 262144
#define SUBFLOWS_PER_CONNECTION_MAX 64

typedef enum SubflowState {
        SUBFLOW_PENDING,     /* we asked for it; no SUB_ESTABLISHED/SUB_CLOSED yet */
        SUBFLOW_ESTABLISHED, /* the kernel reported it */
        _SUBFLOW_STATE_MAX,
} SubflowState;

typedef struct Subflow {
        PmAddr local;  /* with port once known (0 while pending) */
        PmAddr remote; /* with port */
        uint8_t loc_id;
        uint8_t rem_id;
        int32_t ifindex; /* 0 if unknown */
        bool backup;
        bool initial; /* the connection's first subflow */
        SubflowState state;
        uint64_t since_usec; /* CLOCK_MONOTONIC of the last state change */
} Subflow;

typedef struct Connection {
        uint32_t token;
        bool server_side;
        bool established;
        /* Latched to the userspace PM at creation (the kernel refuses our commands otherwise):
         * created while the namespace's path manager was "userspace". */
        bool userspace_pm;
        PmAddr local;  /* the initial subflow's endpoints, with ports */
        PmAddr remote;
        uint64_t created_usec;
        /* Subflows that closed with an error or never came up: no new ones before retry_usec. */
        unsigned failures;        /* in a row, for the backoff */
        uint64_t last_failure_usec;
        uint64_t retry_usec;      /* CLOCK_MONOTONIC; 0 = no backoff in force */
        unsigned not_ready;       /* SUBFLOW_CREATE refused as not yet fully established, in a row */
        uint64_t announced[4];    /* server side: local address IDs announced to the peer (bitmap) */
        Subflow *subflows;
        size_t n_subflows;
        size_t n_allocated;
} Connection;

typedef struct ConnectionTable ConnectionTable;

ConnectionTable *connection_table_new(void);
ConnectionTable *connection_table_free(ConnectionTable *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(ConnectionTable *, connection_table_free);

size_t connection_table_size(const ConnectionTable *t);
Connection *connection_table_get(ConnectionTable *t, uint32_t token);
/* Adds a connection for token, or returns the existing one (*ret_new tells which).
 * -ENOSPC beyond CONNECTIONS_MAX. */
int connection_table_put(ConnectionTable *t, uint32_t token, Connection **ret, bool *ret_new);
bool connection_table_remove(ConnectionTable *t, uint32_t token);
/* Calls fn for each connection (in token order); fn must not add or remove connections. */
void connection_table_foreach(ConnectionTable *t, void (*fn)(Connection *c, void *userdata), void *userdata);

/* Subflows. Matching is by addresses; ports too where both sides know them. */
Subflow *connection_find_subflow(Connection *c, const PmAddr *local, const PmAddr *remote);
Subflow *connection_find_subflow_from(Connection *c, const PmAddr *local); /* any remote */
int connection_add_subflow(Connection *c, const Subflow *s, Subflow **ret);
bool connection_remove_subflow(Connection *c, const PmAddr *local, const PmAddr *remote);
size_t connection_count_subflows(const Connection *c, SubflowState state);
