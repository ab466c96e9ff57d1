/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-kernel-pm.c — the applier against a fake kernel behind the transport. */

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kernel-pm.h"

static unsigned failures, checks;

#define CHECK(expr)                                                                        \
        do {                                                                               \
                checks++;                                                                  \
                if (!(expr)) {                                                             \
                        fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #expr); \
                        failures++;                                                        \
                }                                                                          \
        } while (0)

#define FAMILY 0x1c

/* ---- the fake kernel -------------------------------------------------------------------------- */

typedef struct FakeKernel {
        PmEndpoint eps[8];
        size_t n;
        uint32_t subflows, accepted;
        /* Injected failures. */
        uint8_t refuse_cmd; /* 0 = none */
        int refuse_error;
        const char *refuse_extack;
        int query_error;     /* returned by the next query */
        bool malformed_dump; /* GET_ADDR replies without the ADDR nest */
        /* What was asked. */
        unsigned n_requests, n_queries;
        char log[1024];
        uint8_t reply[4096];
} FakeKernel;

typedef struct Parsed {
        uint8_t cmd;
        PmEndpoint ep;
        bool has_subflows, has_accepted;
        uint32_t subflows, accepted;
} Parsed;

static int addr_cb(const struct nlattr *a, void *data) {
        PmEndpoint *ep = data;

        switch (mnl_attr_get_type(a)) {
        case MPTCP_PM_ADDR_ATTR_FAMILY:
                ep->addr.family = mnl_attr_get_u16(a);
                break;
        case MPTCP_PM_ADDR_ATTR_ID:
                ep->id = mnl_attr_get_u8(a);
                break;
        case MPTCP_PM_ADDR_ATTR_ADDR4:
                memcpy(&ep->addr.in, mnl_attr_get_payload(a), 4);
                break;
        case MPTCP_PM_ADDR_ATTR_IF_IDX:
                ep->ifindex = (int32_t) mnl_attr_get_u32(a);
                break;
        case MPTCP_PM_ADDR_ATTR_FLAGS:
                ep->flags = mnl_attr_get_u32(a);
                break;
        case MPTCP_PM_ADDR_ATTR_PORT:
                ep->addr.port = mnl_attr_get_u16(a);
                break;
        default:
                break;
        }
        return MNL_CB_OK;
}

static int top_cb(const struct nlattr *a, void *data) {
        Parsed *p = data;

        switch (mnl_attr_get_type(a)) {
        case MPTCP_PM_ATTR_ADDR:
                mnl_attr_parse_nested(a, addr_cb, &p->ep);
                break;
        case MPTCP_PM_ATTR_SUBFLOWS:
                p->has_subflows = true;
                p->subflows = mnl_attr_get_u32(a);
                break;
        case MPTCP_PM_ATTR_RCV_ADD_ADDRS:
                p->has_accepted = true;
                p->accepted = mnl_attr_get_u32(a);
                break;
        default:
                break;
        }
        return MNL_CB_OK;
}

static Parsed parse(const struct nlmsghdr *req) {
        const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
        Parsed p = { .cmd = g->cmd };

        mnl_attr_parse(req, sizeof(*g), top_cb, &p);
        return p;
}

static void logf_(FakeKernel *k, const char *s) {
        size_t len = strlen(k->log);
        snprintf(k->log + len, sizeof(k->log) - len, "%s%s", len ? "; " : "", s);
}

