/* SPDX-License-Identifier: GPL-2.0-or-later */
/* address-ids.c — stable local address <-> MPTCP address ID map. */
#include <sys/socket.h>

#include "address-ids.h"

int address_ids_find(const AddressIds *ids, const PmAddr *addr, uint8_t *ret_id) {
        for (unsigned id = 1; id <= ADDRESS_ID_MAX; id++)
                if (ids->addrs[id].family != AF_UNSPEC && pm_addr_equal(&ids->addrs[id], addr)) {
                        *ret_id = (uint8_t) id;
                        return 0;
                }
        return -ENOENT;
}

int address_ids_get(AddressIds *ids, const PmAddr *addr, uint8_t *ret_id) {
        if (addr->family != AF_INET && addr->family != AF_INET6)
                return -EAFNOSUPPORT;
        if (address_ids_find(ids, addr, ret_id) >= 0)
                return 0;

        for (unsigned id = 1; id <= ADDRESS_ID_MAX; id++)
                if (ids->addrs[id].family == AF_UNSPEC) {
                        ids->addrs[id] = *addr;
                        ids->addrs[id].port = 0;
                        ids->n_used++;
                        *ret_id = (uint8_t) id;
                        return 0;
                }
        return -ENOSPC;
}

int address_ids_claim(AddressIds *ids, const PmAddr *addr, uint8_t id) {
        uint8_t have;

        if (addr->family != AF_INET && addr->family != AF_INET6)
                return -EAFNOSUPPORT;
        if (id == 0)
                return -EINVAL;
        if (address_ids_find(ids, addr, &have) >= 0)
                return have == id ? 0 : -EEXIST;
        if (ids->addrs[id].family != AF_UNSPEC)
                return -EEXIST;
        ids->addrs[id] = *addr;
        ids->addrs[id].port = 0;
        ids->n_used++;
        return 0;
}

bool address_ids_release(AddressIds *ids, const PmAddr *addr) {
        uint8_t id;

        if (address_ids_find(ids, addr, &id) < 0)
                return false;
        ids->addrs[id] = (PmAddr) { .family = AF_UNSPEC };
        ids->n_used--;
        return true;
}
