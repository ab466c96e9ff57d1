/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-endpoint-plan.c — table-driven tests of the endpoint planner: ops, conflicts, limits, IDs. */

#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "endpoint-plan.h"

static unsigned failures, checks;

#define CHECK(expr)                                                                                   \
        do {                                                                                          \
                checks++;                                                                             \
                if (!(expr)) {                                                                        \
                        fprintf(stderr, "%s:%d: [%s] FAILED: %s\n", __FILE__, __LINE__, current_case, \
                                #expr);                                                               \
                        failures++;                                                                   \
                }                                                                                     \
        } while (0)

#define CHECK_STREQ(got, want)                                                                        \
        do {                                                                                          \
                const char *_g = (got), *_w = (want);                                                 \
                checks++;                                                                             \
                if (!streq_ptr(_g, _w)) {                                                             \
                        fprintf(stderr, "%s:%d: [%s] FAILED: %s\n   got: %s\n  want: %s\n", __FILE__, \
                                __LINE__, current_case, #got, strna(_g), strna(_w));                  \
                        failures++;                                                                   \
                }                                                                                     \
        } while (0)

static const char *current_case = "-";

_noreturn_ static void die(const char *what) {
        fprintf(stderr, "test setup failed: %s\n", what);
        exit(EXIT_FAILURE);
}

/* ---- compact tables --------------------------------------------------------------------------- */

typedef struct TIface {
        const char *name; /* NULL ends the list */
        int ifindex;
        bool down;
        const char *use; /* "active", "backup", "never" */
        unsigned subflows;
        const char *addrs; /* comma-separated */
} TIface;

typedef struct TEp {
        const char *addr;  /* NULL ends the list */
        int ifindex;       /* 0 = no dev */
        const char *flags; /* ip mptcp words, space-separated */
        bool ours;         /* id = the daemon's first candidate for (addr, ifindex) */
        uint8_t id;        /* foreign: its id; ours: 0, or a probe number + 1 to use another slot */
        uint16_t port;
} TEp;

typedef struct TCase {
        const char *name;
        TIface ifaces[12];
        EndpointRole role;
        unsigned lim_sub, lim_acc;
        bool leave_limits;
        TEp current[12];
        bool limits_known;
        uint32_t cur_sub, cur_acc;
        /* Expected, as sorted "; "-joined compact strings (see op_compact()). */
        const char *ops;
        const char *conflicts;
        const char *skipped;
        uint32_t subflows, accepted;
        unsigned flags;
        size_t n_owned;
} TCase;

static uint32_t parse_flags(const char *s) {
        static const struct {
                const char *w;
                uint32_t bit;
        } words[] = {
                { "signal", MPTCP_PM_ADDR_FLAG_SIGNAL },     { "subflow", MPTCP_PM_ADDR_FLAG_SUBFLOW },
                { "backup", MPTCP_PM_ADDR_FLAG_BACKUP },     { "fullmesh", MPTCP_PM_ADDR_FLAG_FULLMESH },
                { "implicit", MPTCP_PM_ADDR_FLAG_IMPLICIT }, { "laminar", MPTCP_PM_ADDR_FLAG_LAMINAR },
        };
        char copy[128], *save = NULL;
        uint32_t f = 0;

        if (!s)
                return 0;
        snprintf(copy, sizeof(copy), "%s", s);
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
                size_t i;

                for (i = 0; i < ELEMENTSOF(words); i++)
                        if (streq(t, words[i].w))
                                break;
                if (i == ELEMENTSOF(words))
                        die(t);
                f |= words[i].bit;
        }
        return f;
}

static PmAddr pm_addr(const char *s, uint16_t port) {
        IfaceAddr a;
        PmAddr p = { .port = port };

        if (iface_addr_from_string(s, &a) < 0)
                die(s);
        p.family = a.family;
        if (a.family == AF_INET)
                p.in = a.in;
        else
                p.in6 = a.in6;
        return p;
}

static PmEndpoint make_ep(const TEp *t) {
        PmEndpoint e = {
                .addr = pm_addr(t->addr, t->port),
                .ifindex = t->ifindex,
                .flags = parse_flags(t->flags),
                .id = t->id,
        };
        if (t->ours)
                e.id = endpoint_plan_id_slot(&e.addr, e.ifindex, t->id > 0 ? t->id - 1u : 0);
        return e;
}

static RuleUse parse_use(const char *s) {
        int r = rule_use_from_string(s ?: "active");
        if (r < 0)
                die(s);
        return (RuleUse) r;
}

typedef struct Built {
        InterfaceFacts facts[12];
        InterfaceDecision decisions[12];
        size_t n;
        PmEndpoint current[32];
        size_t n_current;
} Built;

static void build(const TCase *c, Built *b) {
        *b = (Built){};
        for (size_t i = 0; i < ELEMENTSOF(c->ifaces) && c->ifaces[i].name; i++) {
                const TIface *t = &c->ifaces[i];
                InterfaceFacts *f = &b->facts[b->n];
                InterfaceDecision *d = &b->decisions[b->n];
                char copy[512], *save = NULL;

                iface_facts_init(f, t->name, t->ifindex);
                f->up = !t->down;
                snprintf(copy, sizeof(copy), "%s", t->addrs ?: "");
                for (char *a = strtok_r(copy, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
                        IfaceAddr ia;

                        if (iface_addr_from_string(a, &ia) < 0 || iface_facts_add_address(f, &ia) < 0)
                                die(a);
                }
                *d = (InterfaceDecision){
                        .ifindex = t->ifindex,
                        .rule_index = -1,
                        .use = parse_use(t->use),
                        .subflows = t->subflows ?: 1,
                        .weight = 1,
                };
                d->backup = d->use == RULE_USE_BACKUP;
                snprintf(d->name, sizeof(d->name), "%s", t->name);
                b->n++;
        }
        for (size_t i = 0; i < ELEMENTSOF(c->current) && c->current[i].addr; i++)
                b->current[b->n_current++] = make_ep(&c->current[i]);
}

static void unbuild(Built *b) {
        for (size_t i = 0; i < b->n; i++)
                iface_facts_done(&b->facts[i]);
}

static EndpointPlanInput input_of(const TCase *c, Built *b) {
        return (EndpointPlanInput){
                .decisions = b->decisions,
                .facts = b->facts,
                .n_interfaces = b->n,
                .role = c->role,
                .limit_subflows = c->lim_sub,
                .limit_add_addr_accepted = c->lim_acc,
                .leave_limits = c->leave_limits,
                .current = b->current,
                .n_current = b->n_current,
                .current_limits_known = c->limits_known,
                .current_subflows = c->cur_sub,
                .current_add_addr_accepted = c->cur_acc,
        };
}

/* ---- compact strings, without the hash-derived IDs ------------------------------------------- */

static void ep_compact(const PmEndpoint *e, char *buf, size_t size) {
        char a[PM_ADDR_STRLEN], f[ENDPOINT_FLAGS_STRLEN];

        if (e->ifindex > 0)
                snprintf(
                        buf, size, "%s dev %" PRIi32 " %s", pm_addr_to_string(&e->addr, a, sizeof(a)),
                        e->ifindex, endpoint_flags_to_string(e->flags, f, sizeof(f)));
        else
                snprintf(
                        buf, size, "%s %s", pm_addr_to_string(&e->addr, a, sizeof(a)),
                        endpoint_flags_to_string(e->flags, f, sizeof(f)));
}

static void op_compact(const EndpointOp *op, char *buf, size_t size) {
        char ep[192], f[ENDPOINT_FLAGS_STRLEN];

        switch (op->type) {
        case ENDPOINT_OP_SET_LIMITS:
                snprintf(buf, size, "limits %" PRIu32 " %" PRIu32, op->subflows, op->add_addr_accepted);
                return;
        case ENDPOINT_OP_SET_FLAGS:
                ep_compact(&op->endpoint, ep, sizeof(ep));
                snprintf(
                        buf, size, "flags %s (was %s)", ep,
                        endpoint_flags_to_string(op->old_flags, f, sizeof(f)));
                return;
        case ENDPOINT_OP_DELETE:
        case ENDPOINT_OP_ADD:
                ep_compact(&op->endpoint, ep, sizeof(ep));
                snprintf(buf, size, "%s %s", op->type == ENDPOINT_OP_ADD ? "add" : "del", ep);
                return;
        }
}

static int strp_compare(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorts n strings and joins them with "; " into out. */
static void join_sorted(char **v, size_t n, char *out, size_t size) {
        size_t len = 0;

        qsort(v, n, sizeof(char *), strp_compare);
        out[0] = 0;
        for (size_t i = 0; i < n; i++)
                len += (size_t) snprintf(
                        out + MIN(len, size - 1), size - MIN(len, size - 1), "%s%s", i ? "; " : "", v[i]);
}

static void plan_strings(const EndpointPlan *p, char *ops, char *conflicts, char *skipped, size_t size) {
        char *v[64], bufs[64][512];
        size_t n;

        n = 0;
        for (size_t i = 0; i < p->n_ops && n < 64; i++, n++) {
                op_compact(&p->ops[i], bufs[n], sizeof(bufs[n]));
                v[n] = bufs[n];
        }
        join_sorted(v, n, ops, size);

        n = 0;
        for (size_t i = 0; i < p->n_conflicts && n < 64; i++, n++) {
                char ep[192];

                ep_compact(&p->conflicts[i].endpoint, ep, sizeof(ep));
                snprintf(
                        bufs[n], sizeof(bufs[n]), "%s: %s on %s", ep,
                        endpoint_conflict_reason_to_string(p->conflicts[i].reason), p->conflicts[i].ifname);
                v[n] = bufs[n];
        }
        join_sorted(v, n, conflicts, size);

        n = 0;
        for (size_t i = 0; i < p->n_skipped && n < 64; i++, n++) {
                char ep[192];

                ep_compact(&p->skipped[i].endpoint, ep, sizeof(ep));
                snprintf(
                        bufs[n], sizeof(bufs[n]), "%s: %s", ep,
                        endpoint_skip_reason_to_string(p->skipped[i].reason));
                v[n] = bufs[n];
        }
        join_sorted(v, n, skipped, size);
}

/* ---- a simulated kernel: applies a plan the way pm_kernel.c would ----------------------------- */

typedef struct SimKernel {
        PmEndpoint eps[32];
        size_t n;
        bool limits_known;
        uint32_t subflows, accepted;
} SimKernel;

static ssize_t sim_find_id(const SimKernel *k, uint8_t id) {
        for (size_t i = 0; i < k->n; i++)
                if (k->eps[i].id == id)
                        return (ssize_t) i;
        return -1;
}

/* Returns 0 or the errno the kernel would give. */
static int sim_apply(SimKernel *k, const EndpointOp *op) {
        ssize_t i;

        switch (op->type) {
        case ENDPOINT_OP_DELETE:
                i = sim_find_id(k, op->endpoint.id);
                if (i < 0)
                        return -EINVAL;
                k->eps[i] = k->eps[--k->n];
                return 0;
        case ENDPOINT_OP_SET_FLAGS: {
                uint32_t mask = MPTCP_PM_ADDR_FLAG_BACKUP | MPTCP_PM_ADDR_FLAG_FULLMESH;

                i = sim_find_id(k, op->endpoint.id);
                if (i < 0)
                        return -EINVAL;
                if ((op->endpoint.flags & MPTCP_PM_ADDR_FLAG_FULLMESH) &&
                    (k->eps[i].flags & MPTCP_PM_ADDR_FLAG_SIGNAL))
                        return -EINVAL;
                /* The plan must only ask for what SET_FLAGS can do. */
                if ((op->endpoint.flags & ~mask) != (k->eps[i].flags & ~mask))
                        return -EOPNOTSUPP;
                k->eps[i].flags = (k->eps[i].flags & ~mask) | (op->endpoint.flags & mask);
                return 0;
        }
        case ENDPOINT_OP_SET_LIMITS:
                if (op->subflows > 8 || op->add_addr_accepted > 8)
                        return -EINVAL;
                k->limits_known = true;
                k->subflows = op->subflows;
                k->accepted = op->add_addr_accepted;
                return 0;
        case ENDPOINT_OP_ADD:
                if (k->n >= 8)
                        return -ERANGE;
                if (op->endpoint.id == 0 || sim_find_id(k, op->endpoint.id) >= 0)
                        return -EBUSY;
                if ((op->endpoint.flags & MPTCP_PM_ADDR_FLAG_SIGNAL) &&
                    (op->endpoint.flags & MPTCP_PM_ADDR_FLAG_FULLMESH))
                        return -EINVAL;
                for (size_t j = 0; j < k->n; j++)
                        if (pm_addr_equal(&k->eps[j].addr, &op->endpoint.addr) &&
                            (k->eps[j].addr.port == op->endpoint.addr.port || !k->eps[j].addr.port))
                                return -EEXIST;
                k->eps[k->n++] = op->endpoint;
                return 0;
        }
        return -EINVAL;
}

/* ---- the cases -------------------------------------------------------------------------------- */

#define WIFI(use, addrs) \
        { "wifi", 2, false, use, 1, addrs }
#define LTE(use, addrs) \
        { "lte", 3, false, use, 1, addrs }
#define OUR(a, ifi, f) \
        { a, ifi, f, true, 0, 0 }
#define FOREIGN(a, ifi, f, id) \
        { a, ifi, f, false, id, 0 }

/* clang-format off */
static const TCase cases[] = {
        {
                .name = "aggregate from scratch: subflow endpoints with dev on both links",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("active", "10.0.2.1") },
                .lim_sub = 8,
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh; add 10.0.2.1 dev 3 subflow fullmesh; limits 2 0",
                .subflows = 2,
                .n_owned = 2,
        },
        {
                .name = "metered after aggregate: lte flag changed in place, nothing deleted",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("backup", "10.0.2.1") },
                .lim_sub = 4,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"),
                             OUR("10.0.2.1", 3, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "flags 10.0.2.1 dev 3 subflow backup fullmesh (was subflow fullmesh)",
                .subflows = 2,
                .n_owned = 2,
        },
        {
                .name = "back to aggregate: backup cleared",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("active", "10.0.2.1") },
                .lim_sub = 8,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"),
                             OUR("10.0.2.1", 3, "subflow backup fullmesh") },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "flags 10.0.2.1 dev 3 subflow fullmesh (was subflow backup fullmesh)",
                .subflows = 2,
                .n_owned = 2,
        },
        {
                .name = "never: our endpoint deleted, limit lowered",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("never", "10.0.2.1") },
                .lim_sub = 8,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"),
                             OUR("10.0.2.1", 3, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "del 10.0.2.1 dev 3 subflow fullmesh; limits 1 0",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "already applied: nothing to do",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("backup", "10.0.2.1") },
                .lim_sub = 4,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"),
                             OUR("10.0.2.1", 3, "subflow backup fullmesh") },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "",
                .subflows = 2,
                .n_owned = 2,
        },
        {
                .name = "NetworkManager-style endpoint holds lte's address: conflict, ours not added",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("backup", "10.0.2.1") },
                .lim_sub = 8,
                .current = { FOREIGN("10.0.2.1", 3, "subflow", 1) },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh",
                .conflicts = "10.0.2.1 dev 3 subflow: address on lte",
                .skipped = "10.0.2.1 dev 3 subflow backup fullmesh: held",
                .subflows = 2,
                .flags = ENDPOINT_PLAN_SKIPPED,
                .n_owned = 1,
        },
        {
                .name = "foreign endpoint on a never interface: conflict, not counted in the limit",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("never", "10.0.2.1") },
                .lim_sub = 8,
                .current = { FOREIGN("10.0.2.1", 3, "subflow", 7), OUR("10.0.1.1", 2, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 1,
                .ops = "",
                .conflicts = "10.0.2.1 dev 3 subflow: never on lte",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "foreign endpoint without dev holding a managed address: found by address",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("active", "10.0.2.1") },
                .lim_sub = 8,
                .current = { FOREIGN("10.0.1.1", 0, "signal", 4) },
                .ops = "add 10.0.2.1 dev 3 subflow fullmesh; limits 1 0",
                .conflicts = "10.0.1.1 signal: address on wifi",
                .skipped = "10.0.1.1 dev 2 subflow fullmesh: held",
                .subflows = 1,
                .flags = ENDPOINT_PLAN_SKIPPED,
                .n_owned = 1,
        },
        {
                .name = "foreign endpoint on an unmanaged interface: silent, counted in the limit",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .lim_sub = 8,
                .current = { FOREIGN("192.168.7.1", 9, "subflow", 1) },
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh; limits 2 0",
                .subflows = 2,
                .n_owned = 1,
        },
        {
                .name = "foreign endpoint with a port (signal-only) does not hold the address",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .lim_sub = 8,
                .current = { { "10.0.1.1", 2, "signal", false, 5, 8080 } },
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh; limits 1 0",
                .conflicts = "10.0.1.1:8080 dev 2 signal: interface on wifi",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "server role: signal endpoints, limit from the profile",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("backup", "10.0.2.1") },
                .role = ENDPOINT_ROLE_SERVER,
                .lim_sub = 4,
                .lim_acc = 2,
                .ops = "add 10.0.1.1 dev 2 signal; add 10.0.2.1 dev 3 signal backup; limits 4 2",
                .subflows = 4,
                .accepted = 2,
                .n_owned = 2,
        },
        {
                .name = "both roles: signal subflow, no fullmesh",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .role = ENDPOINT_ROLE_BOTH,
                .lim_sub = 12,
                .lim_acc = 3,
                .ops = "add 10.0.1.1 dev 2 signal subflow; limits 8 3",
                .subflows = 8,
                .accepted = 3,
                .flags = ENDPOINT_PLAN_LIMIT_CAPPED,
                .n_owned = 1,
        },
        {
                .name = "client accepting ADD_ADDRs: fullmesh, subflows for every remote",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("backup", "10.0.2.1") },
                .lim_sub = 8,
                .lim_acc = 2,
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh; "
                       "add 10.0.2.1 dev 3 subflow backup fullmesh; limits 6 2",
                .subflows = 6,
                .accepted = 2,
                .n_owned = 2,
        },
        {
                .name = "client need above the profile limit: capped",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("active", "10.0.2.1") },
                .lim_sub = 4,
                .lim_acc = 4,
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh; add 10.0.2.1 dev 3 subflow fullmesh; limits 4 4",
                .subflows = 4,
                .accepted = 4,
                .flags = ENDPOINT_PLAN_LIMIT_CAPPED,
                .n_owned = 2,
        },
        {
                .name = "accepting ADD_ADDRs with no fullmesh endpoint left: joins from routing counted",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .lim_sub = 8,
                .lim_acc = 2,
                .current = { FOREIGN("10.0.1.1", 2, "subflow", 1) },
                .ops = "limits 3 2",
                .conflicts = "10.0.1.1 dev 2 subflow: address on wifi",
                .skipped = "10.0.1.1 dev 2 subflow fullmesh: held",
                .subflows = 3,
                .accepted = 2,
                .flags = ENDPOINT_PLAN_SKIPPED,
                .n_owned = 0,
        },
        {
                .name = "profile starts accepting ADD_ADDRs: endpoints untouched (already fullmesh), limits raised",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .lim_sub = 8,
                .lim_acc = 1,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 1,
                .ops = "limits 2 1",
                .subflows = 2,
                .accepted = 1,
                .n_owned = 1,
        },
        {
                .name = "our plain subflow endpoint (no fullmesh) gets fullmesh in place",
                .ifaces = { WIFI("backup", "10.0.1.1") },
                .lim_sub = 8,
                .current = { OUR("10.0.1.1", 2, "subflow") },
                .limits_known = true,
                .cur_sub = 1,
                .ops = "flags 10.0.1.1 dev 2 subflow backup fullmesh (was subflow)",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "role change client -> server: delete and add again",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .role = ENDPOINT_ROLE_SERVER,
                .lim_sub = 2,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "add 10.0.1.1 dev 2 signal; del 10.0.1.1 dev 2 subflow fullmesh",
                .subflows = 2,
                .n_owned = 1,
        },
        {
                /* Deleting it would close the live subflows over it for good: kept, they resume. */
                .name = "interface down: its endpoint kept as it is",
                .ifaces = { WIFI("active", "10.0.1.1"), { "lte", 3, true, "active", 1, "10.0.2.1" } },
                .lim_sub = 8,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"),
                             OUR("10.0.2.1", 3, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "",
                .subflows = 2,
                .n_owned = 2,
        },
        {
                .name = "interface down: no new endpoint for it",
                .ifaces = { WIFI("active", "10.0.1.1"), { "lte", 3, true, "active", 1, "10.0.2.1" } },
                .lim_sub = 8,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 1,
                .ops = "",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "address change: old address deleted, new one added",
                .ifaces = { WIFI("active", "10.0.1.1"), LTE("active", "10.0.2.77") },
                .lim_sub = 8,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"),
                             OUR("10.0.2.1", 3, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 2,
                .ops = "add 10.0.2.77 dev 3 subflow fullmesh; del 10.0.2.1 dev 3 subflow fullmesh",
                .subflows = 2,
                .n_owned = 2,
        },
        {
                .name = "interface re-created with a new ifindex: endpoint moved",
                .ifaces = { { "lte", 5, false, "active", 1, "10.0.2.1" } },
                .lim_sub = 8,
                .current = { OUR("10.0.2.1", 3, "subflow fullmesh") },
                .limits_known = true,
                .cur_sub = 1,
                .ops = "add 10.0.2.1 dev 5 subflow fullmesh; del 10.0.2.1 dev 3 subflow fullmesh",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "our endpoint on an interface no longer managed: deleted",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .lim_sub = 8,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"),
                             OUR("172.16.0.1", 11, "subflow backup fullmesh") },
                .limits_known = true,
                .cur_sub = 1,
                .ops = "del 172.16.0.1 dev 11 subflow backup fullmesh",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "link-local and loopback addresses get no endpoint; a foreign one there is a conflict",
                .ifaces = { WIFI("active", "fe80::1,169.254.3.3,2001:db8::1"),
                            { "lo", 1, false, "active", 1, "127.0.0.1,::1" } },
                .lim_sub = 8,
                .current = { FOREIGN("fe80::1", 2, "subflow", 9) },
                .ops = "add 2001:db8::1 dev 2 subflow fullmesh; limits 2 0",
                .conflicts = "fe80::1 dev 2 subflow: interface on wifi",
                .subflows = 2,
                .n_owned = 1,
        },
        {
                .name = "subflows: 2 is clamped to one endpoint per address",
                .ifaces = { { "eth", 4, false, "active", 2, "10.0.4.1" } },
                .lim_sub = 8,
                .ops = "add 10.0.4.1 dev 4 subflow fullmesh; limits 1 0",
                .subflows = 1,
                .flags = ENDPOINT_PLAN_SUBFLOWS_CLAMPED,
                .n_owned = 1,
        },
        {
                .name = "endpoint cap: 8 per namespace, foreign ones count, backup ones go first",
                .ifaces = { WIFI("active", "10.0.1.1,10.0.1.2,10.0.1.3,10.0.1.4"),
                            LTE("backup", "10.0.2.1,10.0.2.2,10.0.2.3,10.0.2.4") },
                .lim_sub = 8,
                .current = { FOREIGN("192.168.7.1", 9, "signal", 1), FOREIGN("192.168.7.2", 9, "signal", 2),
                             OUR("10.0.2.4", 3, "subflow backup fullmesh") },
                .limits_known = true,
                .cur_sub = 6,
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh; add 10.0.1.2 dev 2 subflow fullmesh; "
                       "add 10.0.1.3 dev 2 subflow fullmesh; add 10.0.1.4 dev 2 subflow fullmesh; "
                       "add 10.0.2.1 dev 3 subflow backup fullmesh",
                .skipped = "10.0.2.2 dev 3 subflow backup fullmesh: cap; "
                           "10.0.2.3 dev 3 subflow backup fullmesh: cap",
                .subflows = 6,
                .flags = ENDPOINT_PLAN_SKIPPED,
                .n_owned = 6,
        },
        {
                .name = "same address on two interfaces: one endpoint, lowest ifindex",
                .ifaces = { LTE("active", "10.9.9.9"), WIFI("active", "10.9.9.9") },
                .lim_sub = 8,
                .ops = "add 10.9.9.9 dev 2 subflow fullmesh; limits 1 0",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "our endpoint at a later probe slot is still ours",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .lim_sub = 8,
                .current = { { "10.0.1.1", 2, "subflow backup fullmesh", true, 3, 0 } },
                .limits_known = true,
                .cur_sub = 1,
                .ops = "flags 10.0.1.1 dev 2 subflow fullmesh (was subflow backup fullmesh)",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "leave_limits: no SET_LIMITS",
                .ifaces = { WIFI("active", "10.0.1.1") },
                .lim_sub = 8,
                .leave_limits = true,
                .ops = "add 10.0.1.1 dev 2 subflow fullmesh",
                .subflows = 1,
                .n_owned = 1,
        },
        {
                .name = "release: no interface, ours deleted, foreign kept",
                .lim_sub = 8,
                .leave_limits = true,
                .current = { OUR("10.0.1.1", 2, "subflow fullmesh"), FOREIGN("10.0.2.1", 3, "subflow", 1) },
                .ops = "del 10.0.1.1 dev 2 subflow fullmesh",
                .subflows = 1,
                .n_owned = 0,
        },
};
/* clang-format on */

