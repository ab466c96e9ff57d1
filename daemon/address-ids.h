/* SPDX-License-Identifier: GPL-2.0-or-later */
/* address-ids.h — the daemon's stable local address <-> MPTCP address ID (1..255) map. */
#pragma once

#include "pm-codec.h"

/* ID 0 is the initial subflow's address by protocol; the kernel accepts 0 for others too and
 * then confuses subflows (kernel-notes), so IDs are ours to give, stable while the address lives. */
#define ADDRESS_ID_MAX 255

typedef struct AddressIds {
        PmAddr addrs[ADDRESS_ID_MAX + 1]; /* index = id; family AF_UNSPEC = free */
        unsigned n_used;
} AddressIds;

/* The address's ID, allocating the lowest free one. -ENOSPC when all 255 are taken. Port ignored. */
int address_ids_get(AddressIds *ids, const PmAddr *addr, uint8_t *ret_id);
/* The address's ID if it has one: -ENOENT otherwise. */
int address_ids_find(const AddressIds *ids, const PmAddr *addr, uint8_t *ret_id);
/* Records that addr already has id (found on live connections after a restart): -EEXIST when the
 * address has another ID or the ID belongs to another address (the first claim stays). */
int address_ids_claim(AddressIds *ids, const PmAddr *addr, uint8_t id);
/* Frees the address's ID (the address left the system). Returns whether it had one. */
bool address_ids_release(AddressIds *ids, const PmAddr *addr);
