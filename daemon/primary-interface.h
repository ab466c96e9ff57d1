/* SPDX-License-Identifier: GPL-2.0-or-later */
/* primary-interface.h — the interface carrying the default route, for the auto profile rules. */
#pragma once

/* The output interface of the preferred (lowest metric) IPv4 default route of the main table,
 * else the IPv6 one. Returns the ifindex (> 0), 0 when there is no default route, or negative
 * errno. One synchronous rtnetlink dump. */
int primary_interface_lookup(void);
