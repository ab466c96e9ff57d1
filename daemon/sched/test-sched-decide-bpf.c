/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-sched-decide-bpf.c — sched-decide.h through this kernel's verifier, compared with userspace. */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sched-decide-test.h"
#include "tests.h"

/* The generated skeleton casts &obj->bss to void ** (bpftool's code, not ours). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-aliasing"
#include "sched-decide-test.skel.h"
#pragma GCC diagnostic pop

/* xorshift32: reproducible scenarios without libc's rand state. */
static uint32_t rng = 0x5eed1234;

static uint32_t next_random(void) {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        return rng;
}

static void random_facts(struct sched_facts *f, __u32 n) {
        for (__u32 i = 0; i < n; i++) {
                uint32_t r = next_random();

                f[i].id = 1 + (r & 15); /* ids collide in slots on purpose */
                f[i].flags = (r >> 4) & 0x1f;
                /* Mostly usable, so that every tier and every mode gets exercised. */
                if ((r >> 9) & 1)
                        f[i].flags |= SCHED_F_ACTIVE | SCHED_F_SNDBUF;
                f[i].weight = (r >> 10) % 1200; /* 0 and above SCHED_WEIGHT_MAX too */
                f[i].cost = (r >> 12) & 3 ? (r >> 14) % 20 : 0xfffffff0U;
                f[i].srtt_us = (r >> 20) & 1 ? (r >> 21) % 2000 : 0;
                f[i].credit = 0;
        }
}

static int run_round(struct sched_decide_test_bpf *skel) {
        LIBBPF_OPTS(bpf_test_run_opts, opts);
        int r;

        r = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sched_decide_round), &opts);
        if (r < 0)
                return -errno;
        return opts.retval == 0 ? 0 : -EIO;
}

TEST(same_answers) {
        struct sched_decide_test_bpf *skel;
        struct sched_credits user_credits = {};
        unsigned rounds = 0, picked = 0, modes[_SCHED_MODE_MAX] = {};

        skel = sched_decide_test_bpf__open_and_load();
        if (!skel) {
                fprintf(stderr, "loading sched-decide-test.bpf.o: %m\n");
                check(skel);
        }
        memset(&skel->bss->io.credits, 0, sizeof(skel->bss->io.credits));

        for (unsigned scenario = 0; scenario < 400; scenario++) {
                struct sched_facts base[SCHED_SUBFLOWS_MAX] = {};
                __u32 n = next_random() % 12, mode = next_random() % (_SCHED_MODE_MAX + 1);

                random_facts(base, SCHED_SUBFLOWS_MAX);
                /* Several rounds on the same facts, so that credits carry over. */
                for (unsigned round = 0; round < 10; round++) {
                        struct sched_facts user[SCHED_SUBFLOWS_MAX];
                        __u32 user_mask;

                        memcpy(user, base, sizeof(user));
                        if (mode == SCHED_MODE_WEIGHTED)
                                sched_credits_load(&user_credits, user, n);
                        user_mask = sched_decide(mode, user, n);
                        if (mode == SCHED_MODE_WEIGHTED)
                                sched_credits_store(&user_credits, user, n);

                        skel->bss->io.mode = mode;
                        skel->bss->io.n = n;
                        memcpy(skel->bss->io.facts, base, sizeof(base));
                        check_ok(run_round(skel));

                        check_eq(skel->bss->io.mask, user_mask);
                        check(memcmp(skel->bss->io.facts, user, sizeof(user)) == 0);
                        check(memcmp(&skel->bss->io.credits, &user_credits, sizeof(user_credits)) == 0);
                        rounds++;
                        picked += user_mask != 0;
                        modes[mode < _SCHED_MODE_MAX ? mode : SCHED_MODE_WEIGHTED]++;
                }
        }
        check_eq(skel->bss->io.runs, rounds);
        printf("%u rounds identical in BPF and userspace (%u with a pick; weighted %u, redundant %u, cost "
               "%u)\n",
               rounds, picked, modes[SCHED_MODE_WEIGHTED], modes[SCHED_MODE_REDUNDANT],
               modes[SCHED_MODE_COST]);
        /* The scenarios are not degenerate. */
        check(picked > rounds / 2);
        check(modes[SCHED_MODE_REDUNDANT] > 0 && modes[SCHED_MODE_COST] > 0);

        sched_decide_test_bpf__destroy(skel);
}

int main(void) {
        if (geteuid() != 0) {
                printf("skipped: loading BPF needs root\n");
                return 77;
        }
        RUN(same_answers);
        printf("%u checks passed\n", n_checks);
        return 0;
}