static int fake_request(void *userdata, const struct nlmsghdr *req, const char **ret_extack) {
        FakeKernel *k = userdata;
        Parsed p = parse(req);
        char line[64];

        k->n_requests++;
        CHECK(req->nlmsg_type == FAMILY);
        CHECK(req->nlmsg_flags & NLM_F_ACK);
        *ret_extack = "";
        if (p.cmd == k->refuse_cmd) {
                snprintf(line, sizeof(line), "refused %u", p.cmd);
                logf_(k, line);
                *ret_extack = k->refuse_extack;
                return k->refuse_error;
        }

        switch (p.cmd) {
        case MPTCP_PM_CMD_ADD_ADDR:
                if (k->n == ELEMENTSOF(k->eps))
                        return -ERANGE;
                k->eps[k->n++] = p.ep;
                snprintf(line, sizeof(line), "add %u", p.ep.id);
                break;
        case MPTCP_PM_CMD_DEL_ADDR:
                for (size_t i = 0; i < k->n; i++)
                        if (k->eps[i].id == p.ep.id) {
                                k->eps[i] = k->eps[--k->n];
                                snprintf(line, sizeof(line), "del %u", p.ep.id);
                                logf_(k, line);
                                return 0;
                        }
                *ret_extack = "address not found";
                return -EINVAL;
        case MPTCP_PM_CMD_SET_FLAGS:
                for (size_t i = 0; i < k->n; i++)
                        if (k->eps[i].id == p.ep.id) {
                                uint32_t mask = MPTCP_PM_ADDR_FLAG_BACKUP | MPTCP_PM_ADDR_FLAG_FULLMESH;
                                k->eps[i].flags = (k->eps[i].flags & ~mask) | (p.ep.flags & mask);
                                snprintf(line, sizeof(line), "flags %u 0x%x", p.ep.id, p.ep.flags);
                                logf_(k, line);
                                return 0;
                        }
                *ret_extack = "address not found";
                return -EINVAL;
        case MPTCP_PM_CMD_SET_LIMITS:
                if ((p.has_subflows && p.subflows > 8) || (p.has_accepted && p.accepted > 8)) {
                        *ret_extack = "limit greater than maximum (8)";
                        return -EINVAL;
                }
                if (p.has_subflows)
                        k->subflows = p.subflows;
                if (p.has_accepted)
                        k->accepted = p.accepted;
                snprintf(line, sizeof(line), "limits %u %u", k->subflows, k->accepted);
                break;
        default:
                return -EOPNOTSUPP;
        }
        logf_(k, line);
        return 0;
}

static int fake_query(
        void *userdata, const struct nlmsghdr *req, kernel_pm_reply_t on_reply, void *ud,
        const char **ret_extack) {
        FakeKernel *k = userdata;
        Parsed p = parse(req);
        int r;

        k->n_queries++;
        if (k->query_error) {
                *ret_extack = "injected";
                return k->query_error;
        }

        if (p.cmd == MPTCP_PM_CMD_GET_ADDR) {
                CHECK(req->nlmsg_flags & NLM_F_DUMP);
                for (size_t i = 0; i < k->n; i++) {
                        struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->reply);
                        struct genlmsghdr *g;
                        struct nlattr *nest;

                        nlh->nlmsg_type = FAMILY;
                        nlh->nlmsg_seq = req->nlmsg_seq;
                        g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
                        g->cmd = MPTCP_PM_CMD_GET_ADDR;
                        g->version = 1;
                        if (!k->malformed_dump) {
                                nest = mnl_attr_nest_start(nlh, MPTCP_PM_ATTR_ADDR);
                                mnl_attr_put_u16(
                                        nlh, MPTCP_PM_ADDR_ATTR_FAMILY, (uint16_t) k->eps[i].addr.family);
                                mnl_attr_put_u8(nlh, MPTCP_PM_ADDR_ATTR_ID, k->eps[i].id);
                                mnl_attr_put(nlh, MPTCP_PM_ADDR_ATTR_ADDR4, 4, &k->eps[i].addr.in);
                                mnl_attr_put_u32(nlh, MPTCP_PM_ADDR_ATTR_FLAGS, k->eps[i].flags);
                                if (k->eps[i].ifindex)
                                        mnl_attr_put_u32(
                                                nlh, MPTCP_PM_ADDR_ATTR_IF_IDX,
                                                (uint32_t) k->eps[i].ifindex);
                                mnl_attr_nest_end(nlh, nest);
                        } else
                                mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_SUBFLOWS, 1);
                        r = on_reply(nlh, nlh->nlmsg_len, ud);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        if (p.cmd == MPTCP_PM_CMD_GET_LIMITS) {
                struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->reply);
                struct genlmsghdr *g;

                nlh->nlmsg_type = FAMILY;
                nlh->nlmsg_seq = req->nlmsg_seq;
                g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
                g->cmd = MPTCP_PM_CMD_GET_LIMITS;
                g->version = 1;
                mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_RCV_ADD_ADDRS, k->accepted);
                mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_SUBFLOWS, k->subflows);
                return on_reply(nlh, nlh->nlmsg_len, ud);
        }
        return -EOPNOTSUPP;
}

