/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-policy1.c — org.mptcp.Policy1: properties, methods and signals, as documented in
 * dbus/org.mptcp.Policy1.xml. Every mutating method: read → validate → authorize → apply →
 * (PropertiesChanged through manager_apply) → reply. */
#include <arpa/inet.h>
#include <linux/mptcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-polkit.h"
#include "bus-policy1.h"
#include "bus-service.h"
#include "config.h"
#include "log.h"
#include "manager.h"

/* Longer strings from callers are refused (InvalidArgs): names, reasons, ids are short. */
#define BUS_STRING_MAX HOLD_STRING_MAX

static const char *const property_names[_POLICY1_PROPERTY_MAX] = {
        [POLICY1_PROFILES] = "Profiles",
        [POLICY1_ACTIVE_PROFILE] = "ActiveProfile",
        [POLICY1_SELECTED_PROFILE] = "SelectedProfile",
        [POLICY1_PROFILE_MODE] = "ProfileMode",
        [POLICY1_ACTIVE_PROFILE_HOLDS] = "ActiveProfileHolds",
        [POLICY1_INTERFACES] = "Interfaces",
        [POLICY1_PATH_MANAGER] = "PathManager",
        [POLICY1_FEATURES] = "Features",
        [POLICY1_DEGRADED] = "Degraded",
};

const char *policy1_property_name(Policy1Property p) {
        if (p < 0 || p >= _POLICY1_PROPERTY_MAX)
                return NULL;
        return property_names[p];
}

/* ---- values shared by getters, fingerprints and Describe ------------------------------------- */

static const char *active_profile_name(const Manager *m) {
        return m->profile ? m->profile->name : "";
}

static const char *interface_name(const Manager *m, int ifindex) {
        for (size_t i = 0; i < m->interfaces.n; i++)
                if (m->interfaces.facts[i].ifindex == ifindex)
                        return m->interfaces.facts[i].name;
        return "";
}

/* The interface that has address a, "" when none. */
static const char *interface_by_address(const Manager *m, const PmAddr *a) {
        const LinkInfo *link;

        if (!m->links || (a->family != AF_INET && a->family != AF_INET6) ||
            link_tracker_find_addr(m->links, a->family, a->family == AF_INET ? (const void *) &a->in : &a->in6,
                                   &link, NULL) < 0)
                return "";
        return link->name;
}

/* The interface of a subflow: its ifindex when the kernel said, else the one that has its local
 * address (the initial subflow's CREATED event carries no ifindex). */
static const char *subflow_interface(const Manager *m, const Subflow *s) {
        return s->ifindex > 0 ? interface_name(m, s->ifindex) : interface_by_address(m, &s->local);
}

static const char *interface_state(const Manager *m, size_t i) {
        const InterfaceFacts *f = &m->interfaces.facts[i];

        if (!f->up || f->n_addresses == 0)
                return "unusable";
        return interface_decision_to_string(&m->interfaces.decisions[i]);
}

size_t policy1_features(const Manager *m, const char *ret[static POLICY1_TOKENS_MAX]) {
        size_t n = 0;

        ret[n++] = "userspace-pm";
        ret[n++] = "kernel-pm";
        /* Pacing caps, congestion control, notsent-lowat and telemetry per subflow. */
        if (bpf_backend_state(m->bpf) == BPF_BACKEND_ATTACHED)
                ret[n++] = "bpf-sockops";
        if (sched_backend_feature(&m->sched))
                ret[n++] = sched_backend_feature(&m->sched);
        return n;
}

size_t policy1_degraded(const Manager *m, const char *ret[static POLICY1_TOKENS_MAX]) {
        const char *bpf = bpf_backend_degraded(m->bpf);
        size_t n = 0;

        if (m->interfaces.refused)
                ret[n++] = m->interfaces.refused;
        /* Why pacing caps, congestion control, notsent-lowat and telemetry are not in force:
         * bpf-disabled, bpf-unavailable, bpffs-unavailable, bpf-parameters-not-applied. */
        if (bpf)
                ret[n++] = bpf;
        /* The kernel has no BPF MPTCP scheduler (mainline): steering uses the mainline mapping. */
        if (sched_backend_degraded(&m->sched))
                ret[n++] = sched_backend_degraded(&m->sched);
        if (m->active_reason == ACTIVE_REASON_MANUAL && m->selected_profile && m->profile &&
            !streq(m->selected_profile, m->profile->name))
                ret[n++] = "selected-profile-missing";
        return n;
}

