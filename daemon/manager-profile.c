/* SPDX-License-Identifier: GPL-2.0-or-later */
/* manager-profile.c — which profile is in force (holds, the user's choice, the auto rules), the
 * calls that change it, and the state file that keeps the user's choice across restarts. */
#include <stdlib.h>
#include <string.h>

#include "bus-service.h"
#include "config.h"
#include "log.h"
#include "manager.h"
#include "primary-interface.h"
#include "state-file.h"

static const char *const active_reason_table[_ACTIVE_REASON_MAX] = {
        [ACTIVE_REASON_HOLD] = "hold",
        [ACTIVE_REASON_MANUAL] = "manual",
        [ACTIVE_REASON_AUTO] = "auto",
};

const char *active_reason_to_string(ActiveReason r) {
        if (r < 0 || r >= _ACTIVE_REASON_MAX)
                return NULL;
        return active_reason_table[r];
}

const char *manager_state_dir(const Manager *m) {
        if (m->options.state_dir)
                return m->options.state_dir;
        if (m->settings && m->settings->config->state_dir)
                return m->settings->config->state_dir;
        return STATE_DIR;
}

const char *manager_selected_profile(const Manager *m) {
        return m->selected_profile ?: m->settings->config->default_profile;
}

const char *manager_profile_unusable_reason(const Manager *m, const Profile *p) {
        return policy_steering_unsupported_reason(p->steering, &m->capabilities);
}

static const Profile *find_profile(const void *userdata, const char *name) {
        const Manager *m = userdata;

        return settings_find_profile(m->settings, name);
}

static const InterfaceFacts *primary_facts(const Manager *m) {
        if (m->primary_ifindex <= 0)
                return NULL;
        for (size_t i = 0; i < m->interfaces.n; i++)
                if (m->interfaces.facts[i].ifindex == m->primary_ifindex)
                        return &m->interfaces.facts[i];
        return NULL;
}

void manager_update_primary_interface(Manager *m) {
        int r = primary_interface_lookup();

        if (r < 0)
                log_debug_errno(r, "Failed to find the default route's interface: %m");
        m->primary_ifindex = MAX(r, 0);
}

const Profile *manager_choose_profile(Manager *m, ActiveReason *ret_reason) {
        const ProfileHold *h;
        const Profile *p;

        h = hold_table_winner(&m->holds, find_profile, m);
        if (h) {
                *ret_reason = ACTIVE_REASON_HOLD;
                return settings_find_profile(m->settings, h->profile);
        }

        if (m->mode == PROFILE_MODE_MANUAL) {
                p = settings_find_profile(m->settings, manager_selected_profile(m));
                if (p) {
                        *ret_reason = ACTIVE_REASON_MANUAL;
                        return p;
                }
                /* The selected profile vanished (reload, a state file from another setup). */
        }

        *ret_reason = ACTIVE_REASON_AUTO;
        p = settings_find_profile(m->settings, profile_auto_choice(m->settings->config, primary_facts(m)));
        /* daemon_config_check_profiles() made sure auto and default profiles exist. */
        return p ?: settings_find_profile(m->settings, m->settings->config->default_profile);
}

static void save_state(Manager *m) {
        int r;

        r = state_file_save(manager_state_dir(m), m->selected_profile, m->mode);
        if (r < 0)
                log_warning_errno(r, "Failed to save the selected profile and mode in %s/%s (they hold until "
                                  "the daemon stops): %m", manager_state_dir(m), STATE_FILE_NAME);
}

