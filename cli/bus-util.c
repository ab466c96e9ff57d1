/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-util.c — mptcpctl's D-Bus plumbing: connecting, calling, subscribing to signals, the error → exit
 * code mapping, and reading a{sv} dictionaries into structs. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "bus-util.h"
#include "log.h"
#include "mptcpctl.h"
#include "strv.h"

#define DBUS_ERROR_SPAWN_PREFIX "org.freedesktop.DBus.Error.Spawn."

#define MATCH_NAME_OWNER_CHANGED                                                    \
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus'," \
        "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" POLICY_BUS_NAME "'"

int bus_exit_code(const sd_bus_error *error, int r, bool daemon_gone) {
        if (error && sd_bus_error_is_set(error)) {
                /* The daemon died while handling the call: the bus answered for it. */
                if (daemon_gone && sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY))
                        return MPTCPCTL_EXIT_NOT_RUNNING;
                if (sd_bus_error_has_names(
                            error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
                    strncmp(error->name, DBUS_ERROR_SPAWN_PREFIX, strlen(DBUS_ERROR_SPAWN_PREFIX)) == 0)
                        return MPTCPCTL_EXIT_NOT_RUNNING;
                if (sd_bus_error_has_names(
                            error, POLICY_ERROR_NOT_AUTHORIZED, SD_BUS_ERROR_ACCESS_DENIED,
                            SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED))
                        return MPTCPCTL_EXIT_NOT_AUTHORIZED;
                if (sd_bus_error_has_name(error, POLICY_ERROR_NO_SUCH_PROFILE))
                        return MPTCPCTL_EXIT_NO_SUCH_PROFILE;
                if (sd_bus_error_has_name(error, POLICY_ERROR_INVALID_CONFIG))
                        return MPTCPCTL_EXIT_INVALID_CONFIG;
                /* NoSuchHold, Unavailable, InvalidArgs, LimitsExceeded, NoReply, ... */
                return MPTCPCTL_EXIT_FAILURE;
        }

        switch (r) {
        case -ENOENT:       /* no system bus socket */
        case -ECONNREFUSED: /* a stale one */
                return MPTCPCTL_EXIT_NOT_RUNNING;
        case -EACCES:
        case -EPERM:
                return MPTCPCTL_EXIT_NOT_AUTHORIZED;
        default:
                return MPTCPCTL_EXIT_FAILURE;
        }
}

int bus_log_error(sd_bus *bus, const char *what, const sd_bus_error *error, int r) {
        bool daemon_gone =
                bus && sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY) && bus_daemon_present(bus) == 0;
        int code = bus_exit_code(error, r, daemon_gone);

        if (code == MPTCPCTL_EXIT_NOT_RUNNING) {
                log_debug_errno(
                        r, "Failed to %s: %s", what,
                        error && error->message ? error->message : strerror(-r));
                log_error("%s", NOT_RUNNING_MESSAGE);
        } else if (error && sd_bus_error_is_set(error))
                log_error("Failed to %s: %s", what, error->message ?: error->name);
        else
                log_error_errno(r, "Failed to %s: %m", what);
        return code;
}

static int bus_open(sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        (void) sd_bus_set_description(bus, "mptcpctl");
        *ret = bus;
        return 0;
}

int bus_connect(sd_bus **ret) {
        int r;

        r = bus_open(ret);
        if (r < 0)
                return bus_log_error(NULL, "connect to the system bus", NULL, r);
        return MPTCPCTL_EXIT_OK;
}

int bus_open_and_call(BusCallFunc call, const char *what, sd_bus **ret_bus, sd_bus_message **ret_reply) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = bus_connect(&bus);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        r = call(bus, &error, ret_reply);
        if (r < 0)
                return bus_log_error(bus, what, &error, r);
        *ret_bus = TAKE_PTR(bus);
        return MPTCPCTL_EXIT_OK;
}

bool bus_setup_interactive(sd_bus *bus, bool ask_password) {
        bool interactive = ask_password && isatty(STDIN_FILENO);

        (void) sd_bus_set_allow_interactive_authorization(bus, interactive);
        return interactive;
}

int bus_call_policy(
        sd_bus *bus, const char *method, sd_bus_error *error, sd_bus_message **ret_reply, const char *types,
        ...) {
        va_list ap;
        int r;

        va_start(ap, types);
        r = sd_bus_call_methodv(
                bus, POLICY_BUS_NAME, POLICY_OBJECT_PATH, POLICY_INTERFACE, method, error, ret_reply, types,
                ap);
        va_end(ap);
        return r;
}

int bus_daemon_present(sd_bus *bus) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int has_owner, r;

        r = sd_bus_call_method(
                bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
                NULL, &reply, "s", POLICY_BUS_NAME);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "b", &has_owner);
        if (r < 0)
                return r;
        return !!has_owner;
}

int bus_match_policy_signal(
        sd_bus *bus, const char *member, sd_bus_message_handler_t callback, void *userdata) {
        return sd_bus_match_signal(
                bus, NULL, POLICY_BUS_NAME, POLICY_OBJECT_PATH, POLICY_INTERFACE, member, callback,
                userdata);
}

