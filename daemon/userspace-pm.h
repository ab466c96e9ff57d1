/* SPDX-License-Identifier: GPL-2.0-or-later */
/* userspace-pm.h — the userspace path manager: kernel events in, subflow commands out. */
#pragma once

#include "manager.h"
#include "mptcp-diag.h"

void userspace_pm_handle_event(Manager *m, const PmEvent *ev);
/* Brings every live outgoing connection to what the current addresses allow. */
void userspace_pm_reconcile_all(Manager *m);
/* Brings the connection table to the kernel's own view (a sock_diag snapshot): adopts connections
 * it did not see created (daemon restart, lost events), forgets closed ones, takes subflows, their
 * IDs and backup flags from the kernel; then reconciles everything with the policy. */
/* latched_kind: the path manager connections not seen before were created under. */
void userspace_pm_resync(Manager *m, const MptcpDiagSnapshot *snapshot, PmKind latched_kind);
void userspace_pm_forget_address(Manager *m, const PmAddr *addr);
