/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host-environment.c — probe this host for the facts the policy checks take as input. */
#include <stdio.h>

#include "config.h"
#include "host-environment.h"

#if HAVE_BPF
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#endif

bool host_probe_bpf_scheduler(void) {
#if HAVE_BPF
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

static void strv_free(char **v) {
        for (char **c = v; c && *c; c++)
                free(*c);
        free(v);
}

static int probe_congestion(char ***ret) {
        _cleanup_fclose_ FILE *f = NULL;
        char line[1024], *save = NULL, **v = NULL;
        size_t n = 0;

        f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "re");
        if (!f || !fgets(line, sizeof(line), f)) {
                *ret = NULL; /* unknown: the check is skipped */
                return 0;
        }

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
        *ret = v;
        return 0;

oom:
        strv_free(v);
        return -ENOMEM;
}

int host_environment_probe(PolicyEnvironment *ret) {
        char **congestion;
        int r;

        r = probe_congestion(&congestion);
        if (r < 0)
                return r;
        *ret = (PolicyEnvironment) {
                .known = true,
                .bpf_scheduler = host_probe_bpf_scheduler(),
                .congestion_available = congestion,
        };
        return 0;
}

void host_environment_done(PolicyEnvironment *env) {
        strv_free(env->congestion_available);
        env->congestion_available = NULL;
}
