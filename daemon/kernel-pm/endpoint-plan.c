/* SPDX-License-Identifier: GPL-2.0-or-later */
/* endpoint-plan.c — compiles decisions and interface facts into in-kernel PM endpoint operations. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "endpoint-plan.h"

#define ENDPOINT_FLAGS_ROLE (MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_SUBFLOW)

static const char *const endpoint_role_table[_ENDPOINT_ROLE_MAX] = {
        [ENDPOINT_ROLE_CLIENT] = "client",
        [ENDPOINT_ROLE_SERVER] = "server",
        [ENDPOINT_ROLE_BOTH] = "both",
};

const char *endpoint_role_to_string(EndpointRole r) {
        if ((unsigned) r >= _ENDPOINT_ROLE_MAX)
                return NULL;
        return endpoint_role_table[r];
}

int endpoint_role_from_string(const char *s) {
        if (!s)
                return -EINVAL;
        for (unsigned i = 0; i < _ENDPOINT_ROLE_MAX; i++)
                if (streq(s, endpoint_role_table[i]))
                        return (int) i;
        return -EINVAL;
}

static bool family_ok(int family) {
        return family == AF_INET || family == AF_INET6;
}

/* ---- ownership -------------------------------------------------------------------------------- */

static uint32_t fnv1a(uint32_t h, const void *p, size_t n) {
        const uint8_t *b = p;

        for (size_t i = 0; i < n; i++) {
                h ^= b[i];
                h *= 16777619u;
        }
        return h;
}

uint8_t endpoint_plan_id_slot(const PmAddr *addr, int ifindex, unsigned probe) {
        static const char salt[] = "mptcp-policyd endpoint";
        uint32_t h = 2166136261u, ifi = (uint32_t) ifindex;
        uint8_t fam, ifb[4] = { (uint8_t) ifi, (uint8_t) (ifi >> 8), (uint8_t) (ifi >> 16),
                                (uint8_t) (ifi >> 24) };

        if (!addr)
                return 0;
        h = fnv1a(h, salt, sizeof(salt) - 1);
        switch (addr->family) {
        case AF_INET:
                fam = 4;
                h = fnv1a(h, &fam, 1);
                h = fnv1a(h, &addr->in, sizeof(addr->in));
                break;
        case AF_INET6:
                fam = 6;
                h = fnv1a(h, &fam, 1);
                h = fnv1a(h, &addr->in6, sizeof(addr->in6));
                break;
        default:
                return 0;
        }
        h = fnv1a(h, ifb, sizeof(ifb));
        /* Avalanche the low bits a little before the modulo. */
        h ^= h >> 16;
        h *= 0x7feb352du;
        h ^= h >> 15;
        return (uint8_t) (1 + (h + probe) % 255u);
}

bool endpoint_plan_is_owned(const PmEndpoint *e) {
        if (!e || e->id == 0 || e->ifindex <= 0 || e->addr.port != 0)
                return false;
        if (!family_ok(e->addr.family))
                return false;
        if ((e->flags & ~ENDPOINT_FLAGS_MANAGED) != 0 || (e->flags & ENDPOINT_FLAGS_ROLE) == 0)
                return false;
        for (unsigned p = 0; p < ENDPOINT_ID_PROBES; p++)
                if (endpoint_plan_id_slot(&e->addr, e->ifindex, p) == e->id)
                        return true;
        return false;
}

/* ---- helpers ---------------------------------------------------------------------------------- */

static int pm_addr_compare(const PmAddr *a, const PmAddr *b) {
        if (a->family != b->family)
                return a->family == AF_INET ? -1
                                            : (b->family == AF_INET ? 1 : (a->family < b->family ? -1 : 1));
        if (a->family == AF_INET)
                return memcmp(&a->in, &b->in, sizeof(a->in));
        if (a->family == AF_INET6)
                return memcmp(&a->in6, &b->in6, sizeof(a->in6));
        return 0;
}

static bool same_address(const PmAddr *a, const PmAddr *b) {
        return family_ok(a->family) && pm_addr_compare(a, b) == 0;
}

