/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-iface-facts.c — config overrides of interface facts, type names and address helpers. */

#include <sys/socket.h>

#include "iface-facts.h"

static unsigned failures;

#define CHECK(expr)                                                                                \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #expr);         \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static void test_tristate(void) {
        CHECK(streq(tristate_to_string(TRISTATE_UNKNOWN), "unknown"));
        CHECK(streq(tristate_to_string(tristate_from_bool(true)), "yes"));
        CHECK(streq(tristate_to_string(tristate_from_bool(false)), "no"));
}

/* The lab's configuration: veths become "wifi" and "lte". */
static const IfaceOverride lab[] = {
        { .name = "veth-wifi*", .type_set = true, .type = INTERFACE_TYPE_WIFI, .metered = TRISTATE_NO },
        { .name = "veth-lte*", .type_set = true, .type = INTERFACE_TYPE_CELLULAR, .metered = TRISTATE_YES },
        { .name = "veth-*", .type_set = true, .type = INTERFACE_TYPE_ETHERNET, .metered = TRISTATE_UNKNOWN },
        { .name = "veth-lte9", .type = INTERFACE_TYPE_ETHERNET /* not set */, .metered = TRISTATE_NO },
        { .name = "eth[0-3]", .metered = TRISTATE_YES },
        { .name = "eth[0-3]", .type_set = true, .type = INTERFACE_TYPE_WIFI, .metered = TRISTATE_NO },
};

static const struct {
        const char *name;
        InterfaceType type_in;
        Tristate metered_in;
        int changed;
        InterfaceType type;
        Tristate metered;
} override_cases[] = {
        /* first listed glob wins over later, broader ones */
        { "veth-wifi0", INTERFACE_TYPE_OTHER, TRISTATE_UNKNOWN, 2, INTERFACE_TYPE_WIFI, TRISTATE_NO },
        { "veth-lte0", INTERFACE_TYPE_OTHER, TRISTATE_NO, 2, INTERFACE_TYPE_CELLULAR, TRISTATE_YES },
        /* the broad glob sets only the type; metered stays what NetworkManager said */
        { "veth-x", INTERFACE_TYPE_OTHER, TRISTATE_YES, 1, INTERFACE_TYPE_ETHERNET, TRISTATE_YES },
        /* exact name wins for the field it sets (metered), the glob still gives the type */
        { "veth-lte9", INTERFACE_TYPE_OTHER, TRISTATE_UNKNOWN, 2, INTERFACE_TYPE_CELLULAR, TRISTATE_NO },
        /* two entries for one glob: per field the first that sets it */
        { "eth2", INTERFACE_TYPE_ETHERNET, TRISTATE_UNKNOWN, 2, INTERFACE_TYPE_WIFI, TRISTATE_YES },
        /* no match: untouched */
        { "eth4", INTERFACE_TYPE_ETHERNET, TRISTATE_NO, 0, INTERFACE_TYPE_ETHERNET, TRISTATE_NO },
        { "wlan0", INTERFACE_TYPE_WIFI, TRISTATE_UNKNOWN, 0, INTERFACE_TYPE_WIFI, TRISTATE_UNKNOWN },
};

static void test_overrides(void) {
        for (size_t i = 0; i < ELEMENTSOF(override_cases); i++) {
                InterfaceFacts f;
                int r;

                iface_facts_init(&f, override_cases[i].name, 3);
                f.type = override_cases[i].type_in;
                f.metered = override_cases[i].metered_in;
                r = iface_overrides_apply(lab, ELEMENTSOF(lab), &f);
                printf("override %-10s → %s, metered %s (%d field(s) from config)\n", f.name,
                       interface_type_to_string(f.type), tristate_to_string(f.metered), r);
                CHECK(r == override_cases[i].changed);
                CHECK(f.type == override_cases[i].type);
                CHECK(f.metered == override_cases[i].metered);
                CHECK((int) f.type_from_config + (int) f.metered_from_config == r);
        }

        /* Which field came from the config is recorded. */
        {
                InterfaceFacts f;

                iface_facts_init(&f, "veth-x", 2);
                CHECK(iface_overrides_apply(lab, ELEMENTSOF(lab), &f) == 1);
                CHECK(f.type_from_config && !f.metered_from_config);
                iface_facts_init(&f, "veth-lte9", 2);
                CHECK(iface_overrides_apply(lab, ELEMENTSOF(lab), &f) == 2);
                CHECK(f.type_from_config && f.metered_from_config);
        }

        /* An entry without a name matches nothing; an empty list changes nothing. */
        {
                IfaceOverride none[] = { { .name = NULL, .type_set = true, .type = INTERFACE_TYPE_WIFI, .metered = TRISTATE_YES } };
                InterfaceFacts f;

                iface_facts_init(&f, "eth0", 2);
                CHECK(iface_overrides_apply(none, ELEMENTSOF(none), &f) == 0);
                CHECK(iface_overrides_apply(NULL, 0, &f) == 0);
                CHECK(f.type == INTERFACE_TYPE_OTHER && f.metered == TRISTATE_UNKNOWN);
        }
}

