/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iface-facts.c — interface facts: addresses, tristates and the config's per-interface overrides. */

#include <arpa/inet.h>
#include <fnmatch.h>
#include <sys/socket.h>

#include "iface-facts.h"

const char *tristate_to_string(Tristate t) {
        switch (t) {
        case TRISTATE_UNKNOWN:
                return "unknown";
        case TRISTATE_NO:
                return "no";
        case TRISTATE_YES:
                return "yes";
        }
        return NULL;
}

static size_t iface_addr_size(int family) {
        return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

int iface_addr_compare(const IfaceAddr *a, const IfaceAddr *b) {
        int r;

        if (a->family != b->family)
                return a->family < b->family ? -1 : 1; /* AF_INET (2) < AF_INET6 (10) */
        if (a->family != AF_INET && a->family != AF_INET6)
                return 0;
        r = memcmp(&a->in6, &b->in6, iface_addr_size(a->family));
        return r < 0 ? -1 : r > 0 ? 1 : 0;
}

bool iface_addr_is_link_local(const IfaceAddr *a) {
        if (a->family == AF_INET)
                return (ntohl(a->in.s_addr) & 0xffff0000u) == 0xa9fe0000u;
        if (a->family == AF_INET6)
                return IN6_IS_ADDR_LINKLOCAL(&a->in6);
        return false;
}

bool iface_addr_is_loopback(const IfaceAddr *a) {
        if (a->family == AF_INET)
                return (ntohl(a->in.s_addr) >> 24) == 127;
        if (a->family == AF_INET6)
                return IN6_IS_ADDR_LOOPBACK(&a->in6);
        return false;
}

int iface_addr_from_string(const char *s, IfaceAddr *ret) {
        IfaceAddr a = {};

        if (!s || !ret)
                return -EINVAL;
        if (inet_pton(AF_INET, s, &a.in) == 1)
                a.family = AF_INET;
        else if (inet_pton(AF_INET6, s, &a.in6) == 1)
                a.family = AF_INET6;
        else
                return -EINVAL;
        *ret = a;
        return 0;
}

void iface_facts_init(InterfaceFacts *f, const char *name, int ifindex) {
        *f = (InterfaceFacts) {
                .ifindex = ifindex,
                .type = INTERFACE_TYPE_OTHER,
                .metered = TRISTATE_UNKNOWN,
                .roaming = TRISTATE_UNKNOWN,
        };
        if (name)
                snprintf(f->name, sizeof(f->name), "%s", name);
}

int iface_facts_add_address(InterfaceFacts *f, const IfaceAddr *a) {
        IfaceAddr *n;

        if (a->family != AF_INET && a->family != AF_INET6)
                return -EAFNOSUPPORT;
        for (size_t i = 0; i < f->n_addresses; i++)
                if (iface_addr_equal(&f->addresses[i], a))
                        return 0;

        n = reallocarray(f->addresses, f->n_addresses + 1, sizeof(IfaceAddr));
        if (!n)
                return -ENOMEM;
        f->addresses = n;
        f->addresses[f->n_addresses++] = *a;
        return 1;
}

void iface_facts_done(InterfaceFacts *f) {
        free(f->addresses);
        f->addresses = NULL;
        f->n_addresses = 0;
}

static bool override_matches(const IfaceOverride *o, const char *name, bool exact) {
        if (!o->name)
                return false;
        if (exact)
                return streq(o->name, name);
        return !streq(o->name, name) && fnmatch(o->name, name, 0) == 0;
}

int iface_overrides_apply(const IfaceOverride *overrides, size_t n_overrides, InterfaceFacts *f) {
        bool have_type = false, have_metered = false;
        int changed = 0;

        /* Pass 0: exact names; pass 1: globs, in the order listed. The first value found per field
         * sticks. */
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < n_overrides; i++) {
                        const IfaceOverride *o = overrides + i;

                        if (!override_matches(o, f->name, pass == 0))
                                continue;

                        if (!have_type && o->type_set && (unsigned) o->type < _INTERFACE_TYPE_MAX) {
                                f->type = o->type;
                                f->type_from_config = true;
                                have_type = true;
                                changed++;
                        }
                        if (!have_metered && o->metered != TRISTATE_UNKNOWN) {
                                f->metered = o->metered;
                                f->metered_from_config = true;
                                have_metered = true;
                                changed++;
                        }
                }

        return changed;
}

int iface_overrides_from_config(const DaemonConfig *c, IfaceOverride **ret, size_t *ret_n) {
        _cleanup_free_ IfaceOverride *a = NULL;

        if (!c || !ret || !ret_n)
                return -EINVAL;

        a = new0(IfaceOverride, c->n_interfaces);
        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_interfaces; i++) {
                const InterfaceOverride *o = c->interfaces + i;

                a[i] = (IfaceOverride) {
                        .name = o->name,
                        .type_set = o->type_set,
                        .type = o->type,
                        .metered = o->metered < 0 ? TRISTATE_UNKNOWN : tristate_from_bool(o->metered > 0),
                };
        }
        *ret = TAKE_PTR(a);
        *ret_n = c->n_interfaces;
        return 0;
}
