/* SPDX-License-Identifier: GPL-2.0-or-later */
/* subflow-params-map.bpf.h — the subflow_params map (written by the daemon, read by the sock_ops
 * program and the struct_ops scheduler), defined once: identical definitions are what let libbpf
 * share the pin between the two objects. */
#ifndef MPTCP_POLICYD_SUBFLOW_PARAMS_MAP_BPF_H
#define MPTCP_POLICYD_SUBFLOW_PARAMS_MAP_BPF_H

#include "subflow.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SUBFLOW_PARAMS_MAX);
	__type(key, struct subflow_params_key);
	__type(value, struct subflow_params);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subflow_params SEC(".maps");

#endif