int bus_match_presence(
        sd_bus *bus, sd_bus_message_handler_t on_name_owner_changed,
        sd_bus_message_handler_t on_disconnected, void *userdata) {
        int r;

        r = sd_bus_add_match(bus, NULL, MATCH_NAME_OWNER_CHANGED, on_name_owner_changed, userdata);
        if (r < 0)
                return r;
        return sd_bus_match_signal(
                bus, NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                "org.freedesktop.DBus.Local", "Disconnected", on_disconnected, userdata);
}

int bus_enter_variant(sd_bus_message *m, const char **ret_contents) {
        const char *contents;
        int r;

        r = sd_bus_message_peek_type(m, NULL, &contents);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'v', contents);
        if (r < 0)
                return r;
        if (ret_contents)
                *ret_contents = contents;
        return 0;
}

/* In an a{sv}: enters the next entry and reads its key, so that the variant comes next: 1, or 0 at
 * the end of the dictionary. */
static int bus_dict_next_key(sd_bus_message *m, const char **ret_key) {
        int r;

        r = sd_bus_message_enter_container(m, 'e', "sv");
        if (r <= 0)
                return r;
        r = sd_bus_message_read_basic(m, 's', ret_key);
        if (r < 0)
                return r;
        return 1;
}

int bus_dict_foreach(sd_bus_message *m, BusDictEntryFunc f, void *userdata) {
        const char *key, *contents;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = bus_dict_next_key(m, &key)) > 0) {
                r = bus_enter_variant(m, &contents);
                if (r < 0)
                        return r;
                r = f(m, key, contents, userdata);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m); /* the variant */
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m); /* the entry */
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* The built-in readers: the value at m, of signature "s", "b", "i", "u" or "as", into ptr. */
static int bus_map_value(sd_bus_message *m, const char *signature, void *ptr) {
        int r;

        if (streq(signature, "s")) {
                const char *s;
                char *copy;

                r = sd_bus_message_read_basic(m, 's', &s);
                if (r < 0)
                        return r;
                copy = strdup(s);
                if (!copy)
                        return -ENOMEM;
                free(*(char **) ptr);
                *(char **) ptr = copy;
                return 0;
        }
        if (streq(signature, "b")) {
                int b;

                r = sd_bus_message_read_basic(m, 'b', &b);
                if (r < 0)
                        return r;
                *(bool *) ptr = b;
                return 0;
        }
        if (streq(signature, "i"))
                return sd_bus_message_read_basic(m, 'i', (int32_t *) ptr);
        if (streq(signature, "u"))
                return sd_bus_message_read_basic(m, 'u', (uint32_t *) ptr);
        if (streq(signature, "as")) {
                char **l = NULL;

                r = sd_bus_message_read_strv(m, &l);
                if (r < 0)
                        return r;
                strv_free(*(char ***) ptr);
                *(char ***) ptr = l;
                return 0;
        }
        return -EINVAL; /* a map row without parser for a type we do not know: a bug */
}

int bus_map_property(
        sd_bus_message *m, const BusPropertyMap *map, const char *name, const char *signature,
        void *userdata) {
        int r;

        for (const BusPropertyMap *row = map; row->name; row++) {
                void *ptr = (uint8_t *) userdata + row->offset;

                if (!streq(row->name, name) || !streq(row->signature, signature))
                        continue;
                r = row->parse ? row->parse(m, ptr) : bus_map_value(m, row->signature, ptr);
                return r < 0 ? r : 1;
        }
        return 0;
}

typedef struct MapTarget {
        const BusPropertyMap *map;
        void *userdata;
} MapTarget;

static int map_entry(sd_bus_message *m, const char *key, const char *signature, void *userdata) {
        const MapTarget *t = userdata;
        int r;

        r = bus_map_property(m, t->map, key, signature, t->userdata);
        if (r == 0) /* a key or type this client does not know (a newer daemon's): skipped */
                r = sd_bus_message_skip(m, signature);
        return r;
}

int bus_map_dict(sd_bus_message *m, const BusPropertyMap *map, void *userdata) {
        return bus_dict_foreach(m, map_entry, &(MapTarget){ .map = map, .userdata = userdata });
}

int bus_map_dict_array(
        sd_bus_message *m, const BusPropertyMap *map, void *array_ptr, size_t *n, size_t elem_size) {
        size_t allocated = *n;
        void *array;
        int r;

        /* *array_ptr is a "T *"; copied, not cast, so the compiler sees no type punning. */
        memcpy(&array, array_ptr, sizeof(array));
        r = sd_bus_message_enter_container(m, 'a', "a{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_at_end(m, false)) == 0) {
                void *elem;

                r = greedy_realloc(&array, &allocated, *n + 1, elem_size);
                if (r < 0)
                        return r;
                memcpy(array_ptr, &array, sizeof(array));
                elem = (uint8_t *) array + *n * elem_size;
                memset(elem, 0, elem_size);
                (*n)++; /* counted before mapping, so the caller frees what a failure leaves */
                r = bus_map_dict(m, map, elem);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

int bus_dict_enter_key(sd_bus_message *m, const char *key) {
        const char *k;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = bus_dict_next_key(m, &k)) > 0) {
                if (streq(k, key)) {
                        r = bus_enter_variant(m, NULL);
                        if (r < 0)
                                return r;
                        return 1;
                }
                r = sd_bus_message_skip(m, "v");
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        return 0;
}
