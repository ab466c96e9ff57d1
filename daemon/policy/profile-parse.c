/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile-parse.c — the profile file parser: key tables for profile, limits, rules and matches. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"
#include "policy-scalar.h"

static const char *const interface_type_values[] = { "ethernet", "wifi", "cellular", "other", NULL };
static const char *const steering_values[] = {
        "active-standby", "smallest-delay", "load-balancing", "priority-based", "redundant", NULL,
};
static const char *const use_values[] = { "active", "backup", "never", NULL };
static const char *const path_manager_values[] = { "userspace", "kernel", NULL };

/* ---- match ------------------------------------------------------------------------------------ */

static int strv_from_items(
        PolicyParser *p, const PolicyKey *k, yaml_node_t **items, size_t n, bool (*valid)(const char *),
        const char *what_valid, char ***ret_v, size_t *ret_n) {
        char **v;
        int ret = 0;

        v = new0(char *, n);
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *s = policy_node_scalar(items[i]);
                int r = 0;

                if (!valid(s))
                        r = policy_error(p, items[i], "invalid %s '%s': %s", k->name, s, what_valid);
                else
                        for (size_t j = 0; j < i; j++)
                                if (v[j] && streq(v[j], s)) {
                                        r = policy_error(p, items[i], "'%s' lists '%s' twice", k->name, s);
                                        break;
                                }
                if (r == -ENOMEM)
                        goto fail_oom;
                if (r < 0) {
                        ret = r;
                        continue;
                }
                v[i] = strdup(s);
                if (!v[i])
                        goto fail_oom;
        }
        if (ret < 0) {
                for (size_t i = 0; i < n; i++)
                        free(v[i]);
                free(v);
                return ret;
        }
        *ret_v = v;
        *ret_n = n;
        return 0;

fail_oom:
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
        return -ENOMEM;
}

static int handle_match_names(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        RuleMatch *m = base;
        _cleanup_free_ yaml_node_t **items = NULL;
        size_t n;
        int r;

        r = policy_scalar_or_list(p, k->name, value, &items, &n);
        if (r < 0)
                return r;
        return strv_from_items(p, k, items, n, ifname_glob_is_valid,
                               "expected an interface name or glob of 1 to 64 characters without '/' or spaces",
                               &m->names, &m->n_names);
}

static int handle_match_operators(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        RuleMatch *m = base;
        _cleanup_free_ yaml_node_t **items = NULL;
        size_t n;
        int r;

        r = policy_scalar_or_list(p, k->name, value, &items, &n);
        if (r < 0)
                return r;
        return strv_from_items(p, k, items, n, operator_id_is_valid,
                               "expected MCC and MNC as 5 or 6 digits, such as \"310260\"", &m->operators,
                               &m->n_operators);
}

static int handle_match_types(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        RuleMatch *m = base;
        _cleanup_free_ yaml_node_t **items = NULL;
        unsigned mask = 0;
        size_t n;
        int r, ret = 0;

        r = policy_scalar_or_list(p, k->name, value, &items, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const char *s = policy_node_scalar(items[i]);
                int t = interface_type_from_string(s);
                char buf[128];

                if (t < 0) {
                        const char *sugg = suggest_closest(s, interface_type_values);
                        if (sugg)
                                r = policy_error(p, items[i],
                                                 "invalid type '%s'; did you mean '%s'? (expected one of: %s)", s,
                                                 sugg, policy_join(interface_type_values, buf, sizeof(buf)));
                        else
                                r = policy_error(p, items[i], "invalid type '%s'; expected one of: %s", s,
                                                 policy_join(interface_type_values, buf, sizeof(buf)));
                } else if (mask & INTERFACE_TYPE_BIT(t))
                        r = policy_error(p, items[i], "'type' lists '%s' twice", s);
                else {
                        mask |= INTERFACE_TYPE_BIT(t);
                        continue;
                }
                if (r == -ENOMEM)
                        return r;
                ret = r;
        }
        if (ret < 0)
                return ret;
        m->types = mask;
        return 0;
}

static const PolicyKey match_keys[] = {
        { "name", handle_match_names, 0, offsetof(RuleMatch, names_pos) },
        { "type", handle_match_types, 0, offsetof(RuleMatch, types_pos) },
        { "metered", policy_handle_bool, offsetof(RuleMatch, metered), offsetof(RuleMatch, metered_pos) },
        { "roaming", policy_handle_bool, offsetof(RuleMatch, roaming), offsetof(RuleMatch, roaming_pos) },
        { "operator", handle_match_operators, 0, offsetof(RuleMatch, operators_pos) },
        {},
};

int policy_parse_match(PolicyParser *p, yaml_node_t *node, const char *what, RuleMatch *m) {
        if (node->type == YAML_SCALAR_NODE && policy_node_is_null(node))
                return policy_error(p, node, "'%s' expects a mapping of conditions, got an empty value; "
                                    "write '%s: {}' to match everything", what, what);
        return policy_map_dispatch(p, node, what, match_keys, m);
}

/* ---- rules ------------------------------------------------------------------------------------ */