static void test_from_config(void) {
        InterfaceOverride io[] = {
                { .name = (char *) "veth-wifi", .type = INTERFACE_TYPE_WIFI, .type_set = true, .metered = 0 },
                { .name = (char *) "veth-lte", .type = INTERFACE_TYPE_CELLULAR, .type_set = true, .metered = 1 },
                { .name = (char *) "eth0", .type_set = false, .metered = -1 },
        };
        DaemonConfig c = { .interfaces = io, .n_interfaces = ELEMENTSOF(io) };
        _cleanup_free_ IfaceOverride *o = NULL;
        size_t n = 0;
        InterfaceFacts f;

        CHECK(iface_overrides_from_config(&c, &o, &n) == 0);
        CHECK(n == 3);
        CHECK(o && streq(o[0].name, "veth-wifi") && o[0].type_set && o[0].type == INTERFACE_TYPE_WIFI &&
              o[0].metered == TRISTATE_NO);
        CHECK(o && o[1].metered == TRISTATE_YES && o[1].type == INTERFACE_TYPE_CELLULAR);
        CHECK(o && !o[2].type_set && o[2].metered == TRISTATE_UNKNOWN);

        iface_facts_init(&f, "veth-lte", 9);
        CHECK(iface_overrides_apply(o, n, &f) == 2);
        CHECK(f.type == INTERFACE_TYPE_CELLULAR && f.metered == TRISTATE_YES);
        iface_facts_init(&f, "eth0", 2);
        CHECK(iface_overrides_apply(o, n, &f) == 0);
}

static void test_addresses(void) {
        IfaceAddr a, b, c, ll4, ll6;
        InterfaceFacts f;

        CHECK(iface_addr_from_string("10.0.1.2", &a) == 0 && a.family == AF_INET);
        CHECK(iface_addr_from_string("10.0.2.1", &b) == 0);
        CHECK(iface_addr_from_string("2001:db8::1", &c) == 0 && c.family == AF_INET6);
        CHECK(iface_addr_from_string("169.254.3.4", &ll4) == 0);
        CHECK(iface_addr_from_string("fe80::1", &ll6) == 0);
        CHECK(iface_addr_from_string("10.0.1", &a) == -EINVAL && a.family == AF_INET);
        CHECK(iface_addr_from_string("eth0", &a) == -EINVAL);

        CHECK(iface_addr_compare(&a, &b) < 0);
        CHECK(iface_addr_compare(&b, &a) > 0);
        CHECK(iface_addr_compare(&b, &c) < 0); /* IPv4 before IPv6 */
        CHECK(iface_addr_compare(&c, &a) > 0);
        CHECK(iface_addr_equal(&a, &a));
        CHECK(iface_addr_is_link_local(&ll4));
        CHECK(iface_addr_is_link_local(&ll6));
        CHECK(!iface_addr_is_link_local(&a));
        CHECK(!iface_addr_is_link_local(&c));

        iface_facts_init(&f, "wlan0", 4);
        CHECK(f.ifindex == 4 && streq(f.name, "wlan0") && f.roaming == TRISTATE_UNKNOWN && !f.up);
        CHECK(iface_facts_add_address(&f, &a) == 1);
        CHECK(iface_facts_add_address(&f, &c) == 1);
        CHECK(iface_facts_add_address(&f, &a) == 0); /* duplicate */
        CHECK(f.n_addresses == 2);
        {
                IfaceAddr bad = { .family = AF_UNIX };
                CHECK(iface_facts_add_address(&f, &bad) == -EAFNOSUPPORT);
        }
        iface_facts_done(&f);
        CHECK(f.n_addresses == 0 && !f.addresses);

        /* Over-long names are truncated, never overflow. */
        iface_facts_init(&f, "a-name-much-longer-than-ifnamsiz", 1);
        CHECK(strlen(f.name) == IFNAMSIZ - 1);
}

int main(void) {
        test_tristate();
        test_overrides();
        test_from_config();
        test_addresses();

        if (failures > 0) {
                fprintf(stderr, "%u check(s) failed\n", failures);
                return EXIT_FAILURE;
        }
        printf("all iface-facts checks passed\n");
        return EXIT_SUCCESS;
}
