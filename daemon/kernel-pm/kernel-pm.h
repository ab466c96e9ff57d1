/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel-pm.h — the in-kernel PM backend: reads endpoints and limits, plans, applies, reports. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "endpoint-plan.h"
#include "macro.h"

struct nlmsghdr;

/*
 * No socket and no logging here: the caller passes a transport (KernelPmTransport) and logs the
 * returned KernelPmResult (each op applied, each failure with the kernel's extack, each conflict
 * and skipped endpoint). The daemon wires the transport to its PmSocket; tests to their own.
 *
 * kernel_pm_reconcile() = read (GET_ADDR dump + GET_LIMITS) → endpoint_plan_compute() → apply.
 * Call it on every profile switch and on every address/link change of a managed interface; it is
 * idempotent (a second call on an unchanged system applies nothing). Ops are applied in the
 * plan's order and a failing op does not stop the others (a race with NetworkManager or `ip
 * mptcp` on one endpoint must not leave the rest unenforced); the next reconcile retries.
 */

/* Called for each message of a query's answer (generic netlink messages only; the transport
 * consumes NLMSG_DONE and the ack). A negative return stops the query and is returned by it. */
typedef int (*kernel_pm_reply_t)(const struct nlmsghdr *nlh, size_t len, void *userdata);

typedef struct KernelPmTransport {
        uint16_t family_id; /* of "mptcp_pm" */
        /* Sends one command built with NLM_F_REQUEST|NLM_F_ACK and waits for its ack. Returns 0 or
         * the kernel's negative errno; *ret_extack (when not NULL) then points at the kernel's
         * explanation or is NULL/"" — valid until the next call. Same shape as pm_socket_request()
         * with the PmSocket passed as userdata. */
        int (*request)(void *userdata, const struct nlmsghdr *req, const char **ret_extack);
        /* Sends a request answered with data — a dump (NLM_F_DUMP: GET_ADDR) or a doit with a
         * reply (GET_LIMITS, with NLM_F_ACK) — and calls on_reply for each answer message until
         * NLMSG_DONE or the ack. Returns 0, on_reply's negative return, or the kernel's error
         * (*ret_extack as above). */
        int (*query)(
                void *userdata, const struct nlmsghdr *req, kernel_pm_reply_t on_reply, void *reply_userdata,
                const char **ret_extack);
        /* Sequence numbers for requests; NULL: the applier counts on its own. */
        uint32_t (*next_seq)(void *userdata);
        void *userdata;
} KernelPmTransport;

/* The kernel's in-kernel PM state. */
typedef struct KernelPmState {
        PmEndpoint *endpoints; /* in dump order (by ID) */
        size_t n_endpoints;
        uint32_t subflows;
        uint32_t add_addr_accepted;
} KernelPmState;

KernelPmState *kernel_pm_state_free(KernelPmState *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(KernelPmState *, kernel_pm_state_free);

/* GET_ADDR dump + GET_LIMITS. Returns 0, the transport's error, -EBADMSG (malformed reply),
 * -ENOMEM. *ret_extack as for the transport. */
int kernel_pm_read_state(const KernelPmTransport *t, KernelPmState **ret, const char **ret_extack);

/* An op the kernel refused. */
typedef struct KernelPmFailure {
        EndpointOp op;
        int error;        /* negative errno */
        char extack[128]; /* the kernel's explanation, "" if none */
} KernelPmFailure;

typedef struct KernelPmResult {
        EndpointPlan *plan; /* what was planned: ops, conflicts, skipped, limits, flags */
        size_t n_applied;   /* ops the kernel accepted */
        KernelPmFailure *failures;
        size_t n_failures;
} KernelPmResult;

KernelPmResult *kernel_pm_result_free(KernelPmResult *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(KernelPmResult *, kernel_pm_result_free);

/* Applies plan's ops in order (the plan is copied into the result). Returns 0 with *ret when every
 * op was tried — failures are in (*ret)->failures — or -EINVAL, -ENOMEM, or a builder error
 * before anything was sent. */
int kernel_pm_apply(const KernelPmTransport *t, const EndpointPlan *plan, KernelPmResult **ret);

/* Reads the state, plans with policy (its current* fields are ignored and replaced by what the
 * kernel says) and applies. Returns 0 with *ret (see kernel_pm_apply()), or the error of reading
 * the state or of planning; *ret_extack carries the kernel's explanation of a failed read. */
int kernel_pm_reconcile(
        const KernelPmTransport *t, const EndpointPlanInput *policy, KernelPmResult **ret,
        const char **ret_extack);

/* Deletes every endpoint the daemon owns and leaves the limits alone (switching to the userspace
 * backend, or stopping). Same returns as kernel_pm_reconcile(). */
int kernel_pm_release(const KernelPmTransport *t, KernelPmResult **ret, const char **ret_extack);