/* Applies plan to a simulated kernel holding in's current state; returns failures. */
static unsigned simulate(const EndpointPlanInput *in, const EndpointPlan *p, SimKernel *k) {
        unsigned bad = 0;

        *k = (SimKernel){
                .limits_known = in->current_limits_known,
                .subflows = in->current_subflows,
                .accepted = in->current_add_addr_accepted,
        };
        for (size_t i = 0; i < in->n_current; i++)
                k->eps[k->n++] = in->current[i];
        for (size_t i = 0; i < p->n_ops; i++) {
                int r = sim_apply(k, &p->ops[i]);
                if (r < 0) {
                        char line[ENDPOINT_LINE_STRLEN];
                        fprintf(stderr, "  [%s] simulated kernel refused op %zu: %s: %s\n", current_case, i,
                                endpoint_op_to_string(&p->ops[i], line, sizeof(line)), strerror(-r));
                        bad++;
                }
        }
        return bad;
}

static void run_case(const TCase *c) {
        _cleanup_(endpoint_plan_freep) EndpointPlan *p = NULL, *again = NULL, *shuffled = NULL;
        char ops[2048], conflicts[2048], skipped[2048];
        Built b, rb;
        EndpointPlanInput in;
        SimKernel k;

        current_case = c->name;
        build(c, &b);
        in = input_of(c, &b);

        CHECK(endpoint_plan_compute(&in, &p) == 0);
        if (!p)
                goto out;

        plan_strings(p, ops, conflicts, skipped, sizeof(ops));
        CHECK_STREQ(ops, c->ops ?: "");
        CHECK_STREQ(conflicts, c->conflicts ?: "");
        CHECK_STREQ(skipped, c->skipped ?: "");
        CHECK(p->subflows == c->subflows);
        CHECK(p->add_addr_accepted == c->accepted);
        CHECK(p->flags == c->flags);
        CHECK(p->n_owned == c->n_owned);

        /* Order: deletes, flag changes, limits, adds; IDs ascending within a type. Never a foreign
         * endpoint touched; every added endpoint recognisably ours. */
        for (size_t i = 0; i < p->n_ops; i++) {
                const EndpointOp *op = &p->ops[i];

                if (i > 0) {
                        const EndpointOp *prev = &p->ops[i - 1];
                        CHECK(prev->type < op->type ||
                              (prev->type == op->type && prev->endpoint.id < op->endpoint.id) ||
                              op->type == ENDPOINT_OP_SET_LIMITS);
                }
                if (op->type == ENDPOINT_OP_ADD)
                        CHECK(endpoint_plan_is_owned(&op->endpoint));
                if (op->type == ENDPOINT_OP_DELETE || op->type == ENDPOINT_OP_SET_FLAGS) {
                        bool ours = false;
                        for (size_t j = 0; j < in.n_current; j++)
                                if (in.current[j].id == op->endpoint.id)
                                        ours = endpoint_plan_is_owned(&in.current[j]);
                        CHECK(ours);
                }
        }
        for (size_t i = 0; i < p->n_conflicts; i++)
                CHECK(!endpoint_plan_is_owned(&p->conflicts[i].endpoint));

        /* The kernel accepts every op, and planning again on the result gives nothing to do. */
        CHECK(simulate(&in, p, &k) == 0);
        in.current = k.eps;
        in.n_current = k.n;
        in.current_limits_known = k.limits_known || c->leave_limits;
        in.current_subflows = k.subflows;
        in.current_add_addr_accepted = k.accepted;
        CHECK(endpoint_plan_compute(&in, &again) == 0);
        if (again) {
                char ops2[2048], c2[2048], s2[2048];

                plan_strings(again, ops2, c2, s2, sizeof(ops2));
                CHECK_STREQ(ops2, "");
                CHECK(again->n_owned == c->n_owned);
        }

        /* Deterministic whatever the order of the inputs: interfaces and endpoints reversed. */
        build(c, &rb);
        for (size_t i = 0; i < rb.n / 2; i++) {
                InterfaceFacts tf = rb.facts[i];
                InterfaceDecision td = rb.decisions[i];

                rb.facts[i] = rb.facts[rb.n - 1 - i];
                rb.decisions[i] = rb.decisions[rb.n - 1 - i];
                rb.facts[rb.n - 1 - i] = tf;
                rb.decisions[rb.n - 1 - i] = td;
        }
        for (size_t i = 0; i < rb.n_current / 2; i++) {
                PmEndpoint t = rb.current[i];
                rb.current[i] = rb.current[rb.n_current - 1 - i];
                rb.current[rb.n_current - 1 - i] = t;
        }
        EndpointPlanInput rin = input_of(c, &rb);
        CHECK(endpoint_plan_compute(&rin, &shuffled) == 0);
        if (shuffled) {
                char o2[2048], c2[2048], s2[2048];

                plan_strings(shuffled, o2, c2, s2, sizeof(o2));
                CHECK_STREQ(o2, ops);
                CHECK_STREQ(c2, conflicts);
                CHECK_STREQ(s2, skipped);
                CHECK(shuffled->n_ops == p->n_ops);
                for (size_t i = 0; i < MIN(shuffled->n_ops, p->n_ops); i++) /* same order, same IDs */
                        CHECK(shuffled->ops[i].type == p->ops[i].type &&
                              shuffled->ops[i].endpoint.id == p->ops[i].endpoint.id);
        }
        unbuild(&rb);
out:
        unbuild(&b);
}