void manager_load_state(Manager *m) {
        SavedState s = {};
        unsigned line = 0;
        int r;

        r = state_file_load(manager_state_dir(m), &s, &line);
        if (r == -ENOENT)
                return;
        if (r == -EBADMSG) {
                log_warning("%s/%s:%u: not a valid state file; ignoring it (profile %s, mode auto).",
                            manager_state_dir(m), STATE_FILE_NAME, line, m->settings->config->default_profile);
                return;
        }
        if (r < 0) {
                log_warning_errno(r, "Failed to read %s/%s, ignoring it: %m", manager_state_dir(m), STATE_FILE_NAME);
                return;
        }

        if (s.selected_profile && !settings_find_profile(m->settings, s.selected_profile))
                log_warning("The saved profile \"%s\" is not available any more; using %s.", s.selected_profile,
                            m->settings->config->default_profile);
        else {
                free(m->selected_profile);
                m->selected_profile = TAKE_PTR(s.selected_profile);
        }
        m->mode = s.mode;
        log_info("Restored %s mode%s%s.", profile_mode_to_string(m->mode), m->selected_profile ? ", selected profile " : "",
                 m->selected_profile ?: "");
        saved_state_done(&s);
}

static void remove_hold_at(Manager *m, size_t i, bool notify) {
        ProfileHold *h = &m->holds.holds[i];

        if (m->bus) {
                if (notify)
                        bus_service_send_profile_released(m->bus, h->holder, h->cookie);
                bus_service_hold_removed(m->bus, h->userdata);
        }
        h->userdata = NULL;
        hold_table_remove_at(&m->holds, i);
}

void manager_drop_holds(Manager *m, bool notify) {
        if (m->holds.n == 0)
                return;
        log_info("Releasing %zu profile hold(s).", m->holds.n);
        while (m->holds.n > 0)
                remove_hold_at(m, m->holds.n - 1, notify);
}

static int check_usable(Manager *m, const char *name, const Profile **ret) {
        const Profile *p = settings_find_profile(m->settings, name);

        if (!p)
                return -ENOENT;
        if (manager_profile_unusable_reason(m, p))
                return -EOPNOTSUPP;
        *ret = p;
        return 0;
}

int manager_set_profile(Manager *m, const char *name) {
        const Profile *p;
        char *copy;
        int r;

        r = check_usable(m, name, &p);
        if (r < 0)
                return r;
        copy = strdup(p->name);
        if (!copy)
                return -ENOMEM;
        free(m->selected_profile);
        m->selected_profile = copy;
        m->mode = PROFILE_MODE_MANUAL;
        /* A manual choice is the user speaking: it overrides what applications asked for. */
        manager_drop_holds(m, true);
        save_state(m);
        log_info("Profile %s selected (manual mode).", p->name);
        manager_apply(m);
        return 0;
}

int manager_set_mode(Manager *m, ProfileMode mode) {
        if (mode < 0 || mode >= _PROFILE_MODE_MAX)
                return -EINVAL;
        if (mode == m->mode)
                return 0;
        m->mode = mode;
        save_state(m);
        log_info("Profile mode: %s.", profile_mode_to_string(mode));
        manager_apply(m);
        return 0;
}

int manager_add_hold(Manager *m, const char *profile, const char *reason, const char *application_id,
                     const char *holder, ProfileHold **ret) {
        const Profile *p;
        ProfileHold *h;
        int r;

        r = check_usable(m, profile, &p);
        if (r < 0)
                return r;
        r = hold_table_add(&m->holds, p->name, reason, application_id, holder, &h);
        if (r < 0)
                return r;
        log_info("Profile %s held by %s (%s%s%s), cookie %u.", p->name, holder, *application_id ? application_id : "no application id",
                 *reason ? ": " : "", reason, h->cookie);
        if (ret)
                *ret = h;
        manager_apply(m);
        return 0;
}

int manager_release_hold(Manager *m, uint32_t cookie, const char *sender, bool notify) {
        for (size_t i = 0; i < m->holds.n; i++) {
                ProfileHold *h = &m->holds.holds[i];

                if (h->cookie != cookie)
                        continue;
                if (sender && !streq(sender, h->holder))
                        return -EPERM;
                log_info("Profile hold %u (%s by %s) released.", cookie, h->profile, h->holder);
                remove_hold_at(m, i, notify);
                manager_apply(m);
                return 0;
        }
        return -ENOENT;
}
