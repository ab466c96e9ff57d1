/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-util.h — mptcpctl's D-Bus plumbing: connecting, calling, the error → exit code mapping, and
 * reading a{sv} dictionaries into structs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

#include "macro.h"

#define POLICY_BUS_NAME "org.mptcp.Policy1"
#define POLICY_OBJECT_PATH "/org/mptcp/Policy1"
#define POLICY_INTERFACE "org.mptcp.Policy1"
#define POLICY_ERROR_PREFIX "org.mptcp.Policy1.Error."
#define POLICY_ERROR_NO_SUCH_PROFILE POLICY_ERROR_PREFIX "NoSuchProfile"
#define POLICY_ERROR_NO_SUCH_HOLD POLICY_ERROR_PREFIX "NoSuchHold"
#define POLICY_ERROR_INVALID_CONFIG POLICY_ERROR_PREFIX "InvalidConfig"
#define POLICY_ERROR_NOT_AUTHORIZED POLICY_ERROR_PREFIX "NotAuthorized"
#define POLICY_ERROR_UNAVAILABLE POLICY_ERROR_PREFIX "Unavailable"

#define NOT_RUNNING_MESSAGE "mptcp-policyd is not running (no " POLICY_BUS_NAME " on the system bus)."

/* sd-bus.h provides sd_bus_flush_close_unrefp(), sd_bus_message_unrefp(), sd_bus_slot_unrefp(). */
#define _cleanup_bus_error_ _cleanup_(sd_bus_error_free)

/* The documented exit code for a failed bus operation: by the D-Bus error name when there is one
 * (error may be NULL), else by the errno r (connecting: no socket means no daemon). NoReply counts
 * as "not running" when daemon_gone (the daemon's name vanished: it died during the call). The one
 * place that maps errors to MPTCPCTL_EXIT_*. */
int bus_exit_code(const sd_bus_error *error, int r, bool daemon_gone);

/* Logs why "what" (e.g. "set the profile") failed and returns bus_exit_code(), asking the bus
 * whether the daemon is gone after a NoReply. bus may be NULL. */
int bus_log_error(sd_bus *bus, const char *what, const sd_bus_error *error, int r);

/* Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS honoured). Negative errno on failure, for
 * bus_log_error(). */
int bus_open(sd_bus **ret);

/* Whether mutating calls may let polkit ask for a password: ask_password (no --no-ask-password)
 * and stdin is a terminal. Sets the ALLOW_INTERACTIVE_AUTHORIZATION flag on bus accordingly and
 * returns the value to pass as the methods' "interactive" argument. */
bool bus_setup_interactive(sd_bus *bus, bool ask_password);

/* Calls a method of org.mptcp.Policy1 on /org/mptcp/Policy1. */
int bus_call_policy(
        sd_bus *bus, const char *method, sd_bus_error *error, sd_bus_message **ret_reply, const char *types,
        ...);

/* 1 when the daemon's name has an owner, 0 when not, negative errno when asking failed. */
int bus_daemon_present(sd_bus *bus);

/* Reading a{sv}: each entry whose key a map row names and whose variant holds that row's signature
 * is stored at userdata + offset; other entries are skipped (a newer daemon may send more). */
typedef int (*BusPropertyParse)(sd_bus_message *m, void *ptr); /* m is inside the variant */

typedef struct BusPropertyMap {
        const char *name;
        const char *signature;  /* the variant's contents, e.g. "s", "as", "aa{sv}" */
        BusPropertyParse parse; /* NULL: built in for "s" (char *), "b" (bool), "i" (int32_t),
                                 * "u" (uint32_t), "as" (char **) */
        size_t offset;
} BusPropertyMap;

int bus_map_dict(sd_bus_message *m, const BusPropertyMap *map, void *userdata);

/* The built-in readers on their own: the value at m, of signature "s", "b", "i", "u" or "as",
 * into ptr as above. */
int bus_map_value(sd_bus_message *m, const char *signature, void *ptr);

/* Reads an aa{sv} into a growing array of elements of size elem_size (zeroed before mapping):
 * array_ptr points to the caller's "T *" array, *n counts its elements; entries are appended. On
 * failure the elements read so far stay in the array for the caller to free. */
int bus_map_dict_array(
        sd_bus_message *m, const BusPropertyMap *map, void *array_ptr, size_t *n, size_t elem_size);

#define MATCH_NAME_OWNER_CHANGED                                                    \
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus'," \
        "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" POLICY_BUS_NAME "'"

/* Finds key in the a{sv} at m and enters its variant, so that the next read is its value: 1, or
 * 0 when there is no such key (m is then past the dictionary). For messages read once. */
int bus_dict_enter_key(sd_bus_message *m, const char *key);
