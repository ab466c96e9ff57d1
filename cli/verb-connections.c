/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-connections.c — `mptcpctl connections`: the MPTCP connections the daemon tracks. */
#include <stdio.h>
#include <string.h>

#include "bus-util.h"
#include "connection-list.h"
#include "log.h"
#include "mptcpctl.h"
#include "output.h"

/*   3a1f09c2 client userspace 10.71.1.1:43210 → 10.71.1.2:5201
 *       wifi 10.71.1.1:43210 → 10.71.1.2:5201 active established initial
 *       lte  10.71.2.1:40001 → 10.71.1.2:5201 backup established
 * and with BPF telemetry, after the state: "srtt 21.3ms, 23.6 MB acked, 1.2 MB received". */
/* The daemon may not know a subflow's interface (yet): "-". */
static const char *interface_name(const SubflowInfo *f) {
        return f->interface && f->interface[0] ? f->interface : "-";
}

static int print_human(const ConnectionList *l) {
        const char *arrow = arrow_glyph();
        int iface_width = 0;

        if (l->n_connections == 0) {
                puts("No MPTCP connections.");
                return stdout_finish();
        }
        for (size_t i = 0; i < l->n_connections; i++)
                for (size_t j = 0; j < l->connections[i].n_subflows; j++)
                        iface_width = MAX(
                                iface_width, (int) strlen(interface_name(&l->connections[i].subflows[j])));

        for (size_t i = 0; i < l->n_connections; i++) {
                const ConnectionInfo *c = &l->connections[i];

                printf("%08x %s %s %s %s %s\n", c->token, c->server_side ? "server" : "client",
                       strna(c->path_manager), strna(c->local), arrow, strna(c->remote));
                for (size_t j = 0; j < c->n_subflows; j++) {
                        const SubflowInfo *f = &c->subflows[j];

                        printf("    %-*s %s %s %s %s %s%s", iface_width, interface_name(f),
                               strna(f->local), arrow, strna(f->remote), f->backup ? "backup" : "active",
                               strna(f->state), f->initial ? " initial" : "");
                        if (f->have_telemetry)
                                printf(", srtt %.1fms, %.1f MB acked, %.1f MB received",
                                       f->srtt_usec / 1000.0, f->bytes_acked / 1e6, f->bytes_received / 1e6);
                        putchar('\n');
                }
        }
        return stdout_finish();
}

int verb_connections(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(connection_list_done) ConnectionList l = {};
        int r;

        r = bus_open_and_call(connection_list_call, "list the connections", &bus, &reply);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        if (arg_json != JSON_FORMAT_OFF) {
                JsonWriter w;

                json_stdout_begin(&w);
                r = connection_list_to_json(reply, &w);
                return json_stdout_end(&w, r, "the connection list");
        }
        r = connection_list_read(reply, &l);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the connection list: %m"), MPTCPCTL_EXIT_FAILURE;
        return print_human(&l);
}
