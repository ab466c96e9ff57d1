/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-sched.h — the maps shared by mptcp_sched.bpf.c and the daemon's scheduler loader. */
#ifndef MPTCP_POLICYD_MPTCP_SCHED_H
#define MPTCP_POLICYD_MPTCP_SCHED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "sched-decide.h"
#include "subflow.h"

/*
 * Maps (pinned by name under the loader's pin root, like subflow.h's):
 *
 *   sched_links   HASH   struct subflow_params_key → struct sched_link
 *                        weight, cost and metered flag of one interface of one network namespace
 *   subflow_params HASH  the sock_ops program's map (subflow.h), read only: an interface with a
 *                        pacing cap and no sched_links entry gets a weight from its cap
 *   sched_stats   ARRAY  __u32 enum sched_stat → __u64 counter
 *   sched_conn    SK_STORAGE  struct sched_credits (program-private, per MPTCP socket)
 *
 * Keys are subflow.h's {netns cookie, ifindex}: the daemon writes both maps from the same
 * profile with the same key, and two daemons in two namespaces never steer each other.
 *
 * Three schedulers are registered from one object, one per enum sched_mode, selected per
 * network namespace with net.mptcp.scheduler (new connections only):
 */
#define SCHED_NAME_WEIGHTED "policyd_wrr"
#define SCHED_NAME_REDUNDANT "policyd_red"
#define SCHED_NAME_COST "policyd_cost"
#define SCHED_NAME_MAX 16 /* MPTCP_SCHED_NAME_MAX, NUL included */

#define SCHED_LINKS_MAX 1024

/* A weight derived from a pacing cap: one unit per SCHED_WEIGHT_UNIT_RATE bytes/s (128 kbit/s),
 * clamped to [1, SCHED_WEIGHT_MAX]. An interface with neither entry has SCHED_WEIGHT_DEFAULT. */
#define SCHED_WEIGHT_UNIT_RATE 16000U
#define SCHED_WEIGHT_DEFAULT 100U

#define SCHED_LINK_METERED 0x1

/* Zero fields mean: weight SCHED_WEIGHT_DEFAULT (or from the pacing cap), cost 0, not metered. */
struct sched_link {
	__u32 weight;	  /* weighted mode's share, 1..SCHED_WEIGHT_MAX */
	__u32 cost;	  /* cost mode's relative cost, 0 = free */
	__u32 flags;	  /* SCHED_LINK_METERED */
	__u32 generation; /* the daemon's, echoed nowhere; for debugging with bpftool */
};

enum sched_stat {
	SCHED_STAT_SEND,	   /* get_send calls */
	SCHED_STAT_RETRANS,	   /* get_retrans calls */
	SCHED_STAT_NONE,	   /* calls where no subflow could take data */
	SCHED_STAT_PICKS,	   /* subflows marked scheduled (redundant mode marks several) */
	SCHED_STAT_BACKUP_PICKS,   /* of which backup subflows */
	SCHED_STAT_NO_STORAGE,	   /* sk_storage could not be created (credits not kept) */
	SCHED_STAT_LINK_ENTRIES,   /* subflows whose interface had a sched_links entry */
	SCHED_STAT_PACING_WEIGHTS, /* subflows weighted from subflow_params' pacing cap */
	_SCHED_STAT_MAX,
};

#endif