static int handle_rule_match(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        Rule *rule = base;
        return policy_parse_match(p, value, "match", &rule->match);
}

static int handle_congestion(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        int r;

        r = policy_expect(p, k->name, value, YAML_SCALAR_NODE);
        if (r < 0)
                return r;
        v = policy_node_scalar(value);
        if (strlen(v) == 0 || strlen(v) > CONGESTION_NAME_MAX || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(v))
                return policy_error(p, value,
                                    "invalid congestion control name '%s': expected up to %u lowercase letters, "
                                    "digits or '_', such as cubic or bbr",
                                    v, CONGESTION_NAME_MAX);
        return policy_handle_string(p, k, value, base);
}

#define RULE_ACTION(f) offsetof(Rule, action.f)

static const PolicyKey rule_keys[] = {
        { "match", handle_rule_match, 0, offsetof(Rule, match.pos) },
        { "use", policy_handle_enum, RULE_ACTION(use), RULE_ACTION(use_pos), .values = use_values,
          .from_string = rule_use_from_string },
        { "subflows", policy_handle_uint, RULE_ACTION(subflows), RULE_ACTION(subflows_pos), 1, RULE_SUBFLOWS_MAX },
        { "weight", policy_handle_uint, RULE_ACTION(weight), RULE_ACTION(weight_pos), 1, RULE_WEIGHT_MAX },
        { "pacing-cap", policy_handle_rate, RULE_ACTION(pacing_cap_bps), RULE_ACTION(pacing_cap_pos), 1000,
          1000ULL * 1000 * 1000 * 1000 },
        { "congestion", handle_congestion, RULE_ACTION(congestion), RULE_ACTION(congestion_pos) },
        { "notsent-lowat", policy_handle_bytes, RULE_ACTION(notsent_lowat), RULE_ACTION(notsent_lowat_pos), 1,
          1ULL << 30 },
        { "rtt", policy_handle_duration, RULE_ACTION(rtt_usec), RULE_ACTION(rtt_pos), 1000, 60ULL * 1000 * 1000 },
        { "loss", policy_handle_percent, RULE_ACTION(loss_ppm), RULE_ACTION(loss_pos), 1, 1000000 },
        {},
};

static void rule_init(Rule *rule, unsigned index, SourcePos pos) {
        *rule = (Rule) {
                .pos = pos,
                .index = index,
                .action = {
                        .use = RULE_DEFAULT_USE,
                        .subflows = RULE_DEFAULT_SUBFLOWS,
                        .weight = RULE_DEFAULT_WEIGHT,
                },
        };
        rule_match_init(&rule->match);
}

static void rule_finish(Rule *rule) {
        RuleAction *a = &rule->action;

        a->use_set = source_pos_set(&a->use_pos);
        a->subflows_set = source_pos_set(&a->subflows_pos);
        a->weight_set = source_pos_set(&a->weight_pos);
        a->pacing_cap_set = source_pos_set(&a->pacing_cap_pos);
        a->congestion_set = source_pos_set(&a->congestion_pos);
        a->notsent_lowat_set = source_pos_set(&a->notsent_lowat_pos);
        a->rtt_set = source_pos_set(&a->rtt_pos);
        a->loss_set = source_pos_set(&a->loss_pos);
}

static int handle_rules(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        Profile *profile = base;
        size_t count;
        int ret = 0;

        if (value->type == YAML_SCALAR_NODE && policy_node_is_null(value))
                return 0; /* "rules:" with nothing: no rules */
        if (value->type != YAML_SEQUENCE_NODE)
                return policy_error(p, value, "'rules' expects a list of rules, got %s", policy_node_kind(value));

        count = (size_t) (value->data.sequence.items.top - value->data.sequence.items.start);
        if (count > PROFILE_RULES_MAX)
                return policy_error(p, value, "too many rules: at most %u are allowed", PROFILE_RULES_MAX);
        if (count == 0)
                return 0;

        profile->rules = new0(Rule, count);
        if (!profile->rules)
                return -ENOMEM;

        for (size_t i = 0; i < count; i++) {
                yaml_node_t *item = policy_node_get(p, value->data.sequence.items.start[i]);
                Rule *rule = &profile->rules[i];
                int r;

                if (!item)
                        return -EINVAL;
                rule_init(rule, (unsigned) i, policy_node_pos(p, item));
                profile->n_rules++;

                if (item->type != YAML_MAPPING_NODE)
                        r = policy_error(p, item, "rule %zu must be a mapping (match: ..., use: ...), got %s",
                                         i + 1, policy_node_kind(item));
                else
                        r = policy_map_dispatch(p, item, "rule", rule_keys, rule);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
                rule_finish(rule);
        }
        return ret;
}

/* ---- profile ---------------------------------------------------------------------------------- */

static const PolicyKey limits_keys[] = {
        { "subflows", policy_handle_uint, offsetof(ProfileLimits, subflows), offsetof(ProfileLimits, subflows_pos),
          0, PROFILE_LIMIT_MAX },
        { "add-addr-accepted", policy_handle_uint, offsetof(ProfileLimits, add_addr_accepted),
          offsetof(ProfileLimits, add_addr_accepted_pos), 0, PROFILE_LIMIT_MAX },
        {},
};

