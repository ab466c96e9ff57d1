/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-util.h — mptcpctl's D-Bus plumbing: connecting, calling, subscribing to signals, the error → exit
 * code mapping, and reading a{sv} dictionaries into structs. */
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

/* Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS honoured): MPTCPCTL_EXIT_OK, or the exit code
 * of the failure, which is logged. */
int bus_connect(sd_bus **ret);

/* A call that fills in a reply, such as policy_get_all() or connection_list_call(). */
typedef int (*BusCallFunc)(sd_bus *bus, sd_bus_error *error, sd_bus_message **ret_reply);

/* Connects and calls call(): MPTCPCTL_EXIT_OK with the bus and the reply, or the exit code of the
 * failure, logged as failing to "what" (e.g. "list the profiles"). */
int bus_open_and_call(BusCallFunc call, const char *what, sd_bus **ret_bus, sd_bus_message **ret_reply);

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

/* Subscribes to a signal of org.mptcp.Policy1 on /org/mptcp/Policy1. */
int bus_match_policy_signal(
        sd_bus *bus, const char *member, sd_bus_message_handler_t callback, void *userdata);

/* Subscribes to the daemon's name changing owner (NameOwnerChanged: appearing, leaving) and to the
 * loss of this connection (the local Disconnected signal). */
int bus_match_presence(
        sd_bus *bus, sd_bus_message_handler_t on_name_owner_changed,
        sd_bus_message_handler_t on_disconnected, void *userdata);

/* Enters the variant at m, so that the next read is its value; its contents' signature in
 * *ret_contents (may be NULL). */
int bus_enter_variant(sd_bus_message *m, const char **ret_contents);

/* Calls f for each entry of the a{sv} at m, with m inside the entry's variant, whose contents are
 * signature. f reads the value, or skips it (sd_bus_message_skip(m, signature)); a negative return
 * stops the walk and is returned. */
typedef int (*BusDictEntryFunc)(sd_bus_message *m, const char *key, const char *signature, void *userdata);
int bus_dict_foreach(sd_bus_message *m, BusDictEntryFunc f, void *userdata);

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

/* Reads one property's value (m inside its variant, whose contents are signature) into the field
 * of userdata the map row of that name and signature names: 1, or 0 when no row does. */
int bus_map_property(
        sd_bus_message *m, const BusPropertyMap *map, const char *name, const char *signature,
        void *userdata);

/* Reads an aa{sv} into a growing array of elements of size elem_size (zeroed before mapping):
 * array_ptr points to the caller's "T *" array, *n counts its elements; entries are appended. On
 * failure the elements read so far stay in the array for the caller to free. */
int bus_map_dict_array(
        sd_bus_message *m, const BusPropertyMap *map, void *array_ptr, size_t *n, size_t elem_size);

/* Finds key in the a{sv} at m and enters its variant, so that the next read is its value: 1, or
 * 0 when there is no such key (m is then past the dictionary). For messages read once. */
int bus_dict_enter_key(sd_bus_message *m, const char *key);
