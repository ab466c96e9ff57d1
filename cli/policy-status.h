/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-status.h — the daemon's org.mptcp.Policy1 properties, fetched with one GetAll. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

/* One entry of Profiles. */
typedef struct ProfileInfo {
        char *name, *description, *path_manager, *steering, *source, *reason;
        bool usable;
} ProfileInfo;

/* One entry of Interfaces. */
typedef struct InterfaceInfo {
        char *name, *type, *metered, *decision;
        int32_t index;
        bool usable;
        char **addresses;
} InterfaceInfo;

/* One entry of ActiveProfileHolds. */
typedef struct HoldInfo {
        uint32_t cookie;
        char *profile, *reason, *application_id, *holder;
} HoldInfo;

typedef struct PolicyStatus {
        char *active_profile, *selected_profile, *profile_mode, *path_manager, *version;
        char **features, **degraded;
        ProfileInfo *profiles;
        size_t n_profiles;
        InterfaceInfo *interfaces;
        size_t n_interfaces;
        HoldInfo *holds;
        size_t n_holds;
} PolicyStatus;

/* Calls GetAll on the daemon's interface; the reply is an a{sv}. */
int policy_get_all(sd_bus *bus, sd_bus_error *error, sd_bus_message **ret_reply);

/* Reads a GetAll reply (from its start) into *s, which must be zeroed or policy_status_done()'d.
 * On failure *s holds what was read; free it with policy_status_done(). */
int policy_status_read(sd_bus_message *reply, PolicyStatus *s);
void policy_status_done(PolicyStatus *s);

/* Reads one property's value (m inside its variant, whose contents are signature) into the field
 * of *s it belongs to: 1, or 0 when the name or signature is not one this client knows. */
int policy_status_read_property(sd_bus_message *m, const char *name, const char *signature, PolicyStatus *s);

/* Why the active profile is in force: "hold" (while any hold exists), "manual" or "auto" (the
 * mode); NULL when the daemon sent no mode. */
const char *policy_status_active_reason(const PolicyStatus *s);
/* The earliest hold of the active profile, or NULL. */
const HoldInfo *policy_status_active_hold(const PolicyStatus *s);
