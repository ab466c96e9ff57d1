/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-links.c — one namespace's weights and costs in the sched_links map. */

#include <bpf/bpf.h>

#include "macro.h"
#include "mptcp-sched.h"
#include "sched-links.h"

int sched_links_replace(int fd, uint64_t netns_cookie, const SchedLinkParams *params, size_t n) {
        if (fd < 0 || (n > 0 && !params) || n > SCHED_LINKS_MAX)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (params[i].ifindex == 0 || params[i].weight > SCHED_WEIGHT_MAX)
                        return -EINVAL;

        /* Drop this namespace's entries. Each walk restarts after a delete: a deleted key
         * cannot serve as the cursor. Bounded by the map's size. */
        for (unsigned guard = 0; guard <= SCHED_LINKS_MAX; guard++) {
                struct subflow_params_key key, next;
                bool deleted = false;
                void *cursor = NULL;

                while (bpf_map_get_next_key(fd, cursor, &next) == 0) {
                        if (next.netns_cookie == netns_cookie) {
                                if (bpf_map_delete_elem(fd, &next) < 0 && errno != ENOENT)
                                        return -errno;
                                deleted = true;
                                break;
                        }
                        key = next;
                        cursor = &key;
                }
                if (!deleted)
                        break;
        }

        for (size_t i = 0; i < n; i++) {
                struct subflow_params_key k = { .netns_cookie = netns_cookie, .ifindex = params[i].ifindex };
                struct sched_link v = {
                        .weight = params[i].weight,
                        .cost = params[i].cost,
                        .flags = params[i].metered ? SCHED_LINK_METERED : 0,
                };

                if (bpf_map_update_elem(fd, &k, &v, BPF_ANY) < 0)
                        return -errno;
        }
        return 0;
}
