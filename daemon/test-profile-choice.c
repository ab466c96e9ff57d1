/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-profile-choice.c — unit tests for holds, their conflicts, modes and the auto rules. */
#include <string.h>

#include "policy-diag.h"
#include "profile-choice.h"
#include "tests.h"

static ProfileSet *shipped;

static const Profile *find(const void *userdata, const char *name) {
        return profile_set_find(userdata, name);
}

static void cost_of(const char *name, ProfileCost *c) {
        const Profile *p = profile_set_find(shipped, name);

        check(p);
        if (p)
                check_ok(profile_cost(p, c));
}

TEST(modes) {
        check_streq(profile_mode_to_string(PROFILE_MODE_MANUAL), "manual");
        check_streq(profile_mode_to_string(PROFILE_MODE_AUTO), "auto");
        check(profile_mode_to_string(_PROFILE_MODE_MAX) == NULL);
        check_eq(profile_mode_from_string("auto"), PROFILE_MODE_AUTO);
        check_eq(profile_mode_from_string("manual"), PROFILE_MODE_MANUAL);
        check(profile_mode_from_string("Auto") < 0);
        check(profile_mode_from_string("") < 0);
        check(profile_mode_from_string(NULL) < 0);
}

TEST(cost_order_of_shipped_profiles) {
        ProfileCost roaming, metered, aggregate, handover, redundant;

        cost_of("roaming", &roaming);
        cost_of("metered", &metered);
        cost_of("aggregate", &aggregate);
        cost_of("handover", &handover);
        cost_of("redundant", &redundant); /* ranked even where this kernel cannot run it */

        /* roaming never uses a roaming modem; metered keeps it as backup; aggregate uses it. */
        check_eq(roaming.level[0], 0);
        check_eq(metered.level[0], 1);
        check_eq(aggregate.level[0], 2);
        check(profile_cost_compare(&roaming, &metered) < 0);
        check(profile_cost_compare(&metered, &aggregate) < 0);
        check(profile_cost_compare(&roaming, &aggregate) < 0);
        check(profile_cost_compare(&aggregate, &aggregate) == 0);
        check(profile_cost_compare(&handover, &aggregate) < 0);
        check(profile_cost_compare(&redundant, &roaming) > 0);
}

TEST(holds) {
        _cleanup_(hold_table_done) HoldTable t = {};
        ProfileHold *h;
        char name[32], longer[HOLD_STRING_MAX + 2];

        check(hold_table_winner(&t, find, shipped) == NULL);
        check_ok(hold_table_add(&t, "aggregate", "video call", "org.example.Call", ":1.10", &h));
        check_eq(h->cookie, 1u);
        check_streq(hold_table_winner(&t, find, shipped)->profile, "aggregate");

        check_ok(hold_table_add(&t, "metered", "backup", "org.example.Backup", ":1.11", &h));
        check_eq(h->cookie, 2u);
        check_streq(hold_table_winner(&t, find, shipped)->profile, "metered"); /* more conservative */

        check_ok(hold_table_add(&t, "aggregate", "", "", ":1.12", NULL));
        check_streq(hold_table_winner(&t, find, shipped)->profile, "metered");

        /* A tie goes to the earliest hold. */
        check_ok(hold_table_add(&t, "metered", "later", "", ":1.13", &h));
        check_eq(hold_table_winner(&t, find, shipped)->cookie, 2u);

        /* A hold on a profile that vanished (reload) does not win. */
        check_ok(hold_table_add(&t, "gone", "", "", ":1.14", NULL));
        check_eq(hold_table_winner(&t, find, shipped)->cookie, 2u);

        check(hold_table_find(&t, 2));
        hold_table_remove_at(&t, 1);
        check(!hold_table_find(&t, 2));
        check_eq(t.n, 4u);
        check_eq(hold_table_winner(&t, find, shipped)->cookie, 4u);
        hold_table_remove_at(&t, 99); /* out of range: nothing */
        check_eq(t.n, 4u);

        /* Limits: string lengths, per holder, in all. */
        memset(longer, 'x', sizeof(longer) - 1);
        longer[sizeof(longer) - 1] = '\0';
        check_eq(hold_table_add(&t, "metered", longer, "", ":1.20", NULL), -EINVAL);
        check_eq(hold_table_add(&t, "metered", "", longer, ":1.20", NULL), -EINVAL);
        longer[HOLD_STRING_MAX] = '\0';
        check_ok(hold_table_add(&t, "metered", longer, "", ":1.20", NULL));
        for (unsigned i = 1; i < HOLDS_PER_HOLDER_MAX; i++)
                check_ok(hold_table_add(&t, "metered", "", "", ":1.21", NULL));
        check_ok(hold_table_add(&t, "metered", "", "", ":1.21", NULL));
        check_eq(hold_table_add(&t, "metered", "", "", ":1.21", NULL), -E2BIG);
        while (t.n < HOLDS_MAX) {
                snprintf(name, sizeof(name), ":2.%zu", t.n);
                check_ok(hold_table_add(&t, "roaming", "", "", name, NULL));
        }
        check_eq(hold_table_add(&t, "roaming", "", "", ":3.1", NULL), -E2BIG);
        check_streq(hold_table_winner(&t, find, shipped)->profile, "roaming");

        /* Cookies stay unique. */
        for (size_t i = 0; i < t.n; i++)
                for (size_t j = i + 1; j < t.n; j++)
                        check(t.holds[i].cookie != t.holds[j].cookie);
}