static void addr_string(const IfaceAddr *a, char buf[static INET6_ADDRSTRLEN]) {
        if (!inet_ntop(a->family, a->family == AF_INET ? (const void *) &a->in : (const void *) &a->in6, buf,
                       INET6_ADDRSTRLEN))
                strcpy(buf, "?");
}

/* ---- fingerprints ----------------------------------------------------------------------------- */

char *policy1_property_fingerprint(Manager *m, Policy1Property p) {
        char *buf = NULL, a[INET6_ADDRSTRLEN];
        const char *v[POLICY1_TOKENS_MAX];
        size_t size = 0, n;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        switch (p) {
        case POLICY1_PROFILES:
                for (size_t i = 0; m->settings && i < m->settings->profiles->n_profiles; i++) {
                        const Profile *pr = m->settings->profiles->profiles[i];
                        fprintf(f, "%s|%s|%s|%s|%s|%s\n", pr->name, strempty(pr->description),
                                path_manager_to_string(pr->path_manager), steering_mode_to_string(pr->steering),
                                strempty(pr->path), strempty(manager_profile_unusable_reason(m, pr)));
                }
                break;
        case POLICY1_ACTIVE_PROFILE:
                fputs(active_profile_name(m), f);
                break;
        case POLICY1_SELECTED_PROFILE:
                fputs(m->settings ? manager_selected_profile(m) : "", f);
                break;
        case POLICY1_PROFILE_MODE:
                fputs(profile_mode_to_string(m->mode), f);
                break;
        case POLICY1_ACTIVE_PROFILE_HOLDS:
                for (size_t i = 0; i < m->holds.n; i++)
                        fprintf(f, "%u ", m->holds.holds[i].cookie);
                break;
        case POLICY1_INTERFACES:
                for (size_t i = 0; i < m->interfaces.n; i++) {
                        const InterfaceFacts *fa = &m->interfaces.facts[i];
                        fprintf(f, "%d|%s|%s|%s|%s|", fa->ifindex, fa->name, interface_type_to_string(fa->type),
                                tristate_to_string(fa->metered), interface_state(m, i));
                        for (size_t j = 0; j < fa->n_addresses; j++) {
                                addr_string(&fa->addresses[j], a);
                                fprintf(f, "%s,", a);
                        }
                        fputc('\n', f);
                }
                break;
        case POLICY1_PATH_MANAGER:
                fputs(pm_kind_to_string(m->pm_kind), f);
                break;
        case POLICY1_FEATURES:
                n = policy1_features(m, v);
                for (size_t i = 0; i < n; i++)
                        fprintf(f, "%s ", v[i]);
                break;
        case POLICY1_DEGRADED:
                n = policy1_degraded(m, v);
                for (size_t i = 0; i < n; i++)
                        fprintf(f, "%s ", v[i]);
                break;
        case _POLICY1_PROPERTY_MAX:
                break;
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* ---- property getters ------------------------------------------------------------------------- */

static int append_entry_s(sd_bus_message *reply, const char *key, const char *value) {
        return sd_bus_message_append(reply, "{sv}", key, "s", value);
}

static int property_get_profiles(sd_bus *bus, const char *path, const char *interface, const char *property,
                                 sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->settings->profiles->n_profiles; i++) {
                const Profile *p = m->settings->profiles->profiles[i];
                const char *why = manager_profile_unusable_reason(m, p);

                r = sd_bus_message_open_container(reply, 'a', "{sv}");
                if (r >= 0)
                        r = append_entry_s(reply, "Name", p->name);
                if (r >= 0)
                        r = append_entry_s(reply, "Description", strempty(p->description));
                if (r >= 0)
                        r = append_entry_s(reply, "PathManager", path_manager_to_string(p->path_manager));
                if (r >= 0)
                        r = append_entry_s(reply, "Steering", steering_mode_to_string(p->steering));
                if (r >= 0)
                        r = append_entry_s(reply, "Source", strempty(p->path));
                if (r >= 0)
                        r = sd_bus_message_append(reply, "{sv}", "Usable", "b", !why);
                if (r >= 0 && why)
                        r = append_entry_s(reply, "Reason", why);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static int property_get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *v;

        if (streq(property, "ActiveProfile"))
                v = active_profile_name(m);
        else if (streq(property, "SelectedProfile"))
                v = manager_selected_profile(m);
        else if (streq(property, "ProfileMode"))
                v = profile_mode_to_string(m->mode);
        else if (streq(property, "PathManager"))
                v = pm_kind_to_string(m->pm_kind);
        else
                return -EINVAL;
        return sd_bus_message_append(reply, "s", v);
}

static int property_get_holds(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->holds.n; i++) {
                const ProfileHold *h = &m->holds.holds[i];

                r = sd_bus_message_append(reply, "a{sv}", 5, "Cookie", "u", h->cookie, "Profile", "s", h->profile,
                                          "Reason", "s", h->reason, "ApplicationId", "s", h->application_id, "Holder",
                                          "s", h->holder);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static int property_get_interfaces(sd_bus *bus, const char *path, const char *interface, const char *property,
                                   sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        char a[INET6_ADDRSTRLEN];
        int r;

        r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->interfaces.n; i++) {
                const InterfaceFacts *f = &m->interfaces.facts[i];

                r = sd_bus_message_open_container(reply, 'a', "{sv}");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "{sv}{sv}{sv}{sv}{sv}{sv}", "Name", "s", f->name, "Index", "i",
                                                  f->ifindex, "Type", "s", interface_type_to_string(f->type),
                                                  "Metered", "s", tristate_to_string(f->metered), "Usable", "b",
                                                  f->up && f->n_addresses > 0, "Decision", "s", interface_state(m, i));
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", "Addresses");
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'a', "s");
                for (size_t j = 0; r >= 0 && j < f->n_addresses; j++) {
                        addr_string(&f->addresses[j], a);
                        r = sd_bus_message_append(reply, "s", a);
                }
                for (int k = 0; r >= 0 && k < 4; k++) /* as, v, {sv}, a{sv} */
                        r = sd_bus_message_close_container(reply);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static int property_get_strv(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *v[POLICY1_TOKENS_MAX];
        size_t n;
        int r;

        n = streq(property, "Features") ? policy1_features(m, v) : policy1_degraded(m, v);
        r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "s", v[i]);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

/* ---- methods ---------------------------------------------------------------------------------- */

static int check_string(const char *what, const char *s, sd_bus_error *error) {
        if (strlen(s) > BUS_STRING_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%s is longer than %d bytes.", what,
                                         BUS_STRING_MAX);
        return 0;
}

/* NoSuchProfile or Unavailable for a profile a caller wants in force. */
static int check_profile(Manager *m, const char *name, sd_bus_error *error) {
        const Profile *p;
        const char *why;
        int r;

        r = check_string("The profile name", name, error);
        if (r < 0)
                return r;
        p = settings_find_profile(m->settings, name);
        if (!p)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_PROFILE, "No profile \"%s\".", name);
        why = manager_profile_unusable_reason(m, p);
        if (why)
                return sd_bus_error_setf(error, BUS_ERROR_UNAVAILABLE, "Profile %s cannot be enforced on this kernel (%s).",
                                         name, why);
        return 0;
}

static int method_set_profile(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *name;
        int interactive, r;

        r = sd_bus_message_read(msg, "sb", &name, &interactive);
        if (r < 0)
                return r;
        r = check_profile(m, name, error);
        if (r < 0)
                return r;
        r = bus_verify_polkit_async(msg, POLKIT_ACTION_SWITCH_PROFILE, interactive, bus_service_polkit(m->bus), error);
        if (r <= 0)
                return r < 0 ? r : 1; /* 0: polkit asked; this call comes back with the answer */

        r = manager_set_profile(m, name);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to select profile %s: %m", name);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_set_profile_mode(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *word;
        ProfileMode mode;
        int interactive, r;

        r = sd_bus_message_read(msg, "sb", &word, &interactive);
        if (r < 0)
                return r;
        mode = profile_mode_from_string(word);
        if (mode < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Unknown profile mode \"%.64s\"; expected \"manual\" or \"auto\".", word);
        r = bus_verify_polkit_async(msg, POLKIT_ACTION_SWITCH_PROFILE, interactive, bus_service_polkit(m->bus), error);
        if (r <= 0)
                return r < 0 ? r : 1;

        r = manager_set_mode(m, mode);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to set the profile mode: %m");
        return sd_bus_reply_method_return(msg, NULL);
}

/* Ties a hold to its holder's bus connection. */
typedef struct HoldTracker {
        Manager *manager;
        uint32_t cookie;
        sd_bus_track *track;
} HoldTracker;

void policy1_hold_tracker_free(void *tracker) {
        HoldTracker *t = tracker;

        if (!t)
                return;
        sd_bus_track_unref(t->track);
        free(t);
}

static int on_holder_gone(sd_bus_track *track, void *userdata) {
        HoldTracker *t = userdata;

        log_info("The holder of profile hold %u left the bus.", t->cookie);
        /* Frees t (through bus_service_hold_removed()). */
        (void) manager_release_hold(t->manager, t->cookie, NULL, false);
        return 0;
}

static int method_hold_profile(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *profile, *reason, *application_id, *sender = sd_bus_message_get_sender(msg);
        HoldTracker *tracker;
        ProfileHold *h;
        uint32_t cookie;
        int r;

        r = sd_bus_message_read(msg, "sss", &profile, &reason, &application_id);
        if (r < 0)
                return r;
        r = check_profile(m, profile, error);
        if (r >= 0)
                r = check_string("The reason", reason, error);
        if (r >= 0)
                r = check_string("The application id", application_id, error);
        if (r < 0)
                return r;
        if (!sender)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "A hold needs a caller with a bus name.");
        r = bus_verify_polkit_async(msg, POLKIT_ACTION_HOLD_PROFILE, sd_bus_message_get_allow_interactive_authorization(msg) > 0,
                                    bus_service_polkit(m->bus), error);
        if (r <= 0)
                return r < 0 ? r : 1;

        tracker = calloc(1, sizeof(HoldTracker));
        if (!tracker)
                return -ENOMEM;
        tracker->manager = m;
        r = sd_bus_track_new(sd_bus_message_get_bus(msg), &tracker->track, on_holder_gone, tracker);
        if (r >= 0)
                r = sd_bus_track_add_sender(tracker->track, msg);
        if (r < 0) {
                policy1_hold_tracker_free(tracker);
                return sd_bus_error_set_errnof(error, r, "Failed to track the holder: %m");
        }

        r = manager_add_hold(m, profile, reason, application_id, sender, &h);
        if (r < 0) {
                policy1_hold_tracker_free(tracker);
                if (r == -E2BIG)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                                 "Too many holds (at most %d in all, %d per caller).", HOLDS_MAX,
                                                 HOLDS_PER_HOLDER_MAX);
                return sd_bus_error_set_errnof(error, r, "Failed to hold profile %s: %m", profile);
        }
        /* manager_add_hold() applied the profile; h may have moved since, find it again. */
        cookie = h->cookie;
        h = hold_table_find(&m->holds, cookie);
        tracker->cookie = cookie;
        if (h)
                h->userdata = tracker;
        else
                policy1_hold_tracker_free(tracker);
        return sd_bus_reply_method_return(msg, "u", cookie);
}

