/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-monitor.c — `mptcpctl monitor`: one line per property change or connection event. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "bus-json.h"
#include "bus-util.h"
#include "log.h"
#include "mptcpctl.h"
#include "policy-status.h"
#include "strv.h"

#define MATCH_PROPERTIES_CHANGED                                                    \
        "type='signal',sender='" POLICY_BUS_NAME "',path='" POLICY_OBJECT_PATH "'," \
        "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"   \
        "arg0='" POLICY_INTERFACE "'"

typedef struct Monitor {
        sd_bus *bus;
        bool json;
        int exit_code;
} Monitor;

/* Starts a line: "2026-03-01 12:00:00.123 " (local time), or a JSON object with its Timestamp
 * ("2026-03-01T11:00:00.123456Z", UTC) and Type. */
static void line_begin(Monitor *mon, JsonWriter *w, const char *type) {
        struct timespec ts;
        struct tm tm;
        char buf[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        if (mon->json) {
                gmtime_r(&ts.tv_sec, &tm);
                strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
                json_writer_init(w, stdout, false); /* one object per line, whatever --json says */
                json_begin_object(w);
                json_key(w, "Timestamp");
                {
                        char stamp[96];

                        snprintf(stamp, sizeof(stamp), "%s.%06ldZ", buf, ts.tv_nsec / 1000);
                        json_string(w, stamp);
                }
                json_key_string(w, "Type", type);
        } else {
                localtime_r(&ts.tv_sec, &tm);
                strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
                printf("%s.%03ld ", buf, ts.tv_nsec / 1000000);
        }
}

static void line_end(Monitor *mon, JsonWriter *w) {
        if (mon->json) {
                json_end_object(w);
                if (json_writer_finish(w) < 0)
                        mon->exit_code = MPTCPCTL_EXIT_FAILURE;
        } else {
                putchar('\n');
                if (fflush(stdout) != 0)
                        mon->exit_code = MPTCPCTL_EXIT_FAILURE;
        }
        if (mon->exit_code != MPTCPCTL_EXIT_OK) {
                log_error("Failed to write to standard output.");
                (void) sd_event_exit(sd_bus_get_event(mon->bus), 0);
        }
}

static void print_strv(char *const *l, const char *empty) {
        if (!l || !l[0])
                fputs(empty, stdout);
        for (size_t i = 0; l && l[i]; i++)
                printf("%s%s", i > 0 ? ", " : "", l[i]);
}

/* A known property as people read it; anything else as compact JSON. */
static int print_property_human(sd_bus_message *m, const char *name, const char *signature) {
        _cleanup_(policy_status_done) PolicyStatus s = {};
        JsonWriter w;
        int r;

        r = policy_status_read_property(m, name, signature, &s);
        if (r < 0)
                return r;
        if (r == 0) {
                json_writer_init(&w, stdout, false);
                return bus_value_to_json(m, &w);
        }

        if (streq(name, "ActiveProfile"))
                fputs(strna(s.active_profile), stdout);
        else if (streq(name, "SelectedProfile"))
                fputs(strna(s.selected_profile), stdout);
        else if (streq(name, "ProfileMode"))
                fputs(strna(s.profile_mode), stdout);
        else if (streq(name, "PathManager"))
                fputs(strna(s.path_manager), stdout);
        else if (streq(name, "Version"))
                fputs(strna(s.version), stdout);
        else if (streq(name, "Features"))
                print_strv(s.features, "none");
        else if (streq(name, "Degraded"))
                print_strv(s.degraded, "no");
        else if (streq(name, "Profiles"))
                for (size_t i = 0; i < s.n_profiles; i++)
                        printf("%s%s", i > 0 ? ", " : "", strna(s.profiles[i].name));
        else if (streq(name, "Interfaces")) {
                for (size_t i = 0; i < s.n_interfaces; i++)
                        printf("%s%s %s", i > 0 ? ", " : "", strna(s.interfaces[i].name),
                               strna(s.interfaces[i].decision));
                if (s.n_interfaces == 0)
                        fputs("none", stdout);
        } else if (streq(name, "ActiveProfileHolds")) {
                for (size_t i = 0; i < s.n_holds; i++) {
                        const HoldInfo *h = &s.holds[i];

                        printf("%s%s by %s (cookie %" PRIu32 ")", i > 0 ? ", " : "", strna(h->profile),
                               h->application_id && h->application_id[0] ? h->application_id
                                                                         : strna(h->holder),
                               h->cookie);
                }
                if (s.n_holds == 0)
                        fputs("none", stdout);
        }
        return 0;
}

/* One line for one property whose value is next in m (inside its variant of that signature); a
 * BusDictEntryFunc with the Monitor as userdata. */
static int print_property(sd_bus_message *m, const char *name, const char *signature, void *userdata) {
        Monitor *mon = userdata;
        JsonWriter w;
        int r;

        line_begin(mon, &w, "PropertyChanged");
        if (mon->json) {
                json_key_string(&w, "Property", name);
                json_key(&w, "Value");
                r = bus_value_to_json(m, &w);
        } else {
                printf("%s: ", name);
                r = print_property_human(m, name, signature);
        }
        line_end(mon, &w);
        return r;
}

/* An invalidated property (changed, value not sent): fetched. */
static int print_invalidated(Monitor *mon, const char *name) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *contents;
        JsonWriter w;
        int r;

        r = sd_bus_call_method(
                mon->bus, POLICY_BUS_NAME, POLICY_OBJECT_PATH, "org.freedesktop.DBus.Properties", "Get",
                &error, &reply, "ss", POLICY_INTERFACE, name);
        if (r >= 0)
                r = bus_enter_variant(reply, &contents);
        if (r >= 0)
                return print_property(reply, name, contents, mon);

        line_begin(mon, &w, "PropertyChanged");
        if (mon->json) {
                json_key_string(&w, "Property", name);
                json_key(&w, "Value");
                json_null(&w);
        } else
                printf("%s: (changed, could not read it: %s)", name, error.message ?: strerror(-r));
        line_end(mon, &w);
        return 0;
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Monitor *mon = userdata;
        _cleanup_(strv_freep) char **invalidated = NULL;
        const char *interface;
        int r;

        r = sd_bus_message_read(m, "s", &interface);
        if (r < 0 || !streq(interface, POLICY_INTERFACE))
                goto fail;
        r = bus_dict_foreach(m, print_property, mon);
        if (r >= 0)
                r = sd_bus_message_read_strv(m, &invalidated);
        if (r < 0)
                goto fail;
        for (char **p = invalidated; p && *p; p++)
                (void) print_invalidated(mon, *p);
        return 0;
fail:
        log_warning_errno(r, "Ignoring a malformed PropertiesChanged signal: %m");
        return 0;
}

