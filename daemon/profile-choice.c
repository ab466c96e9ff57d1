/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile-choice.c — holds and their conflicts, modes, and the auto rules (pure, no I/O). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-choice.h"

static const char *const profile_mode_table[_PROFILE_MODE_MAX] = {
        [PROFILE_MODE_MANUAL] = "manual",
        [PROFILE_MODE_AUTO] = "auto",
};

const char *profile_mode_to_string(ProfileMode m) {
        if (m < 0 || m >= _PROFILE_MODE_MAX)
                return NULL;
        return profile_mode_table[m];
}

ProfileMode profile_mode_from_string(const char *s) {
        if (!s)
                return _PROFILE_MODE_INVALID;
        for (int i = 0; i < _PROFILE_MODE_MAX; i++)
                if (streq(s, profile_mode_table[i]))
                        return (ProfileMode) i;
        return _PROFILE_MODE_INVALID;
}

static void hold_done(ProfileHold *h) {
        free(h->profile);
        free(h->reason);
        free(h->application_id);
        free(h->holder);
}

int hold_table_add(HoldTable *t, const char *profile, const char *reason, const char *application_id,
                   const char *holder, ProfileHold **ret) {
        ProfileHold h = {}, *v;
        size_t mine = 0;

        if (!profile || !reason || !application_id || !holder)
                return -EINVAL;
        if (strlen(profile) > HOLD_STRING_MAX || strlen(reason) > HOLD_STRING_MAX ||
            strlen(application_id) > HOLD_STRING_MAX || strlen(holder) > HOLD_STRING_MAX)
                return -EINVAL;
        if (t->n >= HOLDS_MAX)
                return -E2BIG;
        for (size_t i = 0; i < t->n; i++)
                if (streq(t->holds[i].holder, holder))
                        mine++;
        if (mine >= HOLDS_PER_HOLDER_MAX)
                return -E2BIG;

        v = reallocarray(t->holds, t->n + 1, sizeof(ProfileHold));
        if (!v)
                return -ENOMEM;
        t->holds = v;

        h.profile = strdup(profile);
        h.reason = strdup(reason);
        h.application_id = strdup(application_id);
        h.holder = strdup(holder);
        if (!h.profile || !h.reason || !h.application_id || !h.holder) {
                hold_done(&h);
                return -ENOMEM;
        }
        /* Cookies are never 0 and not reused while a hold with the same value lives. */
        do
                h.cookie = ++t->last_cookie;
        while (h.cookie == 0 || hold_table_find(t, h.cookie));

        t->holds[t->n] = h;
        if (ret)
                *ret = &t->holds[t->n];
        t->n++;
        return 0;
}

ProfileHold *hold_table_find(HoldTable *t, uint32_t cookie) {
        for (size_t i = 0; i < t->n; i++)
                if (t->holds[i].cookie == cookie)
                        return &t->holds[i];
        return NULL;
}

void hold_table_remove_at(HoldTable *t, size_t i) {
        if (i >= t->n)
                return;
        hold_done(&t->holds[i]);
        memmove(t->holds + i, t->holds + i + 1, (t->n - i - 1) * sizeof(ProfileHold));
        t->n--;
}

void hold_table_done(HoldTable *t) {
        for (size_t i = 0; i < t->n; i++)
                hold_done(&t->holds[i]);
        free(t->holds);
        t->holds = NULL;
        t->n = 0;
}

/* The three costly networks of profile_cost(), most expensive first. */
static void cost_probe_facts(InterfaceFacts f[3]) {
        iface_facts_init(&f[0], "cost-roaming", 1);
        f[0].type = INTERFACE_TYPE_CELLULAR;
        f[0].metered = TRISTATE_YES;
        f[0].roaming = TRISTATE_YES;
        iface_facts_init(&f[1], "cost-metered", 2);
        f[1].type = INTERFACE_TYPE_CELLULAR;
        f[1].metered = TRISTATE_YES;
        f[1].roaming = TRISTATE_NO;
        iface_facts_init(&f[2], "cost-other", 3);
        f[2].type = INTERFACE_TYPE_WIFI;
        f[2].metered = TRISTATE_YES;
        f[2].roaming = TRISTATE_NO;
        for (size_t i = 0; i < 3; i++)
                f[i].up = true;
}

int profile_cost(const Profile *p, ProfileCost *ret) {
        /* Ranked as if the kernel could enforce every steering mode: the cost is the profile's
         * intent, whatever this host supports. */
        const PolicyCapabilities caps = { .have_bpf_scheduler = true };
        InterfaceDecision d[3];
        InterfaceFacts f[3];
        ProfileCost c = {};
        int r;

        if (!p || !ret)
                return -EINVAL;
        cost_probe_facts(f);
        r = policy_decide(p, &caps, f, 3, d);
        if (r < 0)
                return r;
        for (size_t i = 0; i < 3; i++)
                c.level[i] = d[i].use == RULE_USE_NEVER ? 0 : d[i].backup ? 1 : 2;
        *ret = c;
        return 0;
}

int profile_cost_compare(const ProfileCost *a, const ProfileCost *b) {
        return memcmp(a->level, b->level, sizeof(a->level));
}

const ProfileHold *hold_table_winner(const HoldTable *t, const Profile *(*find)(const void *userdata, const char *name),
                                     const void *userdata) {
        const ProfileHold *best = NULL;
        ProfileCost best_cost = {};

        for (size_t i = 0; i < t->n; i++) {
                const Profile *p = find(userdata, t->holds[i].profile);
                ProfileCost c;

                if (!p || profile_cost(p, &c) < 0)
                        continue;
                /* Strictly lower only: on a tie the earlier hold stays. */
                if (!best || profile_cost_compare(&c, &best_cost) < 0) {
                        best = &t->holds[i];
                        best_cost = c;
                }
        }
        return best;
}

const char *profile_auto_choice(const DaemonConfig *c, const InterfaceFacts *primary) {
        for (size_t i = 0; i < c->n_auto_rules; i++) {
                const AutoRule *a = &c->auto_rules[i];
                Rule rule = { .match = a->when };

                if (primary ? policy_rule_matches(&rule, primary)
                            : (a->when.n_names == 0 && a->when.types == 0 && a->when.metered < 0 &&
                               a->when.roaming < 0 && a->when.n_operators == 0))
                        return a->profile;
        }
        return c->default_profile;
}
