/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-address-ids.c — unit tests for the address <-> MPTCP ID map. */
#include <arpa/inet.h>

#include "address-ids.h"
#include "tests.h"

static PmAddr v4(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET, .port = port };
        check_eq(inet_pton(AF_INET, s, &a.in), 1);
        return a;
}

TEST(stable_ids) {
        AddressIds ids = {};
        PmAddr a = v4("10.0.0.1", 0), b = v4("10.0.0.2", 0), a_port = v4("10.0.0.1", 4242);
        uint8_t id1, id2, id3;

        check_ok(address_ids_get(&ids, &a, &id1));
        check_eq(id1, 1); /* never 0: that is the initial subflow's */
        check_ok(address_ids_get(&ids, &b, &id2));
        check_eq(id2, 2);
        check_ok(address_ids_get(&ids, &a_port, &id3)); /* the port does not make another address */
        check_eq(id3, 1);
        check_eq(ids.n_used, 2);
}

TEST(release_and_reuse) {
        AddressIds ids = {};
        PmAddr a = v4("10.0.0.1", 0), b = v4("10.0.0.2", 0), c = v4("10.0.0.3", 0);
        uint8_t id;

        check_ok(address_ids_get(&ids, &a, &id));
        check_ok(address_ids_get(&ids, &b, &id));
        check(address_ids_release(&ids, &a));
        check(!address_ids_release(&ids, &a));
        check_eq(address_ids_find(&ids, &a, &id), -ENOENT);
        check_ok(address_ids_get(&ids, &c, &id));
        check_eq(id, 1); /* lowest free */
        check_ok(address_ids_find(&ids, &b, &id));
        check_eq(id, 2);
}

TEST(exhaustion) {
        AddressIds ids = {};
        uint8_t id;

        for (unsigned i = 0; i < ADDRESS_ID_MAX; i++) {
                PmAddr a = { .family = AF_INET, .in.s_addr = htonl(0x0a000000 + i) };
                check_ok(address_ids_get(&ids, &a, &id));
                check_eq(id, i + 1);
        }
        PmAddr extra = v4("192.0.2.1", 0);
        check_eq(address_ids_get(&ids, &extra, &id), -ENOSPC);
        PmAddr bad = { .family = AF_UNIX };
        check_eq(address_ids_get(&ids, &bad, &id), -EAFNOSUPPORT);
}

TEST(claim) {
        AddressIds ids = {};
        PmAddr a = v4("10.0.0.1", 0), b = v4("10.0.0.2", 0), c = v4("10.0.0.3", 0);
        uint8_t id;

        check_ok(address_ids_claim(&ids, &a, 7)); /* as a previous run of the daemon left it */
        check_ok(address_ids_claim(&ids, &a, 7));
        check_eq(address_ids_claim(&ids, &a, 8), -EEXIST);
        check_eq(address_ids_claim(&ids, &b, 7), -EEXIST);
        check_eq(address_ids_claim(&ids, &b, 0), -EINVAL);
        check_ok(address_ids_get(&ids, &b, &id));
        check_eq(id, 1);
        check_ok(address_ids_get(&ids, &a, &id));
        check_eq(id, 7);
        check_ok(address_ids_claim(&ids, &c, 2));
        check_eq(ids.n_used, 3);
}

int main(void) {
        RUN(stable_ids);
        RUN(release_and_reuse);
        RUN(exhaustion);
        RUN(claim);
        return 0;
}