static int method_release_profile(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *sender = sd_bus_message_get_sender(msg);
        const ProfileHold *h;
        bool own;
        uint32_t cookie;
        int r;

        r = sd_bus_message_read(msg, "u", &cookie);
        if (r < 0)
                return r;
        h = hold_table_find(&m->holds, cookie);
        if (!h)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_HOLD, "No profile hold %u.", cookie);
        /* The holder gives up what it was granted; ending someone else's hold changes the
         * profile for them, which is what switch-profile authorizes. */
        own = sender && streq(sender, h->holder);
        if (!own) {
                r = bus_verify_polkit_async(msg, POLKIT_ACTION_SWITCH_PROFILE,
                                            sd_bus_message_get_allow_interactive_authorization(msg) > 0,
                                            bus_service_polkit(m->bus), error);
                if (r <= 0)
                        return r < 0 ? r : 1;
        }

        /* Looked up again: the hold may have ended while polkit was asked. */
        r = manager_release_hold(m, cookie, NULL, !own);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_HOLD, "No profile hold %u.", cookie);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to release hold %u: %m", cookie);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *problem = NULL;
        Manager *m = userdata;
        int interactive, r;

        r = sd_bus_message_read(msg, "b", &interactive);
        if (r < 0)
                return r;
        r = bus_verify_polkit_async(msg, POLKIT_ACTION_RELOAD, interactive, bus_service_polkit(m->bus), error);
        if (r <= 0)
                return r < 0 ? r : 1;

        log_info("Reload requested over D-Bus by %s.", strna(sd_bus_message_get_sender(msg)));
        r = manager_reload(m, &problem);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_CONFIG, "%s",
                                         problem ?: "The configuration could not be loaded.");
        return sd_bus_reply_method_return(msg, NULL);
}

