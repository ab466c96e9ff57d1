/* SPDX-License-Identifier: GPL-2.0-or-later */
/* interfaces.c — build interface facts from rtnetlink and sysfs, and the engine's decisions. */
#include "iface-type.h"
#include "interfaces.h"

static void facts_free_array(InterfaceFacts *facts, size_t n) {
        for (size_t i = 0; i < n; i++)
                iface_facts_done(&facts[i]);
        free(facts);
}

void interface_table_done(InterfaceTable *t) {
        facts_free_array(t->facts, t->n);
        free(t->decisions);
        *t = (InterfaceTable) {};
}

static int facts_from_link(
        const LinkInfo *l, const IfaceOverride *overrides, size_t n_overrides, const char *sysfs_root,
        InterfaceFacts *f) {

        InterfaceType type;
        int r;

        iface_facts_init(f, l->name, l->ifindex);
        f->up = link_is_usable(l);

        /* An unknown interface (sysfs of another namespace, a race with its removal) is "other":
         * the safe answer, which every shipped profile leaves alone unless the config says more. */
        if (iface_type_classify(sysfs_root, l->name, &type, NULL) >= 0)
                f->type = type;
        else
                f->type = INTERFACE_TYPE_OTHER;

        r = iface_overrides_apply(overrides, n_overrides, f);
        if (r < 0)
                return r;

        for (size_t i = 0; i < l->n_addrs; i++) {
                const LinkAddr *a = &l->addrs[i];
                IfaceAddr ia = { .family = a->family };

                if (!link_addr_is_usable(a))
                        continue;
                if (a->family == AF_INET)
                        ia.in = a->in;
                else
                        ia.in6 = a->in6;
                r = iface_facts_add_address(f, &ia);
                if (r < 0)
                        return r;
        }
        return 0;
}

int interface_table_update(
        InterfaceTable *t, LinkTracker *links, const IfaceOverride *overrides, size_t n_overrides,
        const char *sysfs_root, const Profile *profile, const PolicyCapabilities *caps) {

        const LinkInfo *const *l;
        InterfaceFacts *facts = NULL;
        InterfaceDecision *decisions = NULL;
        const char *refused = NULL;
        size_t n, built = 0;
        int r;

        n = link_tracker_links(links, &l);
        facts = new0(InterfaceFacts, n);
        decisions = new0(InterfaceDecision, n);
        if (!facts || !decisions) {
                r = -ENOMEM;
                goto fail;
        }

        for (; built < n; built++) {
                r = facts_from_link(l[built], overrides, n_overrides, sysfs_root, &facts[built]);
                if (r < 0) {
                        built++;
                        goto fail;
                }
        }

        r = policy_decide(profile, caps, facts, n, decisions);
        if (r == -EOPNOTSUPP) {
                /* Refused (redundant without the BPF scheduler): no decisions means no subflows
                 * beyond the initial one, the most conservative reading of a profile we cannot
                 * enforce. */
                refused = policy_steering_unsupported_reason(profile->steering, caps);
                for (size_t i = 0; i < n; i++)
                        decisions[i] = (InterfaceDecision) { .ifindex = facts[i].ifindex, .use = RULE_USE_NEVER,
                                                             .rule_index = -1 };
        } else if (r < 0)
                goto fail;

        interface_table_done(t);
        *t = (InterfaceTable) { .facts = facts, .decisions = decisions, .n = n, .refused = refused };
        return 0;

fail:
        facts_free_array(facts, built);
        free(decisions);
        return r;
}

const InterfaceDecision *interface_table_decision(const InterfaceTable *t, int ifindex) {
        for (size_t i = 0; i < t->n; i++)
                if (t->decisions[i].ifindex == ifindex)
                        return &t->decisions[i];
        return NULL;
}
