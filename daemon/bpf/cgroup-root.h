/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup-root.h — where the cgroup v2 hierarchy is mounted, from mountinfo. */
#pragma once

/* The mount point of the first cgroup2 mount in mountinfo_path (NULL: /proc/self/mountinfo).
 * -ENOENT when there is none. */
int cgroup2_find_root(const char *mountinfo_path, char **ret);
