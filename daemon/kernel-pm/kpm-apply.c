/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kpm-apply.c — lab tool: applies a profile with the kernel backend in the current namespace. */

/*
 * Usage: kpm-apply [--role client|server|both] [--release] PROFILE.yaml IFNAME=TYPE[:metered] ...
 *
 * Test scaffolding for the lab (test-kernel-pm-traffic.sh), not a product command: the daemon
 * does this itself once it wires the kernel backend. Interface facts are the named interfaces'
 * addresses and IFF_UP|IFF_RUNNING (getifaddrs), the TYPE given (ethernet, wifi, cellular,
 * other) and metered yes/no. Exit status 0 when every op was applied, 1 otherwise.
 */

#include <ifaddrs.h>
#include <net/if.h>

#include "kernel-pm.h"
#include "kpm-test-genl.h"
#include "policy-engine.h"

#define MAX_IFACES 16

static int facts_fill(InterfaceFacts *f, const char *spec) {
        char name[IFNAMSIZ] = "", type[32] = "";
        const char *eq = strchr(spec, '='), *colon;
        struct ifaddrs *ifa = NULL;
        int t;

        if (!eq || (size_t) (eq - spec) >= sizeof(name))
                return -EINVAL;
        memcpy(name, spec, (size_t) (eq - spec));
        colon = strchr(eq + 1, ':');
        snprintf(type, sizeof(type), "%.*s", colon ? (int) (colon - eq - 1) : (int) strlen(eq + 1), eq + 1);
        t = interface_type_from_string(type);
        if (t < 0 || if_nametoindex(name) == 0)
                return -EINVAL;

        iface_facts_init(f, name, (int) if_nametoindex(name));
        f->type = (InterfaceType) t;
        f->metered = colon && streq(colon + 1, "metered") ? TRISTATE_YES : TRISTATE_NO;

        if (getifaddrs(&ifa) < 0)
                return -errno;
        for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
                IfaceAddr a = {};

                if (!streq(i->ifa_name, name))
                        continue;
                f->up = f->up || ((i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_RUNNING));
                if (!i->ifa_addr)
                        continue;
                if (i->ifa_addr->sa_family == AF_INET) {
                        a.family = AF_INET;
                        a.in = ((const struct sockaddr_in *) (const void *) i->ifa_addr)->sin_addr;
                } else if (i->ifa_addr->sa_family == AF_INET6) {
                        a.family = AF_INET6;
                        a.in6 = ((const struct sockaddr_in6 *) (const void *) i->ifa_addr)->sin6_addr;
                } else
                        continue;
                if (iface_facts_add_address(f, &a) < 0) {
                        freeifaddrs(ifa);
                        return -ENOMEM;
                }
        }
        freeifaddrs(ifa);
        return 0;
}

static void print_result(const KernelPmResult *res) {
        char line[ENDPOINT_LINE_STRLEN];

        printf("%zu ops, %zu applied, %zu failed, %zu conflicts; limits subflows %u add_addr_accepted %u\n",
               res->plan->n_ops, res->n_applied, res->n_failures, res->plan->n_conflicts,
               res->plan->subflows, res->plan->add_addr_accepted);
        for (size_t i = 0; i < res->plan->n_ops; i++)
                printf("  op: %s\n", endpoint_op_to_string(&res->plan->ops[i], line, sizeof(line)));
        for (size_t i = 0; i < res->n_failures; i++)
                printf("  failed: %s: %s (%s)\n",
                       endpoint_op_to_string(&res->failures[i].op, line, sizeof(line)),
                       strerror(-res->failures[i].error), res->failures[i].extack);
        for (size_t i = 0; i < res->plan->n_conflicts; i++)
                printf("  conflict: %s\n",
                       endpoint_conflict_to_string(&res->plan->conflicts[i], line, sizeof(line)));
}

int main(int argc, char *argv[]) {
        _cleanup_(profile_freep) Profile *profile = NULL;
        _cleanup_(kernel_pm_result_freep) KernelPmResult *res = NULL;
        InterfaceFacts facts[MAX_IFACES] = {};
        InterfaceDecision decisions[MAX_IFACES];
        PolicyDiagnostics diag = {};
        EndpointRole role = ENDPOINT_ROLE_DEFAULT;
        const PolicyCapabilities caps = {};
        KernelPmTransport t;
        TestSocket sock = {};
        const char *extack = NULL;
        bool release = false;
        size_t n = 0;
        int i = 1, r;

        for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
                if (streq(argv[i], "--release"))
                        release = true;
                else if (streq(argv[i], "--role") && i + 1 < argc) {
                        r = endpoint_role_from_string(argv[++i]);
                        if (r < 0) {
                                fprintf(stderr, "unknown role %s\n", argv[i]);
                                return 2;
                        }
                        role = (EndpointRole) r;
                } else {
                        fprintf(stderr, "unknown option %s\n", argv[i]);
                        return 2;
                }
        }

        r = test_socket_open(&sock, &t);
        if (r < 0) {
                fprintf(stderr, "mptcp_pm: %s\n", strerror(-r));
                return 1;
        }

        if (release) {
                r = kernel_pm_release(&t, &res, &extack);
                if (r < 0) {
                        fprintf(stderr, "release: %s (%s)\n", strerror(-r), strna(extack));
                        return 1;
                }
                print_result(res);
                return res->n_failures == 0 ? 0 : 1;
        }

        if (argc - i < 2) {
                fprintf(stderr,
                        "usage: %s [--role client|server|both] [--release] PROFILE.yaml "
                        "IFNAME=TYPE[:metered]...\n",
                        argv[0]);
                return 2;
        }
        r = profile_parse_file(argv[i], NULL, &profile, &diag);
        if (r < 0) {
                policy_diagnostics_print(&diag, stderr);
                policy_diagnostics_done(&diag);
                return 1;
        }
        policy_diagnostics_done(&diag);

        for (i++; i < argc && n < MAX_IFACES; i++, n++) {
                r = facts_fill(&facts[n], argv[i]);
                if (r < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(-r));
                        return 2;
                }
        }

        r = policy_decide(profile, &caps, facts, n, decisions);
        if (r < 0) {
                fprintf(stderr, "policy_decide: %s\n", strerror(-r));
                return 1;
        }
        printf("profile %s:", profile->name);
        for (size_t k = 0; k < n; k++)
                printf(" %s:%s", decisions[k].name, interface_decision_to_string(&decisions[k]));
        printf("\n");

        EndpointPlanInput in = {
                .decisions = decisions,
                .facts = facts,
                .n_interfaces = n,
                .role = role,
                .limit_subflows = profile->limits.subflows,
                .limit_add_addr_accepted = profile->limits.add_addr_accepted,
        };
        r = kernel_pm_reconcile(&t, &in, &res, &extack);
        for (size_t k = 0; k < n; k++)
                iface_facts_done(&facts[k]);
        mnl_socket_close(sock.nl);
        if (r < 0) {
                fprintf(stderr, "reconcile: %s (%s)\n", strerror(-r), strna(extack));
                return 1;
        }
        print_result(res);
        return res->n_failures == 0 ? 0 : 1;
}
