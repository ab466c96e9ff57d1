/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-sched-decide.c — the BPF scheduler's decision logic (bpf/sched/sched-decide.h) as userspace C. */

#include "sched-decide.h"
#include "tests.h"

#define USABLE (SCHED_F_ACTIVE | SCHED_F_SNDBUF)

/* One scheduling round as the BPF object runs it: credits from the connection's slots, decide,
 * credits back. Returns the mask. */
static __u32 round_of(__u32 mode, struct sched_credits *c, struct sched_facts *f, __u32 n) {
        __u32 mask;

        sched_credits_load(c, f, n);
        mask = sched_decide(mode, f, n);
        sched_credits_store(c, f, n);
        return mask;
}

static int mask_index(__u32 mask) {
        check(mask != 0);
        check((mask & (mask - 1)) == 0); /* exactly one */
        return __builtin_ctz(mask);
}

TEST(weighted_shares_3_1) {
        struct sched_facts f[2] = {
                { .id = 1, .flags = USABLE, .weight = 300 },
                { .id = 2, .flags = USABLE, .weight = 100 },
        };
        struct sched_credits c = {};
        unsigned picks[2] = {}, run = 0, max_run = 0;
        int last = -1;

        for (unsigned r = 0; r < 40000; r++) {
                int i = mask_index(round_of(SCHED_MODE_WEIGHTED, &c, f, 2));

                picks[i]++;
                run = i == last ? run + 1 : 1;
                max_run = MAX(max_run, run);
                last = i;
        }
        printf("weighted 300:100 over 40000 rounds: %u / %u (%.3f%% / %.3f%%), longest run %u\n", picks[0],
               picks[1], 100.0 * picks[0] / 40000, 100.0 * picks[1] / 40000, max_run);
        /* 75% / 25% within 1% (smooth WRR is exact over whole cycles). */
        check(picks[0] >= 29700 && picks[0] <= 30300);
        check(picks[1] >= 9700 && picks[1] <= 10300);
        check_eq(picks[0], 30000);
        /* Spread out, not 3 bursts of thousands. */
        check(max_run <= 3);
}

TEST(weighted_shares_5_3_2) {
        struct sched_facts f[3] = {
                { .id = 1, .flags = USABLE, .weight = 5 },
                { .id = 2, .flags = USABLE, .weight = 3 },
                { .id = 3, .flags = USABLE, .weight = 2 },
        };
        struct sched_credits c = {};
        unsigned picks[3] = {};

        for (unsigned r = 0; r < 10000; r++)
                picks[mask_index(round_of(SCHED_MODE_WEIGHTED, &c, f, 3))]++;
        printf("weighted 5:3:2 over 10000 rounds: %u / %u / %u\n", picks[0], picks[1], picks[2]);
        check(picks[0] >= 4950 && picks[0] <= 5050);
        check(picks[1] >= 2970 && picks[1] <= 3030);
        check(picks[2] >= 1980 && picks[2] <= 2020);
}

TEST(weighted_weights_clamped) {
        /* 0 counts as 1; above SCHED_WEIGHT_MAX counts as SCHED_WEIGHT_MAX. */
        struct sched_facts f[2] = {
                { .id = 1, .flags = USABLE, .weight = 0 },
                { .id = 2, .flags = USABLE, .weight = 5000000 },
        };
        struct sched_credits c = {};
        unsigned picks[2] = {};

        for (unsigned r = 0; r < (SCHED_WEIGHT_MAX + 1) * 10; r++)
                picks[mask_index(round_of(SCHED_MODE_WEIGHTED, &c, f, 2))]++;
        check_eq(picks[0], 10);
        check_eq(picks[1], SCHED_WEIGHT_MAX * 10);
}

