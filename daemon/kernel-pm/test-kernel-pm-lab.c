/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-kernel-pm-lab.c — the kernel backend on the real kernel, in a private network namespace. */

/*
 * Usage: test-kernel-pm-lab POLICIES_DIR   (root; suite 'lab')
 *
 * Creates its own network namespace (unshare(CLONE_NEWNET), checked to differ from the one it
 * started in before anything is configured) with veth pairs "wifi", "lte" and "eth", loads the
 * shipped aggregate and metered profiles, and checks what the kernel holds after each reconcile:
 *   aggregate → subflow endpoints with dev on wifi and lte, limits as planned;
 *   again      → no operation;
 *   metered    → lte's endpoint flagged backup in place (same ID, nothing deleted or added);
 *   lte never  → our lte endpoint deleted;
 *   release    → our endpoints gone;
 * and throughout: a NetworkManager-style endpoint added before (`ip mptcp endpoint add ADDR dev
 * eth subflow`) and one on an unmanaged address are never changed, and the first is reported as a
 * conflict. The namespace dies with the process.
 */

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>

#include "kernel-pm.h"
#include "kpm-test-genl.h"
#include "policy-engine.h"

static unsigned failures, checks;

#define CHECK(expr)                                                                        \
        do {                                                                               \
                checks++;                                                                  \
                if (!(expr)) {                                                             \
                        fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #expr); \
                        failures++;                                                        \
                }                                                                          \
        } while (0)

_noreturn_ static void die(const char *what, int r) {
        fprintf(stderr, "test setup failed: %s: %s\n", what, r ? strerror(r < 0 ? -r : r) : "");
        exit(EXIT_FAILURE);
}

/* ---- namespace and interfaces ----------------------------------------------------------------- */

static ino_t netns_inode(void) {
        struct stat st;

        if (stat("/proc/self/ns/net", &st) < 0)
                die("stat /proc/self/ns/net", errno);
        return st.st_ino;
}

static void sh(const char *cmd) {
        int r = system(cmd);

        if (r != 0) {
                fprintf(stderr, "command failed (%d): %s\n", r, cmd);
                exit(EXIT_FAILURE);
        }
}

/* `ip mptcp endpoint show` (an independent view of the kernel's table). */
static void ip_endpoint_show(char *out, size_t size) {
        FILE *f = popen("ip mptcp endpoint show", "r");
        size_t n;

        if (!f)
                die("popen", errno);
        n = fread(out, 1, size - 1, f);
        out[n] = 0;
        if (pclose(f) != 0)
                die("ip mptcp endpoint show", 0);
}

