/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-decide-test.h — the in/out block of sched-decide-test.bpf.c (one scheduling round). */
#ifndef MPTCP_POLICYD_SCHED_DECIDE_TEST_H
#define MPTCP_POLICYD_SCHED_DECIDE_TEST_H

#include "sched-decide.h"

struct sched_decide_io {
	__u32 mode;  /* in: enum sched_mode */
	__u32 n;     /* in: subflow count (may exceed SCHED_SUBFLOWS_MAX) */
	__u32 mask;  /* out: sched_decide() */
	__u32 runs;  /* out: rounds run */
	struct sched_facts facts[SCHED_SUBFLOWS_MAX]; /* in; credits out */
	struct sched_credits credits;                 /* in/out, like the sk_storage of the real object */
};

#endif
