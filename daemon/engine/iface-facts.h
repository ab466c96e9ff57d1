/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iface-facts.h — what the daemon knows about one network interface, as the policy engine sees it. */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "profile.h"

/* A fact that may be unknown (no NetworkManager, no ModemManager, ...). Same numbers as the
 * model's `int metered` / `int roaming` (-1 absent, 0, 1). */
typedef enum Tristate {
        TRISTATE_UNKNOWN = -1,
        TRISTATE_NO = 0,
        TRISTATE_YES = 1,
} Tristate;

static inline Tristate tristate_from_bool(bool b) {
        return b ? TRISTATE_YES : TRISTATE_NO;
}
const char *tristate_to_string(Tristate t); /* "unknown", "no", "yes" */

/* An IPv4 or IPv6 address without port. */
typedef struct IfaceAddr {
        int family; /* AF_INET or AF_INET6 */
        union {
                struct in_addr in;
                struct in6_addr in6;
        };
} IfaceAddr;

/* Total order: AF_INET before AF_INET6, then the address bytes in network order (memcmp). */
int iface_addr_compare(const IfaceAddr *a, const IfaceAddr *b);
static inline bool iface_addr_equal(const IfaceAddr *a, const IfaceAddr *b) {
        return iface_addr_compare(a, b) == 0;
}
/* fe80::/10, or 169.254.0.0/16 for IPv4. */
bool iface_addr_is_link_local(const IfaceAddr *a);
/* 127.0.0.0/8 or ::1. */
bool iface_addr_is_loopback(const IfaceAddr *a);
/* Parses "192.0.2.1" or "2001:db8::1"; -EINVAL otherwise. */
int iface_addr_from_string(const char *s, IfaceAddr *ret);

/* MCC (3 digits) + MNC (2 or 3 digits), as ModemManager's OperatorCode; "" when unknown. */
#define IFACE_OPERATOR_MAX 7

typedef struct InterfaceFacts {
        char name[IFNAMSIZ];
        int ifindex; /* > 0 */
        InterfaceType type; /* from iface_type_classify() and the config's overrides */
        Tristate metered;   /* NetworkManager's Device.Metered (guess-yes/no count as yes/no), or config */
        Tristate roaming;   /* ModemManager; non-cellular interfaces are never roaming */
        char operator_id[IFACE_OPERATOR_MAX]; /* "" = unknown */
        /* Administratively up and carrier present (IFF_UP + IFF_LOWER_UP). Only interfaces that are
         * up get new subflows; existing ones on a down interface are left to the kernel. */
        bool up;
        /* Addresses the daemon may bind subflows to: the caller leaves out tentative, deprecated and
         * DAD-failed ones. The engine itself skips link-local addresses towards non-link-local
         * remotes. Owned by whoever filled them in: iface_facts_add_address() allocates and
         * iface_facts_done() frees; tests may point at static arrays and never call done(). */
        IfaceAddr *addresses;
        size_t n_addresses;
        /* Nominal capacity in bits/s (link speed, Wi-Fi bitrate), 0 = unknown. Used by
         * load-balancing to turn weights into pacing caps. */
        uint64_t capacity_bps;
        /* Telemetry of the interface's subflows (BPF sock_ops), for priority-based overflow. */
        bool have_telemetry;
        uint64_t srtt_usec; /* smoothed RTT, best (lowest) among the interface's subflows */
        uint32_t loss_ppm;  /* retransmitted / sent, parts per million */
        /* Set by iface_overrides_apply() when the daemon config decided the value. */
        bool type_from_config;
        bool metered_from_config;
} InterfaceFacts;

/* Initialises to "nothing known": type other, tristates unknown, no capacity or telemetry, no addresses. */
void iface_facts_init(InterfaceFacts *f, const char *name, int ifindex);
/* Appends an address (duplicates are ignored). -ENOMEM, -EAFNOSUPPORT. */
int iface_facts_add_address(InterfaceFacts *f, const IfaceAddr *a);
/* Frees the address list; the struct can be reused after iface_facts_init(). */
void iface_facts_done(InterfaceFacts *f);

/* Per-interface override from the daemon config, independent of the parser's structs.
 * `name` is an exact interface name or an fnmatch(3) glob. */
typedef struct IfaceOverride {
        const char *name;
        bool type_set;    /* false: leave the classified type */
        InterfaceType type;
        Tristate metered; /* TRISTATE_UNKNOWN: leave what NetworkManager (or nobody) said */
} IfaceOverride;

/* Applies the overrides to one interface, field by field: for each of `type` and `metered` the
 * value comes from the most specific override that sets it — an entry whose `name` equals the
 * interface name exactly wins over glob entries; among several, the first listed wins. The config
 * wins over classification and over NetworkManager's Device.Metered (the administrator said so).
 * Returns the number of fields the config decided (0, 1 or 2). */
int iface_overrides_apply(const IfaceOverride *overrides, size_t n_overrides, InterfaceFacts *f);

/* Views of the daemon config's `interfaces:` as an IfaceOverride array (names point into c; free
 * the array only). Returns 0, -ENOMEM. */
int iface_overrides_from_config(const DaemonConfig *c, IfaceOverride **ret, size_t *ret_n);