typedef struct ListContext {
        Manager *manager;
        sd_bus_message *reply;
        int r;
} ListContext;

static int append_subflow(sd_bus_message *reply, const Manager *m, const Subflow *s) {
        char l[PM_ADDR_STRLEN], rm[PM_ADDR_STRLEN];
        const BpfSubflowInfo *t = bpf_backend_find_subflow(m->bpf, &s->local, &s->remote);
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}{sv}{sv}{sv}{sv}{sv}", "Interface", "s", subflow_interface(m, s),
                                          "Local", "s", pm_addr_to_string(&s->local, l, sizeof(l)), "Remote", "s",
                                          pm_addr_to_string(&s->remote, rm, sizeof(rm)), "Backup", "b", s->backup,
                                          "State", "s", s->state == SUBFLOW_ESTABLISHED ? "established" : "pending",
                                          "Initial", "b", s->initial);
        /* BPF telemetry, when the sock_ops program has seen this subflow. */
        if (r >= 0 && t)
                r = sd_bus_message_append(reply, "{sv}{sv}{sv}{sv}{sv}", "SmoothedRtt", "u", t->srtt_usec,
                                          "BytesAcked", "t", t->bytes_acked, "BytesReceived", "t", t->bytes_received,
                                          "Retransmits", "u", t->total_retrans, "PacingRate", "t",
                                          t->max_pacing_rate == UINT64_MAX ? (uint64_t) 0 : t->max_pacing_rate);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}

