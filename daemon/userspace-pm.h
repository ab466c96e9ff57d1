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
/* A join with no outcome after this long is given up (a wrong interface gives no event at all). */
#define SUBFLOW_PENDING_TIMEOUT_USEC (10 * 1000 * 1000ULL)
/* Backoff before re-creating after a failure: 1 s, doubling, at most 30 s; reset after 5 min
 * without failure. */
#define SUBFLOW_RETRY_MIN_USEC (1000 * 1000ULL)
#define SUBFLOW_RETRY_MAX_USEC (30 * 1000 * 1000ULL)
#define SUBFLOW_FAILURES_FORGET_USEC (300 * 1000 * 1000ULL)
/* A connection adopted from a snapshot before the kernel saw it fully established refuses joins
 * (ENOTCONN): not a path failure, so a short backoff, 100 ms doubling to at most 6.4 s. */
#define SUBFLOW_NOT_READY_MIN_USEC (100 * 1000ULL)
#define SUBFLOW_NOT_READY_MAX_SHIFT 6u

/* Expires joins that never reported back and re-plans connections whose backoff ended. Returns
 * the next time (CLOCK_MONOTONIC µs) it needs to run, or 0 when nothing is waiting. */
uint64_t userspace_pm_run_timers(Manager *m);
/* Sends a request built in the PM socket's buffer for connection c; logs a failure with the
 * kernel's explanation (at debug level when the connection is simply gone). */
int userspace_pm_send(Manager *m, Connection *c, const struct nlmsghdr *req, const char *what,
                      const PmAddr *local, const PmAddr *remote);
void userspace_pm_forget_address(Manager *m, const PmAddr *addr);
