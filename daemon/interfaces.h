/* SPDX-License-Identifier: GPL-2.0-or-later */
/* interfaces.h — every interface's facts (links, usable addresses, type, metered) and the active
 * profile's decision for each, rebuilt whenever links, addresses or the profile change. */
#pragma once

#include "link-tracker.h"
#include "policy-engine.h"

typedef struct InterfaceTable {
        InterfaceFacts *facts;
        InterfaceDecision *decisions; /* decisions[i] is for facts[i] */
        size_t n;
        const char *refused; /* the engine refused the profile (a POLICY_REASON_*), NULL otherwise */
} InterfaceTable;

/* Replaces the table with the current links (sorted by ifindex), their usable addresses, their
 * type (sysfs classification under sysfs_root, NULL = /sys, unless an override says otherwise)
 * and the overrides' metered facts, then decides for each with profile. On failure the table is
 * left as it was. */
int interface_table_update(
        InterfaceTable *t, LinkTracker *links, const IfaceOverride *overrides, size_t n_overrides,
        const char *sysfs_root, const Profile *profile, const PolicyCapabilities *caps);
void interface_table_done(InterfaceTable *t);

/* The decision for ifindex, NULL when the interface is unknown. */
const InterfaceDecision *interface_table_decision(const InterfaceTable *t, int ifindex);
