/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-engine.c — the pure policy engine: profile × interface facts → decisions, and per-connection subflow plans. */

#include <sys/socket.h>
#include <sys/types.h>

#include "policy-engine.h"

/* qsort()/qsort_r() without the NULL-base-with-zero-elements undefined behaviour. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
        if (n > 1)
                qsort(base, n, size, cmp);
}

static void sort_r(
        void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *), void *userdata) {
        if (n > 1)
                qsort_r(base, n, size, cmp, userdata);
}

static bool isempty(const char *s) {
        return !s || !*s;
}

/* ---- decisions -------------------------------------------------------------------------------- */

const char *policy_steering_unsupported_reason(SteeringMode mode, const PolicyCapabilities *caps) {
        bool bpf_scheduler = caps && caps->have_bpf_scheduler;

        switch (mode) {
        case STEERING_ACTIVE_STANDBY:
        case STEERING_SMALLEST_DELAY:
        case STEERING_LOAD_BALANCING:
        case STEERING_PRIORITY_BASED:
                return NULL;
        case STEERING_REDUNDANT:
                return bpf_scheduler ? NULL : POLICY_REASON_REDUNDANT_NEEDS_BPF_SCHEDULER;
        }
        return NULL;
}

/* A condition -1 (absent) holds; 0/1 holds only for a known, equal fact. */
static bool match_tristate(int condition, Tristate fact) {
        if (condition < 0)
                return true;
        if (fact == TRISTATE_UNKNOWN)
                return false;
        return (condition > 0) == (fact == TRISTATE_YES);
}

bool policy_rule_matches(const Rule *rule, const InterfaceFacts *f) {
        const RuleMatch *m = &rule->match;
        Tristate roaming;

        if (!rule_match_names(m, f->name))
                return false;
        if (m->types != 0 &&
            ((unsigned) f->type >= _INTERFACE_TYPE_MAX || !(m->types & INTERFACE_TYPE_BIT(f->type))))
                return false;
        if (!match_tristate(m->metered, f->metered))
                return false;
        /* Roaming is a cellular notion: other interfaces are known not to roam. */
        roaming = f->type == INTERFACE_TYPE_CELLULAR ? f->roaming : TRISTATE_NO;
        if (!match_tristate(m->roaming, roaming))
                return false;
        /* Unknown ("") matches no operator condition. */
        if (!rule_match_operator(m, isempty(f->operator_id) ? NULL : f->operator_id))
                return false;
        return true;
}

static void copy_congestion(char *dst, const char *src) {
        size_t l = src ? strnlen(src, CONGESTION_NAME_MAX + 1) : 0;

        if (l > CONGESTION_NAME_MAX) /* the parser rejects these; never truncate a name */
                l = 0;
        memcpy(dst, src ?: "", l);
        dst[l] = 0;
}

static void decide_one(const Profile *profile, const InterfaceFacts *f, InterfaceDecision *ret) {
        const Rule *rule = NULL;
        InterfaceDecision d = {
                .ifindex = f->ifindex,
                .rule_index = -1,
                .use = RULE_DEFAULT_USE,
                .subflows = RULE_DEFAULT_SUBFLOWS,
                .weight = RULE_DEFAULT_WEIGHT,
        };

        memcpy(d.name, f->name, sizeof(d.name));
        d.name[sizeof(d.name) - 1] = 0;

        for (size_t i = 0; i < profile->n_rules; i++)
                if (policy_rule_matches(profile->rules + i, f)) {
                        rule = profile->rules + i;
                        d.rule_index = (int) i;
                        break;
                }

        if (rule) {
                const RuleAction *a = &rule->action;

                if (a->use_set)
                        d.use = a->use;
                if (a->subflows_set)
                        d.subflows = a->subflows;
                if (a->weight_set && a->weight > 0)
                        d.weight = a->weight;
                if (a->pacing_cap_set)
                        d.pacing_cap_bps = a->pacing_cap_bps;
                if (a->congestion_set)
                        copy_congestion(d.congestion, a->congestion);
                if (a->notsent_lowat_set)
                        d.notsent_lowat = (uint32_t) MIN(a->notsent_lowat, (uint64_t) INT32_MAX);
                if (a->rtt_set)
                        d.rtt_threshold_usec = a->rtt_usec;
                if (a->loss_set)
                        d.loss_threshold_ppm = a->loss_ppm;
        } else
                d.flags |= DECISION_DEFAULT_RULE;

        d.backup = d.use == RULE_USE_BACKUP;
        *ret = d;
}

