/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-features.c — what the running kernel offers, from vmlinux BTF (never version numbers). */

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf-loader.h"
#include "bpf-util.h"

static bool btf_has_struct(const struct btf *btf, const char *name) {
        return btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) > 0;
}

void bpf_features_detect(const char *btf_path, BpfFeatures *ret) {
        BpfFeatures f = { .built = true };
        BpfLogCapture capture;
        struct btf *btf;

        bpf_log_capture_begin(&capture);
        btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
        bpf_log_capture_end(&capture);
        if (!btf) {
                f.sock_ops_reason = f.scheduler_reason =
                        "kernel BTF is not available (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)";
                *ret = f;
                return;
        }
        f.btf = true;

        if (!btf_has_struct(btf, "mptcp_sock") || !btf_has_struct(btf, "mptcp_subflow_context"))
                f.sock_ops_reason = "kernel has no MPTCP (struct mptcp_sock missing from BTF)";
        else if (!btf_has_struct(btf, "bpf_sock_ops"))
                f.sock_ops_reason = "kernel has no BPF sock_ops programs";
        else
                f.sock_ops = true;

        /* The struct_ops wrapper exists only where BPF MPTCP schedulers can register (the
         * mptcp_net-next tree); struct mptcp_sched_ops alone is the in-kernel interface. */
        if (btf_has_struct(btf, "bpf_struct_ops_mptcp_sched_ops"))
                f.scheduler = true;
        else
                f.scheduler_reason = "kernel has no BPF MPTCP scheduler "
                                     "(bpf_struct_ops_mptcp_sched_ops missing from vmlinux BTF)";

        btf__free(btf);
        *ret = f;
}
