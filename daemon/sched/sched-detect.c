/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sched-detect.c — whether the running kernel can register the BPF MPTCP scheduler, from vmlinux BTF. */

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "macro.h"
#include "sched-loader.h"

/* The struct_ops wrapper exists only where BPF MPTCP schedulers can register (the
 * mptcp_net-next tree); struct mptcp_sched_ops alone is mainline's in-kernel interface. */
#define SCHED_STRUCT_OPS_TYPE "bpf_struct_ops_mptcp_sched_ops"

/* Kfuncs of the API the object is written for (bpf/sched/mptcp-sched-api.bpf.h): a tree
 * with the struct_ops but an older API (mptcp_sched_data, subflows by position) lacks them. */
static const char *const sched_kfuncs[] = {
        "bpf_iter_mptcp_subflow_new",
        "bpf_mptcp_subflow_tcp_sock",
        "bpf_sk_stream_memory_free",
        "mptcp_subflow_set_scheduled",
};

static int silent_print(enum libbpf_print_level level, const char *format, va_list args) {
        return 0;
}

void sched_detect(const char *btf_path, SchedSupport *ret) {
        SchedSupport s = { .built = true, .reason = SCHED_REASON_ABSENT };
        libbpf_print_fn_t previous;
        struct btf *btf;

        previous = libbpf_set_print(silent_print);
        btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
        libbpf_set_print(previous);
        if (!btf) {
                s.message = "kernel BTF is not available (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)";
                *ret = s;
                return;
        }

        if (btf__find_by_name_kind(btf, SCHED_STRUCT_OPS_TYPE, BTF_KIND_STRUCT) <= 0) {
                s.message = "kernel has no BPF MPTCP scheduler "
                            "(bpf_struct_ops_mptcp_sched_ops missing from vmlinux BTF)";
                btf__free(btf);
                *ret = s;
                return;
        }

        for (size_t i = 0; i < ELEMENTSOF(sched_kfuncs); i++)
                if (btf__find_by_name_kind(btf, sched_kfuncs[i], BTF_KIND_FUNC) <= 0) {
                        s.message = "kernel's BPF MPTCP scheduler API differs from the one this "
                                    "daemon is built for (a subflow iterator kfunc is missing)";
                        btf__free(btf);
                        *ret = s;
                        return;
                }

        btf__free(btf);
        s.available = true;
        s.reason = NULL;
        *ret = s;
}
