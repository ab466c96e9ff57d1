/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config-parse.c — parser of the daemon configuration file (mptcp-policyd.yaml). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"
#include "policy-scalar.h"

static const char *const interface_type_values[] = { "ethernet", "wifi", "cellular", "other", NULL };
static const char *const kernel_endpoints_values[] = { "client", "server", "both", NULL };

/* ---- interfaces ------------------------------------------------------------------------------- */

static const PolicyKey interface_keys[] = {
        { "type", policy_handle_enum, offsetof(InterfaceOverride, type), offsetof(InterfaceOverride, type_pos),
          .values = interface_type_values, .from_string = interface_type_from_string },
        { "metered", policy_handle_bool, offsetof(InterfaceOverride, metered),
          offsetof(InterfaceOverride, metered_pos) },
        {},
};

static int handle_interfaces(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        DaemonConfig *c = base;
        size_t count;
        int ret = 0;

        if (value->type == YAML_SCALAR_NODE && policy_node_is_null(value))
                return 0;
        if (value->type != YAML_MAPPING_NODE)
                return policy_error(p, value, "'interfaces' expects a mapping of interface names, got %s",
                                    policy_node_kind(value));
        count = (size_t) (value->data.mapping.pairs.top - value->data.mapping.pairs.start);
        if (count > DAEMON_CONFIG_INTERFACES_MAX)
                return policy_error(p, value, "too many interfaces: at most %u are allowed",
                                    DAEMON_CONFIG_INTERFACES_MAX);
        if (count == 0)
                return 0;
        c->interfaces = new0(InterfaceOverride, count);
        if (!c->interfaces)
                return -ENOMEM;

        for (yaml_node_pair_t *pair = value->data.mapping.pairs.start; pair < value->data.mapping.pairs.top; pair++) {
                yaml_node_t *key = policy_node_get(p, pair->key), *v = policy_node_get(p, pair->value);
                const char *name = policy_node_scalar(key);
                InterfaceOverride *o;
                int r;

                if (!key || !v)
                        return -EINVAL;
                if (!name || !ifname_is_valid(name) || string_is_glob(name)) {
                        r = policy_error(p, key, "invalid interface name '%s': expected 1 to 15 characters "
                                         "without '/', ':' or spaces (globs are not allowed here)",
                                         name ?: "");
                        goto next;
                }
                {
                        const InterfaceOverride *dup = daemon_config_find_interface(c, name);
                        if (dup) {
                                r = policy_error(p, key, "interface '%s' is listed twice (first on line %u)", name,
                                                 dup->pos.line);
                                goto next;
                        }
                }

                o = &c->interfaces[c->n_interfaces++];
                *o = (InterfaceOverride) {
                        .pos = policy_node_pos(p, key),
                        .metered = -1,
                };
                o->name = strdup(name);
                if (!o->name)
                        return -ENOMEM;
                r = policy_map_dispatch(p, v, "interface", interface_keys, o);
                o->type_set = source_pos_set(&o->type_pos);
        next:
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        return ret;
}

/* ---- auto ------------------------------------------------------------------------------------- */

static int handle_when(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        AutoRule *a = base;
        return policy_parse_match(p, value, "when", &a->when);
}

static const PolicyKey auto_keys[] = {
        { "when", handle_when, 0, offsetof(AutoRule, when.pos) },
        { "profile", policy_handle_profile_name, offsetof(AutoRule, profile), offsetof(AutoRule, profile_pos) },
        {},
};

static int handle_auto(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        DaemonConfig *c = base;
        size_t count;
        int ret = 0;

        if (value->type == YAML_SCALAR_NODE && policy_node_is_null(value))
                return 0;
        if (value->type != YAML_SEQUENCE_NODE)
                return policy_error(p, value, "'auto' expects a list of {when: ..., profile: ...}, got %s",
                                    policy_node_kind(value));
        count = (size_t) (value->data.sequence.items.top - value->data.sequence.items.start);
        if (count > DAEMON_CONFIG_AUTO_MAX)
                return policy_error(p, value, "too many auto entries: at most %u are allowed", DAEMON_CONFIG_AUTO_MAX);
        if (count == 0)
                return 0;
        c->auto_rules = new0(AutoRule, count);
        if (!c->auto_rules)
                return -ENOMEM;

        for (size_t i = 0; i < count; i++) {
                yaml_node_t *item = policy_node_get(p, value->data.sequence.items.start[i]);
                AutoRule *a = &c->auto_rules[c->n_auto_rules++];
                int r;

                if (!item)
                        return -EINVAL;
                *a = (AutoRule) { .pos = policy_node_pos(p, item) };
                rule_match_init(&a->when);
                a->when.pos = (SourcePos) {};

                r = policy_map_dispatch(p, item, "auto entry", auto_keys, a);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0 && !a->profile && !source_pos_set(&a->profile_pos))
                        r = policy_error(p, item, "auto entry %zu is missing 'profile'", i + 1);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        return ret;
}

/* ---- profile-dirs, bpf -------------------------------------------------------------------------- */

static int handle_profile_dirs(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        DaemonConfig *c = base;
        _cleanup_free_ yaml_node_t **items = NULL;
        size_t n;
        int r, ret = 0;

        r = policy_scalar_or_list(p, k->name, value, &items, &n);
        if (r < 0)
                return r;
        c->profile_dirs = new0(char *, n + 1); /* NULL-terminated too, for profile_set_load() */
        if (!c->profile_dirs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *s = policy_node_scalar(items[i]);

                if (!path_is_absolute_valid(s))
                        r = policy_error(p, items[i], "'profile-dirs' entries must be absolute paths, got '%s'", s);
                else if (strv_contains_n(c->profile_dirs, c->n_profile_dirs, s))
                        r = policy_error(p, items[i], "'profile-dirs' lists '%s' twice", s);
                else {
                        c->profile_dirs[c->n_profile_dirs] = strdup(s);
                        if (!c->profile_dirs[c->n_profile_dirs])
                                return -ENOMEM;
                        c->n_profile_dirs++;
                        continue;
                }
                if (r == -ENOMEM)
                        return r;
                ret = r;
        }
        return ret;
}

static const PolicyKey bpf_keys[] = {
        { "cgroup", policy_handle_path, offsetof(DaemonConfig, bpf_cgroup), offsetof(DaemonConfig, bpf_cgroup_pos),
          0, POLICY_STRING_MAX },
        {},
};

static int handle_bpf(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        if (value->type != YAML_MAPPING_NODE)
                return policy_error(p, value, "'bpf' expects a mapping (cgroup), got %s", policy_node_kind(value));
        return policy_map_dispatch(p, value, "bpf", bpf_keys, base);
}

static const PolicyKey config_keys[] = {
        { "default-profile", policy_handle_profile_name, offsetof(DaemonConfig, default_profile),
          offsetof(DaemonConfig, default_profile_pos) },
        { "profile-dirs", handle_profile_dirs, 0, offsetof(DaemonConfig, profile_dirs_pos) },
        { "interfaces", handle_interfaces, 0, offsetof(DaemonConfig, interfaces_pos) },
        { "auto", handle_auto, 0, offsetof(DaemonConfig, auto_pos) },
        { "bpf", handle_bpf, 0, SIZE_MAX },
        { "state-dir", policy_handle_path, offsetof(DaemonConfig, state_dir), offsetof(DaemonConfig, state_dir_pos),
          0, POLICY_STRING_MAX },
        { "kernel-endpoints", policy_handle_enum, offsetof(DaemonConfig, kernel_endpoints),
          offsetof(DaemonConfig, kernel_endpoints_pos), .values = kernel_endpoints_values,
          .from_string = kernel_endpoints_role_from_string },
        {},
};

static int daemon_config_new(PolicySource *src, DaemonConfig **ret) {
        _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;

        c = new0(DaemonConfig, 1);
        if (!c)
                return -ENOMEM;
        c->source = policy_source_ref(src);
        c->kernel_endpoints = DAEMON_CONFIG_DEFAULT_KERNEL_ENDPOINTS;
        c->default_profile = strdup(DAEMON_CONFIG_DEFAULT_PROFILE);
        if (!c->default_profile)
                return -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}

int daemon_config_new_default(DaemonConfig **ret) {
        return daemon_config_new(NULL, ret);
}

static int daemon_config_parse_source(PolicySource *src, DaemonConfig **ret, PolicyDiagnostics *diag) {
        _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;
        PolicyParser p;
        yaml_node_t *root;
        int r;

        /* A configuration with everything commented out is all defaults. */
        r = policy_parser_load(&p, src, diag, /* allow_empty= */ true, &root);
        if (r < 0)
                goto finish;
        r = daemon_config_new(src, &c);
        if (r < 0)
                goto finish;
        if (root)
                r = policy_map_dispatch(&p, root, "the daemon configuration", config_keys, c);
        if (r >= 0 && p.n_errors > 0)
                r = -EINVAL;

finish:
        policy_parser_done(&p);
        if (r < 0)
                return r == -ENOMEM ? r : -EINVAL;
        *ret = TAKE_PTR(c);
        return 0;
}

int daemon_config_parse_buffer(
        const char *buf, size_t size, const char *display_name, DaemonConfig **ret, PolicyDiagnostics *diag) {
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
        return daemon_config_parse_source(src, ret, diag);
}

int daemon_config_parse_file(const char *path, DaemonConfig **ret, PolicyDiagnostics *diag) {
        _cleanup_(policy_source_unrefp) PolicySource *src = NULL;
        int r;

        r = policy_source_read_file(path, &src, diag);
        if (r < 0)
                return r;
        return daemon_config_parse_source(src, ret, diag);
}

int daemon_config_check_profiles(const DaemonConfig *c, const ProfileSet *s, PolicyDiagnostics *diag) {
        int ret = 0;

        if (c->default_profile && !profile_set_find(s, c->default_profile)) {
                if (source_pos_set(&c->default_profile_pos))
                        policy_diag_at(diag, c->source, &c->default_profile_pos, POLICY_SEVERITY_ERROR,
                                       "default-profile '%s' does not exist in the profile directories",
                                       c->default_profile);
                else
                        policy_diag_add(diag, POLICY_SEVERITY_ERROR,
                                        c->source ? policy_source_name(c->source) : "(built-in configuration)", 0, 0, NULL, 0,
                                        "the default profile '%s' does not exist in the profile directories",
                                        c->default_profile);
                ret = -EINVAL;
        }
        for (size_t i = 0; i < c->n_auto_rules; i++) {
                const AutoRule *a = &c->auto_rules[i];
                if (!a->profile || profile_set_find(s, a->profile))
                        continue;
                policy_diag_at(diag, c->source, &a->profile_pos, POLICY_SEVERITY_ERROR,
                               "auto entry %zu names profile '%s', which does not exist in the profile directories",
                               i + 1, a->profile);
                ret = -EINVAL;
        }
        return ret;
}