static void pm_addr_from_iface(const IfaceAddr *a, PmAddr *ret) {
        *ret = (PmAddr){ .family = a->family };
        if (a->family == AF_INET)
                ret->in = a->in;
        else
                ret->in6 = a->in6;
}

static bool iface_has_address(const InterfaceFacts *f, const PmAddr *a) {
        for (size_t k = 0; k < f->n_addresses; k++) {
                PmAddr x;

                if (!family_ok(f->addresses[k].family))
                        continue;
                pm_addr_from_iface(&f->addresses[k], &x);
                if (same_address(&x, a))
                        return true;
        }
        return false;
}

/* The managed interface an endpoint is on: by `dev`, else by address; -1 if none. */
static ssize_t find_interface(const EndpointPlanInput *in, const PmEndpoint *e) {
        if (e->ifindex > 0)
                for (size_t i = 0; i < in->n_interfaces; i++)
                        if (in->facts[i].ifindex == e->ifindex)
                                return (ssize_t) i;
        for (size_t i = 0; i < in->n_interfaces; i++)
                if (iface_has_address(&in->facts[i], &e->addr))
                        return (ssize_t) i;
        return -1;
}

static uint32_t subflows_needed(uint32_t flags, uint32_t add_addr_accepted) {
        if (!(flags & MPTCP_PM_ADDR_FLAG_SUBFLOW))
                return 0;
        return (flags & MPTCP_PM_ADDR_FLAG_FULLMESH) ? 1 + add_addr_accepted : 1;
}

/* ---- planning --------------------------------------------------------------------------------- */

typedef struct Want {
        PmEndpoint ep; /* id assigned once chosen */
        size_t iface;
        ssize_t existing; /* the daemon's current endpoint for it (index in current), -1 */
        ssize_t holder;   /* a foreign endpoint holding the address, -1 */
        bool chosen;
        bool readd; /* existing, but signal/subflow differ: delete and add again */
        bool keep_only; /* interface down: keep an existing endpoint as it is, add none */
} Want;

typedef struct PlanContext {
        const EndpointPlanInput *in;
        Want *wants;
} PlanContext;

/* Canonical order of wants: ifindex, then address. */
static int want_compare(const void *a, const void *b) {
        const Want *x = a, *y = b;

        if (x->ep.ifindex != y->ep.ifindex)
                return x->ep.ifindex < y->ep.ifindex ? -1 : 1;
        return pm_addr_compare(&x->ep.addr, &y->ep.addr);
}

/* Rank for the endpoint cap: non-backup first, endpoints that exist already (no churn), then the
 * canonical order. qsort_r context: the wants array. */
static int want_rank_compare(const void *a, const void *b, void *userdata) {
        const Want *w = userdata;
        const Want *x = &w[*(const size_t *) a], *y = &w[*(const size_t *) b];
        bool xb = x->ep.flags & MPTCP_PM_ADDR_FLAG_BACKUP, yb = y->ep.flags & MPTCP_PM_ADDR_FLAG_BACKUP;

        if (xb != yb)
                return xb ? 1 : -1;
        if ((x->existing >= 0) != (y->existing >= 0))
                return x->existing >= 0 ? -1 : 1;
        return want_compare(x, y);
}

static int op_compare(const void *a, const void *b) {
        const EndpointOp *x = a, *y = b;

        if (x->type != y->type)
                return x->type < y->type ? -1 : 1;
        if (x->endpoint.id != y->endpoint.id)
                return x->endpoint.id < y->endpoint.id ? -1 : 1;
        return 0;
}

static int conflict_compare(const void *a, const void *b) {
        const EndpointConflict *x = a, *y = b;

        return x->endpoint.id < y->endpoint.id ? -1 : (x->endpoint.id > y->endpoint.id ? 1 : 0);
}

static int skip_compare(const void *a, const void *b) {
        const EndpointSkip *x = a, *y = b;

        if (x->endpoint.ifindex != y->endpoint.ifindex)
                return x->endpoint.ifindex < y->endpoint.ifindex ? -1 : 1;
        return pm_addr_compare(&x->endpoint.addr, &y->endpoint.addr);
}

