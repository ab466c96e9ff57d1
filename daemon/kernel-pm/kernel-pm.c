/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel-pm.c — applies endpoint plans to the in-kernel path manager through a caller's transport. */
#include <linux/netlink.h>

#include "kernel-pm.h"

/* One request at a time; the codec needs at most MNL_SOCKET_BUFFER_SIZE (≤ 8 KiB). */
#define KERNEL_PM_REQUEST_SIZE 8192

typedef struct Requester {
        const KernelPmTransport *t;
        uint32_t seq;
        _Alignas(4) uint8_t buf[KERNEL_PM_REQUEST_SIZE];
} Requester;

static uint32_t next_seq(Requester *q) {
        if (q->t->next_seq)
                return q->t->next_seq(q->t->userdata);
        return ++q->seq;
}

static bool transport_ok(const KernelPmTransport *t) {
        return t && t->request && t->query && t->family_id != 0;
}

KernelPmState *kernel_pm_state_free(KernelPmState *s) {
        if (!s)
                return NULL;
        free(s->endpoints);
        free(s);
        return NULL;
}

KernelPmResult *kernel_pm_result_free(KernelPmResult *r) {
        if (!r)
                return NULL;
        endpoint_plan_free(r->plan);
        free(r->failures);
        free(r);
        return NULL;
}

/* ---- reading ---------------------------------------------------------------------------------- */

typedef struct DumpContext {
        uint16_t family_id;
        PmEndpoint *endpoints;
        size_t n, allocated;
} DumpContext;

static int on_addr_reply(const struct nlmsghdr *nlh, size_t len, void *userdata) {
        DumpContext *c = userdata;
        PmEndpoint ep;
        int r;

        if (nlh->nlmsg_type != c->family_id)
                return 0;
        r = pm_addr_reply_parse(nlh, len, &ep);
        if (r < 0)
                return r;
        if (c->n == c->allocated) {
                size_t a = c->allocated ? c->allocated * 2 : 16;
                PmEndpoint *v = reallocarray(c->endpoints, a, sizeof(PmEndpoint));

                if (!v)
                        return -ENOMEM;
                c->endpoints = v;
                c->allocated = a;
        }
        c->endpoints[c->n++] = ep;
        return 0;
}

typedef struct LimitsContext {
        uint16_t family_id;
        bool have;
        uint32_t subflows, add_addr_accepted;
} LimitsContext;

static int on_limits_reply(const struct nlmsghdr *nlh, size_t len, void *userdata) {
        LimitsContext *c = userdata;
        int r;

        if (nlh->nlmsg_type != c->family_id)
                return 0;
        r = pm_limits_parse(nlh, len, &c->subflows, &c->add_addr_accepted);
        if (r < 0)
                return r;
        c->have = true;
        return 0;
}

static int read_state(Requester *q, KernelPmState **ret, const char **ret_extack) {
        _cleanup_(kernel_pm_state_freep) KernelPmState *s = NULL;
        DumpContext dump = { .family_id = q->t->family_id };
        LimitsContext limits = { .family_id = q->t->family_id };
        struct nlmsghdr *req;
        int r;

        r = pm_build_dump_addrs(q->buf, sizeof(q->buf), q->t->family_id, next_seq(q), NULL, &req);
        if (r < 0)
                return r;
        r = q->t->query(q->t->userdata, req, on_addr_reply, &dump, ret_extack);
        if (r < 0) {
                free(dump.endpoints);
                return r;
        }

        s = new0(KernelPmState, 1);
        if (!s) {
                free(dump.endpoints);
                return -ENOMEM;
        }
        s->endpoints = dump.endpoints;
        s->n_endpoints = dump.n;

        r = pm_build_get_limits(q->buf, sizeof(q->buf), q->t->family_id, next_seq(q), &req);
        if (r < 0)
                return r;
        r = q->t->query(q->t->userdata, req, on_limits_reply, &limits, ret_extack);
        if (r < 0)
                return r;
        if (!limits.have)
                return -EBADMSG;
        s->subflows = limits.subflows;
        s->add_addr_accepted = limits.add_addr_accepted;

        *ret = TAKE_PTR(s);
        return 0;
}

int kernel_pm_read_state(const KernelPmTransport *t, KernelPmState **ret, const char **ret_extack) {
        _cleanup_free_ Requester *q = NULL;

        if (!transport_ok(t) || !ret)
                return -EINVAL;
        q = new0(Requester, 1);
        if (!q)
                return -ENOMEM;
        q->t = t;
        return read_state(q, ret, ret_extack);
}

/* ---- applying --------------------------------------------------------------------------------- */

static int build_op(Requester *q, const EndpointOp *op, struct nlmsghdr **ret) {
        uint16_t fid = q->t->family_id;
        uint32_t seq = next_seq(q);

        switch (op->type) {
        case ENDPOINT_OP_DELETE:
                return pm_build_del_addr(q->buf, sizeof(q->buf), fid, seq, op->endpoint.id, ret);
        case ENDPOINT_OP_SET_FLAGS:
                return pm_build_endpoint_set_flags(
                        q->buf, sizeof(q->buf), fid, seq, op->endpoint.id, op->endpoint.flags, ret);
        case ENDPOINT_OP_SET_LIMITS:
                return pm_build_set_limits(
                        q->buf, sizeof(q->buf), fid, seq, op->subflows, op->add_addr_accepted, ret);
        case ENDPOINT_OP_ADD:
                return pm_build_add_addr(q->buf, sizeof(q->buf), fid, seq, &op->endpoint, ret);
        }
        return -EINVAL;
}

