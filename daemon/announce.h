/* SPDX-License-Identifier: GPL-2.0-or-later */
/* announce.h — the server side of the userspace PM: ADD_ADDR and REMOVE on accepted connections. */
#pragma once

#include "manager.h"

/* Announces to the peer of an accepted connection every usable address of the interfaces the
 * active profile allows (not `never`), other than the connection's own, and withdraws (REMOVE)
 * those announced before that are gone or no longer allowed. Where the application listens on a
 * specific address only, the daemon opens an MPTCP listener on the announced address and the
 * connection's port so the peer's joins find one (the kernel opens none for ANNOUNCE). */
void announce_reconcile(Manager *m, Connection *c);

/* Closes the daemon's listeners on addr (the address left the system). */
void announce_forget_address(Manager *m, const PmAddr *addr);
/* Closes every listener of the daemon. */
void announce_listeners_free(Manager *m);