EndpointPlan *endpoint_plan_free(EndpointPlan *p) {
        if (!p)
                return NULL;
        free(p->ops);
        free(p->conflicts);
        free(p->skipped);
        free(p);
        return NULL;
}

size_t endpoint_plan_count(const EndpointPlan *p, EndpointOpType type) {
        size_t n = 0;

        if (!p)
                return 0;
        for (size_t i = 0; i < p->n_ops; i++)
                if (p->ops[i].type == type)
                        n++;
        return n;
}

static uint32_t wanted_flags(const EndpointPlanInput *in, bool backup) {
        uint32_t f = 0;

        switch (in->role) {
        case ENDPOINT_ROLE_CLIENT:
                /* fullmesh even when no ADD_ADDR is accepted (it then acts as a plain subflow
                 * endpoint): a profile switch never flips it, and a fullmesh change would make the
                 * kernel tear down and re-create the endpoint's subflows on every connection. */
                f = MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_FULLMESH;
                break;
        case ENDPOINT_ROLE_SERVER:
                f = MPTCP_PM_ADDR_FLAG_SIGNAL;
                break;
        case ENDPOINT_ROLE_BOTH:
                f = MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_SUBFLOW;
                break;
        }
        if (backup)
                f |= MPTCP_PM_ADDR_FLAG_BACKUP;
        return f;
}

static void copy_ifname(char dst[static IFNAMSIZ], const char *src) {
        snprintf(dst, IFNAMSIZ, "%s", src ?: "");
}

/* Builds the wanted endpoints, canonical order, one per address. */
static int collect_wants(const EndpointPlanInput *in, Want **ret, size_t *ret_n, unsigned *flags) {
        _cleanup_free_ Want *w = NULL;
        size_t n = 0, max = 0;

        for (size_t i = 0; i < in->n_interfaces; i++)
                max += in->facts[i].n_addresses;
        w = new0(Want, max);
        if (!w)
                return -ENOMEM;

        for (size_t i = 0; i < in->n_interfaces; i++) {
                const InterfaceFacts *f = &in->facts[i];
                const InterfaceDecision *d = &in->decisions[i];

                if (d->use == RULE_USE_NEVER || f->ifindex <= 0)
                        continue;
                if (d->subflows > 1)
                        *flags |= ENDPOINT_PLAN_SUBFLOWS_CLAMPED;

                for (size_t k = 0; k < f->n_addresses; k++) {
                        const IfaceAddr *a = &f->addresses[k];

                        if (!family_ok(a->family) || iface_addr_is_link_local(a) ||
                            iface_addr_is_loopback(a))
                                continue;
                        w[n] = (Want){
                                .iface = i,
                                .existing = -1,
                                .holder = -1,
                                .keep_only = !f->up,
                                .ep.ifindex = f->ifindex,
                                .ep.flags = wanted_flags(in, d->backup),
                        };
                        pm_addr_from_iface(a, &w[n].ep.addr);
                        n++;
                }
        }

        if (n > 0)
                qsort(w, n, sizeof(Want), want_compare);

        /* The kernel keeps one endpoint per address: an address on two interfaces goes to the one
         * first in canonical order (lowest ifindex). */
        size_t m = 0;
        for (size_t j = 0; j < n; j++) {
                bool dup = false;

                for (size_t k = 0; k < m && !dup; k++)
                        dup = same_address(&w[k].ep.addr, &w[j].ep.addr);
                if (!dup)
                        w[m++] = w[j];
        }

        *ret = TAKE_PTR(w);
        *ret_n = m;
        return 0;
}