static void append_connection(Connection *c, void *userdata) {
        ListContext *x = userdata;
        char l[PM_ADDR_STRLEN], rm[PM_ADDR_STRLEN];
        int r = x->r;

        if (r < 0)
                return;
        r = sd_bus_message_open_container(x->reply, 'r', "ubsssaa{sv}");
        if (r >= 0)
                r = sd_bus_message_append(x->reply, "ubsss", c->token, c->server_side,
                                          c->userspace_pm ? "userspace" : "kernel",
                                          pm_addr_to_string(&c->local, l, sizeof(l)),
                                          pm_addr_to_string(&c->remote, rm, sizeof(rm)));
        if (r >= 0)
                r = sd_bus_message_open_container(x->reply, 'a', "a{sv}");
        for (size_t i = 0; r >= 0 && i < c->n_subflows; i++)
                r = append_subflow(x->reply, x->manager, &c->subflows[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(x->reply);
        if (r >= 0)
                r = sd_bus_message_close_container(x->reply);
        x->r = r;
}

static int method_list_connections(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        ListContext x = { .manager = m };
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ubsssaa{sv})");
        if (r < 0)
                return r;
        x.reply = reply;
        connection_table_foreach(m->connections, append_connection, &x);
        if (x.r < 0)
                return x.r;
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_describe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *json = NULL;
        int r;

        r = manager_describe_json(userdata, &json);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to describe the daemon's state: %m");
        return sd_bus_reply_method_return(msg, "s", json);
}

/* ---- signals ---------------------------------------------------------------------------------- */

/* The events monitors get: a connection's and its subflows' life, not the listeners'. */
static const char *connection_event_name(uint8_t type) {
        if (type == MPTCP_EVENT_LISTENER_CREATED || type == MPTCP_EVENT_LISTENER_CLOSED)
                return NULL;
        return pm_event_type_to_string(type);
}

int policy1_new_connection_event(Manager *m, sd_bus *bus, const PmEvent *ev, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *sig = NULL;
        const char *name = connection_event_name(ev->type);
        char buf[PM_ADDR_STRLEN];
        int r;

        if (!name || !(ev->present & PM_EVENT_HAS_TOKEN))
                return 0;
        r = sd_bus_message_new_signal(bus, &sig, BUS_PATH, BUS_INTERFACE, "ConnectionEvent");
        if (r >= 0)
                r = sd_bus_message_append(sig, "su", name, ev->token);
        if (r >= 0)
                r = sd_bus_message_open_container(sig, 'a', "{sv}");
        if (r >= 0 && ev->saddr.family != AF_UNSPEC)
                r = sd_bus_message_append(sig, "{sv}", "Local", "s", pm_addr_to_string(&ev->saddr, buf, sizeof(buf)));
        if (r >= 0 && ev->daddr.family != AF_UNSPEC)
                r = sd_bus_message_append(sig, "{sv}", "Remote", "s", pm_addr_to_string(&ev->daddr, buf, sizeof(buf)));
        if (r >= 0) {
                const char *ifname = (ev->present & PM_EVENT_HAS_IFINDEX) ? interface_name(m, ev->ifindex)
                                     : ev->saddr.family != AF_UNSPEC    ? interface_by_address(m, &ev->saddr)
                                                                        : "";
                if (*ifname)
                        r = sd_bus_message_append(sig, "{sv}", "Interface", "s", ifname);
        }
        if (r >= 0 && (ev->present & PM_EVENT_HAS_BACKUP))
                r = sd_bus_message_append(sig, "{sv}", "Backup", "b", ev->backup);
        if (r >= 0 && (ev->present & PM_EVENT_HAS_ERROR) && ev->error != 0)
                r = sd_bus_message_append(sig, "{sv}", "Error", "i", (int32_t) ev->error);
        if (r >= 0)
                r = sd_bus_message_close_container(sig);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(sig);
        return 1;
}

/* ---- the vtable ------------------------------------------------------------------------------- */

const sd_bus_vtable policy1_vtable[] = {
        SD_BUS_VTABLE_START(0),

        SD_BUS_PROPERTY("Profiles", "aa{sv}", property_get_profiles, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ActiveProfile", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("SelectedProfile", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ProfileMode", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ActiveProfileHolds", "aa{sv}", property_get_holds, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Interfaces", "aa{sv}", property_get_interfaces, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PathManager", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Features", "as", property_get_strv, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Degraded", "as", property_get_strv, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),

        SD_BUS_METHOD_WITH_ARGS("SetProfile", SD_BUS_ARGS("s", name, "b", interactive), SD_BUS_NO_RESULT,
                                method_set_profile, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetProfileMode", SD_BUS_ARGS("s", mode, "b", interactive), SD_BUS_NO_RESULT,
                                method_set_profile_mode, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("HoldProfile", SD_BUS_ARGS("s", profile, "s", reason, "s", application_id),
                                SD_BUS_RESULT("u", cookie), method_hold_profile, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ReleaseProfile", SD_BUS_ARGS("u", cookie), SD_BUS_NO_RESULT, method_release_profile,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_ARGS("b", interactive), SD_BUS_NO_RESULT, method_reload,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListConnections", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ubsssaa{sv})", connections),
                                method_list_connections, SD_BUS_VTABLE_UNPRIVILEGED),

        SD_BUS_METHOD_WITH_ARGS("Describe", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json), method_describe,
                                SD_BUS_VTABLE_UNPRIVILEGED),

        SD_BUS_SIGNAL_WITH_ARGS("ProfileReleased", SD_BUS_ARGS("u", cookie), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ConnectionEvent", SD_BUS_ARGS("s", event, "u", token, "a{sv}", details), 0),

        SD_BUS_VTABLE_END,
};
