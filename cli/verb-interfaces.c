/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-interfaces.c — `mptcpctl interfaces`: the daemon's interfaces and their decisions. */
#include <stdio.h>

#include "bus-json.h"
#include "bus-util.h"
#include "log.h"
#include "mptcpctl.h"
#include "output.h"
#include "policy-status.h"
#include "strv.h"

static int print_human(const PolicyStatus *s) {
        _cleanup_(table_done) Table t = {};
        int r = 0;

        table_init(&t, 7);
        r |= table_add(&t, "INDEX");
        r |= table_add(&t, "NAME");
        r |= table_add(&t, "TYPE");
        r |= table_add(&t, "METERED");
        r |= table_add(&t, "USABLE");
        r |= table_add(&t, "DECISION");
        r |= table_add(&t, "ADDRESSES");
        for (size_t i = 0; i < s->n_interfaces; i++) {
                const InterfaceInfo *n = &s->interfaces[i];
                _cleanup_free_ char *addresses = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&addresses, &len);

                if (!f)
                        return log_oom(), MPTCPCTL_EXIT_FAILURE;
                for (size_t j = 0; n->addresses && n->addresses[j]; j++)
                        fprintf(f, "%s%s", j > 0 ? " " : "", n->addresses[j]);
                if (fclose(f) != 0)
                        return log_oom(), MPTCPCTL_EXIT_FAILURE;

                r |= table_addf(&t, "%" PRIi32, n->index);
                r |= table_add(&t, n->name);
                r |= table_add(&t, n->type);
                r |= table_add(&t, n->metered);
                r |= table_add(&t, n->usable ? "yes" : "no");
                r |= table_add(&t, n->decision);
                r |= table_add(&t, addresses[0] ? addresses : "-");
        }
        if (r < 0 || table_print(&t, stdout) < 0)
                return log_oom(), MPTCPCTL_EXIT_FAILURE;
        return stdout_finish();
}

/* The Interfaces entries as the daemon sends them. */
static int print_json(sd_bus_message *reply) {
        JsonWriter w;
        int r;

        r = sd_bus_message_rewind(reply, true);
        if (r >= 0)
                r = bus_dict_enter_key(reply, "Interfaces");
        json_stdout_begin(&w);
        if (r > 0)
                r = bus_value_to_json(reply, &w);
        else if (r == 0) {
                json_begin_array(&w);
                json_end_array(&w);
        }
        return json_stdout_end(&w, r, "the interface list");
}

int verb_interfaces(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(policy_status_done) PolicyStatus s = {};
        int r;

        r = bus_open_and_call(policy_get_all, "list the interfaces", &bus, &reply);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        if (arg_json != JSON_FORMAT_OFF)
                return print_json(reply);
        r = policy_status_read(reply, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the interface list: %m"), MPTCPCTL_EXIT_FAILURE;
        return print_human(&s);
}