int endpoint_plan_compute(const EndpointPlanInput *in, EndpointPlan **ret) {
        _cleanup_(endpoint_plan_freep) EndpointPlan *p = NULL;
        _cleanup_free_ Want *wants = NULL;
        _cleanup_free_ bool *owned = NULL, *claimed = NULL;
        _cleanup_free_ size_t *rank = NULL;
        bool taken[256] = {};
        size_t n_wants = 0, n_foreign = 0, slots, used = 0;
        unsigned flags = 0;
        int r;

        if (!in || !ret)
                return -EINVAL;
        if (in->n_interfaces > 0 && (!in->decisions || !in->facts))
                return -EINVAL;
        if (in->n_current > 0 && !in->current)
                return -EINVAL;
        if ((unsigned) in->role >= _ENDPOINT_ROLE_MAX)
                return -EINVAL;

        const size_t nc = in->n_current;
        owned = new0(bool, nc);
        claimed = new0(bool, nc);
        if (!owned || !claimed)
                return -ENOMEM;
        for (size_t i = 0; i < nc; i++) {
                owned[i] = endpoint_plan_is_owned(&in->current[i]);
                if (!owned[i]) {
                        n_foreign++;
                        taken[in->current[i].id] = true;
                }
        }

        r = collect_wants(in, &wants, &n_wants, &flags);
        if (r < 0)
                return r;

        /* Match each want with a foreign holder of its address and with the daemon's own endpoint
         * for (address, device), lowest ID first. */
        for (size_t j = 0; j < n_wants; j++) {
                Want *w = &wants[j];

                for (size_t i = 0; i < nc; i++) {
                        const PmEndpoint *e = &in->current[i];

                        if (owned[i] || e->addr.port != 0 || !same_address(&e->addr, &w->ep.addr))
                                continue;
                        if (w->holder < 0 || e->id < in->current[w->holder].id)
                                w->holder = (ssize_t) i;
                }
                if (w->holder >= 0)
                        continue;
                for (size_t i = 0; i < nc; i++) {
                        const PmEndpoint *e = &in->current[i];

                        if (!owned[i] || claimed[i] || e->ifindex != w->ep.ifindex ||
                            !same_address(&e->addr, &w->ep.addr))
                                continue;
                        if (w->existing < 0 || e->id < in->current[w->existing].id)
                                w->existing = (ssize_t) i;
                }
                if (w->existing >= 0)
                        claimed[w->existing] = true;
        }

        p = new0(EndpointPlan, 1);
        if (!p)
                return -ENOMEM;
        p->ops = new0(EndpointOp, 2 * nc + n_wants + 1);
        p->conflicts = new0(EndpointConflict, nc);
        p->skipped = new0(EndpointSkip, n_wants);
        rank = new0(size_t, n_wants);
        if (!p->ops || !p->conflicts || !p->skipped || !rank)
                return -ENOMEM;

        /* Choose under the kernel's endpoint cap, in rank order. */
        for (size_t j = 0; j < n_wants; j++)
                rank[j] = j;
        if (n_wants > 0)
                qsort_r(rank, n_wants, sizeof(size_t), want_rank_compare, wants);
        slots = n_foreign < ENDPOINT_KERNEL_MAX ? ENDPOINT_KERNEL_MAX - n_foreign : 0;
        for (size_t k = 0; k < n_wants; k++) {
                Want *w = &wants[rank[k]];
                EndpointSkip *s = &p->skipped[p->n_skipped];

                if (w->keep_only && w->existing < 0)
                        continue; /* a down interface gets no new endpoint */
                if (w->holder < 0 && used < slots) {
                        w->chosen = true;
                        used++;
                        if (w->existing >= 0)
                                taken[in->current[w->existing].id] = true;
                        continue;
                }
                *s = (EndpointSkip){
                        .endpoint = w->ep,
                        .reason = w->holder >= 0 ? ENDPOINT_SKIP_HELD : ENDPOINT_SKIP_CAP,
                };
                copy_ifname(s->ifname, in->facts[w->iface].name);
                p->n_skipped++;
        }

        /* IDs: an existing endpoint keeps its own; a new one gets its first free candidate. */
        for (size_t j = 0; j < n_wants; j++) {
                Want *w = &wants[j];

                if (!w->chosen)
                        continue;
                if (w->existing >= 0) {
                        w->ep.id = in->current[w->existing].id;
                        w->readd =
                                ((in->current[w->existing].flags ^ w->ep.flags) & ENDPOINT_FLAGS_ROLE) != 0;
                        continue;
                }
                for (unsigned probe = 0; probe < ENDPOINT_ID_PROBES && w->ep.id == 0; probe++) {
                        uint8_t id = endpoint_plan_id_slot(&w->ep.addr, w->ep.ifindex, probe);

                        if (!taken[id]) {
                                taken[id] = true;
                                w->ep.id = id;
                        }
                }
                if (w->ep.id == 0) {
                        EndpointSkip *s = &p->skipped[p->n_skipped++];

                        w->chosen = false;
                        *s = (EndpointSkip){ .endpoint = w->ep, .reason = ENDPOINT_SKIP_NO_ID };
                        copy_ifname(s->ifname, in->facts[w->iface].name);
                }
        }

        /* Deletes: the daemon's endpoints no chosen want keeps. */
        for (size_t i = 0; i < nc; i++) {
                bool keep = false;

                if (!owned[i])
                        continue;
                for (size_t j = 0; j < n_wants && !keep; j++)
                        keep = wants[j].chosen && wants[j].existing == (ssize_t) i;
                if (keep)
                        continue;

                EndpointOp *op = &p->ops[p->n_ops++];
                ssize_t iface = find_interface(in, &in->current[i]);

                *op = (EndpointOp){ .type = ENDPOINT_OP_DELETE, .endpoint = in->current[i] };
                if (iface >= 0)
                        copy_ifname(op->ifname, in->facts[iface].name);
        }

        /* Flag changes, re-adds and adds. */
        for (size_t j = 0; j < n_wants; j++) {
                const Want *w = &wants[j];
                const char *ifname = in->facts[w->iface].name;

                if (!w->chosen)
                        continue;
                p->n_owned++;
                if (w->existing >= 0) {
                        const PmEndpoint *cur = &in->current[w->existing];

                        if (w->readd) {
                                EndpointOp *del = &p->ops[p->n_ops++];

                                *del = (EndpointOp){ .type = ENDPOINT_OP_DELETE, .endpoint = *cur };
                                copy_ifname(del->ifname, ifname);
                        } else if (cur->flags != w->ep.flags) {
                                EndpointOp *op = &p->ops[p->n_ops++];

                                *op = (EndpointOp){
                                        .type = ENDPOINT_OP_SET_FLAGS,
                                        .endpoint = *cur,
                                        .old_flags = cur->flags,
                                };
                                op->endpoint.flags = w->ep.flags;
                                copy_ifname(op->ifname, ifname);
                                continue;
                        } else
                                continue;
                }

                EndpointOp *add = &p->ops[p->n_ops++];
                *add = (EndpointOp){ .type = ENDPOINT_OP_ADD, .endpoint = w->ep };
                copy_ifname(add->ifname, ifname);
        }

        /* Conflicts: foreign endpoints on managed interfaces. */
        for (size_t i = 0; i < nc; i++) {
                const PmEndpoint *e = &in->current[i];
                ssize_t iface;

                if (owned[i])
                        continue;
                iface = find_interface(in, e);
                if (iface < 0)
                        continue;

                EndpointConflict *c = &p->conflicts[p->n_conflicts++];
                *c = (EndpointConflict){ .endpoint = *e, .reason = ENDPOINT_CONFLICT_INTERFACE };
                copy_ifname(c->ifname, in->facts[iface].name);
                c->on_dev = e->ifindex > 0 && e->ifindex == in->facts[iface].ifindex;
                if (in->decisions[iface].use == RULE_USE_NEVER)
                        c->reason = ENDPOINT_CONFLICT_NEVER;
                else
                        for (size_t j = 0; j < n_wants; j++)
                                if (wants[j].holder == (ssize_t) i) {
                                        c->reason = ENDPOINT_CONFLICT_ADDRESS;
                                        c->wanted_flags = wants[j].ep.flags;
                                        break;
                                }
        }

        /* Limits. */
        uint32_t accepted = MIN(in->limit_add_addr_accepted, ENDPOINT_KERNEL_MAX), need = 0;
        bool any_fullmesh = false;

        for (size_t j = 0; j < n_wants; j++)
                if (wants[j].chosen) {
                        need += subflows_needed(wants[j].ep.flags, accepted);
                        any_fullmesh |= (wants[j].ep.flags & MPTCP_PM_ADDR_FLAG_FULLMESH) != 0;
                }
        for (size_t i = 0; i < nc; i++) {
                ssize_t iface;

                if (owned[i])
                        continue;
                iface = find_interface(in, &in->current[i]);
                if (iface >= 0 && in->decisions[iface].use == RULE_USE_NEVER)
                        continue;
                need += subflows_needed(in->current[i].flags, accepted);
                any_fullmesh |= (in->current[i].flags & MPTCP_PM_ADDR_FLAG_FULLMESH) &&
                                (in->current[i].flags & MPTCP_PM_ADDR_FLAG_SUBFLOW);
        }
        if (accepted > 0 && !any_fullmesh)
                need += accepted;

        uint32_t cap = MIN(in->limit_subflows, ENDPOINT_KERNEL_MAX);
        switch (in->role) {
        case ENDPOINT_ROLE_CLIENT:
                p->subflows = MIN(need, cap);
                if (need > p->subflows)
                        flags |= ENDPOINT_PLAN_LIMIT_CAPPED;
                break;
        case ENDPOINT_ROLE_SERVER:
        case ENDPOINT_ROLE_BOTH:
                p->subflows = cap;
                if (in->limit_subflows > cap)
                        flags |= ENDPOINT_PLAN_LIMIT_CAPPED;
                break;
        }
        p->add_addr_accepted = accepted;

        if (!in->leave_limits && (!in->current_limits_known || in->current_subflows != p->subflows ||
                                  in->current_add_addr_accepted != p->add_addr_accepted))
                p->ops[p->n_ops++] = (EndpointOp){
                        .type = ENDPOINT_OP_SET_LIMITS,
                        .subflows = p->subflows,
                        .add_addr_accepted = p->add_addr_accepted,
                };

        if (p->n_ops > 0)
                qsort(p->ops, p->n_ops, sizeof(EndpointOp), op_compare);
        if (p->n_conflicts > 0)
                qsort(p->conflicts, p->n_conflicts, sizeof(EndpointConflict), conflict_compare);
        if (p->n_skipped > 0) {
                qsort(p->skipped, p->n_skipped, sizeof(EndpointSkip), skip_compare);
                flags |= ENDPOINT_PLAN_SKIPPED;
        }
        p->flags = flags;

        *ret = TAKE_PTR(p);
        return 0;
}

