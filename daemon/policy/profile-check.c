/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile-check.c — semantic checks of a parsed profile (shadowed rules, misplaced actions, ...). */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>

#include "policy-internal.h"
#include "policy-scalar.h"

/* The TCP congestion control algorithms of mainline Linux (net/ipv4/tcp_*.c). A name outside this
 * list is an error (most likely a typo); a listed one that the running kernel does not offer is
 * only a warning, since its module may be loaded later. */
const char *const policy_known_congestion[] = {
        "reno", "cubic", "bbr", "bic", "cdg", "dctcp", "highspeed", "htcp", "hybla", "illinois",
        "lp", "nv", "scalable", "vegas", "veno", "westwood", "yeah", NULL,
};

static bool glob_covers(const char *outer, const char *inner) {
        if (streq(outer, inner) || streq(outer, "*"))
                return true;
        /* A literal name is decidable: it matches the outer glob or it does not. */
        return !string_is_glob(inner) && fnmatch(outer, inner, 0) == 0;
}

/* Whether every interface that `later` matches is also matched by `earlier`, so that `later` can
 * never decide. Sound but not complete: it answers true only where that is certain (see
 * mptcp-policyd.profile(5), "Shadowed rules"). */
static bool match_covers(const RuleMatch *earlier, const RuleMatch *later, unsigned *budget) {
        /* Each call costs up to n_names² glob comparisons; a hostile profile must not make the
         * check quadratic in its size for long. Past the budget, answer "not covered". */
        unsigned cost = (unsigned) (1 + earlier->n_names * later->n_names + earlier->n_operators * later->n_operators);
        if (*budget < cost)
                return false;
        *budget -= cost;

        if (earlier->n_names > 0) {
                bool star = strv_contains_n(earlier->names, earlier->n_names, "*");
                if (!star) {
                        if (later->n_names == 0)
                                return false;
                        for (size_t i = 0; i < later->n_names; i++) {
                                bool covered = false;
                                for (size_t j = 0; j < earlier->n_names && !covered; j++)
                                        covered = glob_covers(earlier->names[j], later->names[i]);
                                if (!covered)
                                        return false;
                        }
                }
        }

        if (earlier->types != 0 && earlier->types != INTERFACE_TYPE_ALL_BITS) {
                if (later->types == 0 || (later->types & ~earlier->types) != 0)
                        return false;
        }

        if (earlier->metered >= 0 && later->metered != earlier->metered)
                return false;
        if (earlier->roaming >= 0 && later->roaming != earlier->roaming)
                return false;

        if (earlier->n_operators > 0) {
                if (later->n_operators == 0)
                        return false;
                for (size_t i = 0; i < later->n_operators; i++)
                        if (!strv_contains_n(earlier->operators, earlier->n_operators, later->operators[i]))
                                return false;
        }
        return true;
}