static bool is_active_up(const InterfaceDecision *d, const InterfaceFacts *f) {
        return f->up && d->use == RULE_USE_ACTIVE;
}

/* priority-based: a backup access with thresholds overflows when the best active access is worse. */
static void apply_priority_overflow(InterfaceDecision *d, const InterfaceFacts *facts, size_t n) {
        bool have = false;
        uint64_t best_srtt = UINT64_MAX;
        uint32_t best_loss = UINT32_MAX;

        for (size_t i = 0; i < n; i++) {
                if (!is_active_up(d + i, facts + i) || !facts[i].have_telemetry)
                        continue;
                have = true;
                best_srtt = MIN(best_srtt, facts[i].srtt_usec);
                best_loss = MIN(best_loss, facts[i].loss_ppm);
        }

        for (size_t i = 0; i < n; i++) {
                if (d[i].use != RULE_USE_BACKUP)
                        continue;
                if (d[i].rtt_threshold_usec == 0 && d[i].loss_threshold_ppm == 0)
                        continue;
                if (!have) {
                        d[i].flags |= DECISION_NO_TELEMETRY;
                        continue;
                }
                if ((d[i].rtt_threshold_usec > 0 && best_srtt > d[i].rtt_threshold_usec) ||
                    (d[i].loss_threshold_ppm > 0 && best_loss > d[i].loss_threshold_ppm)) {
                        d[i].backup = false;
                        d[i].flags |= DECISION_OVERFLOW;
                }
        }
}

/* The capacity load-balancing assumes for an interface: the smaller of what the facts say and
 * the rule's explicit cap; 0 = unknown. */
static uint64_t lb_capacity(const InterfaceDecision *d, const InterfaceFacts *f) {
        uint64_t c = f->capacity_bps;

        if (d->pacing_cap_bps > 0)
                c = c > 0 ? MIN(c, d->pacing_cap_bps) : d->pacing_cap_bps;
        return c;
}

/* load-balancing without the BPF scheduler: weights → pacing caps (see the header). With
 * T = min_j(c_j·W/w_j), i's share T·w_i/W equals min_j(c_j·w_i/w_j), computed in that form so
 * that the bottleneck (j = i) gets exactly c_i and stays uncapped. */
static void apply_weight_caps(InterfaceDecision *d, const InterfaceFacts *facts, size_t n) {
        size_t participants = 0;
        bool unknown = false;

        for (size_t i = 0; i < n; i++) {
                if (!is_active_up(d + i, facts + i))
                        continue;
                participants++;
                if (lb_capacity(d + i, facts + i) == 0)
                        unknown = true;
        }
        if (participants < 2) /* one path: nothing to balance */
                return;

        for (size_t i = 0; i < n; i++) {
                uint64_t c, share;

                if (!is_active_up(d + i, facts + i))
                        continue;
                if (unknown) {
                        d[i].flags |= DECISION_CAPACITY_UNKNOWN;
                        continue;
                }

                c = share = lb_capacity(d + i, facts + i);
                for (size_t j = 0; j < n; j++) {
                        unsigned __int128 t;

                        if (j == i || !is_active_up(d + j, facts + j))
                                continue;
                        t = (unsigned __int128) lb_capacity(d + j, facts + j) * d[i].weight / d[j].weight;
                        if (t < share)
                                share = (uint64_t) t;
                }
                if (share >= c)
                        continue; /* the bottleneck: its own capacity limits it */
                d[i].pacing_cap_bps = share; /* < c ≤ any explicit cap */
                d[i].flags |= DECISION_CAP_FROM_WEIGHT;
        }
}

