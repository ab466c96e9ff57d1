/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-sched-api.bpf.h — the BPF MPTCP scheduler API of mptcp_net-next, declared where vmlinux.h lacks it. */
#ifndef MPTCP_POLICYD_MPTCP_SCHED_API_BPF_H
#define MPTCP_POLICYD_MPTCP_SCHED_API_BPF_H

/*
 * Followed (bcc core_fixes.bpf.h style: say where each declaration comes from):
 *
 * - struct mptcp_sched_ops: include/net/mptcp.h after "mptcp: sched: remove mptcp_sched_data"
 *   (Matthieu Baerts, net-next 2025-04-11, in mainline since v6.16): get_send(msk) and
 *   get_retrans(msk) without a data argument, then name, owner, list, init, release. Mainline
 *   has this struct (the in-kernel interface) but registers no BPF struct_ops for it; only the
 *   multipath-tcp/mptcp_net-next tree does (net/mptcp/bpf.c, bpf_mptcp_sched_ops).
 *   libbpf 1.1 matches a struct_ops map to the kernel type by its exact name, so a flavor
 *   (mptcp_sched_ops___x) is no option here: meson probes the build machine's BTF and defines
 *   POLICYD_VMLINUX_HAS_MPTCP_SCHED_OPS when vmlinux.h already carries the struct.
 *
 * - kfuncs: mptcp_net-next net/mptcp/bpf.c in the version that splits them into
 *   bpf_mptcp_iter_kfunc_ids (bpf_iter_mptcp_subflow_new/next/destroy, new() taking the MPTCP
 *   socket as struct sock *) and bpf_mptcp_common_kfunc_ids (bpf_mptcp_subflow_ctx,
 *   bpf_mptcp_subflow_tcp_sock, mptcp_subflow_set_scheduled, mptcp_subflow_active,
 *   mptcp_set_timeout, mptcp_wnd_end, bpf_sk_stream_memory_free(const struct
 *   mptcp_subflow_context *)), filtered to BPF_PROG_TYPE_STRUCT_OPS of mptcp_sched_ops. The
 *   tree has changed this API three times (get_subflow with mptcp_sched_data, then contexts[]
 *   by position, then the iterator): treat it as unstable.
 *   All are __weak so that libbpf leaves a missing one unresolved instead of failing the
 *   open; the kernel still refuses a program that calls one it lacks.
 *
 * vmlinux.h carries no function prototypes, so the kfuncs are always declared here; struct
 * bpf_iter_mptcp_subflow only where meson found it missing from the build machine's BTF.
 */

#ifndef POLICYD_VMLINUX_HAS_MPTCP_SCHED_OPS
#define MPTCP_SCHED_NAME_MAX 16
struct mptcp_sched_ops {
	int (*get_send)(struct mptcp_sock *msk);
	int (*get_retrans)(struct mptcp_sock *msk);
	char name[MPTCP_SCHED_NAME_MAX];
	struct module *owner;
	struct list_head list;
	void (*init)(struct mptcp_sock *msk);
	void (*release)(struct mptcp_sock *msk);
};
#endif

#ifndef POLICYD_VMLINUX_HAS_BPF_ITER_MPTCP_SUBFLOW
/* net/mptcp/bpf.c: opaque to programs; the kernel keeps {msk, list position} in it. */
struct bpf_iter_mptcp_subflow {
	__u64 __opaque[2];
} __attribute__((aligned(8)));
#endif

extern int bpf_iter_mptcp_subflow_new(struct bpf_iter_mptcp_subflow *it, struct sock *sk) __ksym __weak;
extern struct mptcp_subflow_context *
bpf_iter_mptcp_subflow_next(struct bpf_iter_mptcp_subflow *it) __ksym __weak;
extern void bpf_iter_mptcp_subflow_destroy(struct bpf_iter_mptcp_subflow *it) __ksym __weak;

extern struct mptcp_subflow_context *bpf_mptcp_subflow_ctx(const struct sock *sk) __ksym __weak;
extern struct sock *
bpf_mptcp_subflow_tcp_sock(const struct mptcp_subflow_context *subflow) __ksym __weak;
extern void mptcp_subflow_set_scheduled(struct mptcp_subflow_context *subflow,
					bool scheduled) __ksym __weak;
extern bool mptcp_subflow_active(struct mptcp_subflow_context *subflow) __ksym __weak;
extern void mptcp_set_timeout(struct sock *sk) __ksym __weak;
extern bool bpf_sk_stream_memory_free(const struct mptcp_subflow_context *subflow) __ksym __weak;

#endif