static int check_rule_actions(PolicyParser *p, const Profile *profile, const Rule *rule, const PolicyEnvironment *env) {
        const RuleAction *a = &rule->action;
        const char *steering = steering_mode_to_string(profile->steering);
        int r;

        if (a->weight_set && profile->steering != STEERING_LOAD_BALANCING) {
                r = policy_error_at(p, &a->weight_pos,
                                    "'weight' only applies with steering: load-balancing (this profile uses %s)",
                                    steering);
                if (r == -ENOMEM)
                        return r;
        }
        if (a->rtt_set && profile->steering != STEERING_PRIORITY_BASED) {
                r = policy_error_at(p, &a->rtt_pos,
                                    "'rtt' is a threshold of steering: priority-based (this profile uses %s)",
                                    steering);
                if (r == -ENOMEM)
                        return r;
        }
        if (a->loss_set && profile->steering != STEERING_PRIORITY_BASED) {
                r = policy_error_at(p, &a->loss_pos,
                                    "'loss' is a threshold of steering: priority-based (this profile uses %s)",
                                    steering);
                if (r == -ENOMEM)
                        return r;
        }

        if (a->congestion_set) {
                char buf[256];

                if (!strv_contains_n((char *const *) policy_known_congestion, ELEMENTSOF(policy_known_congestion) - 1,
                                   a->congestion)) {
                        const char *s = suggest_closest(a->congestion, policy_known_congestion);
                        if (s)
                                r = policy_error_at(p, &a->congestion_pos,
                                                    "unknown congestion control '%s'; did you mean '%s'?",
                                                    a->congestion, s);
                        else
                                r = policy_error_at(p, &a->congestion_pos,
                                                    "unknown congestion control '%s'; known: %s", a->congestion,
                                                    policy_join(policy_known_congestion, buf, sizeof(buf)));
                } else if (env && env->known && env->congestion_available) {
                        bool found = false;
                        for (char **c = env->congestion_available; *c && !found; c++)
                                found = streq(*c, a->congestion);
                        r = found ? 0
                                  : policy_warning_at(p, &a->congestion_pos,
                                                      "congestion control '%s' is not available on this system "
                                                      "(load module tcp_%s); subflows keep the default",
                                                      a->congestion, a->congestion);
                } else
                        r = 0;
                if (r == -ENOMEM)
                        return r;
        }

        if (a->use == RULE_USE_NEVER) {
                static const struct {
                        const char *name;
                        size_t set, pos;
                } useless[] = {
                        { "subflows", offsetof(RuleAction, subflows_set), offsetof(RuleAction, subflows_pos) },
                        { "weight", offsetof(RuleAction, weight_set), offsetof(RuleAction, weight_pos) },
                        { "pacing-cap", offsetof(RuleAction, pacing_cap_set), offsetof(RuleAction, pacing_cap_pos) },
                        { "congestion", offsetof(RuleAction, congestion_set), offsetof(RuleAction, congestion_pos) },
                        { "notsent-lowat", offsetof(RuleAction, notsent_lowat_set),
                          offsetof(RuleAction, notsent_lowat_pos) },
                        { "rtt", offsetof(RuleAction, rtt_set), offsetof(RuleAction, rtt_pos) },
                        { "loss", offsetof(RuleAction, loss_set), offsetof(RuleAction, loss_pos) },
                };
                for (size_t i = 0; i < ELEMENTSOF(useless); i++) {
                        if (!*(const bool *) ((const uint8_t *) a + useless[i].set))
                                continue;
                        r = policy_warning_at(p, (const SourcePos *) ((const uint8_t *) a + useless[i].pos),
                                              "'%s' has no effect in a rule with use: never", useless[i].name);
                        if (r == -ENOMEM)
                                return r;
                }
        }
        return 0;
}

/* Glob comparisons the shadowing check may spend on one profile; far above what real profiles
 * (tens of rules with a few names each) need. */
#define SHADOW_CHECK_BUDGET 1000000u

int profile_check(PolicyParser *p, const Profile *profile, const PolicyEnvironment *env) {
        unsigned budget = SHADOW_CHECK_BUDGET;
        int r;

        for (size_t i = 0; i < profile->n_rules; i++) {
                const Rule *rule = &profile->rules[i];

                for (size_t j = 0; j < i; j++) {
                        const Rule *earlier = &profile->rules[j];
                        if (!match_covers(&earlier->match, &rule->match, &budget))
                                continue;
                        r = policy_error_at(p, &rule->pos,
                                            "rule %zu can never match: rule %zu (line %u) already matches every "
                                            "interface it does",
                                            i + 1, j + 1, earlier->pos.line);
                        if (r == -ENOMEM)
                                return r;
                        break;
                }

                r = check_rule_actions(p, profile, rule, env);
                if (r < 0)
                        return r;
        }

        if (profile->steering == STEERING_REDUNDANT && env && env->known && !env->bpf_scheduler) {
                SourcePos pos = profile->steering_pos;
                r = policy_warning_at(p, &pos,
                                      "steering: redundant needs the BPF MPTCP scheduler, which this kernel lacks "
                                      "(no bpf_struct_ops_mptcp_sched_ops in its BTF); the daemon will refuse "
                                      "to activate this profile");
                if (r == -ENOMEM)
                        return r;
        }
        return 0;
}