/* ---- policy ----------------------------------------------------------------------------------- */

typedef struct Policy {
        InterfaceFacts facts[2];
        InterfaceDecision decisions[2];
        EndpointPlanInput in;
} Policy;

static void policy_init(Policy *p, bool lte_backup) {
        static const char *names[2] = { "wifi", "lte" };
        static const char *addrs[2] = { "10.0.1.1", "10.0.2.1" };

        for (size_t i = 0; i < 2; i++) {
                IfaceAddr a;

                iface_facts_init(&p->facts[i], names[i], (int) i + 2);
                p->facts[i].up = true;
                if (iface_addr_from_string(addrs[i], &a) < 0 ||
                    iface_facts_add_address(&p->facts[i], &a) < 0)
                        abort();
                p->decisions[i] =
                        (InterfaceDecision){ .ifindex = (int) i + 2, .use = RULE_USE_ACTIVE, .subflows = 1 };
                snprintf(p->decisions[i].name, sizeof(p->decisions[i].name), "%s", names[i]);
        }
        if (lte_backup) {
                p->decisions[1].use = RULE_USE_BACKUP;
                p->decisions[1].backup = true;
        }
        p->in = (EndpointPlanInput){
                .decisions = p->decisions,
                .facts = p->facts,
                .n_interfaces = 2,
                .limit_subflows = 4,
        };
}

static void policy_done(Policy *p) {
        for (size_t i = 0; i < 2; i++)
                iface_facts_done(&p->facts[i]);
}