/* ---- strings ---------------------------------------------------------------------------------- */

const char *endpoint_op_type_to_string(EndpointOpType t) {
        switch (t) {
        case ENDPOINT_OP_DELETE:
                return "delete";
        case ENDPOINT_OP_SET_FLAGS:
                return "set-flags";
        case ENDPOINT_OP_SET_LIMITS:
                return "set-limits";
        case ENDPOINT_OP_ADD:
                return "add";
        }
        return NULL;
}

const char *endpoint_conflict_reason_to_string(EndpointConflictReason r) {
        switch (r) {
        case ENDPOINT_CONFLICT_NEVER:
                return "never";
        case ENDPOINT_CONFLICT_ADDRESS:
                return "address";
        case ENDPOINT_CONFLICT_INTERFACE:
                return "interface";
        }
        return NULL;
}

const char *endpoint_skip_reason_to_string(EndpointSkipReason r) {
        switch (r) {
        case ENDPOINT_SKIP_HELD:
                return "held";
        case ENDPOINT_SKIP_CAP:
                return "cap";
        case ENDPOINT_SKIP_NO_ID:
                return "no-id";
        }
        return NULL;
}

const char *endpoint_flags_to_string(uint32_t flags, char *buf, size_t size) {
        static const struct {
                uint32_t bit;
                const char *word;
        } words[] = {
                { MPTCP_PM_ADDR_FLAG_SIGNAL, "signal" },     { MPTCP_PM_ADDR_FLAG_SUBFLOW, "subflow" },
                { MPTCP_PM_ADDR_FLAG_BACKUP, "backup" },     { MPTCP_PM_ADDR_FLAG_FULLMESH, "fullmesh" },
                { MPTCP_PM_ADDR_FLAG_IMPLICIT, "implicit" }, { MPTCP_PM_ADDR_FLAG_LAMINAR, "laminar" },
        };
        size_t len = 0;

        if (!buf || size == 0)
                return buf;
        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (flags & words[i].bit) {
                        flags &= ~words[i].bit;
                        len += (size_t) snprintf(
                                buf + MIN(len, size - 1), size - MIN(len, size - 1), "%s%s",
                                len > 0 ? " " : "", words[i].word);
                }
        if (flags)
                len += (size_t) snprintf(
                        buf + MIN(len, size - 1), size - MIN(len, size - 1), "%s0x%" PRIx32,
                        len > 0 ? " " : "", flags);
        if (len == 0)
                snprintf(buf, size, "none");
        return buf;
}

