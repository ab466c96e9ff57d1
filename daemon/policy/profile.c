/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile.c — lifetime of the policy data model and the match helpers the engine uses. */
#include <fnmatch.h>
#include <stdlib.h>

#include "policy-internal.h"

void rule_match_init(RuleMatch *m) {
        *m = (RuleMatch) {
                .metered = -1,
                .roaming = -1,
        };
}

static void strv_free_n(char **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

void rule_match_done(RuleMatch *m) {
        strv_free_n(m->names, m->n_names);
        strv_free_n(m->operators, m->n_operators);
        m->names = m->operators = NULL;
        m->n_names = m->n_operators = 0;
}

Profile *profile_free(Profile *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_rules; i++) {
                rule_match_done(&p->rules[i].match);
                free(p->rules[i].action.congestion);
        }
        free(p->rules);
        free(p->name);
        free(p->description);
        free(p->path);
        policy_source_unref(p->source);
        free(p);
        return NULL;
}

DaemonConfig *daemon_config_free(DaemonConfig *c) {
        if (!c)
                return NULL;
        free(c->default_profile);
        strv_free_n(c->profile_dirs, c->n_profile_dirs);
        for (size_t i = 0; i < c->n_interfaces; i++)
                free(c->interfaces[i].name);
        free(c->interfaces);
        for (size_t i = 0; i < c->n_auto_rules; i++) {
                rule_match_done(&c->auto_rules[i].when);
                free(c->auto_rules[i].profile);
        }
        free(c->auto_rules);
        free(c->bpf_cgroup);
        free(c->state_dir);
        policy_source_unref(c->source);
        free(c);
        return NULL;
}

const InterfaceOverride *daemon_config_find_interface(const DaemonConfig *c, const char *name) {
        if (!c || !name)
                return NULL;
        for (size_t i = 0; i < c->n_interfaces; i++)
                if (streq(c->interfaces[i].name, name))
                        return &c->interfaces[i];
        return NULL;
}

bool rule_match_names(const RuleMatch *m, const char *ifname) {
        if (m->n_names == 0)
                return true;
        if (!ifname)
                return false;
        for (size_t i = 0; i < m->n_names; i++)
                if (fnmatch(m->names[i], ifname, 0) == 0)
                        return true;
        return false;
}

bool rule_match_operator(const RuleMatch *m, const char *operator_id) {
        if (m->n_operators == 0)
                return true;
        if (!operator_id)
                return false;
        for (size_t i = 0; i < m->n_operators; i++)
                if (streq(m->operators[i], operator_id))
                        return true;
        return false;
}