TEST(weighted_credits_follow_ids) {
        /* The list order changes (a subflow closes, a new one joins): credits stay with ids. */
        struct sched_facts f[2] = {
                { .id = 1, .flags = USABLE, .weight = 3 },
                { .id = 2, .flags = USABLE, .weight = 1 },
        };
        struct sched_facts g[3];
        struct sched_credits c = {};
        unsigned picks[16] = {};

        for (unsigned r = 0; r < 4000; r++)
                picks[f[mask_index(round_of(SCHED_MODE_WEIGHTED, &c, f, 2))].id]++;
        check_eq(picks[1], 3000);
        check_eq(picks[2], 1000);

        /* Id 1 gone, id 2 now first, ids 9 and 3 new. Id 9 maps to id 1's slot (9 & 7) and
         * starts from zero credit; id 2 keeps what it had, so the shares are exact to within
         * the carried-over credit (one pick). */
        g[0] = (struct sched_facts){ .id = 2, .flags = USABLE, .weight = 1 };
        g[1] = (struct sched_facts){ .id = 9, .flags = USABLE, .weight = 2 };
        g[2] = (struct sched_facts){ .id = 3, .flags = USABLE, .weight = 1 };
        memset(picks, 0, sizeof(picks));
        for (unsigned r = 0; r < 4000; r++)
                picks[g[mask_index(round_of(SCHED_MODE_WEIGHTED, &c, g, 3))].id]++;
        printf("after churn (ids 2,9,3 weights 1:2:1): %u / %u / %u\n", picks[2], picks[9], picks[3]);
        check(picks[2] >= 999 && picks[2] <= 1001);
        check(picks[9] >= 1999 && picks[9] <= 2001);
        check(picks[3] >= 999 && picks[3] <= 1001);
        check_eq(picks[2] + picks[9] + picks[3], 4000);
        check_eq(c.ids[1], 9);
        check_eq(c.ids[2], 2);
        check_eq(c.ids[3], 3);
}

TEST(backup_only_without_active) {
        struct sched_facts f[2] = {
                { .id = 1, .flags = USABLE, .weight = 1, .cost = 50, .srtt_us = 90000 },
                { .id = 2, .flags = USABLE | SCHED_F_BACKUP, .weight = 1000, .srtt_us = 1000 },
        };
        struct sched_credits c = {};

        /* However heavy, cheap or fast, a backup is not used while an active one can send. */
        for (__u32 mode = 0; mode < _SCHED_MODE_MAX; mode++)
                for (unsigned r = 0; r < 100; r++)
                        check_eq(round_of(mode, &c, f, 2), 1U << 0);

        /* Active with a full window still beats a backup (its data waits in the queue). */
        f[0].flags |= SCHED_F_CWND_FULL;
        for (__u32 mode = 0; mode < _SCHED_MODE_MAX; mode++)
                check_eq(round_of(mode, &c, f, 2), 1U << 0);

        /* Active without send-buffer room, or not established: the backup. */
        f[0].flags = SCHED_F_ACTIVE;
        for (__u32 mode = 0; mode < _SCHED_MODE_MAX; mode++)
                check_eq(round_of(mode, &c, f, 2), 1U << 1);
        f[0].flags = SCHED_F_SNDBUF;
        for (__u32 mode = 0; mode < _SCHED_MODE_MAX; mode++)
                check_eq(round_of(mode, &c, f, 2), 1U << 1);

        /* Nothing usable at all: no choice. */
        f[1].flags = SCHED_F_BACKUP | SCHED_F_ACTIVE;
        for (__u32 mode = 0; mode < _SCHED_MODE_MAX; mode++)
                check_eq(round_of(mode, &c, f, 2), 0);
        check_eq(sched_pick_weighted(f, 2), SCHED_NONE);
        check_eq(sched_pick_cost(f, 2), SCHED_NONE);
}

TEST(free_window_preferred) {
        /* Two actives: the one whose window has room takes the data, whatever the weights. */
        struct sched_facts f[2] = {
                { .id = 1, .flags = USABLE | SCHED_F_CWND_FULL, .weight = 1000 },
                { .id = 2, .flags = USABLE, .weight = 1 },
        };
        struct sched_credits c = {};

        for (unsigned r = 0; r < 10; r++)
                check_eq(round_of(SCHED_MODE_WEIGHTED, &c, f, 2), 1U << 1);
        check_eq(sched_pick_cost(f, 2), 1);
}

TEST(redundant_all_available) {
        struct sched_facts f[5] = {
                { .id = 1, .flags = USABLE },
                { .id = 2, .flags = USABLE | SCHED_F_CWND_FULL },
                { .id = 3, .flags = USABLE },
                { .id = 4, .flags = SCHED_F_ACTIVE }, /* no send-buffer room */
                { .id = 5, .flags = USABLE | SCHED_F_BACKUP },
        };

        check_eq(sched_pick_redundant(f, 5), 0x7);
        check_eq(sched_decide(SCHED_MODE_REDUNDANT, f, 5), 0x7);

        /* No active usable: every usable backup. */
        f[0].flags = f[1].flags = f[2].flags = 0;
        check_eq(sched_pick_redundant(f, 5), 0x10);
        f[4].flags = 0;
        check_eq(sched_pick_redundant(f, 5), 0);
}

