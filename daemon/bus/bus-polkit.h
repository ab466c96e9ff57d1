/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-polkit.h — authorizes mutating D-Bus calls: root always, anyone else through polkit,
 * asynchronously, so the daemon never blocks on an authentication dialog. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "macro.h"

#define POLKIT_ACTION_SWITCH_PROFILE "org.mptcp.policy1.switch-profile"
#define POLKIT_ACTION_HOLD_PROFILE "org.mptcp.policy1.hold-profile"
#define POLKIT_ACTION_RELOAD "org.mptcp.policy1.reload"

/* More queries in flight than this is a caller flooding us: refused with LimitsExceeded. */
#define POLKIT_QUERIES_MAX 256

typedef struct PolkitRegistry PolkitRegistry;

PolkitRegistry *polkit_registry_free(PolkitRegistry *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(PolkitRegistry *, polkit_registry_free);

/*
 * Call at the "authorize" step of a handler, after its arguments are validated:
 *   1   the caller may (root, or polkit said yes on an earlier round): go on and apply;
 *   0   a polkit query is under way: return 1 from the handler without replying; the same call
 *       is dispatched to the handler again when polkit answers (sd_bus_enqueue_for_read);
 *   <0  refused or failed, with error set (org.mptcp.Policy1.Error.NotAuthorized when polkit
 *       says no or is not there).
 * interactive lets polkit ask the user (AllowUserInteraction).
 */
int bus_verify_polkit_async(sd_bus_message *call, const char *action, bool interactive, PolkitRegistry **registry,
                            sd_bus_error *error);