const char *endpoint_to_string(const PmEndpoint *e, const char *ifname, char *buf, size_t size) {
        char a[PM_ADDR_STRLEN], f[ENDPOINT_FLAGS_STRLEN], dev[IFNAMSIZ + 16] = "";

        if (!buf || size == 0)
                return buf;
        if (ifname && ifname[0])
                snprintf(dev, sizeof(dev), " dev %s", ifname);
        else if (e->ifindex > 0)
                snprintf(dev, sizeof(dev), " dev #%" PRIi32, e->ifindex);
        snprintf(
                buf, size, "id %u %s%s %s", e->id, pm_addr_to_string(&e->addr, a, sizeof(a)), dev,
                endpoint_flags_to_string(e->flags, f, sizeof(f)));
        return buf;
}

const char *endpoint_op_to_string(const EndpointOp *op, char *buf, size_t size) {
        char ep[ENDPOINT_STRLEN], f[ENDPOINT_FLAGS_STRLEN];

        if (!buf || size == 0)
                return buf;
        switch (op->type) {
        case ENDPOINT_OP_SET_LIMITS:
                snprintf(
                        buf, size, "set-limits subflows %" PRIu32 " add_addr_accepted %" PRIu32,
                        op->subflows, op->add_addr_accepted);
                break;
        case ENDPOINT_OP_SET_FLAGS:
                snprintf(
                        buf, size, "set-flags %s (was %s)",
                        endpoint_to_string(&op->endpoint, op->ifname, ep, sizeof(ep)),
                        endpoint_flags_to_string(op->old_flags, f, sizeof(f)));
                break;
        case ENDPOINT_OP_DELETE:
        case ENDPOINT_OP_ADD:
                snprintf(
                        buf, size, "%s %s", endpoint_op_type_to_string(op->type),
                        endpoint_to_string(&op->endpoint, op->ifname, ep, sizeof(ep)));
                break;
        }
        return buf;
}

