/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-decide.h — the MPTCP scheduler's choices, pure C shared by the BPF object and unit tests. */
#ifndef MPTCP_POLICYD_SCHED_DECIDE_H
#define MPTCP_POLICYD_SCHED_DECIDE_H

/*
 * Given what the scheduler knows about each subflow of one connection (struct sched_facts),
 * choose where the next piece of data goes:
 *
 *   weighted   smooth weighted round-robin (the nginx scheme): each round every eligible
 *              subflow earns its weight in credit, the richest one is picked and pays the
 *              round's total weight. Over N rounds subflow i gets N * w_i / sum(w) picks,
 *              exactly, with the picks spread out rather than bunched.
 *   redundant  every eligible subflow (the same data is sent on each).
 *   cost       the cheapest eligible subflow; equal costs go to the lower srtt.
 *
 * Eligibility is tiered, and a choice is made in the best tier that has any subflow:
 *   0 active (not backup), room in the send buffer, congestion window not full
 *   1 active, room in the send buffer, window full (data waits in its queue)
 *   2 backup, room, window not full
 *   3 backup, room, window full
 * so backup subflows are used only when no active subflow can take data at all, and a
 * subflow without send-buffer room or that is not established (mptcp_subflow_active()) never
 * is. Redundant mode takes tiers 0 and 1 together (or 2 and 3): redundancy wants every path.
 *
 * Only the first SCHED_SUBFLOWS_MAX subflows are considered. No libc, fixed-width types,
 * bounded loops: the same code runs in the BPF verifier and in a userspace test.
 */

#ifdef __bpf__
#define SCHED_INLINE static __always_inline
#else
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#define SCHED_INLINE static inline
#endif

#define SCHED_SUBFLOWS_MAX 8     /* the kernel's MPTCP_SUBFLOWS_MAX */
#define SCHED_WEIGHT_MAX 1000    /* weights are clamped to [1, SCHED_WEIGHT_MAX] */
#define SCHED_COST_METERED 1000  /* added to the cost of a metered subflow */
#define SCHED_NONE (-1)          /* no subflow can take data */

enum sched_mode {
	SCHED_MODE_WEIGHTED,
	SCHED_MODE_REDUNDANT,
	SCHED_MODE_COST,
	_SCHED_MODE_MAX,
};

enum sched_fact_flag {
	SCHED_F_ACTIVE = 1U << 0,    /* mptcp_subflow_active(): established, not closing */
	SCHED_F_SNDBUF = 1U << 1,    /* room in the send buffer (sk_stream_memory_free) */
	SCHED_F_CWND_FULL = 1U << 2, /* packets in flight >= congestion window */
	SCHED_F_BACKUP = 1U << 3,    /* backup, asked locally or by the peer */
	SCHED_F_METERED = 1U << 4,   /* on a metered interface: costs SCHED_COST_METERED more */
};

enum {
	SCHED_TIER_ACTIVE,
	SCHED_TIER_ACTIVE_BUSY,
	SCHED_TIER_BACKUP,
	SCHED_TIER_BACKUP_BUSY,
	_SCHED_TIER_MAX,
};

struct sched_facts {
	__u32 id;      /* subflow id (the caller's; credits follow it across rounds) */
	__u32 flags;   /* enum sched_fact_flag */
	__u32 weight;  /* share in weighted mode; 0 counts as 1 */
	__u32 cost;    /* relative cost, 0 = free */
	__u32 srtt_us; /* smoothed RTT; 0 = not known (sorts last) */
	__s32 credit;  /* weighted mode's running credit, kept across rounds */
};

/* Per-connection credits, kept between rounds (sk_storage in BPF). A slot belongs to the
 * subflow id it holds; a new id taking a slot starts from zero credit. */
struct sched_credits {
	__u32 ids[SCHED_SUBFLOWS_MAX];
	__s32 credit[SCHED_SUBFLOWS_MAX];
};

SCHED_INLINE __u32 sched_clamp_n(__u32 n)
{
	return n < SCHED_SUBFLOWS_MAX ? n : SCHED_SUBFLOWS_MAX;
}

SCHED_INLINE __u32 sched_weight(const struct sched_facts *f)
{
	if (f->weight == 0)
		return 1;
	return f->weight < SCHED_WEIGHT_MAX ? f->weight : SCHED_WEIGHT_MAX;
}

SCHED_INLINE __u32 sched_cost(const struct sched_facts *f)
{
	__u32 c = f->cost;

	if (f->flags & SCHED_F_METERED)
		c = c > 0xffffffffU - SCHED_COST_METERED ? 0xffffffffU : c + SCHED_COST_METERED;
	return c;
}

/* The subflow's tier, or -1 when it cannot take data at all. */
SCHED_INLINE int sched_tier(const struct sched_facts *f)
{
	int tier;

	if (!(f->flags & SCHED_F_ACTIVE) || !(f->flags & SCHED_F_SNDBUF))
		return -1;
	tier = (f->flags & SCHED_F_BACKUP) ? SCHED_TIER_BACKUP : SCHED_TIER_ACTIVE;
	if (f->flags & SCHED_F_CWND_FULL)
		tier++;
	return tier;
}

