/* SPDX-License-Identifier: GPL-2.0-or-later */
/* subflow.h — the maps shared by subflow.bpf.c and the daemon's loader: keys, values, limits. */
#ifndef MPTCP_POLICYD_SUBFLOW_H
#define MPTCP_POLICYD_SUBFLOW_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * Maps (all pinned by name under the loader's pin root):
 *
 *   subflow_params  HASH      struct subflow_params_key → struct subflow_params
 *                             what subflows on one interface of one network namespace get
 *   subflow_netns   HASH      __u64 netns cookie → struct subflow_netns
 *                             the namespace's generation; a change makes live subflows re-apply
 *   subflow_telem   LRU_HASH  __u64 socket cookie → struct subflow_telemetry
 *                             per-subflow read-outs, refreshed sampled and on every state change
 *   subflow_state   SK_STORAGE  struct subflow_state (program-private, per subflow socket)
 *   subflow_stats   ARRAY     __u32 enum subflow_stat → __u64 counter
 *
 * Every key that names an interface also names the network namespace (the netns cookie,
 * SO_NETNS_COOKIE from user space, bpf_get_netns_cookie() in BPF): interface indexes repeat
 * across namespaces, and two daemons in two namespaces never steer each other's subflows.
 */

#define SUBFLOW_CC_NAME_MAX 16 /* TCP_CA_NAME_MAX */
#define SUBFLOW_PARAMS_MAX 1024
#define SUBFLOW_NETNS_MAX 256
#define SUBFLOW_TELEMETRY_MAX 16384

/* "No cap": what SO_MAX_PACING_RATE holds on a socket nobody capped (~0U as an int option). */
#define SUBFLOW_PACING_UNLIMITED 0xffffffffU

struct subflow_params_key {
	__u64 netns_cookie;
	__u32 ifindex;
	__u32 pad; /* zero */
};

/*
 * Zero fields mean "the kernel's default": pacing_rate 0 = no cap, notsent_lowat 0 = the
 * net.ipv4.tcp_notsent_lowat sysctl, congestion "" = what the subflow had before we touched it.
 * A missing entry is all zeros, so removing an entry (and bumping the generation) undoes it.
 */
struct subflow_params {
	__u32 generation;    /* netns generation it was written for (telemetry echoes it) */
	__u32 pacing_rate;   /* SO_MAX_PACING_RATE, bytes/s, 0 = no cap */
	__u32 notsent_lowat; /* TCP_NOTSENT_LOWAT, bytes, 0 = default */
	__u32 pad;	     /* zero */
	char congestion[SUBFLOW_CC_NAME_MAX]; /* TCP_CONGESTION, NUL-terminated, "" = leave */
};

struct subflow_netns {
	__u32 generation; /* bumped by the loader after rewriting the namespace's params */
	__u32 pad;
};

#define SUBFLOW_BACKUP_LOCAL 0x1  /* we asked for backup (join flag or MP_PRIO sent) */
#define SUBFLOW_BACKUP_REMOTE 0x2 /* the peer marked it backup */

/* Address fields are in network byte order; IPv4 uses addr[0]. */
struct subflow_telemetry {
	__u64 netns_cookie;
	__u64 bytes_acked;     /* tcp_sock.bytes_acked */
	__u64 bytes_received;  /* tcp_sock.bytes_received */
	__u64 max_pacing_rate; /* sk_max_pacing_rate as the socket holds it, bytes/s (~0 = none) */
	__u64 updated_ns;      /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) of this sample */
	__u32 token;	       /* the MPTCP connection's local token */
	__u32 ifindex;	       /* interface the subflow leaves by (0 = unknown yet) */
	__u32 srtt_us;	       /* smoothed RTT, µs */
	__u32 total_retrans;   /* tcp_sock.total_retrans */
	__u32 snd_cwnd;
	__u32 generation;	 /* netns generation last applied to this subflow */
	__u32 params_generation; /* generation field of the params entry applied (0 = none) */
	__u32 subflow_id;	 /* 1 = initial subflow; 0 when the kernel has no subflow ids */
	__u32 local_addr[4];
	__u32 remote_addr[4];
	__u16 local_port;  /* host byte order */
	__u16 remote_port; /* host byte order */
	__u16 family;	   /* AF_INET or AF_INET6 */
	__u8 state;	   /* TCP state (TCP_ESTABLISHED = 1, TCP_CLOSE = 7) */
	__u8 backup;	   /* SUBFLOW_BACKUP_LOCAL | SUBFLOW_BACKUP_REMOTE */
	__u8 mp_join;	   /* 1 = an additional subflow (MP_JOIN), 0 = the initial one */
	__u8 passive;	   /* 1 = accepted (server side) */
	__u8 pad[2];
	char congestion[SUBFLOW_CC_NAME_MAX]; /* the subflow's congestion control now */
};

/* Program-private per-subflow state (sk_storage). */
struct subflow_state {
	__u64 netns_cookie;
	__u64 last_sample_ns;
	__u32 token;
	__u32 ifindex;
	__u32 generation; /* netns generation applied; 0 = never */
	__u32 params_generation;
	__u32 pacing_rate;			   /* what we set; 0 = we never set it */
	__u32 notsent_lowat;			   /* what we set; 0 = we never set it */
	char congestion[SUBFLOW_CC_NAME_MAX];	   /* what we set; "" = we never set it */
	char congestion_orig[SUBFLOW_CC_NAME_MAX]; /* before our first change */
	__u8 passive;
	__u8 pad[7];
};

enum subflow_stat {
	SUBFLOW_STAT_SUBFLOWS,	     /* MPTCP subflows adopted (connect/established/iter) */
	SUBFLOW_STAT_APPLIED,	     /* parameter (re)applications */
	SUBFLOW_STAT_SETSOCKOPT_ERR, /* bpf_setsockopt() failures */
	SUBFLOW_STAT_NO_STORAGE,     /* sk_storage could not be created */
	SUBFLOW_STAT_ITER_VISITED,   /* subflows the iter/tcp pass re-applied */
	_SUBFLOW_STAT_MAX,
};

#endif