TEST(cookie_wraps_without_zero_or_reuse) {
        _cleanup_(hold_table_done) HoldTable t = { .last_cookie = UINT32_MAX - 1 };
        ProfileHold *h;

        check_ok(hold_table_add(&t, "metered", "", "", ":1.1", &h));
        check_eq(h->cookie, UINT32_MAX);
        check_ok(hold_table_add(&t, "metered", "", "", ":1.1", &h));
        check_eq(h->cookie, 1u);
        t.last_cookie = 0;
        check_ok(hold_table_add(&t, "metered", "", "", ":1.1", &h));
        check_eq(h->cookie, 2u); /* 1 is still held */
}

TEST(auto_choice) {
        static const char config[] = "default-profile: balanced\n"
                                     "auto:\n"
                                     "  - when: { type: cellular, roaming: true }\n"
                                     "    profile: roaming\n"
                                     "  - when: { metered: true }\n"
                                     "    profile: metered\n";
        _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;
        PolicyDiagnostics diag = {};
        InterfaceFacts f;

        check_ok(daemon_config_parse_buffer(config, strlen(config), "auto.yaml", &c, &diag));
        policy_diagnostics_done(&diag);
        if (!c)
                return;

        check_streq(profile_auto_choice(c, NULL), "balanced");

        iface_facts_init(&f, "wlan0", 2);
        f.type = INTERFACE_TYPE_WIFI;
        check_streq(profile_auto_choice(c, &f), "balanced"); /* metered unknown: no match */
        f.metered = TRISTATE_NO;
        check_streq(profile_auto_choice(c, &f), "balanced");
        f.metered = TRISTATE_YES;
        check_streq(profile_auto_choice(c, &f), "metered");

        iface_facts_init(&f, "wwan0", 3);
        f.type = INTERFACE_TYPE_CELLULAR;
        f.metered = TRISTATE_YES;
        f.roaming = TRISTATE_YES;
        check_streq(profile_auto_choice(c, &f), "roaming");
        f.roaming = TRISTATE_NO;
        check_streq(profile_auto_choice(c, &f), "metered");
}

TEST(auto_choice_unconditional_entry) {
        static const char config[] = "default-profile: balanced\n"
                                     "auto:\n"
                                     "  - when: {}\n"
                                     "    profile: handover\n";
        _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;
        PolicyDiagnostics diag = {};

        check_ok(daemon_config_parse_buffer(config, strlen(config), "auto.yaml", &c, &diag));
        policy_diagnostics_done(&diag);
        if (c)
                check_streq(profile_auto_choice(c, NULL), "handover");
}

int main(void) {
        const char *dirs[] = { POLICIES_DIR, NULL };
        PolicyDiagnostics diag = {};

        check_ok(profile_set_load(dirs, NULL, &shipped, &diag));
        check_eq(diag.n_errors, 0u);
        policy_diagnostics_done(&diag);
        if (!shipped)
                return EXIT_FAILURE;

        RUN(modes);
        RUN(cost_order_of_shipped_profiles);
        RUN(holds);
        RUN(cookie_wraps_without_zero_or_reuse);
        RUN(auto_choice);
        RUN(auto_choice_unconditional_entry);
        profile_set_free(shipped);
        printf("%u checks\n", n_checks);
        return EXIT_SUCCESS;
}