/* One of an event's details: " Key=value", strings bare, booleans yes/no, the rest as compact JSON. */
static int print_detail(sd_bus_message *m, const char *key, const char *signature, void *userdata) {
        int r;

        printf(" %s=", key);
        if (streq(signature, "s")) {
                const char *s;

                r = sd_bus_message_read_basic(m, 's', &s);
                if (r < 0)
                        return r;
                fputs(s, stdout);
        } else if (streq(signature, "b")) {
                int b;

                r = sd_bus_message_read_basic(m, 'b', &b);
                if (r < 0)
                        return r;
                fputs(b ? "yes" : "no", stdout);
        } else {
                JsonWriter w;

                json_writer_init(&w, stdout, false);
                return bus_value_to_json(m, &w);
        }
        return 0;
}

/* "connection 3a1f09c2 subflow-established Interface=lte Local=... Remote=... Backup=no". */
static int on_connection_event(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Monitor *mon = userdata;
        const char *event;
        uint32_t token;
        JsonWriter w;
        int r;

        r = sd_bus_message_read(m, "su", &event, &token);
        if (r < 0) {
                log_warning_errno(r, "Ignoring a malformed ConnectionEvent signal: %m");
                return 0;
        }
        line_begin(mon, &w, "ConnectionEvent");
        if (mon->json) {
                json_key_string(&w, "Event", event);
                json_key_uint(&w, "Token", token);
                json_key(&w, "Details");
                r = bus_value_to_json(m, &w);
        } else {
                printf("connection %08" PRIx32 " %s", token, event);
                r = bus_dict_foreach(m, print_detail, NULL);
        }
        line_end(mon, &w);
        if (r < 0)
                log_warning_errno(r, "Could not read all of a ConnectionEvent signal: %m");
        return 0;
}

static void print_daemon_line(Monitor *mon, bool present, const char *owner) {
        JsonWriter w;

        line_begin(mon, &w, present ? "DaemonAppeared" : "DaemonVanished");
        if (mon->json) {
                if (present)
                        json_key_string(&w, "Owner", owner);
        } else if (present)
                fputs("mptcp-policyd is on the bus.", stdout);
        else
                fputs("mptcp-policyd left the bus; waiting for it to come back.", stdout);
        line_end(mon, &w);
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Monitor *mon = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 ||
            !streq(name, POLICY_BUS_NAME))
                return 0;
        if (old_owner[0])
                print_daemon_line(mon, false, NULL);
        if (new_owner[0])
                print_daemon_line(mon, true, new_owner);
        return 0;
}

static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Monitor *mon = userdata;

        log_error("Lost the connection to the system bus.");
        mon->exit_code = MPTCPCTL_EXIT_FAILURE;
        return sd_event_exit(sd_bus_get_event(mon->bus), 0);
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

int verb_monitor(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        Monitor mon = { .json = arg_json != JSON_FORMAT_OFF, .exit_code = MPTCPCTL_EXIT_OK };
        sigset_t mask;
        int r;

        r = bus_connect(&bus);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        mon.bus = bus;

        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(-errno, "Failed to block signals: %m"), MPTCPCTL_EXIT_FAILURE;

        r = sd_event_new(&event);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_exit_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, on_exit_signal, NULL);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m"), MPTCPCTL_EXIT_FAILURE;

        r = sd_bus_add_match(bus, NULL, MATCH_PROPERTIES_CHANGED, on_properties_changed, &mon);
        if (r >= 0)
                r = bus_match_policy_signal(bus, "ConnectionEvent", on_connection_event, &mon);
        if (r >= 0)
                r = bus_match_presence(bus, on_name_owner_changed, on_disconnected, &mon);
        if (r < 0)
                return bus_log_error(bus, "subscribe to the daemon's signals", NULL, r);

        /* Subscribed first, then asked: an appearance in between is reported by the match. */
        r = bus_daemon_present(bus);
        if (r < 0)
                return bus_log_error(bus, "look for the daemon on the bus", NULL, r);
        if (r == 0)
                log_notice("mptcp-policyd is not running; waiting for it to appear.");

        r = sd_event_loop(event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m"), MPTCPCTL_EXIT_FAILURE;
        return mon.exit_code;
}