TEST(cost_prefers_cheap) {
        struct sched_facts f[2] = {
                { .id = 1, .flags = USABLE, .cost = 10, .srtt_us = 20000 }, /* lte */
                { .id = 2, .flags = USABLE, .cost = 1, .srtt_us = 20000 },  /* wifi */
        };
        struct sched_credits c = {};

        /* Equal rtt: the cheaper, every time. */
        for (unsigned r = 0; r < 1000; r++)
                check_eq(round_of(SCHED_MODE_COST, &c, f, 2), 1U << 1);

        /* Overflow to the costly one only while the cheap one cannot take data. */
        f[1].flags = SCHED_F_ACTIVE;
        check_eq(round_of(SCHED_MODE_COST, &c, f, 2), 1U << 0);
        f[1].flags = USABLE;
        check_eq(round_of(SCHED_MODE_COST, &c, f, 2), 1U << 1);

        /* Metered adds SCHED_COST_METERED. */
        f[0].cost = f[1].cost = 5;
        f[1].flags |= SCHED_F_METERED;
        check_eq(sched_pick_cost(f, 2), 0);

        /* Equal cost: the lower srtt; an unknown srtt sorts last. */
        f[1].flags = USABLE;
        f[1].srtt_us = 15000;
        check_eq(sched_pick_cost(f, 2), 1);
        f[1].srtt_us = 0;
        check_eq(sched_pick_cost(f, 2), 0);

        /* Saturating: a huge cost plus the metered surcharge stays the most expensive. */
        f[0].cost = 0xfffffff0U;
        f[0].flags |= SCHED_F_METERED;
        check_eq(sched_cost(&f[0]), 0xffffffffU);
        check_eq(sched_pick_cost(f, 2), 1);
}

TEST(subflow_limit) {
        struct sched_facts f[12] = {};
        struct sched_credits c = {};

        for (unsigned i = 0; i < 12; i++)
                f[i].id = i + 1;

        /* Only beyond the limit usable: nothing is chosen. */
        f[9].flags = USABLE;
        for (__u32 mode = 0; mode < _SCHED_MODE_MAX; mode++)
                check_eq(round_of(mode, &c, f, 12), 0);
        check_eq(sched_best_tier(f, 12), -1);

        /* The last slot inside the limit is. */
        f[7].flags = USABLE;
        for (__u32 mode = 0; mode < _SCHED_MODE_MAX; mode++)
                check_eq(round_of(mode, &c, f, 12), 1U << 7);

        /* All usable: picks and masks stay below SCHED_SUBFLOWS_MAX. */
        for (unsigned i = 0; i < 12; i++)
                f[i].flags = USABLE;
        check_eq(sched_pick_redundant(f, 12), (1U << SCHED_SUBFLOWS_MAX) - 1);
        for (unsigned r = 0; r < 1000; r++)
                check(mask_index(round_of(SCHED_MODE_WEIGHTED, &c, f, 12)) < SCHED_SUBFLOWS_MAX);

        /* n = 0. */
        check_eq(sched_decide(SCHED_MODE_WEIGHTED, f, 0), 0);
}

TEST(unknown_mode_is_weighted) {
        struct sched_facts f[2] = {
                { .id = 1, .flags = USABLE, .weight = 1 },
                { .id = 2, .flags = USABLE, .weight = 1 },
        };

        check_eq(sched_decide(_SCHED_MODE_MAX + 7, f, 2), 1U << 0);
        check_eq(sched_decide(_SCHED_MODE_MAX + 7, f, 2), 1U << 1);
}

int main(void) {
        RUN(weighted_shares_3_1);
        RUN(weighted_shares_5_3_2);
        RUN(weighted_weights_clamped);
        RUN(weighted_credits_follow_ids);
        RUN(backup_only_without_active);
        RUN(free_window_preferred);
        RUN(redundant_all_available);
        RUN(cost_prefers_cheap);
        RUN(subflow_limit);
        RUN(unknown_mode_is_weighted);
        printf("%u checks passed\n", n_checks);
        return 0;
}