/* ---- ownership, errors, strings --------------------------------------------------------------- */

static void test_ownership(void) {
        PmAddr a = pm_addr("10.0.1.1", 0), a6 = pm_addr("2001:db8::7", 0);
        PmEndpoint e;
        bool distinct = false;

        current_case = "ownership";
        for (unsigned p = 0; p < ENDPOINT_ID_PROBES; p++) {
                uint8_t id = endpoint_plan_id_slot(&a, 2, p);

                CHECK(id >= 1);
                CHECK(id == endpoint_plan_id_slot(&a, 2, p)); /* stable */
                e = (PmEndpoint){ .addr = a, .id = id, .ifindex = 2, .flags = MPTCP_PM_ADDR_FLAG_SUBFLOW };
                CHECK(endpoint_plan_is_owned(&e));
        }
        /* Slots depend on the device and the address. */
        for (int ifi = 3; ifi < 40 && !distinct; ifi++)
                distinct = endpoint_plan_id_slot(&a, ifi, 0) != endpoint_plan_id_slot(&a, 2, 0);
        CHECK(distinct);
        CHECK(endpoint_plan_id_slot(&a6, 2, 0) >= 1);

        e = (PmEndpoint){ .addr = a,
                          .id = endpoint_plan_id_slot(&a, 2, 0),
                          .ifindex = 2,
                          .flags = MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP };
        CHECK(endpoint_plan_is_owned(&e));
        PmEndpoint x = e;
        x.ifindex = 0; /* no dev: never ours */
        CHECK(!endpoint_plan_is_owned(&x));
        x = e;
        x.addr.port = 8080; /* a port: never ours */
        CHECK(!endpoint_plan_is_owned(&x));
        x = e;
        x.flags |= MPTCP_PM_ADDR_FLAG_LAMINAR; /* flags we never set */
        CHECK(!endpoint_plan_is_owned(&x));
        x = e;
        x.flags = MPTCP_PM_ADDR_FLAG_IMPLICIT;
        CHECK(!endpoint_plan_is_owned(&x));
        x = e;
        x.flags = MPTCP_PM_ADDR_FLAG_BACKUP; /* neither signal nor subflow */
        CHECK(!endpoint_plan_is_owned(&x));
        x = e;
        x.ifindex = 3; /* the same ID on another device is someone else's (unless it hashes there) */
        bool other_slot = true;
        for (unsigned p = 0; p < ENDPOINT_ID_PROBES; p++)
                other_slot = other_slot && endpoint_plan_id_slot(&a, 3, p) != e.id;
        CHECK(endpoint_plan_is_owned(&x) == !other_slot);

        /* A kernel-assigned ID sweep (what NetworkManager's endpoints get): few IDs look like ours. */
        unsigned look_ours = 0;
        for (unsigned id = 1; id <= 255; id++) {
                x = e;
                x.id = (uint8_t) id;
                look_ours += endpoint_plan_is_owned(&x);
        }
        CHECK(look_ours == ENDPOINT_ID_PROBES);
        CHECK(!endpoint_plan_is_owned(NULL));
}

