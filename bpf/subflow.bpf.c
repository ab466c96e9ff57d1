// SPDX-License-Identifier: GPL-2.0-or-later
/* subflow.bpf.c — per-interface pacing cap, congestion and notsent_lowat for MPTCP subflows;
 * telemetry. */

/*
 * sock_ops on a cgroup v2 runs for every TCP socket of the cgroup; MPTCP subflows (initial and
 * joins, which are charged to the owner's cgroup) are told apart from plain TCP with
 * bpf_skc_to_mptcp_sock(). A subflow is adopted at TCP_CONNECT_CB (active; the route and so the
 * interface are known there) or PASSIVE_ESTABLISHED_CB, gets a subflow_state in sk_storage, the
 * parameters of {netns cookie, ifindex} from subflow_params, and the RTT and STATE callbacks.
 * The RTT callback fires per ACK: every sample_interval_ns it compares the namespace's
 * generation with the one applied, re-applies on change, and refreshes the telemetry entry.
 * The STATE callback refreshes the telemetry on every state change (so closed subflows keep
 * their final counters until the loader prunes them or the LRU evicts them).
 *
 * RTT callbacks need traffic: the iter/tcp program re-applies parameters to idle subflows (and
 * adopts subflows that predate the attachment) of the network namespace of the process that
 * creates the iterator.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "subflow.h"

/* From uapi headers, which cannot be mixed with vmlinux.h. */
#define SOL_SOCKET 1
#define SO_MAX_PACING_RATE 47
#define SOL_TCP 6
#define TCP_CONGESTION 13
#define TCP_NOTSENT_LOWAT 25
#define AF_INET 2
#define AF_INET6 10

/* Set by the loader before load. */
const volatile __u64 sample_interval_ns = 100 * 1000 * 1000;