const char *endpoint_conflict_to_string(const EndpointConflict *c, char *buf, size_t size) {
        char ep[ENDPOINT_STRLEN], f[ENDPOINT_FLAGS_STRLEN];

        if (!buf || size == 0)
                return buf;
        endpoint_to_string(&c->endpoint, c->on_dev ? c->ifname : NULL, ep, sizeof(ep));
        switch (c->reason) {
        case ENDPOINT_CONFLICT_NEVER:
                snprintf(
                        buf, size, "%s: foreign endpoint on %s, whose policy is never; left alone", ep,
                        c->ifname);
                break;
        case ENDPOINT_CONFLICT_ADDRESS:
                snprintf(
                        buf, size,
                        "%s: foreign endpoint holds an address of %s (policy wants %s%s); left alone, "
                        "the daemon's endpoint is not added",
                        ep, c->ifname, endpoint_flags_to_string(c->wanted_flags, f, sizeof(f)),
                        (c->endpoint.flags & ENDPOINT_FLAGS_MANAGED) == c->wanted_flags ? ", as it has"
                                                                                        : "");
                break;
        case ENDPOINT_CONFLICT_INTERFACE:
                snprintf(
                        buf, size, "%s: foreign endpoint on managed interface %s; left alone", ep,
                        c->ifname);
                break;
        }
        return buf;
}
