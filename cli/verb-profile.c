/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-profile.c — `mptcpctl profile list|get|set|release` and `mode get|set` (hold: verb-hold.c). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus-json.h"
#include "bus-util.h"
#include "log.h"
#include "mptcpctl.h"
#include "output.h"
#include "policy-status.h"

static int print_profiles_human(const PolicyStatus *s) {
        _cleanup_(table_done) Table t = {};
        int r = 0;

        if (arg_names) {
                for (size_t i = 0; i < s->n_profiles; i++)
                        puts(strna(s->profiles[i].name));
                return stdout_finish();
        }

        /* The active profile's name is marked "* ", as powerprofilesctl does. */
        table_init(&t, 5);
        r |= table_add(&t, "  NAME");
        r |= table_add(&t, "PATH-MANAGER");
        r |= table_add(&t, "STEERING");
        r |= table_add(&t, "USABLE");
        r |= table_add(&t, "DESCRIPTION");
        for (size_t i = 0; i < s->n_profiles; i++) {
                const ProfileInfo *p = &s->profiles[i];

                r |= table_addf(
                        &t, "%s%s", streq_ptr(p->name, s->active_profile) ? "* " : "  ", strna(p->name));
                r |= table_add(&t, p->path_manager);
                r |= table_add(&t, p->steering);
                r |= table_add(&t, p->usable ? "yes" : "no");
                if (!p->usable && p->reason && p->reason[0])
                        r |= table_addf(&t, "%s (%s)", p->description ?: "", p->reason);
                else
                        r |= table_add(&t, p->description ?: "");
        }
        if (r < 0 || table_print(&t, stdout) < 0)
                return log_oom(), MPTCPCTL_EXIT_FAILURE;
        return stdout_finish();
}

/* The Profiles entries as the daemon sends them, each with "Active" added. */
static int print_profiles_json(sd_bus_message *reply, const PolicyStatus *s) {
        JsonWriter w;
        size_t i = 0;
        int r;

        json_stdout_begin(&w);
        r = sd_bus_message_rewind(reply, true);
        if (r >= 0) {
                json_begin_array(&w);
                r = bus_dict_enter_key(reply, "Profiles");
        }
        if (r > 0) {
                r = sd_bus_message_enter_container(reply, 'a', "a{sv}");
                while (r >= 0 && (r = sd_bus_message_at_end(reply, false)) == 0) {
                        json_begin_object(&w);
                        r = bus_dict_members_to_json(reply, &w);
                        if (r < 0)
                                break;
                        json_key_bool(
                                &w, "Active",
                                i < s->n_profiles && streq_ptr(s->profiles[i].name, s->active_profile));
                        json_end_object(&w);
                        i++;
                }
        }
        if (r >= 0)
                json_end_array(&w);
        return json_stdout_end(&w, r, "the profile list");
}

int verb_profile_list(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(policy_status_done) PolicyStatus s = {};
        int r;

        r = bus_open_and_call(policy_get_all, "list the profiles", &bus, &reply);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        r = policy_status_read(reply, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the profile list: %m"), MPTCPCTL_EXIT_FAILURE;

        if (arg_json != JSON_FORMAT_OFF)
                return print_profiles_json(reply, &s);
        return print_profiles_human(&s);
}

/* A string property, printed bare or as {"NAME":"value"}. */
static int print_string_property(const char *property, const char *what) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *value = NULL;
        int r;

        r = bus_connect(&bus);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        r = sd_bus_get_property_string(
                bus, POLICY_BUS_NAME, POLICY_OBJECT_PATH, POLICY_INTERFACE, property, &error, &value);
        if (r < 0)
                return bus_log_error(bus, what, &error, r);

        if (arg_json != JSON_FORMAT_OFF) {
                JsonWriter w;

                json_stdout_begin(&w);
                json_begin_object(&w);
                json_key_string(&w, property, value);
                json_end_object(&w);
                return json_stdout_finish(&w);
        }
        puts(value);
        return stdout_finish();
}

int verb_profile_get(int argc, char *argv[]) {
        return print_string_property("ActiveProfile", "read the active profile");
}

int verb_mode_get(int argc, char *argv[]) {
        return print_string_property("ProfileMode", "read the profile mode");
}

/* Calls a setter whose arguments are a string and "interactive" (SetProfile, SetProfileMode). */
static int call_setter(const char *method, const char *value, const char *what) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        bool interactive;
        int r;

        r = bus_connect(&bus);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        interactive = bus_setup_interactive(bus, arg_ask_password);
        r = bus_call_policy(bus, method, &error, NULL, "sb", value, interactive);
        if (r < 0)
                return bus_log_error(bus, what, &error, r);
        return MPTCPCTL_EXIT_OK;
}

int verb_profile_set(int argc, char *argv[]) {
        return call_setter("SetProfile", argv[1], "set the profile");
}

int verb_mode_set(int argc, char *argv[]) {
        if (!streq(argv[1], "auto") && !streq(argv[1], "manual")) {
                log_error("Unknown mode '%s'; expected auto or manual.", argv[1]);
                return MPTCPCTL_EXIT_USAGE;
        }
        return call_setter("SetProfileMode", argv[1], "set the profile mode");
}

/* A cookie: decimal, 0 to 2^32-1, nothing else. */
static int parse_cookie(const char *s, uint32_t *ret) {
        unsigned long long v;
        char *end;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno != 0 || *end != '\0' || v > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t) v;
        return 0;
}

int verb_profile_release(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        uint32_t cookie;
        int r;

        if (parse_cookie(argv[1], &cookie) < 0) {
                log_error("Invalid cookie '%s'; expected the number 'profile hold' got.", argv[1]);
                return MPTCPCTL_EXIT_USAGE;
        }

        r = bus_connect(&bus);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        r = bus_call_policy(bus, "ReleaseProfile", &error, NULL, "u", cookie);
        if (r < 0)
                return bus_log_error(bus, "release the hold", &error, r);
        return MPTCPCTL_EXIT_OK;
}
