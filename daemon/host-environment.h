/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host-environment.h — probe this host for the facts the policy checks take as input. */
#pragma once

#include "profile.h"

/* Whether vmlinux BTF describes the BPF MPTCP scheduler's struct_ops (mptcp_net-next only today).
 * Detected from BTF, never from version numbers; false without BTF or without libbpf. */
bool host_probe_bpf_scheduler(void);

/* Fills *ret: known = true, the BPF scheduler as above, the congestion controls this kernel
 * offers (/proc/sys/net/ipv4/tcp_available_congestion_control; NULL when unreadable, which
 * skips that check). Release with host_environment_done(). */
int host_environment_probe(PolicyEnvironment *ret);
void host_environment_done(PolicyEnvironment *env);
