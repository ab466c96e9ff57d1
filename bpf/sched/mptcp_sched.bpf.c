// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcp_sched.bpf.c — MPTCP packet schedulers (struct_ops) steered by the daemon's per-interface maps. */

/*
 * Three schedulers from one object, one per enum sched_mode: policyd_wrr (weighted
 * round-robin by sched_links' weights), policyd_red (redundant: every usable subflow) and
 * policyd_cost (cheapest usable subflow). net.mptcp.scheduler picks one per network namespace.
 *
 * Each get_send walks the connection's subflows once with the mptcp_subflow iterator and
 * turns each into struct sched_facts (established and room to send, backup, congestion window
 * full, srtt, and the weight/cost of its interface from sched_links, keyed like the sock_ops
 * program's subflow_params by {netns cookie, ifindex}); sched-decide.h chooses; a second walk
 * marks the chosen subflows with mptcp_subflow_set_scheduled(). The weighted mode's credits
 * live in sk_storage on the MPTCP socket, per subflow id. get_retrans picks as the cost mode
 * does, in every scheduler.
 *
 * The kernel API is the mptcp_net-next tree's (see mptcp-sched-api.bpf.h); this object loads
 * only where vmlinux BTF has bpf_struct_ops_mptcp_sched_ops, and the loader checks that first.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "mptcp-sched-api.bpf.h"
#include "mptcp-sched.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCHED_LINKS_MAX);
	__type(key, struct subflow_params_key);
	__type(value, struct sched_link);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sched_links SEC(".maps");

/* The sock_ops program's map: the same definition, so that the pin is shared. */
#include "subflow-params-map.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, _SCHED_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sched_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sched_credits);
} sched_conn SEC(".maps");

static __always_inline void stat_add(__u32 stat, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&sched_stats, &stat);

	if (v)
		__sync_fetch_and_add(v, n);
}

/* bpf_get_netns_cookie() is not offered to struct_ops programs; this is what it returns. */
static __always_inline __u64 msk_netns_cookie(struct mptcp_sock *msk)
{
	struct sock *sk = (struct sock *)msk;

	return BPF_CORE_READ(sk, __sk_common.skc_net.net, net_cookie);
}

/* The interface the subflow leaves by: its route's device, else the device it is bound to. */
static __always_inline __u32 ssk_ifindex(struct sock *ssk)
{
	int ifindex = BPF_CORE_READ(ssk, sk_dst_cache, dev, ifindex);

	if (ifindex <= 0)
		ifindex = BPF_CORE_READ(ssk, __sk_common.skc_bound_dev_if);
	return ifindex > 0 ? (__u32)ifindex : 0;
}

static __always_inline void link_facts(__u64 netns_cookie, __u32 ifindex, struct sched_facts *f)
{
	struct subflow_params_key key = { .netns_cookie = netns_cookie, .ifindex = ifindex };
	struct subflow_params *params;
	struct sched_link *link;

	f->weight = SCHED_WEIGHT_DEFAULT;
	if (!ifindex)
		return;

	link = bpf_map_lookup_elem(&sched_links, &key);
	if (link) {
		stat_add(SCHED_STAT_LINK_ENTRIES, 1);
		if (link->weight)
			f->weight = link->weight;
		f->cost = link->cost;
		if (link->flags & SCHED_LINK_METERED)
			f->flags |= SCHED_F_METERED;
		return;
	}

	params = bpf_map_lookup_elem(&subflow_params, &key);
	if (params && params->pacing_rate) {
		__u32 w = params->pacing_rate / SCHED_WEIGHT_UNIT_RATE;

		stat_add(SCHED_STAT_PACING_WEIGHTS, 1);
		f->weight = w < 1 ? 1 : w > SCHED_WEIGHT_MAX ? SCHED_WEIGHT_MAX : w;
	}
}

static __always_inline void subflow_facts(__u64 netns_cookie, struct mptcp_subflow_context *subflow,
					  struct sched_facts *f)
{
	struct sock *ssk = bpf_mptcp_subflow_tcp_sock(subflow);
	struct tcp_sock *tp;

	f->id = subflow->subflow_id;
	if (!ssk)
		return; /* flags 0: never chosen */

	if (mptcp_subflow_active(subflow))
		f->flags |= SCHED_F_ACTIVE;
	if (bpf_sk_stream_memory_free(subflow))
		f->flags |= SCHED_F_SNDBUF;
	if (subflow->backup || subflow->request_bkup)
		f->flags |= SCHED_F_BACKUP;

	tp = bpf_skc_to_tcp_sock(ssk);
	if (tp) {
		f->srtt_us = tp->srtt_us >> 3;
		if (tp->packets_out >= tp->snd_cwnd)
			f->flags |= SCHED_F_CWND_FULL;
	}

	link_facts(netns_cookie, ssk_ifindex(ssk), f);
}

