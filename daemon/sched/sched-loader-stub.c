/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-loader-stub.c — the scheduler loader's API when built without the BPF scheduler object. */

#include "macro.h"
#include "sched-loader.h"

#define SCHED_NOT_BUILT "built without the BPF MPTCP scheduler (meson feature 'bpf')"

void sched_detect(const char *btf_path, SchedSupport *ret) {
        *ret = (SchedSupport){ .reason = SCHED_REASON_ABSENT, .message = SCHED_NOT_BUILT };
}

int sched_loader_new(const SchedLoaderOptions *opts, SchedLoader **ret, SchedError *error) {
        if (error) {
                error->error = -EOPNOTSUPP;
                error->reason = SCHED_REASON_ABSENT;
                (void) snprintf(error->message, sizeof(error->message), "%s", SCHED_NOT_BUILT);
        }
        return -EOPNOTSUPP;
}

/* No loader can exist here: every call gets the NULL answer of the real implementation. */
int sched_loader_select(SchedLoader *l, SchedMode mode, SchedError *error) {
        return -EINVAL;
}

int sched_loader_stop(SchedLoader *l, SchedError *error) {
        return -EINVAL;
}

SchedLoader *sched_loader_free(SchedLoader *l) {
        return NULL;
}

int sched_loader_set_links(SchedLoader *l, const SchedLinkParams *params, size_t n) {
        return -EINVAL;
}

int sched_loader_read_stats(SchedLoader *l, SchedStats *ret) {
        return -EINVAL;
}

bool sched_loader_adopted(const SchedLoader *l) {
        return false;
}
