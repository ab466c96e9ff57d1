/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connection-list.h — the daemon's ListConnections() answer, as structs or as JSON. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "json-out.h"

typedef struct SubflowInfo {
        char *interface, *local, *remote, *state;
        bool backup, initial;
        /* BPF telemetry; have_telemetry false when the daemon sent none. */
        bool have_telemetry;
        uint32_t srtt_usec, retransmits;
        uint64_t bytes_acked, bytes_received, pacing_rate;
} SubflowInfo;

typedef struct ConnectionInfo {
        uint32_t token;
        bool server_side;
        char *path_manager, *local, *remote;
        SubflowInfo *subflows;
        size_t n_subflows;
} ConnectionInfo;

typedef struct ConnectionList {
        ConnectionInfo *connections;
        size_t n_connections;
} ConnectionList;

/* Calls ListConnections(); the reply is an a(ubsssaa{sv}). */
int connection_list_call(sd_bus *bus, sd_bus_error *error, sd_bus_message **ret_reply);

/* Reads a ListConnections reply into *l (zeroed first). On failure, free what was read with
 * connection_list_done(). */
int connection_list_read(sd_bus_message *reply, ConnectionList *l);
void connection_list_done(ConnectionList *l);

/* Writes a ListConnections reply as a JSON array of objects: Token, ServerSide, PathManager, Local,
 * Remote, Subflows (the daemon's subflow dictionaries as they are). */
int connection_list_to_json(sd_bus_message *reply, JsonWriter *w);