/* The best (lowest) tier any of the first n subflows is in, or -1. */
SCHED_INLINE int sched_best_tier(const struct sched_facts *f, __u32 n)
{
	int best = -1;

	n = sched_clamp_n(n);
	for (__u32 i = 0; i < SCHED_SUBFLOWS_MAX; i++) {
		int t;

		if (i >= n)
			break;
		t = sched_tier(&f[i]);
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

/* Weighted: index of the pick, or SCHED_NONE; updates the credits of the tier's subflows. */
SCHED_INLINE int sched_pick_weighted(struct sched_facts *f, __u32 n)
{
	int tier = sched_best_tier(f, n), pick = SCHED_NONE;
	__s32 total = 0;

	if (tier < 0)
		return SCHED_NONE;
	n = sched_clamp_n(n);
	for (__u32 i = 0; i < SCHED_SUBFLOWS_MAX; i++) {
		if (i >= n)
			break;
		if (sched_tier(&f[i]) != tier)
			continue;
		f[i].credit += (__s32)sched_weight(&f[i]);
		total += (__s32)sched_weight(&f[i]);
		if (pick < 0 || f[i].credit > f[pick & (SCHED_SUBFLOWS_MAX - 1)].credit)
			pick = (int)i;
	}
	if (pick < 0)
		return SCHED_NONE;
	f[pick & (SCHED_SUBFLOWS_MAX - 1)].credit -= total;
	return pick;
}

/* Cost-aware (also every mode's retransmission choice): the cheapest subflow of the best
 * tier; equal costs go to the lower srtt, then to the first. Index or SCHED_NONE. */
SCHED_INLINE int sched_pick_cost(const struct sched_facts *f, __u32 n)
{
	int tier = sched_best_tier(f, n), pick = SCHED_NONE;
	__u32 best_cost = 0, best_rtt = 0;

	if (tier < 0)
		return SCHED_NONE;
	n = sched_clamp_n(n);
	for (__u32 i = 0; i < SCHED_SUBFLOWS_MAX; i++) {
		__u32 cost, rtt;

		if (i >= n)
			break;
		if (sched_tier(&f[i]) != tier)
			continue;
		cost = sched_cost(&f[i]);
		rtt = f[i].srtt_us ? f[i].srtt_us : 0xffffffffU;
		if (pick < 0 || cost < best_cost || (cost == best_cost && rtt < best_rtt)) {
			pick = (int)i;
			best_cost = cost;
			best_rtt = rtt;
		}
	}
	return pick;
}

/* Redundant: a bit mask of the chosen indexes (bit i = f[i]); 0 when none can take data. */
SCHED_INLINE __u32 sched_pick_redundant(const struct sched_facts *f, __u32 n)
{
	int tier = sched_best_tier(f, n);
	__u32 mask = 0;

	if (tier < 0)
		return 0;
	n = sched_clamp_n(n);
	for (__u32 i = 0; i < SCHED_SUBFLOWS_MAX; i++) {
		int t;

		if (i >= n)
			break;
		t = sched_tier(&f[i]);
		/* Same class (active or backup), busy or not. */
		if (t >= 0 && (t >> 1) == (tier >> 1))
			mask |= 1U << i;
	}
	return mask;
}

/* One round of the given mode, as a bit mask of the chosen indexes (0 = none). */
SCHED_INLINE __u32 sched_decide(__u32 mode, struct sched_facts *f, __u32 n)
{
	int pick;

	switch (mode) {
	case SCHED_MODE_REDUNDANT:
		return sched_pick_redundant(f, n);
	case SCHED_MODE_COST:
		pick = sched_pick_cost(f, n);
		break;
	case SCHED_MODE_WEIGHTED:
	default:
		pick = sched_pick_weighted(f, n);
		break;
	}
	return pick < 0 ? 0 : 1U << (pick & (SCHED_SUBFLOWS_MAX - 1));
}

/* Credits from a connection's slots into the facts (a subflow id not seen before, or whose
 * slot was taken over, starts at 0). */
SCHED_INLINE void sched_credits_load(const struct sched_credits *c, struct sched_facts *f, __u32 n)
{
	n = sched_clamp_n(n);
	for (__u32 i = 0; i < SCHED_SUBFLOWS_MAX; i++) {
		__u32 slot;

		if (i >= n)
			break;
		slot = f[i].id & (SCHED_SUBFLOWS_MAX - 1);
		f[i].credit = c->ids[slot] == f[i].id ? c->credit[slot] : 0;
	}
}

/* Credits from the facts back into the connection's slots; a slot changes owner here. */
SCHED_INLINE void sched_credits_store(struct sched_credits *c, const struct sched_facts *f, __u32 n)
{
	n = sched_clamp_n(n);
	for (__u32 i = 0; i < SCHED_SUBFLOWS_MAX; i++) {
		__u32 slot;

		if (i >= n)
			break;
		slot = f[i].id & (SCHED_SUBFLOWS_MAX - 1);
		c->ids[slot] = f[i].id;
		c->credit[slot] = f[i].credit;
	}
}

#endif