int policy_decide(
        const Profile *profile, const PolicyCapabilities *caps, const InterfaceFacts *facts, size_t n,
        InterfaceDecision *decisions) {

        _cleanup_free_ InterfaceDecision *d = NULL;
        PolicyCapabilities none = {};

        if (!profile || (n > 0 && (!facts || !decisions)))
                return -EINVAL;
        if (!caps)
                caps = &none;
        if (policy_steering_unsupported_reason(profile->steering, caps))
                return -EOPNOTSUPP;

        d = new0(InterfaceDecision, n);
        if (!d)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++)
                decide_one(profile, facts + i, d + i);

        switch (profile->steering) {
        case STEERING_ACTIVE_STANDBY:
        case STEERING_SMALLEST_DELAY:
        case STEERING_REDUNDANT:
                break;
        case STEERING_PRIORITY_BASED:
                apply_priority_overflow(d, facts, n);
                break;
        case STEERING_LOAD_BALANCING:
                if (caps->have_bpf_scheduler) {
                        for (size_t i = 0; i < n; i++)
                                if (d[i].use == RULE_USE_ACTIVE)
                                        d[i].flags |= DECISION_WEIGHT_TO_SCHEDULER;
                } else
                        apply_weight_caps(d, facts, n);
                break;
        }

        for (size_t i = 0; i < n; i++)
                if (d[i].pacing_cap_bps > 0 && d[i].notsent_lowat == 0) {
                        d[i].notsent_lowat = POLICY_CAPPED_NOTSENT_LOWAT;
                        d[i].flags |= DECISION_NOTSENT_LOWAT_DEFAULT;
                }

        if (n > 0)
                memcpy(decisions, d, n * sizeof(InterfaceDecision));
        return 0;
}

const char *interface_decision_to_string(const InterfaceDecision *d) {
        switch (d->use) {
        case RULE_USE_ACTIVE:
                return "active";
        case RULE_USE_BACKUP:
                return d->backup ? "backup" : "active (overflow)";
        case RULE_USE_NEVER:
                return "never";
        }
        return NULL;
}

/* ---- per-connection plan ---------------------------------------------------------------------- */

PolicyPlan *policy_plan_free(PolicyPlan *p) {
        if (!p)
                return NULL;
        free(p->create);
        free(p->destroy);
        free(p->set_backup);
        free(p->clear_backup);
        free(p);
        return NULL;
}

bool policy_plan_is_empty(const PolicyPlan *p) {
        return !p || (p->n_create == 0 && p->n_destroy == 0 && p->n_set_backup == 0 && p->n_clear_backup == 0);
}

/* One desired subflow. */
typedef struct Slot {
        size_t iface;    /* index into facts/decisions */
        IfaceAddr local;
        size_t remote;   /* index into the remote list */
        unsigned copy;   /* 0..subflows-1 for this (local, remote) */
        bool backup;
        ssize_t matched; /* index into current, -1 = none */
        bool chosen;     /* within the limit */
} Slot;

typedef enum SubflowState {
        SUBFLOW_ALONE, /* unknown or down interface: not ours to touch */
        SUBFLOW_NEVER, /* on a `never` interface */
        SUBFLOW_USED,  /* on an up interface that may carry subflows */
} SubflowState;

typedef struct PlanContext {
        const InterfaceDecision *decisions;
        const InterfaceFacts *facts;
        size_t n;
        const PolicySubflow *current;
        size_t n_current;

        PolicyRemote *remotes; /* ports resolved */
        size_t n_remotes;
        size_t *order; /* facts indices sorted by ifindex */
        Slot *slots;
        size_t n_slots;
        ssize_t *iface_of; /* per current: facts index or -1 */
        SubflowState *state;
        bool *kept;
} PlanContext;

