/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-loader-stub.c — the loader API of a build without BPF: -EOPNOTSUPP and why. */

#include <errno.h>

#include "bpf-loader.h"
#include "bpf-util.h"

#define NOT_BUILT "built without BPF support (meson -Dbpf=disabled, or clang/bpftool/libbpf missing)"

void bpf_features_detect(const char *btf_path, BpfFeatures *ret) {
        *ret = (BpfFeatures){
                .sock_ops_reason = NOT_BUILT,
                .scheduler_reason = NOT_BUILT,
        };
}

int bpf_loader_new(const BpfLoaderOptions *opts, BpfLoader **ret, BpfError *error) {
        return bpf_error_reason(error, -EOPNOTSUPP, NOT_BUILT);
}

BpfLoader *bpf_loader_free(BpfLoader *l) {
        return NULL;
}

int bpf_loader_detach(BpfLoader *l, BpfError *error) {
        return bpf_error_reason(error, -EOPNOTSUPP, NOT_BUILT);
}

bool bpf_loader_reused_maps(const BpfLoader *l) {
        return false;
}

bool bpf_loader_reused_link(const BpfLoader *l) {
        return false;
}

const char *bpf_loader_cgroup_path(const BpfLoader *l) {
        return NULL;
}

const char *bpf_loader_pin_root(const BpfLoader *l) {
        return NULL;
}

int bpf_netns_cookie(uint64_t *ret) {
        return -EOPNOTSUPP;
}

int bpf_loader_set_params(BpfLoader *l, const BpfLinkParams *params, size_t n, uint32_t *ret_generation) {
        return -EOPNOTSUPP;
}

int bpf_loader_update_link(
        BpfLoader *l, uint32_t ifindex, const BpfLinkParams *params, uint32_t *ret_generation) {
        return -EOPNOTSUPP;
}

int bpf_loader_get_generation(BpfLoader *l, uint32_t *ret) {
        return -EOPNOTSUPP;
}

int bpf_loader_read_telemetry(BpfLoader *l, BpfSubflowInfo **ret, size_t *ret_n) {
        return -EOPNOTSUPP;
}

int bpf_loader_prune_telemetry(BpfLoader *l) {
        return -EOPNOTSUPP;
}

int bpf_loader_iter_apply(BpfLoader *l, BpfError *error) {
        return bpf_error_reason(error, -EOPNOTSUPP, NOT_BUILT);
}

int bpf_loader_read_stats(BpfLoader *l, BpfStats *ret) {
        return -EOPNOTSUPP;
}
