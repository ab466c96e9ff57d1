/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel-backend.c — drives daemon/kernel-pm over the daemon's mptcp_pm socket and logs results. */
#include "kernel-backend.h"
#include "kernel-pm.h"
#include "log.h"

static int transport_request(void *userdata, const struct nlmsghdr *req, const char **ret_extack) {
        return pm_socket_request(userdata, req, ret_extack);
}

static int transport_query(void *userdata, const struct nlmsghdr *req, kernel_pm_reply_t on_reply,
                           void *reply_userdata, const char **ret_extack) {
        return pm_socket_query(userdata, req, on_reply, reply_userdata, ret_extack);
}

static uint32_t transport_next_seq(void *userdata) {
        return pm_socket_next_seq(userdata);
}

static KernelPmTransport transport(Manager *m) {
        return (KernelPmTransport) {
                .family_id = pm_socket_family_id(m->pm),
                .request = transport_request,
                .query = transport_query,
                .next_seq = transport_next_seq,
                .userdata = m->pm,
        };
}

static void log_result(const KernelPmResult *res) {
        char buf[256];

        for (size_t i = 0; i < res->plan->n_ops; i++)
                log_info("In-kernel PM: %s", endpoint_op_to_string(&res->plan->ops[i], buf, sizeof(buf)));
        for (size_t i = 0; i < res->n_failures; i++) {
                const KernelPmFailure *f = &res->failures[i];

                log_warning_errno(f->error, "In-kernel PM: %s refused: %m%s%s",
                                  endpoint_op_to_string(&f->op, buf, sizeof(buf)), *f->extack ? ": " : "",
                                  f->extack);
        }
        /* Not ours to change (NetworkManager creates such endpoints by default): say so, once per
         * apply, and leave them. */
        for (size_t i = 0; i < res->plan->n_conflicts; i++)
                log_notice("In-kernel PM: %s",
                           endpoint_conflict_to_string(&res->plan->conflicts[i], buf, sizeof(buf)));
}

/* The daemon configuration's `kernel-endpoints:` in the planner's terms. */
static EndpointRole endpoint_role(KernelEndpointsRole r) {
        switch (r) {
        case KERNEL_ENDPOINTS_CLIENT:
                return ENDPOINT_ROLE_CLIENT;
        case KERNEL_ENDPOINTS_SERVER:
                return ENDPOINT_ROLE_SERVER;
        case KERNEL_ENDPOINTS_BOTH:
                return ENDPOINT_ROLE_BOTH;
        }
        return ENDPOINT_ROLE_DEFAULT;
}

int kernel_backend_apply(Manager *m) {
        _cleanup_(kernel_pm_result_freep) KernelPmResult *res = NULL;
        KernelPmTransport t = transport(m);
        const char *extack = NULL;
        EndpointPlanInput in = {
                .decisions = m->interfaces.decisions,
                .facts = m->interfaces.facts,
                .n_interfaces = m->interfaces.n,
                .role = endpoint_role(m->settings->config->kernel_endpoints),
                .limit_subflows = m->profile->limits.subflows,
                .limit_add_addr_accepted = m->profile->limits.add_addr_accepted,
        };
        int r;

        r = kernel_pm_reconcile(&t, &in, &res, &extack);
        if (res)
                log_result(res);
        if (r < 0)
                return log_warning_errno(r, "In-kernel PM: reconciling endpoints failed: %m%s%s",
                                         extack && *extack ? ": " : "", extack ?: "");
        return 0;
}

int kernel_backend_release(Manager *m) {
        _cleanup_(kernel_pm_result_freep) KernelPmResult *res = NULL;
        KernelPmTransport t = transport(m);
        const char *extack = NULL;
        int r;

        r = kernel_pm_release(&t, &res, &extack);
        if (res)
                log_result(res);
        if (r < 0)
                return log_warning_errno(r, "In-kernel PM: removing our endpoints failed: %m%s%s",
                                         extack && *extack ? ": " : "", extack ?: "");
        return 0;
}