static void plan_context_done(PlanContext *c) {
        free(c->remotes);
        free(c->order);
        free(c->slots);
        free(c->iface_of);
        free(c->state);
        free(c->kept);
}

static int cmp_u16(uint16_t a, uint16_t b) {
        return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_int(int a, int b) {
        return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_size(size_t a, size_t b) {
        return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_subflow(const PolicySubflow *a, const PolicySubflow *b) {
        int r;

        if ((r = cmp_int(a->ifindex, b->ifindex)) != 0)
                return r;
        if ((r = iface_addr_compare(&a->local, &b->local)) != 0)
                return r;
        if ((r = iface_addr_compare(&a->remote, &b->remote)) != 0)
                return r;
        if ((r = cmp_u16(a->remote_port, b->remote_port)) != 0)
                return r;
        return cmp_u16(a->local_port, b->local_port);
}

static int cmp_subflow_qsort(const void *a, const void *b) {
        return cmp_subflow(a, b);
}

static int cmp_create(const void *x, const void *y) {
        const PolicySubflowCreate *a = x, *b = y;
        int r;

        if ((r = cmp_int(a->ifindex, b->ifindex)) != 0)
                return r;
        if ((r = iface_addr_compare(&a->local, &b->local)) != 0)
                return r;
        if ((r = iface_addr_compare(&a->remote, &b->remote)) != 0)
                return r;
        return cmp_u16(a->remote_port, b->remote_port);
}

static int build_remotes(PlanContext *c, const PolicyConnection *conn) {
        c->remotes = new0(PolicyRemote, conn->n_announced + 1);
        if (!c->remotes)
                return -ENOMEM;

        for (size_t i = 0; i <= conn->n_announced; i++) {
                PolicyRemote r;
                bool dup = false;

                if (i == 0)
                        r = (PolicyRemote) { .addr = conn->remote, .port = conn->remote_port };
                else {
                        r = conn->announced[i - 1];
                        if (r.port == 0)
                                r.port = conn->remote_port;
                }
                if (r.addr.family != AF_INET && r.addr.family != AF_INET6)
                        continue;
                for (size_t j = 0; j < c->n_remotes; j++)
                        if (iface_addr_equal(&c->remotes[j].addr, &r.addr) && c->remotes[j].port == r.port)
                                dup = true;
                if (!dup)
                        c->remotes[c->n_remotes++] = r;
        }
        return 0;
}

/* Facts indices by ifindex (stable insertion sort; n is the number of interfaces). */
static int build_order(PlanContext *c) {
        c->order = new0(size_t, c->n);
        if (!c->order)
                return -ENOMEM;
        for (size_t i = 0; i < c->n; i++) {
                size_t j = i;

                while (j > 0 && c->facts[c->order[j - 1]].ifindex > c->facts[i].ifindex) {
                        c->order[j] = c->order[j - 1];
                        j--;
                }
                c->order[j] = i;
        }
        return 0;
}

static bool pair_allowed(const IfaceAddr *local, const IfaceAddr *remote) {
        if (local->family != remote->family)
                return false;
        if (iface_addr_is_link_local(local) && !iface_addr_is_link_local(remote))
                return false;
        if (iface_addr_is_loopback(local) != iface_addr_is_loopback(remote))
                return false;
        return true;
}

static int cmp_addr_qsort(const void *a, const void *b) {
        return iface_addr_compare(a, b);
}

static int build_slots(PlanContext *c) {
        size_t cap = 0;

        /* Count first: the number of slots is bounded by the inputs. */
        for (size_t i = 0; i < c->n; i++)
                if (c->facts[i].up && c->decisions[i].use != RULE_USE_NEVER)
                        cap += c->facts[i].n_addresses * c->n_remotes * c->decisions[i].subflows;
        c->slots = new0(Slot, cap);
        if (!c->slots)
                return -ENOMEM;

        for (size_t k = 0; k < c->n; k++) {
                size_t i = c->order[k];
                const InterfaceFacts *f = c->facts + i;
                const InterfaceDecision *d = c->decisions + i;
                _cleanup_free_ IfaceAddr *addrs = NULL;

                if (!f->up || d->use == RULE_USE_NEVER || f->n_addresses == 0)
                        continue;

                addrs = new(IfaceAddr, f->n_addresses);
                if (!addrs)
                        return -ENOMEM;
                memcpy(addrs, f->addresses, f->n_addresses * sizeof(IfaceAddr));
                sort(addrs, f->n_addresses, sizeof(IfaceAddr), cmp_addr_qsort);

                for (size_t a = 0; a < f->n_addresses; a++) {
                        if (a > 0 && iface_addr_equal(addrs + a, addrs + a - 1))
                                continue;
                        for (size_t r = 0; r < c->n_remotes; r++) {
                                if (!pair_allowed(addrs + a, &c->remotes[r].addr))
                                        continue;
                                for (unsigned copy = 0; copy < d->subflows; copy++)
                                        c->slots[c->n_slots++] = (Slot) {
                                                .iface = i,
                                                .local = addrs[a],
                                                .remote = r,
                                                .copy = copy,
                                                .backup = d->backup,
                                                .matched = -1,
                                        };
                        }
                }
        }
        return 0;
}

/* The interface of a current subflow: by ifindex, else by local address (lowest ifindex wins). */
static ssize_t resolve_iface(const PlanContext *c, const PolicySubflow *s) {
        if (s->ifindex > 0) {
                for (size_t i = 0; i < c->n; i++)
                        if (c->facts[i].ifindex == s->ifindex)
                                return (ssize_t) i;
                return -1;
        }
        for (size_t k = 0; k < c->n; k++) {
                size_t i = c->order[k];

                for (size_t a = 0; a < c->facts[i].n_addresses; a++)
                        if (iface_addr_equal(c->facts[i].addresses + a, &s->local))
                                return (ssize_t) i;
        }
        return -1;
}

/* Matching order of current subflows: initial first, then the output order, then ID. */
static int cmp_current_idx(const void *x, const void *y, void *userdata) {
        const PlanContext *c = userdata;
        const PolicySubflow *a = c->current + *(const size_t *) x;
        const PolicySubflow *b = c->current + *(const size_t *) y;
        int r;

        if (a->initial != b->initial)
                return a->initial ? -1 : 1;
        if ((r = cmp_subflow(a, b)) != 0)
                return r;
        if (a->local_id != b->local_id)
                return a->local_id < b->local_id ? -1 : 1;
        return cmp_size(*(const size_t *) x, *(const size_t *) y);
}

/* Rank of slots under the limit (see the header). Slots are built in (ifindex, local, remote,
 * copy) order, so the slot index breaks the remaining ties in that order. */
static int cmp_slot_rank(const void *x, const void *y, void *userdata) {
        const PlanContext *c = userdata;
        size_t ia = *(const size_t *) x, ib = *(const size_t *) y;
        const Slot *a = c->slots + ia, *b = c->slots + ib;

        if (a->backup != b->backup)
                return a->backup ? 1 : -1;
        if (a->copy != b->copy)
                return a->copy < b->copy ? -1 : 1;
        if ((a->matched >= 0) != (b->matched >= 0))
                return a->matched >= 0 ? -1 : 1;
        if (a->remote != b->remote)
                return a->remote < b->remote ? -1 : 1;
        return cmp_size(ia, ib);
}

static void match_current(PlanContext *c) {
        for (size_t j = 0; j < c->n_current; j++) {
                ssize_t i = resolve_iface(c, c->current + j);

                c->iface_of[j] = i;
                if (i < 0 || !c->facts[i].up)
                        c->state[j] = SUBFLOW_ALONE;
                else if (c->decisions[i].use == RULE_USE_NEVER)
                        c->state[j] = SUBFLOW_NEVER;
                else
                        c->state[j] = SUBFLOW_USED;
        }
}

static int assign_slots(PlanContext *c) {
        _cleanup_free_ size_t *idx = NULL;

        idx = new(size_t, c->n_current);
        if (!idx)
                return -ENOMEM;
        for (size_t j = 0; j < c->n_current; j++)
                idx[j] = j;
        sort_r(idx, c->n_current, sizeof(size_t), cmp_current_idx, c);

        for (size_t k = 0; k < c->n_current; k++) {
                size_t j = idx[k];
                const PolicySubflow *s = c->current + j;

                if (c->state[j] != SUBFLOW_USED)
                        continue;
                for (size_t t = 0; t < c->n_slots; t++) {
                        Slot *slot = c->slots + t;
                        const PolicyRemote *r = c->remotes + slot->remote;

                        if (slot->matched >= 0 || slot->iface != (size_t) c->iface_of[j] ||
                            !iface_addr_equal(&slot->local, &s->local) || !iface_addr_equal(&r->addr, &s->remote) ||
                            r->port != s->remote_port)
                                continue;
                        slot->matched = (ssize_t) j;
                        break;
                }
        }
        return 0;
}

/* Chooses slots within the limit; returns true when some were left out. */
static int choose_slots(PlanContext *c, unsigned limit, bool *ret_limited) {
        _cleanup_free_ size_t *idx = NULL;
        size_t n_idx = 0, budget, others = 0;
        bool limited = false;

        /* Non-initial subflows we do not touch still occupy the budget. */
        for (size_t j = 0; j < c->n_current; j++)
                if (!c->current[j].initial && c->state[j] == SUBFLOW_ALONE)
                        others++;
        budget = others >= limit ? 0 : limit - others;

        idx = new(size_t, c->n_slots);
        if (!idx)
                return -ENOMEM;
        for (size_t t = 0; t < c->n_slots; t++) {
                Slot *slot = c->slots + t;

                if (slot->matched >= 0 && c->current[slot->matched].initial)
                        slot->chosen = true; /* the initial subflow keeps its slot, for free */
                else
                        idx[n_idx++] = t;
        }
        sort_r(idx, n_idx, sizeof(size_t), cmp_slot_rank, c);

        for (size_t k = 0; k < n_idx; k++) {
                if (k < budget)
                        c->slots[idx[k]].chosen = true;
                else
                        limited = true;
        }
        *ret_limited = limited;
        return 0;
}

static int append_subflow(PolicySubflow **list, size_t *n, const PolicySubflow *s) {
        PolicySubflow *l = reallocarray(*list, *n + 1, sizeof(PolicySubflow));

        if (!l)
                return -ENOMEM;
        l[(*n)++] = *s;
        *list = l;
        return 0;
}

int policy_plan_connection(
        const InterfaceDecision *decisions, const InterfaceFacts *facts, size_t n,
        const PolicyConnection *conn, const PolicySubflow *current, size_t n_current,
        const PolicyPlanLimits *limits, PolicyPlan **ret) {

        _cleanup_(plan_context_done) PlanContext c = {
                .decisions = decisions,
                .facts = facts,
                .n = n,
                .current = current,
                .n_current = n_current,
        };
        _cleanup_(policy_plan_freep) PolicyPlan *plan = NULL;
        bool limited = false, server = conn && conn->server_side;
        int r;

        if (!conn || !ret || (n > 0 && (!decisions || !facts)) || (n_current > 0 && !current))
                return -EINVAL;
        if (conn->remote.family != AF_INET && conn->remote.family != AF_INET6)
                return -EINVAL;
        if (conn->n_announced > 0 && !conn->announced)
                return -EINVAL;

        plan = new0(PolicyPlan, 1);
        c.iface_of = new0(ssize_t, n_current);
        c.state = new0(SubflowState, n_current);
        c.kept = new0(bool, n_current);
        if (!plan || !c.iface_of || !c.state || !c.kept)
                return -ENOMEM;

        r = build_remotes(&c, conn);
        if (r < 0)
                return r;
        r = build_order(&c);
        if (r < 0)
                return r;
        r = build_slots(&c);
        if (r < 0)
                return r;
        match_current(&c);
        r = assign_slots(&c);
        if (r < 0)
                return r;
        if (!server) {
                r = choose_slots(&c, limits ? limits->subflows : PROFILE_DEFAULT_LIMIT_SUBFLOWS, &limited);
                if (r < 0)
                        return r;
        }

        /* Which current subflows stay (before deciding about the initial one on `never`). */
        for (size_t j = 0; j < n_current; j++)
                switch (c.state[j]) {
                case SUBFLOW_ALONE:
                        c.kept[j] = true;
                        break;
                case SUBFLOW_NEVER:
                        c.kept[j] = false; /* the initial one is reconsidered below */
                        break;
                case SUBFLOW_USED:
                        c.kept[j] = server || current[j].initial;
                        break;
                }
        for (size_t t = 0; t < c.n_slots; t++)
                if (c.slots[t].matched >= 0 && c.slots[t].chosen)
                        c.kept[c.slots[t].matched] = true;

        for (size_t j = 0; j < n_current; j++) {
                bool other = false;

                if (c.state[j] != SUBFLOW_NEVER || !current[j].initial)
                        continue;
                for (size_t k = 0; k < n_current; k++)
                        if (k != j && c.state[k] == SUBFLOW_USED && c.kept[k])
                                other = true;
                if (!other) {
                        c.kept[j] = true;
                        plan->flags |= PLAN_INITIAL_KEPT_ON_NEVER;
                }
        }

        /* The diff. */
        for (size_t j = 0; j < n_current; j++) {
                bool want_backup;

                if (!c.kept[j]) {
                        r = append_subflow(&plan->destroy, &plan->n_destroy, current + j);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (c.state[j] == SUBFLOW_ALONE)
                        continue;
                want_backup = c.state[j] == SUBFLOW_NEVER ? true : decisions[c.iface_of[j]].backup;
                if (want_backup == current[j].backup)
                        continue;
                if (want_backup)
                        r = append_subflow(&plan->set_backup, &plan->n_set_backup, current + j);
                else
                        r = append_subflow(&plan->clear_backup, &plan->n_clear_backup, current + j);
                if (r < 0)
                        return r;
        }

        if (!server) {
                plan->create = new0(PolicySubflowCreate, c.n_slots);
                if (!plan->create)
                        return -ENOMEM;
                for (size_t t = 0; t < c.n_slots; t++) {
                        const Slot *slot = c.slots + t;

                        if (!slot->chosen || slot->matched >= 0)
                                continue;
                        plan->create[plan->n_create++] = (PolicySubflowCreate) {
                                .ifindex = facts[slot->iface].ifindex,
                                .local = slot->local,
                                .remote = c.remotes[slot->remote].addr,
                                .remote_port = c.remotes[slot->remote].port,
                                .backup = slot->backup,
                        };
                }
        }
        if (limited)
                plan->flags |= PLAN_LIMIT_REACHED;

        sort(plan->create, plan->n_create, sizeof(PolicySubflowCreate), cmp_create);
        sort(plan->destroy, plan->n_destroy, sizeof(PolicySubflow), cmp_subflow_qsort);
        sort(plan->set_backup, plan->n_set_backup, sizeof(PolicySubflow), cmp_subflow_qsort);
        sort(plan->clear_backup, plan->n_clear_backup, sizeof(PolicySubflow), cmp_subflow_qsort);

        *ret = TAKE_PTR(plan);
        return 0;
}
