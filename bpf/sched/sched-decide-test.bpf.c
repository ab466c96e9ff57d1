// SPDX-License-Identifier: GPL-2.0-or-later
/* sched-decide-test.bpf.c — one round of sched-decide.h in BPF, for the verifier and BPF_PROG_TEST_RUN. */

/*
 * The scheduler object cannot load on a kernel without the BPF MPTCP scheduler, so its
 * decision logic would never meet a verifier there. This program runs the same header the
 * same way (facts on the stack, credits in a map value) as a syscall program that loads on
 * any kernel with BPF: test-sched-decide-bpf compares its answers with the userspace build's.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "sched-decide-test.h"

char _license[] SEC("license") = "GPL";

struct sched_decide_io io;

SEC("syscall")
int sched_decide_round(void *ctx)
{
	struct sched_facts facts[SCHED_SUBFLOWS_MAX];
	__u32 n = io.n, mode = io.mode;

	__builtin_memcpy(facts, io.facts, sizeof(facts));

	if (mode == SCHED_MODE_WEIGHTED)
		sched_credits_load(&io.credits, facts, n);
	io.mask = sched_decide(mode, facts, n);
	if (mode == SCHED_MODE_WEIGHTED)
		sched_credits_store(&io.credits, facts, n);

	__builtin_memcpy(io.facts, facts, sizeof(facts));
	io.runs++;
	return 0;
}
