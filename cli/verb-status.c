/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-status.c — `mptcpctl [status]`: a short summary of the daemon's state, human or JSON. */
#include <stdio.h>

#include "bus-json.h"
#include "bus-util.h"
#include "connection-list.h"
#include "log.h"
#include "mptcpctl.h"
#include "output.h"
#include "policy-status.h"
#include "strv.h"

#define LABEL_WIDTH 16 /* "Selected profile" */

/* "Selected profile: "; an empty label continues the field above on a new line. */
static void print_label(const char *label) {
        printf("%*s%s", LABEL_WIDTH, label, label[0] ? ": " : "  ");
}

static void print_list(const char *label, char *const *l, const char *empty) {
        print_label(label);
        if (!l || !l[0])
                fputs(empty, stdout);
        for (size_t i = 0; l && l[i]; i++)
                printf("%s%s", i > 0 ? ", " : "", l[i]);
        putchar('\n');
}

/* "metered (held by org.example.Nav: navigation)", "balanced (manual)", "metered (auto)". */
static void print_active(const PolicyStatus *s) {
        const char *reason = policy_status_active_reason(s);
        const HoldInfo *hold = policy_status_active_hold(s);

        print_label("Active profile");
        fputs(strna(s->active_profile), stdout);
        if (reason && streq(reason, "hold") && hold) {
                const char *who = hold->application_id && hold->application_id[0] ? hold->application_id
                                                                                  : strna(hold->holder);

                printf(" (held by %s", who);
                if (hold->reason && hold->reason[0])
                        printf(": %s", hold->reason);
                if (s->n_holds > 1)
                        printf("; %zu holds", s->n_holds);
                putchar(')');
        } else if (reason)
                printf(" (%s)", streq(reason, "hold") ? "held" : reason);
        putchar('\n');
}

static void print_holds(const PolicyStatus *s) {
        for (size_t i = 0; i < s->n_holds; i++) {
                const HoldInfo *h = &s->holds[i];

                print_label(i == 0 ? "Holds" : "");
                printf("%s by %s (cookie %u)", strna(h->profile),
                       h->application_id && h->application_id[0] ? h->application_id : strna(h->holder),
                       h->cookie);
                if (h->reason && h->reason[0])
                        printf(": %s", h->reason);
                putchar('\n');
        }
}

/* "wifi: active (wifi)", "lte: backup (cellular, metered)". */
static void print_interfaces(const PolicyStatus *s) {
        if (s->n_interfaces == 0) {
                print_label("Interfaces");
                puts("none");
        }
        for (size_t i = 0; i < s->n_interfaces; i++) {
                const InterfaceInfo *n = &s->interfaces[i];

                print_label(i == 0 ? "Interfaces" : "");
                printf("%s: %s (%s", strna(n->name), strna(n->decision), strna(n->type));
                if (streq_ptr(n->metered, "yes"))
                        fputs(", metered", stdout);
                else if (streq_ptr(n->metered, "unknown"))
                        fputs(", metered unknown", stdout);
                fputs(")\n", stdout);
        }
}

static int print_human(const PolicyStatus *s, size_t n_connections) {
        print_active(s);
        print_label("Selected profile");
        puts(strna(s->selected_profile));
        print_label("Profile mode");
        puts(strna(s->profile_mode));
        print_holds(s);
        print_label("Path manager");
        puts(strna(s->path_manager));
        print_list("Features", s->features, "none");
        print_list("Degraded", s->degraded, "no");
        print_label("Connections");
        printf("%zu\n", n_connections);
        print_interfaces(s);
        print_label("Version");
        puts(strna(s->version));
        return stdout_finish();
}

/* The GetAll dictionary as it is, plus ActiveProfileReason and ConnectionCount. */
static int print_json(sd_bus_message *reply, const PolicyStatus *s, size_t n_connections) {
        JsonWriter w;
        int r;

        json_stdout_begin(&w);
        r = sd_bus_message_rewind(reply, true);
        if (r >= 0) {
                json_begin_object(&w);
                r = bus_dict_members_to_json(reply, &w);
        }
        if (r >= 0) {
                json_key_string(&w, "ActiveProfileReason", policy_status_active_reason(s));
                json_key_uint(&w, "ConnectionCount", n_connections);
                json_end_object(&w);
        }
        return json_stdout_end(&w, r, "the daemon's properties");
}

int verb_status(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *connections = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(policy_status_done) PolicyStatus s = {};
        _cleanup_(connection_list_done) ConnectionList l = {};
        int r;

        r = bus_open_and_call(policy_get_all, "read the daemon's properties", &bus, &reply);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        r = policy_status_read(reply, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the daemon's properties: %m"),
                       MPTCPCTL_EXIT_FAILURE;
        r = connection_list_call(bus, &error, &connections);
        if (r < 0)
                return bus_log_error(bus, "list the connections", &error, r);
        r = connection_list_read(connections, &l);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the connection list: %m"), MPTCPCTL_EXIT_FAILURE;

        if (arg_json != JSON_FORMAT_OFF)
                return print_json(reply, &s, l.n_connections);
        return print_human(&s, l.n_connections);
}
