/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host-facts.c — probe this machine for the facts the policy checks take as input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mptcpctl.h"

#if HAVE_LIBBPF
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#endif

/* Whether vmlinux BTF describes the BPF MPTCP scheduler's struct_ops (mptcp_net-next only today). */
static bool probe_bpf_scheduler(void) {
#if HAVE_LIBBPF
        struct btf *btf;
        bool found;

        libbpf_set_print(NULL); /* a kernel without BTF is an answer, not a message */
        btf = btf__load_vmlinux_btf();
        if (!btf)
                return false;
        found = btf__find_by_name_kind(btf, "bpf_struct_ops_mptcp_sched_ops", BTF_KIND_STRUCT) >= 0;
        btf__free(btf);
        return found;
#else
        return false;
#endif
}

static char **probe_congestion(void) {
        _cleanup_fclose_ FILE *f = NULL;
        char line[1024], *save = NULL, **v = NULL;
        size_t n = 0;

        f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "re");
        if (!f || !fgets(line, sizeof(line), f))
                return NULL;

        for (char *w = strtok_r(line, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
                char **nv = reallocarray(v, n + 2, sizeof(char *));
                if (!nv)
                        goto oom;
                v = nv;
                v[n] = strdup(w);
                if (!v[n])
                        goto oom;
                v[++n] = NULL;
        }
        return v;

oom:
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
        return NULL;
}

int host_facts_probe(Tristate bpf_scheduler, PolicyEnvironment *ret) {
        *ret = (PolicyEnvironment) {
                .known = true,
                .bpf_scheduler = bpf_scheduler == TRISTATE_AUTO ? probe_bpf_scheduler() : bpf_scheduler == TRISTATE_YES,
                .congestion_available = probe_congestion(),
        };
        return 0;
}

void host_facts_done(PolicyEnvironment *env) {
        for (char **c = env->congestion_available; c && *c; c++)
                free(*c);
        free(env->congestion_available);
        env->congestion_available = NULL;
}