static void test_errors(void) {
        EndpointPlan *p = NULL;
        EndpointPlanInput in = { .n_interfaces = 1 };

        current_case = "errors";
        CHECK(endpoint_plan_compute(NULL, &p) == -EINVAL);
        CHECK(endpoint_plan_compute(&in, &p) == -EINVAL);
        in = (EndpointPlanInput){ .n_current = 1 };
        CHECK(endpoint_plan_compute(&in, &p) == -EINVAL);
        in = (EndpointPlanInput){ .role = _ENDPOINT_ROLE_MAX };
        CHECK(endpoint_plan_compute(&in, &p) == -EINVAL);
        CHECK(p == NULL);
        in = (EndpointPlanInput){};
        CHECK(endpoint_plan_compute(&in, NULL) == -EINVAL);
        CHECK(endpoint_plan_compute(&in, &p) == 0);
        CHECK(p && p->n_ops == 1 && p->ops[0].type == ENDPOINT_OP_SET_LIMITS && p->subflows == 0);
        endpoint_plan_free(p);
        CHECK(endpoint_plan_free(NULL) == NULL);
}

static void test_strings(void) {
        char buf[ENDPOINT_LINE_STRLEN], f[ENDPOINT_FLAGS_STRLEN];
        EndpointOp op = {
                .type = ENDPOINT_OP_SET_FLAGS,
                .endpoint = { .addr = pm_addr("10.0.2.1", 0),
                              .id = 7,
                              .ifindex = 3,
                              .flags = MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP },
                .old_flags = MPTCP_PM_ADDR_FLAG_SUBFLOW,
                .ifname = "lte",
        };
        EndpointConflict c = {
                .endpoint = { .addr = pm_addr("10.0.2.1", 0),
                              .id = 1,
                              .ifindex = 3,
                              .flags = MPTCP_PM_ADDR_FLAG_SUBFLOW },
                .ifname = "lte",
                .reason = ENDPOINT_CONFLICT_ADDRESS,
                .wanted_flags = MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP,
        };

        current_case = "strings";
        CHECK_STREQ(endpoint_flags_to_string(0, f, sizeof(f)), "none");
        CHECK_STREQ(endpoint_flags_to_string(0x3 | 0x100, f, sizeof(f)), "signal subflow 0x100");
        CHECK_STREQ(
                endpoint_op_to_string(&op, buf, sizeof(buf)),
                "set-flags id 7 10.0.2.1 dev lte subflow backup (was subflow)");
        op = (EndpointOp){ .type = ENDPOINT_OP_SET_LIMITS, .subflows = 2, .add_addr_accepted = 1 };
        CHECK_STREQ(
                endpoint_op_to_string(&op, buf, sizeof(buf)), "set-limits subflows 2 add_addr_accepted 1");
        CHECK_STREQ(
                endpoint_conflict_to_string(&c, buf, sizeof(buf)),
                "id 1 10.0.2.1 dev #3 subflow: foreign endpoint holds an address of lte (policy wants "
                "subflow "
                "backup); left alone, the daemon's endpoint is not added");
        c.reason = ENDPOINT_CONFLICT_NEVER;
        CHECK_STREQ(
                endpoint_conflict_to_string(&c, buf, sizeof(buf)),
                "id 1 10.0.2.1 dev #3 subflow: foreign endpoint on lte, whose policy is never; left alone");
        CHECK_STREQ(endpoint_role_to_string(ENDPOINT_ROLE_BOTH), "both");
        CHECK(endpoint_role_from_string("server") == ENDPOINT_ROLE_SERVER);
        CHECK(endpoint_role_from_string("announce") == -EINVAL);
        CHECK(endpoint_role_to_string(_ENDPOINT_ROLE_MAX) == NULL);
        /* Truncation is safe. */
        char tiny[8];
        CHECK(strlen(endpoint_flags_to_string(0xf, tiny, sizeof(tiny))) == 7);
}

int main(void) {
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                run_case(&cases[i]);
        test_ownership();
        test_errors();
        test_strings();

        printf("%zu plan cases, %u checks, %u failures\n", ELEMENTSOF(cases), checks, failures);
        return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