static KernelPmTransport transport(FakeKernel *k) {
        return (KernelPmTransport){
                .family_id = FAMILY, .request = fake_request, .query = fake_query, .userdata = k
        };
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_reconcile_and_again(void) {
        FakeKernel k = {};
        KernelPmTransport t = transport(&k);
        KernelPmResult *res = NULL;
        const char *extack = NULL;
        Policy pol;

        /* A foreign endpoint is never touched. */
        k.eps[k.n++] = (PmEndpoint){ .addr = { .family = AF_INET, .in.s_addr = htonl(0x0a000901) },
                                     .id = 1,
                                     .flags = MPTCP_PM_ADDR_FLAG_SIGNAL };

        policy_init(&pol, false);
        CHECK(kernel_pm_reconcile(&t, &pol.in, &res, &extack) == 0);
        CHECK(res && res->n_failures == 0 && res->n_applied == 3 && res->plan->n_ops == 3);
        CHECK(k.n == 3 && k.subflows == 2 && k.accepted == 0);
        CHECK(k.n_queries == 2);
        for (size_t i = 1; i < k.n; i++)
                CHECK(endpoint_plan_is_owned(&k.eps[i]) && k.eps[i].ifindex > 0 &&
                      k.eps[i].flags == (MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_FULLMESH));
        printf("first reconcile: %s\n", k.log);
        kernel_pm_result_free(res);

        /* Stateless: the next call reads the kernel again and finds nothing to do. */
        k.log[0] = 0;
        unsigned before = k.n_requests;
        CHECK(kernel_pm_reconcile(&t, &pol.in, &res, &extack) == 0);
        CHECK(res && res->plan->n_ops == 0 && res->n_applied == 0 && k.n_requests == before);
        kernel_pm_result_free(res);

        /* lte backup: one SET_FLAGS. */
        policy_done(&pol);
        policy_init(&pol, true);
        CHECK(kernel_pm_reconcile(&t, &pol.in, &res, &extack) == 0);
        CHECK(res && res->plan->n_ops == 1 && res->plan->ops[0].type == ENDPOINT_OP_SET_FLAGS &&
              res->n_applied == 1);
        CHECK(k.n_requests == before + 1);
        printf("switch to lte backup: %s\n", k.log);
        kernel_pm_result_free(res);

        /* Release: ours deleted, the foreign one stays, limits untouched. */
        k.log[0] = 0;
        CHECK(kernel_pm_release(&t, &res, &extack) == 0);
        CHECK(res && res->n_applied == 2 && endpoint_plan_count(res->plan, ENDPOINT_OP_DELETE) == 2);
        CHECK(k.n == 1 && k.eps[0].id == 1 && k.subflows == 2);
        printf("release: %s\n", k.log);
        kernel_pm_result_free(res);
        policy_done(&pol);
}

static void test_failures_do_not_stop(void) {
        FakeKernel k = { .subflows = 0,
                         .refuse_cmd = MPTCP_PM_CMD_ADD_ADDR,
                         .refuse_error = -EEXIST,
                         .refuse_extack = "too many addresses or duplicate one: -17" };
        KernelPmTransport t = transport(&k);
        KernelPmResult *res = NULL;
        const char *extack = NULL;
        Policy pol;

        policy_init(&pol, false);
        CHECK(kernel_pm_reconcile(&t, &pol.in, &res, &extack) == 0);
        /* limits applied, both adds tried and reported. */
        CHECK(res && res->plan->n_ops == 3 && res->n_applied == 1 && res->n_failures == 2);
        CHECK(k.n_requests == 3);
        if (res && res->n_failures == 2) {
                char line[ENDPOINT_LINE_STRLEN];

                for (size_t i = 0; i < 2; i++) {
                        CHECK(res->failures[i].error == -EEXIST);
                        CHECK(streq(res->failures[i].extack, "too many addresses or duplicate one: -17"));
                        CHECK(res->failures[i].op.type == ENDPOINT_OP_ADD);
                }
                printf("refused: %s: %s (%s)\n",
                       endpoint_op_to_string(&res->failures[0].op, line, sizeof(line)),
                       strerror(-res->failures[0].error), res->failures[0].extack);
        }
        kernel_pm_result_free(res);
        policy_done(&pol);
}

static void test_read_errors(void) {
        FakeKernel k = { .query_error = -EPERM };
        KernelPmTransport t = transport(&k);
        KernelPmResult *res = NULL;
        KernelPmState *st = NULL;
        const char *extack = NULL;
        Policy pol;

        policy_init(&pol, false);
        CHECK(kernel_pm_reconcile(&t, &pol.in, &res, &extack) == -EPERM);
        CHECK(res == NULL && k.n_requests == 0 && extack && streq(extack, "injected"));

        k = (FakeKernel){ .malformed_dump = true };
        k.eps[k.n++] =
                (PmEndpoint){ .addr = { .family = AF_INET }, .id = 3, .flags = MPTCP_PM_ADDR_FLAG_SIGNAL };
        CHECK(kernel_pm_read_state(&t, &st, NULL) == -EBADMSG);
        CHECK(st == NULL);
        CHECK(kernel_pm_reconcile(&t, &pol.in, &res, NULL) == -EBADMSG);
        CHECK(k.n_requests == 0);

        KernelPmTransport bad = t;
        bad.query = NULL;
        CHECK(kernel_pm_reconcile(&bad, &pol.in, &res, NULL) == -EINVAL);
        bad = t;
        bad.family_id = 0;
        CHECK(kernel_pm_read_state(&bad, &st, NULL) == -EINVAL);
        CHECK(kernel_pm_apply(&t, NULL, &res) == -EINVAL);
        CHECK(kernel_pm_result_free(NULL) == NULL && kernel_pm_state_free(NULL) == NULL);
        policy_done(&pol);
}

static void test_apply_plan_copy(void) {
        FakeKernel k = {};
        KernelPmTransport t = transport(&k);
        KernelPmResult *res = NULL;
        EndpointOp ops[] = { { .type = ENDPOINT_OP_SET_LIMITS, .subflows = 3, .add_addr_accepted = 1 } };
        EndpointPlan p = { .ops = ops, .n_ops = 1, .subflows = 3, .add_addr_accepted = 1 };

        CHECK(kernel_pm_apply(&t, &p, &res) == 0);
        CHECK(res && res->plan != &p && res->plan->n_ops == 1 && res->plan->ops != ops &&
              res->n_applied == 1);
        CHECK(k.subflows == 3 && k.accepted == 1);
        kernel_pm_result_free(res);
}

int main(void) {
        test_reconcile_and_again();
        test_failures_do_not_stop();
        test_read_errors();
        test_apply_plan_copy();
        printf("%u checks, %u failures\n", checks, failures);
        return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
