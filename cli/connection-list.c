/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connection-list.c — the daemon's ListConnections() answer, as structs or as JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bus-json.h"
#include "bus-util.h"
#include "connection-list.h"

#define CONNECTION_SIGNATURE "ubsssaa{sv}"

/* "t" values; BytesAcked (sent only with telemetry) also marks the subflow as having it. */
static int parse_u64(sd_bus_message *m, void *ptr) {
        return sd_bus_message_read_basic(m, 't', (uint64_t *) ptr);
}

static int parse_bytes_acked(sd_bus_message *m, void *ptr) {
        SubflowInfo *f = (SubflowInfo *) ((uint8_t *) ptr - offsetof(SubflowInfo, bytes_acked));

        f->have_telemetry = true;
        return parse_u64(m, ptr);
}

static const BusPropertyMap subflow_map[] = {
        { "Interface", "s", NULL, offsetof(SubflowInfo, interface) },
        { "Local", "s", NULL, offsetof(SubflowInfo, local) },
        { "Remote", "s", NULL, offsetof(SubflowInfo, remote) },
        { "Backup", "b", NULL, offsetof(SubflowInfo, backup) },
        { "State", "s", NULL, offsetof(SubflowInfo, state) },
        { "Initial", "b", NULL, offsetof(SubflowInfo, initial) },
        { "SmoothedRtt", "u", NULL, offsetof(SubflowInfo, srtt_usec) },
        { "BytesAcked", "t", parse_bytes_acked, offsetof(SubflowInfo, bytes_acked) },
        { "BytesReceived", "t", parse_u64, offsetof(SubflowInfo, bytes_received) },
        { "Retransmits", "u", NULL, offsetof(SubflowInfo, retransmits) },
        { "PacingRate", "t", parse_u64, offsetof(SubflowInfo, pacing_rate) },
        {},
};

int connection_list_call(sd_bus *bus, sd_bus_error *error, sd_bus_message **ret_reply) {
        return bus_call_policy(bus, "ListConnections", error, ret_reply, "");
}

static int strdup3(const char *a, const char *b, const char *c, char **ra, char **rb, char **rc) {
        *ra = strdup(a);
        *rb = strdup(b);
        *rc = strdup(c);
        return *ra && *rb && *rc ? 0 : -ENOMEM;
}

int connection_list_read(sd_bus_message *reply, ConnectionList *l) {
        int r;

        *l = (ConnectionList){};
        r = sd_bus_message_rewind(reply, true);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(" CONNECTION_SIGNATURE ")");
        if (r < 0)
                return r;
        for (size_t allocated = 0;;) {
                const char *pm, *local, *remote;
                ConnectionInfo *c;
                uint32_t token;
                int server_side;

                r = sd_bus_message_enter_container(reply, 'r', CONNECTION_SIGNATURE);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = sd_bus_message_read(reply, "ubsss", &token, &server_side, &pm, &local, &remote);
                if (r < 0)
                        return r;
                if (GREEDY_REALLOC(l->connections, allocated, l->n_connections + 1) < 0)
                        return -ENOMEM;
                c = &l->connections[l->n_connections++];
                *c = (ConnectionInfo){ .token = token, .server_side = server_side };
                r = strdup3(pm, local, remote, &c->path_manager, &c->local, &c->remote);
                if (r < 0)
                        return r;
                r = bus_map_dict_array(
                        reply, subflow_map, &c->subflows, &c->n_subflows, sizeof(SubflowInfo));
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_exit_container(reply);
}

void connection_list_done(ConnectionList *l) {
        for (size_t i = 0; i < l->n_connections; i++) {
                ConnectionInfo *c = &l->connections[i];

                for (size_t j = 0; j < c->n_subflows; j++) {
                        free(c->subflows[j].interface);
                        free(c->subflows[j].local);
                        free(c->subflows[j].remote);
                        free(c->subflows[j].state);
                }
                free(c->subflows);
                free(c->path_manager);
                free(c->local);
                free(c->remote);
        }
        free(l->connections);
        *l = (ConnectionList){};
}

int connection_list_to_json(sd_bus_message *reply, JsonWriter *w) {
        int r;

        r = sd_bus_message_rewind(reply, true);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(" CONNECTION_SIGNATURE ")");
        if (r < 0)
                return r;
        json_begin_array(w);
        for (;;) {
                const char *pm, *local, *remote;
                uint32_t token;
                int server_side;

                r = sd_bus_message_enter_container(reply, 'r', CONNECTION_SIGNATURE);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = sd_bus_message_read(reply, "ubsss", &token, &server_side, &pm, &local, &remote);
                if (r < 0)
                        return r;
                json_begin_object(w);
                json_key_uint(w, "Token", token);
                json_key_bool(w, "ServerSide", server_side);
                json_key_string(w, "PathManager", pm);
                json_key_string(w, "Local", local);
                json_key_string(w, "Remote", remote);
                json_key(w, "Subflows");
                r = bus_value_to_json(reply, w);
                if (r < 0)
                        return r;
                json_end_object(w);
                r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        return r;
        }
        json_end_array(w);
        return sd_bus_message_exit_container(reply);
}