#include "subflow-params-map.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SUBFLOW_NETNS_MAX);
	__type(key, __u64);
	__type(value, struct subflow_netns);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subflow_netns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SUBFLOW_TELEMETRY_MAX);
	__type(key, __u64);
	__type(value, struct subflow_telemetry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subflow_telem SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct subflow_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subflow_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, _SUBFLOW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subflow_stats SEC(".maps");

static __always_inline void stat_inc(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&subflow_stats, &stat);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline bool cc_name_eq(const char *a, const char *b)
{
#pragma unroll
	for (int i = 0; i < SUBFLOW_CC_NAME_MAX; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

/* The interface a subflow leaves by: its bound device (in-kernel endpoints with "dev"), else
 * the device of its cached route (set from connect on). 0 when neither is known. */
static __always_inline __u32 subflow_ifindex(struct tcp_sock *tp)
{
	struct sock *sk = (struct sock *)tp;
	int bound = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);

	if (bound > 0)
		return bound;
	return BPF_CORE_READ(sk, sk_dst_cache, dev, ifindex);
}

static __always_inline struct mptcp_subflow_context *subflow_ctx(struct tcp_sock *tp)
{
	return (struct mptcp_subflow_context *)BPF_CORE_READ(tp, inet_conn.icsk_ulp_data);
}

static __always_inline __u32 subflow_token(struct mptcp_subflow_context *sf)
{
	struct mptcp_sock *msk;

	if (!sf)
		return 0;
	msk = (struct mptcp_sock *)BPF_CORE_READ(sf, conn);
	if (!msk)
		return 0;
	return BPF_CORE_READ(msk, token);
}

/*
 * Makes the subflow's options match p (NULL: the kernel's defaults). Only what differs from what
 * we set before is written. ctx is the sock_ops context or, in the iterator, the socket.
 */
static __always_inline void subflow_apply(void *ctx, struct subflow_state *st,
					  const struct subflow_params *p)
{
	char cc[SUBFLOW_CC_NAME_MAX] = {};
	__u32 rate = 0, lowat = 0;
	int v;

	if (p) {
		rate = p->pacing_rate;
		lowat = p->notsent_lowat;
		__builtin_memcpy(cc, p->congestion, sizeof(cc));
		cc[SUBFLOW_CC_NAME_MAX - 1] = 0;
	}

	/* The backlog bound first: a cap cut on a subflow with a deep unsent queue stalls the
	 * whole connection behind it. */
	if (lowat != st->notsent_lowat) {
		v = lowat;
		if (bpf_setsockopt(ctx, SOL_TCP, TCP_NOTSENT_LOWAT, &v, sizeof(v)))
			stat_inc(SUBFLOW_STAT_SETSOCKOPT_ERR);
		else
			st->notsent_lowat = lowat;
	}

	if (rate != st->pacing_rate) {
		v = rate ? (int)rate : (int)SUBFLOW_PACING_UNLIMITED;
		if (bpf_setsockopt(ctx, SOL_SOCKET, SO_MAX_PACING_RATE, &v, sizeof(v)))
			stat_inc(SUBFLOW_STAT_SETSOCKOPT_ERR);
		else
			st->pacing_rate = rate;
	}

	if (!cc[0] && st->congestion[0]) {
		/* Back to what the subflow had before our first change. */
		__builtin_memcpy(cc, st->congestion_orig, sizeof(cc));
		cc[SUBFLOW_CC_NAME_MAX - 1] = 0;
		if (!cc[0] || !bpf_setsockopt(ctx, SOL_TCP, TCP_CONGESTION, cc, sizeof(cc)))
			__builtin_memset(st->congestion, 0, sizeof(st->congestion));
		else
			stat_inc(SUBFLOW_STAT_SETSOCKOPT_ERR);
	} else if (cc[0] && !cc_name_eq(cc, st->congestion)) {
		if (!st->congestion_orig[0] &&
		    bpf_getsockopt(ctx, SOL_TCP, TCP_CONGESTION, st->congestion_orig,
				   sizeof(st->congestion_orig)))
			st->congestion_orig[0] = 0;
		if (bpf_setsockopt(ctx, SOL_TCP, TCP_CONGESTION, cc, sizeof(cc)))
			stat_inc(SUBFLOW_STAT_SETSOCKOPT_ERR);
		else
			__builtin_memcpy(st->congestion, cc, sizeof(cc));
	}

	stat_inc(SUBFLOW_STAT_APPLIED);
}

/* Re-applies when the interface or the namespace's generation changed (or when forced). */
static __always_inline void subflow_refresh(void *ctx, struct tcp_sock *tp,
					    struct subflow_state *st, bool force)
{
	struct subflow_params_key key = {};
	struct subflow_params *p;
	struct subflow_netns *ns;
	__u32 ifindex, gen;

	ifindex = subflow_ifindex(tp);
	if (ifindex && ifindex != st->ifindex) {
		st->ifindex = ifindex;
		force = true;
	}

	ns = bpf_map_lookup_elem(&subflow_netns, &st->netns_cookie);
	gen = ns ? ns->generation : 0;
	if (!force && gen == st->generation)
		return;

	key.netns_cookie = st->netns_cookie;
	key.ifindex = st->ifindex;
	p = bpf_map_lookup_elem(&subflow_params, &key);
	subflow_apply(ctx, st, p);
	st->generation = gen;
	st->params_generation = p ? p->generation : 0;
}

static __always_inline void telemetry_update(__u64 cookie, struct tcp_sock *tp,
					     struct subflow_state *st, int state)
{
	struct mptcp_subflow_context *sf = subflow_ctx(tp);
	struct sock *sk = (struct sock *)tp;
	struct subflow_telemetry t = {};

	t.netns_cookie = st->netns_cookie;
	t.bytes_acked = BPF_CORE_READ(tp, bytes_acked);
	t.bytes_received = BPF_CORE_READ(tp, bytes_received);
	t.max_pacing_rate = BPF_CORE_READ(sk, sk_max_pacing_rate);
	t.updated_ns = bpf_ktime_get_ns();
	t.token = subflow_token(sf);
	if (t.token)
		st->token = t.token;
	else
		t.token = st->token;
	t.ifindex = st->ifindex;
	t.srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	t.total_retrans = BPF_CORE_READ(tp, total_retrans);
	t.snd_cwnd = BPF_CORE_READ(tp, snd_cwnd);
	t.generation = st->generation;
	t.params_generation = st->params_generation;
	t.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (t.family == AF_INET6) {
		BPF_CORE_READ_INTO(&t.local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
		BPF_CORE_READ_INTO(&t.remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32);
	} else {
		t.local_addr[0] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		t.remote_addr[0] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	}
	t.local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	t.remote_port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	t.state = state;
	t.passive = st->passive;
	BPF_CORE_READ_STR_INTO(&t.congestion, tp, inet_conn.icsk_ca_ops, name);
	if (sf) {
		if (BPF_CORE_READ_BITFIELD_PROBED(sf, request_bkup))
			t.backup |= SUBFLOW_BACKUP_LOCAL;
		if (BPF_CORE_READ_BITFIELD_PROBED(sf, backup))
			t.backup |= SUBFLOW_BACKUP_REMOTE;
		t.mp_join = BPF_CORE_READ_BITFIELD_PROBED(sf, mp_join) ||
			    BPF_CORE_READ_BITFIELD_PROBED(sf, request_join);
		if (bpf_core_field_exists(sf->subflow_id))
			t.subflow_id = BPF_CORE_READ(sf, subflow_id);
	}

	bpf_map_update_elem(&subflow_telem, &cookie, &t, BPF_ANY);
}

/* First sight of a subflow: its storage, identity and parameters. */
static __always_inline struct subflow_state *subflow_adopt(void *sk, __u64 netns_cookie,
							   bool passive)
{
	struct subflow_state *st;

	st = bpf_sk_storage_get(&subflow_state, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!st) {
		stat_inc(SUBFLOW_STAT_NO_STORAGE);
		return NULL;
	}
	if (!st->netns_cookie) {
		st->netns_cookie = netns_cookie;
		st->passive = passive;
		stat_inc(SUBFLOW_STAT_SUBFLOWS);
	}
	return st;
}

static __always_inline void sockops_start(struct bpf_sock_ops *skops, struct bpf_sock *sk,
					  bool passive)
{
	struct subflow_state *st;
	struct tcp_sock *tp;

	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return;
	if (!bpf_skc_to_mptcp_sock(sk))
		return; /* plain TCP: never touched */

	st = subflow_adopt(sk, bpf_get_netns_cookie(skops), passive);
	if (!st)
		return;

	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_RTT_CB_FLAG |
						 BPF_SOCK_OPS_STATE_CB_FLAG);
	subflow_refresh(skops, tp, st, true);
	st->last_sample_ns = bpf_ktime_get_ns();
	telemetry_update(bpf_get_socket_cookie(skops), tp, st,
			 BPF_CORE_READ((struct sock *)tp, __sk_common.skc_state));
}

static __always_inline void sockops_rtt(struct bpf_sock_ops *skops, struct bpf_sock *sk)
{
	struct subflow_state *st;
	struct tcp_sock *tp;
	__u64 now;

	st = bpf_sk_storage_get(&subflow_state, sk, 0, 0);
	if (!st)
		return;
	now = bpf_ktime_get_ns();
	if (now - st->last_sample_ns < sample_interval_ns)
		return;
	st->last_sample_ns = now;

	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return;
	subflow_refresh(skops, tp, st, false);
	telemetry_update(bpf_get_socket_cookie(skops), tp, st,
			 BPF_CORE_READ((struct sock *)tp, __sk_common.skc_state));
}

static __always_inline void sockops_state(struct bpf_sock_ops *skops, struct bpf_sock *sk)
{
	struct subflow_state *st;
	struct tcp_sock *tp;

	st = bpf_sk_storage_get(&subflow_state, sk, 0, 0);
	if (!st)
		return;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return;
	/* args[1] is the new state; the socket still holds the old one. */
	telemetry_update(bpf_get_socket_cookie(skops), tp, st, skops->args[1]);
}

SEC("sockops")
int subflow_sockops(struct bpf_sock_ops *skops)
{
	/* Load once: the verifier treats every load of skops->sk as a fresh maybe-NULL. */
	struct bpf_sock *sk = skops->sk;

	if (!sk)
		return 1;

	switch (skops->op) {
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		sockops_start(skops, sk, false);
		break;
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		sockops_start(skops, sk, true);
		break;
	case BPF_SOCK_OPS_RTT_CB:
		sockops_rtt(skops, sk);
		break;
	case BPF_SOCK_OPS_STATE_CB:
		sockops_state(skops, sk);
		break;
	default:
		break;
	}
	return 1;
}

/* Re-applies the current generation to every live MPTCP subflow of the iterator's netns. */
SEC("iter/tcp")
int subflow_iter(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct subflow_state *st;
	struct tcp_sock *tp;
	struct net *net;
	__u64 netns_cookie = 0, cookie;
	int state;

	if (!skc)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	if (!BPF_CORE_READ_BITFIELD_PROBED(tp, is_mptcp))
		return 0;
	state = BPF_CORE_READ(skc, skc_state);
	if (state == TCP_LISTEN || state == TCP_CLOSE || state == TCP_SYN_SENT ||
	    state == TCP_SYN_RECV)
		return 0;

	net = BPF_CORE_READ(skc, skc_net.net);
	bpf_core_read(&netns_cookie, sizeof(netns_cookie), &net->net_cookie);
	if (!netns_cookie)
		return 0;

	/* A subflow older than the attachment is adopted here (as active: the side is unknown). */
	st = subflow_adopt(tp, netns_cookie, false);
	if (!st)
		return 0;
	subflow_refresh(tp, tp, st, false);
	cookie = bpf_get_socket_cookie(tp);
	telemetry_update(cookie, tp, st, state);
	stat_inc(SUBFLOW_STAT_ITER_VISITED);
	/* One socket cookie per visited subflow: the loader counts them. */
	bpf_seq_write(ctx->meta->seq, &cookie, sizeof(cookie));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