/* Facts of the first SCHED_SUBFLOWS_MAX subflows, in list order; returns how many. */
static __always_inline __u32 collect(struct mptcp_sock *msk, struct sched_facts *facts)
{
	__u64 netns_cookie = msk_netns_cookie(msk);
	struct mptcp_subflow_context *subflow;
	struct bpf_iter_mptcp_subflow it;
	__u32 n = 0;

	bpf_iter_mptcp_subflow_new(&it, (struct sock *)msk);
	while ((subflow = bpf_iter_mptcp_subflow_next(&it))) {
		if (n >= SCHED_SUBFLOWS_MAX)
			break;
		subflow_facts(netns_cookie, subflow, &facts[n & (SCHED_SUBFLOWS_MAX - 1)]);
		n++;
	}
	bpf_iter_mptcp_subflow_destroy(&it);
	return n;
}

/* Marks the subflows whose bit is set in mask, walking in the same order as collect(). */
static __always_inline int mark(struct mptcp_sock *msk, const struct sched_facts *facts, __u32 mask)
{
	struct mptcp_subflow_context *subflow;
	struct bpf_iter_mptcp_subflow it;
	__u32 i = 0, picks = 0, backups = 0;

	if (!mask) {
		stat_add(SCHED_STAT_NONE, 1);
		return -1;
	}

	bpf_iter_mptcp_subflow_new(&it, (struct sock *)msk);
	while ((subflow = bpf_iter_mptcp_subflow_next(&it))) {
		if (i >= SCHED_SUBFLOWS_MAX)
			break;
		if (mask & (1U << i)) {
			mptcp_subflow_set_scheduled(subflow, true);
			picks++;
			if (facts[i & (SCHED_SUBFLOWS_MAX - 1)].flags & SCHED_F_BACKUP)
				backups++;
		}
		i++;
	}
	bpf_iter_mptcp_subflow_destroy(&it);

	stat_add(SCHED_STAT_PICKS, picks);
	if (backups)
		stat_add(SCHED_STAT_BACKUP_PICKS, backups);
	return picks ? 0 : -1;
}

static __always_inline int get_send(struct mptcp_sock *msk, __u32 mode)
{
	struct sched_facts facts[SCHED_SUBFLOWS_MAX];
	struct sched_credits *credits = NULL;
	__u32 n, mask;

	__builtin_memset(facts, 0, sizeof(facts));
	stat_add(SCHED_STAT_SEND, 1);

	n = collect(msk, facts);
	mptcp_set_timeout((struct sock *)msk);

	if (mode == SCHED_MODE_WEIGHTED) {
		credits = bpf_sk_storage_get(&sched_conn, msk, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (credits)
			sched_credits_load(credits, facts, n);
		else
			stat_add(SCHED_STAT_NO_STORAGE, 1);
	}

	mask = sched_decide(mode, facts, n);

	if (credits)
		sched_credits_store(credits, facts, n);

	return mark(msk, facts, mask);
}

static __always_inline int get_retrans(struct mptcp_sock *msk)
{
	struct sched_facts facts[SCHED_SUBFLOWS_MAX];
	__u32 n;

	__builtin_memset(facts, 0, sizeof(facts));
	stat_add(SCHED_STAT_RETRANS, 1);

	n = collect(msk, facts);
	return mark(msk, facts, sched_decide(SCHED_MODE_COST, facts, n));
}

SEC("struct_ops")
void BPF_PROG(policyd_init, struct mptcp_sock *msk)
{
}

SEC("struct_ops")
void BPF_PROG(policyd_release, struct mptcp_sock *msk)
{
	bpf_sk_storage_delete(&sched_conn, msk);
}

SEC("struct_ops")
int BPF_PROG(policyd_wrr_get_send, struct mptcp_sock *msk)
{
	return get_send(msk, SCHED_MODE_WEIGHTED);
}

SEC("struct_ops")
int BPF_PROG(policyd_red_get_send, struct mptcp_sock *msk)
{
	return get_send(msk, SCHED_MODE_REDUNDANT);
}

SEC("struct_ops")
int BPF_PROG(policyd_cost_get_send, struct mptcp_sock *msk)
{
	return get_send(msk, SCHED_MODE_COST);
}

SEC("struct_ops")
int BPF_PROG(policyd_get_retrans, struct mptcp_sock *msk)
{
	return get_retrans(msk);
}

/* libbpf 1.1: ".struct_ops" (registration by map update; ".struct_ops.link" came later). */
SEC(".struct_ops")
struct mptcp_sched_ops policyd_wrr = {
	.init = (void *)policyd_init,
	.release = (void *)policyd_release,
	.get_send = (void *)policyd_wrr_get_send,
	.get_retrans = (void *)policyd_get_retrans,
	.name = SCHED_NAME_WEIGHTED,
};

SEC(".struct_ops")
struct mptcp_sched_ops policyd_red = {
	.init = (void *)policyd_init,
	.release = (void *)policyd_release,
	.get_send = (void *)policyd_red_get_send,
	.get_retrans = (void *)policyd_get_retrans,
	.name = SCHED_NAME_REDUNDANT,
};

SEC(".struct_ops")
struct mptcp_sched_ops policyd_cost = {
	.init = (void *)policyd_init,
	.release = (void *)policyd_release,
	.get_send = (void *)policyd_cost_get_send,
	.get_retrans = (void *)policyd_get_retrans,
	.name = SCHED_NAME_COST,
};