/* The line of `ip mptcp endpoint show` for addr ("" if none). */
static void ip_endpoint_line(const char *addr, char *out, size_t size) {
        char all[4096], prefix[64];

        ip_endpoint_show(all, sizeof(all));
        snprintf(prefix, sizeof(prefix), "%s ", addr);
        out[0] = 0;
        for (char *save = NULL, *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (strncmp(l, prefix, strlen(prefix)) == 0)
                        snprintf(out, size, "%s", l);
}

/* ---- facts, profiles, decisions --------------------------------------------------------------- */

#define N_IFACES 3
static const struct {
        const char *name;
        const char *addr;
        InterfaceType type;
        Tristate metered;
} lab_ifaces[N_IFACES] = {
        { "wifi", "10.77.1.1", INTERFACE_TYPE_WIFI, TRISTATE_NO },
        { "lte", "10.77.2.1", INTERFACE_TYPE_CELLULAR, TRISTATE_YES },
        { "eth", "10.77.3.1", INTERFACE_TYPE_ETHERNET, TRISTATE_NO },
};

typedef struct Lab {
        TestSocket sock;
        KernelPmTransport t;
        InterfaceFacts facts[N_IFACES];
        const char *policies_dir;
} Lab;

static Profile *load_profile(const char *path) {
        PolicyDiagnostics diag = {};
        Profile *p = NULL;
        int r;

        r = profile_parse_file(path, NULL, &p, &diag);
        if (r < 0) {
                policy_diagnostics_print(&diag, stderr);
                die(path, r);
        }
        policy_diagnostics_done(&diag);
        return p;
}

static Profile *load_profile_text(const char *text) {
        PolicyDiagnostics diag = {};
        Profile *p = NULL;
        int r;

        r = profile_parse_buffer(text, strlen(text), "wifi-only.yaml", NULL, &p, &diag);
        if (r < 0) {
                policy_diagnostics_print(&diag, stderr);
                die("wifi-only profile", r);
        }
        policy_diagnostics_done(&diag);
        return p;
}

/* Decides with profile and reconciles; prints what was done. */
static KernelPmResult *reconcile(Lab *lab, const char *label, const Profile *profile) {
        const PolicyCapabilities caps = {};
        InterfaceDecision d[N_IFACES];
        KernelPmResult *res = NULL;
        const char *extack = NULL;
        char line[ENDPOINT_LINE_STRLEN];
        int r;

        r = policy_decide(profile, &caps, lab->facts, N_IFACES, d);
        if (r < 0)
                die("policy_decide", r);

        EndpointPlanInput in = {
                .decisions = d,
                .facts = lab->facts,
                .n_interfaces = N_IFACES,
                .role = ENDPOINT_ROLE_DEFAULT,
                .limit_subflows = profile->limits.subflows,
                .limit_add_addr_accepted = profile->limits.add_addr_accepted,
        };
        r = kernel_pm_reconcile(&lab->t, &in, &res, &extack);
        if (r < 0) {
                fprintf(stderr, "reconcile: %s (%s)\n", strerror(-r), strna(extack));
                die("kernel_pm_reconcile", r);
        }

        printf("== %s: profile %s —", label, profile->name);
        for (size_t i = 0; i < N_IFACES; i++)
                printf(" %s:%s", d[i].name, interface_decision_to_string(&d[i]));
        printf("\n   %zu ops, %zu applied, %zu failed, %zu conflicts, limits %u/%u\n", res->plan->n_ops,
               res->n_applied, res->n_failures, res->plan->n_conflicts, res->plan->subflows,
               res->plan->add_addr_accepted);
        if (res->plan->flags & ENDPOINT_PLAN_SUBFLOWS_CLAMPED)
                printf("   note: subflows > 1 asked; the kernel opens one per endpoint and remote\n");
        if (res->plan->flags & ENDPOINT_PLAN_LIMIT_CAPPED)
                printf("   note: the endpoints could use more subflows than the limit allows\n");
        for (size_t i = 0; i < res->plan->n_ops; i++)
                printf("   op: %s\n", endpoint_op_to_string(&res->plan->ops[i], line, sizeof(line)));
        for (size_t i = 0; i < res->n_failures; i++)
                printf("   FAILED: %s: %s (%s)\n",
                       endpoint_op_to_string(&res->failures[i].op, line, sizeof(line)),
                       strerror(-res->failures[i].error), res->failures[i].extack);
        for (size_t i = 0; i < res->plan->n_conflicts; i++)
                printf("   conflict: %s\n",
                       endpoint_conflict_to_string(&res->plan->conflicts[i], line, sizeof(line)));
        for (size_t i = 0; i < res->plan->n_skipped; i++)
                printf("   skipped: %s (%s)\n",
                       endpoint_to_string(
                               &res->plan->skipped[i].endpoint, res->plan->skipped[i].ifname, line,
                               sizeof(line)),
                       endpoint_skip_reason_to_string(res->plan->skipped[i].reason));
        return res;
}

static KernelPmState *state(Lab *lab) {
        KernelPmState *s = NULL;
        int r = kernel_pm_read_state(&lab->t, &s, NULL);

        if (r < 0)
                die("kernel_pm_read_state", r);
        return s;
}

static const PmEndpoint *find_ep(const KernelPmState *s, const char *addr) {
        IfaceAddr a;

        if (iface_addr_from_string(addr, &a) < 0)
                die(addr, 0);
        for (size_t i = 0; i < s->n_endpoints; i++)
                if (s->endpoints[i].addr.family == AF_INET && s->endpoints[i].addr.in.s_addr == a.in.s_addr)
                        return &s->endpoints[i];
        return NULL;
}

static bool ep_same(const PmEndpoint *a, const PmEndpoint *b) {
        return a->id == b->id && a->flags == b->flags && a->ifindex == b->ifindex &&
               pm_addr_equal(&a->addr, &b->addr) && a->addr.port == b->addr.port;
}

static int ifindex_of(const char *name) {
        unsigned i = if_nametoindex(name);
        if (i == 0)
                die(name, errno);
        return (int) i;
}

int main(int argc, char *argv[]) {
        _cleanup_(profile_freep) Profile *aggregate = NULL, *metered = NULL, *wifi_only = NULL;
        char path[4096], line[256];
        Lab lab = {};
        ino_t outer;

        if (argc != 2) {
                fprintf(stderr, "usage: %s POLICIES_DIR\n", argv[0]);
                return EXIT_FAILURE;
        }
        if (geteuid() != 0)
                die("needs root (CAP_NET_ADMIN to create a network namespace)", EPERM);
        lab.policies_dir = argv[1];

        snprintf(path, sizeof(path), "%s/aggregate.yaml", lab.policies_dir);
        aggregate = load_profile(path);
        snprintf(path, sizeof(path), "%s/metered.yaml", lab.policies_dir);
        metered = load_profile(path);
        wifi_only = load_profile_text("profile: wifi-only\n"
                                      "steering: active-standby\n"
                                      "limits: { subflows: 2, add-addr-accepted: 0 }\n"
                                      "rules:\n"
                                      "  - match: { type: cellular }\n"
                                      "    use: never\n");

        /* Our own network namespace; nothing below may run in the one we started in. */
        outer = netns_inode();
        if (unshare(CLONE_NEWNET) < 0)
                die("unshare(CLONE_NEWNET)", errno);
        if (netns_inode() == outer)
                die("still in the original network namespace", EINVAL);

        sh("ip link set lo up && "
           "ip link add wifi type veth peer name wifi-p && ip link add lte type veth peer name lte-p && "
           "ip link add eth type veth peer name eth-p && ip link add other type veth peer name other-p && "
           "for d in wifi wifi-p lte lte-p eth eth-p other other-p; do ip link set $d up; done && "
           "ip addr add 10.77.1.1/24 dev wifi && ip addr add 10.77.2.1/24 dev lte && "
           "ip addr add 10.77.3.1/24 dev eth && ip addr add 10.77.9.1/24 dev other");
        /* NetworkManager-style foreign endpoint on a managed interface, and one elsewhere. */
        sh("ip mptcp endpoint add 10.77.3.1 dev eth subflow && ip mptcp endpoint add 10.77.9.1 signal");

        int r = test_socket_open(&lab.sock, &lab.t);
        if (r < 0)
                die("mptcp_pm genl socket", r);

        for (size_t i = 0; i < N_IFACES; i++) {
                IfaceAddr a;

                iface_facts_init(&lab.facts[i], lab_ifaces[i].name, ifindex_of(lab_ifaces[i].name));
                lab.facts[i].type = lab_ifaces[i].type;
                lab.facts[i].metered = lab_ifaces[i].metered;
                lab.facts[i].up = true;
                if (iface_addr_from_string(lab_ifaces[i].addr, &a) < 0 ||
                    iface_facts_add_address(&lab.facts[i], &a) < 0)
                        die("facts", ENOMEM);
        }
        const int if_wifi = lab.facts[0].ifindex, if_lte = lab.facts[1].ifindex,
                  if_eth = lab.facts[2].ifindex;

        _cleanup_(kernel_pm_state_freep) KernelPmState *before = state(&lab);
        const PmEndpoint *nm0 = find_ep(before, "10.77.3.1"), *other0 = find_ep(before, "10.77.9.1");
        CHECK(before->n_endpoints == 2 && nm0 && other0);
        if (!nm0 || !other0)
                die("foreign endpoints missing", 0);
        const PmEndpoint nm = *nm0, other = *other0;
        CHECK(!endpoint_plan_is_owned(&nm) && !endpoint_plan_is_owned(&other));

        /* 1. aggregate: subflow endpoints with dev on wifi and lte, limits as planned. */
        {
                _cleanup_(kernel_pm_result_freep) KernelPmResult *res = reconcile(&lab, "step 1", aggregate);
                _cleanup_(kernel_pm_state_freep) KernelPmState *s = state(&lab);
                const PmEndpoint *w = find_ep(s, "10.77.1.1"), *l = find_ep(s, "10.77.2.1"),
                                 *n = find_ep(s, "10.77.3.1");

                CHECK(res->n_failures == 0);
                CHECK(res->n_applied == res->plan->n_ops);
                CHECK(endpoint_plan_count(res->plan, ENDPOINT_OP_ADD) == 2);
                CHECK(endpoint_plan_count(res->plan, ENDPOINT_OP_DELETE) == 0);
                CHECK(s->n_endpoints == 4);
                CHECK(w && w->ifindex == if_wifi && (w->flags & MPTCP_PM_ADDR_FLAG_SUBFLOW) &&
                      !(w->flags & MPTCP_PM_ADDR_FLAG_BACKUP) && endpoint_plan_is_owned(w));
                CHECK(l && l->ifindex == if_lte && (l->flags & MPTCP_PM_ADDR_FLAG_SUBFLOW) &&
                      !(l->flags & MPTCP_PM_ADDR_FLAG_BACKUP) && endpoint_plan_is_owned(l));
                /* aggregate accepts ADD_ADDRs: fullmesh */
                CHECK(w && (w->flags & MPTCP_PM_ADDR_FLAG_FULLMESH) && l &&
                      (l->flags & MPTCP_PM_ADDR_FLAG_FULLMESH));
                CHECK(n && n->id == nm.id && n->flags == nm.flags && n->ifindex == if_eth);
                CHECK(s->subflows == res->plan->subflows &&
                      s->add_addr_accepted == res->plan->add_addr_accepted);
                CHECK(s->subflows == 8 && s->add_addr_accepted == 4);
                CHECK(res->plan->n_conflicts == 1 && res->plan->conflicts[0].endpoint.id == nm.id &&
                      res->plan->conflicts[0].reason == ENDPOINT_CONFLICT_ADDRESS &&
                      streq(res->plan->conflicts[0].ifname, "eth"));

                ip_endpoint_line("10.77.1.1", line, sizeof(line));
                printf("   ip mptcp endpoint show: %s\n", line);
                CHECK(strstr(line, "dev wifi") && strstr(line, "subflow"));
                ip_endpoint_line("10.77.2.1", line, sizeof(line));
                printf("   ip mptcp endpoint show: %s\n", line);
                CHECK(strstr(line, "dev lte") && strstr(line, "subflow") && !strstr(line, "backup"));
        }

        /* 2. the same inputs again: nothing to do. */
        {
                _cleanup_(kernel_pm_result_freep) KernelPmResult *res =
                        reconcile(&lab, "step 2 (again)", aggregate);
                CHECK(res->plan->n_ops == 0 && res->n_failures == 0);
                CHECK(res->plan->n_conflicts == 1);
        }

        /* 3. metered: lte backup, changed in place. */
        _cleanup_(kernel_pm_state_freep) KernelPmState *s2 = state(&lab);
        const PmEndpoint *l2 = find_ep(s2, "10.77.2.1"), *w2 = find_ep(s2, "10.77.1.1");
        if (!l2 || !w2)
                die("step 1 endpoints missing", 0);
        {
                _cleanup_(kernel_pm_result_freep) KernelPmResult *res = reconcile(&lab, "step 3", metered);
                _cleanup_(kernel_pm_state_freep) KernelPmState *s = state(&lab);
                const PmEndpoint *w = find_ep(s, "10.77.1.1"), *l = find_ep(s, "10.77.2.1"),
                                 *n = find_ep(s, "10.77.3.1");

                CHECK(res->n_failures == 0);
                CHECK(endpoint_plan_count(res->plan, ENDPOINT_OP_SET_FLAGS) == 1);
                CHECK(endpoint_plan_count(res->plan, ENDPOINT_OP_DELETE) == 0);
                CHECK(endpoint_plan_count(res->plan, ENDPOINT_OP_ADD) == 0);
                CHECK(l && l->id == l2->id && (l->flags & MPTCP_PM_ADDR_FLAG_BACKUP) &&
                      l->ifindex == if_lte);
                CHECK(w && w->id == w2->id && w->flags == w2->flags);
                CHECK(n && n->id == nm.id && n->flags == nm.flags);
                CHECK(s->subflows == res->plan->subflows &&
                      s->add_addr_accepted == res->plan->add_addr_accepted);
                CHECK(s->subflows == 4 && s->add_addr_accepted == 2);

                char want_id[32];
                ip_endpoint_line("10.77.2.1", line, sizeof(line));
                printf("   ip mptcp endpoint show: %s\n", line);
                snprintf(want_id, sizeof(want_id), "id %u ", l2->id);
                CHECK(strstr(line, "backup") && strstr(line, want_id));
        }
        {
                _cleanup_(kernel_pm_result_freep) KernelPmResult *res =
                        reconcile(&lab, "step 4 (again)", metered);
                CHECK(res->plan->n_ops == 0 && res->n_failures == 0);
        }

        /* 5. lte never: our endpoint there deleted. */
        {
                _cleanup_(kernel_pm_result_freep) KernelPmResult *res = reconcile(&lab, "step 5", wifi_only);
                _cleanup_(kernel_pm_state_freep) KernelPmState *s = state(&lab);
                const PmEndpoint *w = find_ep(s, "10.77.1.1"), *n = find_ep(s, "10.77.3.1"),
                                 *o = find_ep(s, "10.77.9.1");

                CHECK(res->n_failures == 0);
                CHECK(endpoint_plan_count(res->plan, ENDPOINT_OP_DELETE) == 1);
                CHECK(res->plan->n_ops > 0 && res->plan->ops[0].type == ENDPOINT_OP_DELETE &&
                      res->plan->ops[0].endpoint.id == l2->id);
                CHECK(!find_ep(s, "10.77.2.1"));
                CHECK(w && w->id == w2->id);
                CHECK(n && n->id == nm.id && n->flags == nm.flags);
                CHECK(o && o->id == other.id && o->flags == other.flags);
                CHECK(s->subflows == res->plan->subflows);
                ip_endpoint_line("10.77.2.1", line, sizeof(line));
                CHECK(line[0] == 0);
        }

        /* 6. release: ours gone, foreign ones exactly as they were. */
        {
                _cleanup_(kernel_pm_result_freep) KernelPmResult *res = NULL;
                const char *extack = NULL;
                char all[4096];

                CHECK(kernel_pm_release(&lab.t, &res, &extack) == 0);
                if (res)
                        CHECK(res->n_failures == 0 &&
                              endpoint_plan_count(res->plan, ENDPOINT_OP_DELETE) == 1 &&
                              endpoint_plan_count(res->plan, ENDPOINT_OP_SET_LIMITS) == 0);
                _cleanup_(kernel_pm_state_freep) KernelPmState *s = state(&lab);
                CHECK(s->n_endpoints == 2);
                const PmEndpoint *n = find_ep(s, "10.77.3.1"), *o = find_ep(s, "10.77.9.1");
                CHECK(n && ep_same(n, &nm));
                CHECK(o && ep_same(o, &other));
                ip_endpoint_show(all, sizeof(all));
                printf("== step 6: released; ip mptcp endpoint show:\n%s", all);
        }

        /* 7. a failing op is reported with the kernel's extack and does not stop the others. */
        {
                EndpointPlan p = {
                        .ops =
                                (EndpointOp[]){
                                        { .type = ENDPOINT_OP_SET_LIMITS,
                                          .subflows = 9,
                                          .add_addr_accepted = 0 },
                                        { .type = ENDPOINT_OP_SET_LIMITS,
                                          .subflows = 3,
                                          .add_addr_accepted = 1 },
                                },
                        .n_ops = 2,
                };
                _cleanup_(kernel_pm_result_freep) KernelPmResult *res = NULL;

                CHECK(kernel_pm_apply(&lab.t, &p, &res) == 0);
                if (res) {
                        CHECK(res->n_applied == 1 && res->n_failures == 1);
                        CHECK(res->n_failures == 1 && res->failures[0].error == -EINVAL &&
                              strstr(res->failures[0].extack, "limit greater than maximum (8)"));
                        if (res->n_failures == 1)
                                printf("== step 7: refused op reported: %s (%s)\n",
                                       strerror(-res->failures[0].error), res->failures[0].extack);
                }
                _cleanup_(kernel_pm_state_freep) KernelPmState *s = state(&lab);
                CHECK(s->subflows == 3 && s->add_addr_accepted == 1);
        }

        for (size_t i = 0; i < N_IFACES; i++)
                iface_facts_done(&lab.facts[i]);
        mnl_socket_close(lab.sock.nl);
        printf("%u checks, %u failures\n", checks, failures);
        return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
