/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-status.c — the daemon's org.mptcp.Policy1 properties, fetched with one GetAll. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "bus-util.h"
#include "policy-status.h"
#include "strv.h"

static const BusPropertyMap profile_map[] = {
        { "Name", "s", NULL, offsetof(ProfileInfo, name) },
        { "Description", "s", NULL, offsetof(ProfileInfo, description) },
        { "PathManager", "s", NULL, offsetof(ProfileInfo, path_manager) },
        { "Steering", "s", NULL, offsetof(ProfileInfo, steering) },
        { "Source", "s", NULL, offsetof(ProfileInfo, source) },
        { "Usable", "b", NULL, offsetof(ProfileInfo, usable) },
        { "Reason", "s", NULL, offsetof(ProfileInfo, reason) },
        {},
};

static const BusPropertyMap interface_map[] = {
        { "Name", "s", NULL, offsetof(InterfaceInfo, name) },
        { "Index", "i", NULL, offsetof(InterfaceInfo, index) },
        { "Type", "s", NULL, offsetof(InterfaceInfo, type) },
        { "Metered", "s", NULL, offsetof(InterfaceInfo, metered) },
        { "Usable", "b", NULL, offsetof(InterfaceInfo, usable) },
        { "Addresses", "as", NULL, offsetof(InterfaceInfo, addresses) },
        { "Decision", "s", NULL, offsetof(InterfaceInfo, decision) },
        {},
};

static const BusPropertyMap hold_map[] = {
        { "Cookie", "u", NULL, offsetof(HoldInfo, cookie) },
        { "Profile", "s", NULL, offsetof(HoldInfo, profile) },
        { "Reason", "s", NULL, offsetof(HoldInfo, reason) },
        { "ApplicationId", "s", NULL, offsetof(HoldInfo, application_id) },
        { "Holder", "s", NULL, offsetof(HoldInfo, holder) },
        {},
};

static int parse_profiles(sd_bus_message *m, void *ptr) {
        PolicyStatus *s = ptr; /* its map row has offset 0 */

        return bus_map_dict_array(m, profile_map, &s->profiles, &s->n_profiles, sizeof(ProfileInfo));
}

static int parse_interfaces(sd_bus_message *m, void *ptr) {
        PolicyStatus *s = ptr; /* its map row has offset 0 */

        return bus_map_dict_array(m, interface_map, &s->interfaces, &s->n_interfaces, sizeof(InterfaceInfo));
}

static int parse_holds(sd_bus_message *m, void *ptr) {
        PolicyStatus *s = ptr; /* its map row has offset 0 */

        return bus_map_dict_array(m, hold_map, &s->holds, &s->n_holds, sizeof(HoldInfo));
}

static const BusPropertyMap status_map[] = {
        { "ActiveProfile", "s", NULL, offsetof(PolicyStatus, active_profile) },
        { "SelectedProfile", "s", NULL, offsetof(PolicyStatus, selected_profile) },
        { "ProfileMode", "s", NULL, offsetof(PolicyStatus, profile_mode) },
        { "PathManager", "s", NULL, offsetof(PolicyStatus, path_manager) },
        { "Version", "s", NULL, offsetof(PolicyStatus, version) },
        { "Features", "as", NULL, offsetof(PolicyStatus, features) },
        { "Degraded", "as", NULL, offsetof(PolicyStatus, degraded) },
        { "Profiles", "aa{sv}", parse_profiles, 0 },
        { "Interfaces", "aa{sv}", parse_interfaces, 0 },
        { "ActiveProfileHolds", "aa{sv}", parse_holds, 0 },
        {},
};

int policy_get_all(sd_bus *bus, sd_bus_error *error, sd_bus_message **ret_reply) {
        return sd_bus_call_method(
                bus, POLICY_BUS_NAME, POLICY_OBJECT_PATH, "org.freedesktop.DBus.Properties", "GetAll", error,
                ret_reply, "s", POLICY_INTERFACE);
}

int policy_status_read(sd_bus_message *reply, PolicyStatus *s) {
        int r;

        r = sd_bus_message_rewind(reply, true);
        if (r < 0)
                return r;
        return bus_map_dict(reply, status_map, s);
}

int policy_status_read_property(
        sd_bus_message *m, const char *name, const char *signature, PolicyStatus *s) {
        return bus_map_property(m, status_map, name, signature, s);
}

void policy_status_done(PolicyStatus *s) {
        for (size_t i = 0; i < s->n_profiles; i++) {
                ProfileInfo *p = &s->profiles[i];

                free(p->name);
                free(p->description);
                free(p->path_manager);
                free(p->steering);
                free(p->source);
                free(p->reason);
        }
        free(s->profiles);
        for (size_t i = 0; i < s->n_interfaces; i++) {
                InterfaceInfo *n = &s->interfaces[i];

                free(n->name);
                free(n->type);
                free(n->metered);
                free(n->decision);
                strv_free(n->addresses);
        }
        free(s->interfaces);
        for (size_t i = 0; i < s->n_holds; i++) {
                HoldInfo *h = &s->holds[i];

                free(h->profile);
                free(h->reason);
                free(h->application_id);
                free(h->holder);
        }
        free(s->holds);
        free(s->active_profile);
        free(s->selected_profile);
        free(s->profile_mode);
        free(s->path_manager);
        free(s->version);
        strv_free(s->features);
        strv_free(s->degraded);
        *s = (PolicyStatus){};
}

const char *policy_status_active_reason(const PolicyStatus *s) {
        if (s->n_holds > 0)
                return "hold";
        if (streq_ptr(s->profile_mode, "manual"))
                return "manual";
        if (streq_ptr(s->profile_mode, "auto"))
                return "auto";
        return NULL;
}

const HoldInfo *policy_status_active_hold(const PolicyStatus *s) {
        for (size_t i = 0; i < s->n_holds; i++)
                if (streq_ptr(s->holds[i].profile, s->active_profile))
                        return &s->holds[i];
        return NULL;
}
