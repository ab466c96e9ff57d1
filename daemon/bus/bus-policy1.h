/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-policy1.h — the org.mptcp.Policy1 interface: vtable, property values, signals. */
#pragma once

#include <systemd/sd-bus.h>

#include "pm-codec.h"

typedef struct Manager Manager;

/* Properties that can change, in the order of the XML; each has a fingerprint so the bus layer
 * emits PropertiesChanged only for what changed. */
typedef enum Policy1Property {
        POLICY1_PROFILES,
        POLICY1_ACTIVE_PROFILE,
        POLICY1_SELECTED_PROFILE,
        POLICY1_PROFILE_MODE,
        POLICY1_ACTIVE_PROFILE_HOLDS,
        POLICY1_INTERFACES,
        POLICY1_PATH_MANAGER,
        POLICY1_FEATURES,
        POLICY1_DEGRADED,
        _POLICY1_PROPERTY_MAX,
} Policy1Property;

extern const sd_bus_vtable policy1_vtable[];

/* The Features and Degraded tokens (static strings), at most POLICY1_TOKENS_MAX each. */
#define POLICY1_TOKENS_MAX 8
size_t policy1_features(const Manager *m, const char *ret[static POLICY1_TOKENS_MAX]);
size_t policy1_degraded(const Manager *m, const char *ret[static POLICY1_TOKENS_MAX]);

const char *policy1_property_name(Policy1Property p);
/* A string that changes whenever the property's value does; NULL on OOM. */
char *policy1_property_fingerprint(Manager *m, Policy1Property p);
/* ConnectionEvent for ev; 0 (nothing) for events monitors do not get. */
int policy1_new_connection_event(Manager *m, sd_bus *bus, const PmEvent *ev, sd_bus_message **ret);
/* Frees what HoldProfile attached to a hold (the holder's tracking). */
void policy1_hold_tracker_free(void *tracker);

/* Describe(): the daemon's state as one JSON object (bus-describe.c). */
int manager_describe_json(Manager *m, char **ret);
