/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-links.h — writing one namespace's entries of the sched_links map (internal). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "sched-loader.h"

/* Replaces the entries of netns_cookie in the sched_links map behind fd with params[0..n);
 * other namespaces' entries are left alone. */
int sched_links_replace(int fd, uint64_t netns_cookie, const SchedLinkParams *params, size_t n);