static int plan_copy(const EndpointPlan *p, EndpointPlan **ret) {
        _cleanup_(endpoint_plan_freep) EndpointPlan *c = NULL;

        c = new0(EndpointPlan, 1);
        if (!c)
                return -ENOMEM;
        *c = *p;
        c->ops = NULL;
        c->conflicts = NULL;
        c->skipped = NULL;
        c->ops = new0(EndpointOp, p->n_ops);
        c->conflicts = new0(EndpointConflict, p->n_conflicts);
        c->skipped = new0(EndpointSkip, p->n_skipped);
        if (!c->ops || !c->conflicts || !c->skipped)
                return -ENOMEM;
        if (p->n_ops > 0)
                memcpy(c->ops, p->ops, p->n_ops * sizeof(EndpointOp));
        if (p->n_conflicts > 0)
                memcpy(c->conflicts, p->conflicts, p->n_conflicts * sizeof(EndpointConflict));
        if (p->n_skipped > 0)
                memcpy(c->skipped, p->skipped, p->n_skipped * sizeof(EndpointSkip));
        *ret = TAKE_PTR(c);
        return 0;
}

static int apply(Requester *q, EndpointPlan *plan, KernelPmResult **ret) {
        _cleanup_(kernel_pm_result_freep) KernelPmResult *res = NULL;
        _cleanup_(endpoint_plan_freep) EndpointPlan *owned_plan = plan;

        res = new0(KernelPmResult, 1);
        if (!res)
                return -ENOMEM;
        res->failures = new0(KernelPmFailure, plan->n_ops);
        if (!res->failures)
                return -ENOMEM;

        for (size_t i = 0; i < plan->n_ops; i++) {
                const EndpointOp *op = &plan->ops[i];
                const char *extack = NULL;
                struct nlmsghdr *req;
                int r;

                r = build_op(q, op, &req);
                if (r >= 0)
                        r = q->t->request(q->t->userdata, req, &extack);
                if (r >= 0) {
                        res->n_applied++;
                        continue;
                }

                KernelPmFailure *f = &res->failures[res->n_failures++];
                *f = (KernelPmFailure){ .op = *op, .error = r };
                snprintf(f->extack, sizeof(f->extack), "%s", extack ?: "");
        }

        res->plan = TAKE_PTR(owned_plan);
        *ret = TAKE_PTR(res);
        return 0;
}

int kernel_pm_apply(const KernelPmTransport *t, const EndpointPlan *plan, KernelPmResult **ret) {
        _cleanup_free_ Requester *q = NULL;
        EndpointPlan *copy;
        int r;

        if (!transport_ok(t) || !plan || !ret)
                return -EINVAL;
        q = new0(Requester, 1);
        if (!q)
                return -ENOMEM;
        q->t = t;
        r = plan_copy(plan, &copy);
        if (r < 0)
                return r;
        return apply(q, copy, ret);
}

static int reconcile(
        const KernelPmTransport *t, const EndpointPlanInput *policy, KernelPmResult **ret,
        const char **ret_extack) {
        _cleanup_free_ Requester *q = NULL;
        _cleanup_(kernel_pm_state_freep) KernelPmState *state = NULL;
        EndpointPlan *plan;
        EndpointPlanInput in;
        int r;

        q = new0(Requester, 1);
        if (!q)
                return -ENOMEM;
        q->t = t;

        r = read_state(q, &state, ret_extack);
        if (r < 0)
                return r;

        in = *policy;
        in.current = state->endpoints;
        in.n_current = state->n_endpoints;
        in.current_limits_known = true;
        in.current_subflows = state->subflows;
        in.current_add_addr_accepted = state->add_addr_accepted;

        r = endpoint_plan_compute(&in, &plan);
        if (r < 0)
                return r;
        return apply(q, plan, ret);
}

int kernel_pm_reconcile(
        const KernelPmTransport *t, const EndpointPlanInput *policy, KernelPmResult **ret,
        const char **ret_extack) {
        if (!transport_ok(t) || !policy || !ret)
                return -EINVAL;
        return reconcile(t, policy, ret, ret_extack);
}

int kernel_pm_release(const KernelPmTransport *t, KernelPmResult **ret, const char **ret_extack) {
        /* No managed interface: every endpoint the daemon owns is unwanted, foreign ones are left. */
        const EndpointPlanInput none = {
                .role = ENDPOINT_ROLE_DEFAULT,
                .limit_subflows = ENDPOINT_KERNEL_MAX,
                .leave_limits = true,
        };

        if (!transport_ok(t) || !ret)
                return -EINVAL;
        return reconcile(t, &none, ret, ret_extack);
}