static int handle_limits(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        Profile *profile = base;

        if (value->type != YAML_MAPPING_NODE)
                return policy_error(p, value, "'limits' expects a mapping (subflows, add-addr-accepted), got %s",
                                    policy_node_kind(value));
        return policy_map_dispatch(p, value, "limits", limits_keys, &profile->limits);
}

static int handle_description(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        int r;

        r = policy_expect(p, k->name, value, YAML_SCALAR_NODE);
        if (r < 0)
                return r;
        v = policy_node_scalar(value);
        for (const char *c = v; *c; c++)
                if ((unsigned char) *c < 0x20 && *c != '\n' && *c != '\t')
                        return policy_error(p, value, "'description' contains a control character");
        return policy_handle_string(p, k, value, base);
}

static const PolicyKey profile_keys[] = {
        { "profile", policy_handle_profile_name, offsetof(Profile, name), offsetof(Profile, name_pos) },
        { "description", handle_description, offsetof(Profile, description), offsetof(Profile, description_pos),
          0, PROFILE_DESCRIPTION_MAX },
        { "path-manager", policy_handle_enum, offsetof(Profile, path_manager), offsetof(Profile, path_manager_pos),
          .values = path_manager_values, .from_string = path_manager_from_string },
        { "steering", policy_handle_enum, offsetof(Profile, steering), offsetof(Profile, steering_pos),
          .values = steering_values, .from_string = steering_mode_from_string },
        { "limits", handle_limits, 0, offsetof(Profile, limits.pos) },
        { "rules", handle_rules, 0, offsetof(Profile, rules_pos) },
        {},
};

static int profile_new(PolicySource *src, Profile **ret) {
        Profile *profile;

        profile = new0(Profile, 1);
        if (!profile)
                return -ENOMEM;
        *profile = (Profile) {
                .source = policy_source_ref(src),
                .path = strdup(policy_source_name(src)),
                .path_manager = PROFILE_DEFAULT_PATH_MANAGER,
                .steering = PROFILE_DEFAULT_STEERING,
                .limits = {
                        .subflows = PROFILE_DEFAULT_LIMIT_SUBFLOWS,
                        .add_addr_accepted = PROFILE_DEFAULT_LIMIT_ADD_ADDR_ACCEPTED,
                },
        };
        if (!profile->path)
                return profile_free(profile), -ENOMEM;
        *ret = profile;
        return 0;
}

static int profile_parse_source(PolicySource *src, const PolicyEnvironment *env, Profile **ret, PolicyDiagnostics *diag) {
        _cleanup_(profile_freep) Profile *profile = NULL;
        PolicyParser p;
        yaml_node_t *root;
        int r;

        r = policy_parser_load(&p, src, diag, /* allow_empty= */ false, &root);
        if (r < 0)
                goto finish;

        r = profile_new(src, &profile);
        if (r < 0)
                goto finish;

        r = policy_map_dispatch(&p, root, "profile", profile_keys, profile);
        if (r == -ENOMEM)
                goto finish;
        if (!profile->name) {
                SourcePos pos = policy_node_pos(&p, root);
                if (source_pos_set(&profile->name_pos))
                        goto finish; /* given but invalid: already reported */
                r = policy_error_at(&p, &pos, "missing required key 'profile' (the profile's name)");
                goto finish;
        }
        if (r < 0 || p.n_errors > 0) {
                r = -EINVAL;
                goto finish;
        }

        r = profile_check(&p, profile, env);
        if (r == -ENOMEM)
                goto finish;
        r = p.n_errors > 0 ? -EINVAL : 0;

finish:
        policy_parser_done(&p);
        if (r < 0)
                return r == -ENOMEM ? r : -EINVAL;
        *ret = TAKE_PTR(profile);
        return 0;
}

int profile_parse_buffer(
        const char *buf, size_t size, const char *display_name, const PolicyEnvironment *env, Profile **ret,
        PolicyDiagnostics *diag) {
        _cleanup_(policy_source_unrefp) PolicySource *src = NULL;
        int r;

        if (size > POLICY_FILE_SIZE_MAX) {
                policy_diag_add(diag, POLICY_SEVERITY_ERROR, display_name, 0, 0, NULL, 0,
                                "file is larger than the limit of %u bytes", POLICY_FILE_SIZE_MAX);
                return -EINVAL;
        }
        r = policy_source_new(display_name, buf, size, &src);
        if (r < 0)
                return r;
        return profile_parse_source(src, env, ret, diag);
}

int profile_parse_file(const char *path, const PolicyEnvironment *env, Profile **ret, PolicyDiagnostics *diag) {
        _cleanup_(policy_source_unrefp) PolicySource *src = NULL;
        int r;

        r = policy_source_read_file(path, &src, diag);
        if (r < 0)
                return r;
        return profile_parse_source(src, env, ret, diag);
}
