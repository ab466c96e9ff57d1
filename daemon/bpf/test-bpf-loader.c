/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-bpf-loader.c — detection, cgroup-root discovery and the loader's life cycle, real kernel. */

/*
 * The life-cycle test needs root and real BPF. It never touches the machine's state: a child
 * process runs it in a private mount namespace with its own bpffs (the pins), its own network
 * namespaces (the traffic, over loopback) and a cgroup of its own under the cgroup2 mount that
 * the parent creates before and removes after (the program is attached there, never to the
 * root cgroup).
 */

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bpf-loader.h"
#include "cgroup-root.h"
#include "config.h"
#include "macro.h"
#include "tests.h"

#if HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/btf.h>
#endif

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
#define MPTCP_INFO_OPT 1
#define MPTCP_INFO_TOKEN_OFFSET 12

static char tmp_dir[] = "/tmp/test-bpf-loader-XXXXXX";

static char *write_tmp(const char *name, const void *data, size_t len) {
        char *path;
        FILE *f;

        check(asprintf(&path, "%s/%s", tmp_dir, name) > 0);
        f = fopen(path, "we");
        check(f);
        check_eq(fwrite(data, 1, len, f), len);
        check_eq(fclose(f), 0);
        return path;
}

TEST(cgroup_root_mountinfo) {
        static const char with_unified[] =
                "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
                "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
                "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
        static const char with_optional_fields[] = "25 1 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
                                                   "35 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev shared:9 "
                                                   "master:1 - cgroup2 cgroup2 rw,nsdelegate\n";
        static const char escaped[] = "41 30 0:38 / /run/my\\040cgroups rw - cgroup2 none rw\n";
        static const char v1_only[] = "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                                      "77 30 0:99 / /mnt/cgroup2 rw - cgroup2fake x rw\n";
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *missing = NULL;
        char *root = NULL;

        a = write_tmp("mountinfo-unified", with_unified, strlen(with_unified));
        check_ok(cgroup2_find_root(a, &root));
        check(streq(root, "/sys/fs/cgroup/unified"));
        free(root);

        b = write_tmp("mountinfo-optional", with_optional_fields, strlen(with_optional_fields));
        check_ok(cgroup2_find_root(b, &root));
        check(streq(root, "/sys/fs/cgroup"));
        free(root);

        c = write_tmp("mountinfo-escaped", escaped, strlen(escaped));
        check_ok(cgroup2_find_root(c, &root));
        check(streq(root, "/run/my cgroups"));
        free(root);

        root = NULL;
        d = write_tmp("mountinfo-v1", v1_only, strlen(v1_only));
        check_eq(cgroup2_find_root(d, &root), -ENOENT);
        check(!root);

        check(asprintf(&missing, "%s/no-such-file", tmp_dir) > 0);
        check_eq(cgroup2_find_root(missing, &root), -ENOENT);

        /* This machine: whatever /proc/self/mountinfo says, it is a directory. */
        check_ok(cgroup2_find_root(NULL, &root));
        check(root[0] == '/');
        free(root);
}

#if HAVE_BPF

/* A raw BTF file holding the named empty structs. */
static char *fake_btf(const char *file, const char *const *names) {
        struct btf *btf = btf__new_empty();
        const void *raw;
        uint32_t size;
        char *path;

        check(btf);
        check(btf__add_int(btf, "int", 4, BTF_INT_SIGNED) > 0);
        for (size_t i = 0; names[i]; i++)
                check(btf__add_struct(btf, names[i], 0) > 0);
        raw = btf__raw_data(btf, &size);
        check(raw);
        path = write_tmp(file, raw, size);
        btf__free(btf);
        return path;
}

TEST(features) {
        static const char *const with_sched[] = {
                "mptcp_sock",      "mptcp_subflow_context",          "bpf_sock_ops",
                "mptcp_sched_ops", "bpf_struct_ops_mptcp_sched_ops", NULL
        };
        static const char *const no_mptcp[] = { "bpf_sock_ops", NULL };
        _cleanup_free_ char *sched = NULL, *plain = NULL, *missing = NULL;
        BpfFeatures f;

        /* This kernel: sock_ops yes, scheduler no, with a reason naming the missing type. */
        bpf_features_detect(NULL, &f);
        check(f.built && f.btf && f.sock_ops);
        check(!f.sock_ops_reason);
        check(!f.scheduler);
        check(f.scheduler_reason && strstr(f.scheduler_reason, "bpf_struct_ops_mptcp_sched_ops"));
        printf("# this kernel: sock_ops=yes scheduler=no (%s)\n", f.scheduler_reason);

        sched = fake_btf("btf-sched", with_sched);
        bpf_features_detect(sched, &f);
        check(f.btf && f.sock_ops && f.scheduler);
        check(!f.scheduler_reason && !f.sock_ops_reason);

        plain = fake_btf("btf-no-mptcp", no_mptcp);
        bpf_features_detect(plain, &f);
        check(f.btf && !f.sock_ops && !f.scheduler);
        check(strstr(f.sock_ops_reason, "MPTCP"));

        check(asprintf(&missing, "%s/no-btf", tmp_dir) > 0);
        bpf_features_detect(missing, &f);
        check(!f.btf && !f.sock_ops && !f.scheduler);
        check(strstr(f.sock_ops_reason, "BTF"));
}

/* --- the life cycle, in a child --- */

static const char *test_cgroup;

static void lo_up(void) {
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = {};

        check(fd >= 0);
        strcpy(ifr.ifr_name, "lo");
        check_ok(ioctl(fd, SIOCGIFFLAGS, &ifr));
        ifr.ifr_flags |= IFF_UP;
        check_ok(ioctl(fd, SIOCSIFFLAGS, &ifr));
}

/* A new network namespace with loopback up; returns an fd to it. */
static int netns_new(void) {
        check_ok(unshare(CLONE_NEWNET));
        lo_up();
        return open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
}

static void netns_enter(int fd) {
        check_ok(setns(fd, CLONE_NEWNET));
}

typedef struct Pair {
        int client, server;
} Pair;

static Pair pair_connect(int proto) {
        union {
                struct sockaddr sa;
                struct sockaddr_in in;
        } a = { .in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) } };
        socklen_t len = sizeof(a.in);
        _cleanup_close_ int l = -EBADF;
        Pair p;

        l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, proto);
        check(l >= 0);
        check_ok(bind(l, &a.sa, sizeof(a.in)));
        check_ok(listen(l, 4));
        check_ok(getsockname(l, &a.sa, &len));
        p.client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, proto);
        check(p.client >= 0);
        check_ok(connect(p.client, &a.sa, sizeof(a.in)));
        p.server = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        check(p.server >= 0);
        return p;
}

static void pair_close(Pair *p) {
        p->client = safe_close(p->client);
        p->server = safe_close(p->server);
}

/* Client → server, n bytes, in chunks the socket buffers hold. */
static void pair_transfer(const Pair *p, size_t n) {
        static char buf[16384];

        while (n > 0) {
                size_t chunk = MIN(n, sizeof(buf)), got = 0;

                check_eq(write(p->client, buf, chunk), (ssize_t) chunk);
                while (got < chunk) {
                        ssize_t k = read(p->server, buf, chunk - got);

                        check(k > 0);
                        got += (size_t) k;
                }
                n -= chunk;
        }
}

static uint32_t mptcp_token(int fd) {
        uint8_t info[256] = {};
        socklen_t len = sizeof(info);
        uint32_t token;

        check_ok(getsockopt(fd, SOL_MPTCP, MPTCP_INFO_OPT, info, &len));
        check(len >= MPTCP_INFO_TOKEN_OFFSET + sizeof(token));
        memcpy(&token, info + MPTCP_INFO_TOKEN_OFFSET, sizeof(token));
        return token;
}

static uint64_t socket_cookie(int fd) {
        uint64_t cookie;
        socklen_t len = sizeof(cookie);

        check_ok(getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len));
        return cookie;
}

/* The telemetry entry of token's subflow on the given side; aborts unless exactly one. */
static BpfSubflowInfo find_subflow(BpfLoader *l, uint32_t token, bool passive) {
        _cleanup_free_ BpfSubflowInfo *list = NULL;
        BpfSubflowInfo found = {};
        size_t n, hits = 0;

        check_ok(bpf_loader_read_telemetry(l, &list, &n));
        for (size_t i = 0; i < n; i++)
                if (list[i].token == token && list[i].passive == passive) {
                        found = list[i];
                        hits++;
                }
        if (hits != 1)
                fprintf(stderr, "token %08x passive=%d: %zu entries of %zu\n", token, passive, hits, n);
        check_eq(hits, 1);
        return found;
}

/* Sends in small chunks until the client subflow of token reports generation gen: the RTT
 * callback samples by time, so how many bytes that takes depends on the speed. */
static BpfSubflowInfo transfer_until_generation(BpfLoader *l, const Pair *p, uint32_t token, uint32_t gen) {
        for (unsigned i = 0; i < 4096; i++) {
                BpfSubflowInfo s;

                pair_transfer(p, 16384);
                s = find_subflow(l, token, false);
                if (s.generation == gen)
                        return s;
        }
        fprintf(stderr, "generation %" PRIu32 " never reached token %08x\n", gen, token);
        abort();
}

static size_t telemetry_count(BpfLoader *l) {
        _cleanup_free_ BpfSubflowInfo *list = NULL;
        size_t n;

        check_ok(bpf_loader_read_telemetry(l, &list, &n));
        return n;
}

static uint32_t link_prog_id(const char *pin, uint32_t *ret_link_id) {
        struct bpf_link_info info = {};
        uint32_t len = sizeof(info);
        _cleanup_close_ int fd = bpf_obj_get(pin);

        check(fd >= 0);
        check_ok(bpf_obj_get_info_by_fd(fd, &info, &len));
        *ret_link_id = info.id;
        return info.prog_id;
}

static const char *pins_link_path(const char *pins) {
        static char path[PATH_MAX];

        check(
                (size_t) snprintf(path, sizeof(path), "%s/%s", pins, BPF_LOADER_LINK_PIN_NAME) <
                sizeof(path));
        return path;
}

/* Abortive close: the subflows are reset (MPTCP fastclose) and reach TCP_CLOSE inside close(). */
static void pair_abort(Pair *p) {
        struct linger lg = { .l_onoff = 1, .l_linger = 0 };

        check_ok(setsockopt(p->client, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
        pair_close(p);
}

static bool exists(const char *dir, const char *name) {
        _cleanup_free_ char *p = NULL;

        check(asprintf(&p, "%s/%s", dir, name) > 0);
        return access(p, F_OK) >= 0;
}

static void lifecycle(void) {
        _cleanup_free_ char *bpffs = NULL, *pins = NULL, *bad_pins = NULL, *procs = NULL;
        _cleanup_close_ int ns_a = -EBADF, ns_b = -EBADF;
        BpfLinkParams lo_params = {
                .ifindex = 1, .pacing_rate = 1000000, .notsent_lowat = 65536, .congestion = "reno"
        };
        BpfLoaderOptions opts = { .cgroup_path = test_cgroup, .sample_interval_usec = 1000 };
        uint32_t gen, token_a, token_b, token_c, link_id, link_id2, prog_id, prog_id2;
        BpfLoader *l = NULL;
        BpfSubflowInfo s;
        BpfError e = {};
        BpfStats st;
        Pair a, b, c, plain;
        int v, visited;
        socklen_t len;
        char cc[16] = "", default_cc[16] = "";
        FILE *f;

        /* A private mount namespace with a bpffs of our own for the pins. */
        check_ok(unshare(CLONE_NEWNS));
        check_ok(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
        check(asprintf(&bpffs, "%s/bpffs", tmp_dir) > 0);
        check_ok(mkdir(bpffs, 0700));
        check_ok(mount("bpf", bpffs, "bpf", 0, "mode=0700"));
        check(asprintf(&pins, "%s/mptcp-policyd-test", bpffs) > 0);

        /* Our own cgroup: everything this process creates is charged there. */
        check(asprintf(&procs, "%s/cgroup.procs", test_cgroup) > 0);
        f = fopen(procs, "we");
        check(f);
        fprintf(f, "%d\n", getpid());
        check_eq(fclose(f), 0);

        /* A pin root outside bpffs: a clear refusal. */
        check(asprintf(&bad_pins, "%s/not-bpffs", tmp_dir) > 0);
        opts.pin_root = bad_pins;
        check_eq(bpf_loader_new(&opts, &l, &e), -EOPNOTSUPP);
        check(strstr(e.message, "not on a BPF filesystem"));
        printf("# refused: %s\n", e.message);

        /* Pins of another version whose subflow_params does not match ours: replaced. */
        {
                _cleanup_free_ char *stale = NULL;
                _cleanup_close_ int fd = -EBADF;

                check_ok(mkdir(pins, 0700));
                check(asprintf(&stale, "%s/subflow_params", pins) > 0);
                fd = bpf_map_create(BPF_MAP_TYPE_HASH, "subflow_params", 4, 4, 8, NULL);
                check(fd >= 0);
                check_ok(bpf_obj_pin(fd, stale));
        }

        /* First start: fresh maps, new link, both pinned. */
        opts.pin_root = pins;
        ns_a = netns_new();
        check(ns_a >= 0);
        if (bpf_loader_new(&opts, &l, &e) < 0) {
                fprintf(stderr, "bpf_loader_new: %s\n", e.message);
                abort();
        }
        check(!bpf_loader_reused_maps(l) && !bpf_loader_reused_link(l));
        {
                struct bpf_map_info info = {};
                uint32_t info_len = sizeof(info);
                _cleanup_free_ char *p = NULL;
                _cleanup_close_ int fd = -EBADF;

                check(asprintf(&p, "%s/subflow_params", pins) > 0);
                fd = bpf_obj_get(p);
                check(fd >= 0);
                check_ok(bpf_obj_get_info_by_fd(fd, &info, &info_len));
                check_eq(info.key_size, 16);
        }
        check(
                exists(pins, "subflow_params") && exists(pins, "subflow_telem") &&
                exists(pins, BPF_LOADER_LINK_PIN_NAME));
        check(streq(bpf_loader_cgroup_path(l), test_cgroup));

        /* Invalid parameters. */
        BpfLinkParams bad = lo_params;
        bad.pacing_rate = UINT32_MAX;
        check_eq(bpf_loader_set_params(l, &bad, 1, NULL), -ERANGE);
        bad = lo_params;
        bad.ifindex = 0;
        check_eq(bpf_loader_set_params(l, &bad, 1, NULL), -EINVAL);

        /* Namespace A: loopback capped at 1 MB/s, lowat 64 KiB, a congestion control other than
         * the namespace's default. */
        {
                _cleanup_fclose_ FILE *d = fopen("/proc/sys/net/ipv4/tcp_congestion_control", "re");

                check(d && fgets(default_cc, sizeof(default_cc), d));
                default_cc[strcspn(default_cc, "\n")] = 0;
                strcpy(lo_params.congestion, streq(default_cc, "reno") ? "cubic" : "reno");
        }
        check_ok(bpf_loader_set_params(l, &lo_params, 1, &gen));
        check_eq(gen, 1);

        a = pair_connect(IPPROTO_MPTCP);
        pair_transfer(&a, 256 * 1024);
        token_a = mptcp_token(a.client);
        s = find_subflow(l, token_a, false);
        check_eq(s.ifindex, 1);
        check_eq(s.max_pacing_rate, 1000000);
        check_eq(s.generation, 1);
        check_eq(s.params_generation, 1);
        check(streq(s.congestion, lo_params.congestion));
        check(!s.join && s.family == AF_INET);
        check_eq(s.local.in.s_addr, htonl(INADDR_LOOPBACK));
        check(s.bytes_acked > 0 && s.bytes_acked <= 256 * 1024 + 1024);
        check(s.srtt_usec > 0);
        s = find_subflow(l, mptcp_token(a.server), true);
        check_eq(s.max_pacing_rate, 1000000);
        /* A receiving subflow gets few RTT callbacks (it sees no ACKs of data): its telemetry
         * is as of establishment or of the last iter pass. */
        check(s.bytes_received <= 256 * 1024 + 1);

        /* Plain TCP in the same cgroup and namespace: untouched, and not in the telemetry. */
        plain = pair_connect(IPPROTO_TCP);
        pair_transfer(&plain, 64 * 1024);
        len = sizeof(v);
        check_ok(getsockopt(plain.client, SOL_SOCKET, SO_MAX_PACING_RATE, &v, &len));
        check_eq((unsigned) v, 0xffffffffu);
        len = sizeof(v);
        check_ok(getsockopt(plain.client, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &v, &len));
        check_eq(v, 0);
        {
                _cleanup_free_ BpfSubflowInfo *list = NULL;
                uint64_t ck = socket_cookie(plain.client), sk = socket_cookie(plain.server);
                size_t n;

                check_ok(bpf_loader_read_telemetry(l, &list, &n));
                for (size_t i = 0; i < n; i++)
                        check(list[i].cookie != ck && list[i].cookie != sk);
                check_eq(n, 2);
        }
        len = sizeof(cc);
        check_ok(getsockopt(plain.client, IPPROTO_TCP, TCP_CONGESTION, cc, &len));
        check(streq(cc, default_cc));
        printf("# plain TCP keeps pacing unlimited, lowat 0, congestion %s (MPTCP subflows: %s)\n", cc,
               lo_params.congestion);

        /* Namespace B: same ifindex, no parameters: nothing applied, A's entries invisible. */
        ns_b = netns_new();
        check(ns_b >= 0);
        check_eq(telemetry_count(l), 0);
        b = pair_connect(IPPROTO_MPTCP);
        pair_transfer(&b, 64 * 1024);
        token_b = mptcp_token(b.client);
        s = find_subflow(l, token_b, false);
        check_eq(s.ifindex, 1);
        check_eq(s.max_pacing_rate, UINT64_MAX);
        check_eq(s.params_generation, 0);
        check_eq(telemetry_count(l), 2);
        /* Writing B's parameters leaves A's alone. */
        lo_params.pacing_rate = 3000000;
        check_ok(bpf_loader_set_params(l, &lo_params, 1, &gen));
        check_eq(gen, 1);

        /* Back in A, idle connection: a new generation reaches it only through the iter pass. */
        netns_enter(ns_a);
        check_ok(bpf_loader_get_generation(l, &gen));
        check_eq(gen, 1);
        lo_params.pacing_rate = 2000000;
        check_ok(bpf_loader_update_link(l, 1, &lo_params, &gen));
        check_eq(gen, 2);
        check_eq(find_subflow(l, token_a, false).max_pacing_rate, 1000000);
        visited = bpf_loader_iter_apply(l, &e);
        if (visited < 0)
                fprintf(stderr, "iter: %s\n", e.message);
        check_eq(visited, 2); /* A's client and server subflows, not B's */
        s = find_subflow(l, token_a, false);
        check_eq(s.max_pacing_rate, 2000000);
        check_eq(s.generation, 2);
        check_eq(find_subflow(l, mptcp_token(a.server), true).max_pacing_rate, 2000000);

        /* With traffic, the RTT callback picks up a generation (and a removal) by itself. */
        check_ok(bpf_loader_set_params(l, NULL, 0, &gen));
        check_eq(gen, 3);
        s = transfer_until_generation(l, &a, token_a, 3);
        check(streq(s.congestion, default_cc)); /* back to what it had */
        check_eq(s.params_generation, 0);
        check_eq(s.max_pacing_rate, UINT64_MAX);
        lo_params.pacing_rate = 1000000;
        check_ok(bpf_loader_set_params(l, &lo_params, 1, &gen));
        check_eq(gen, 4);
        check_eq(transfer_until_generation(l, &a, token_a, 4).max_pacing_rate, 1000000);

        check_ok(bpf_loader_read_stats(l, &st));
        check_eq(st.setsockopt_errors, 0);
        check(st.subflows >= 4 && st.iter_visited >= 2);
        printf("# stats: subflows %" PRIu64 " applied %" PRIu64 " iter_visited %" PRIu64 "\n", st.subflows,
               st.applied, st.iter_visited);

        /* Restart: the pins keep everything; the new loader reuses maps (contents included)
         * and swaps the program inside the same link. */
        prog_id = link_prog_id(pins_link_path(pins), &link_id);
        l = bpf_loader_free(l);
        check(exists(pins, BPF_LOADER_LINK_PIN_NAME));
        c = pair_connect(IPPROTO_MPTCP); /* while no daemon runs: still capped */
        pair_transfer(&c, 64 * 1024);
        token_c = mptcp_token(c.client);
        check_ok(bpf_loader_new(&opts, &l, &e));
        check(bpf_loader_reused_maps(l) && bpf_loader_reused_link(l));
        prog_id2 = link_prog_id(pins_link_path(pins), &link_id2);
        check_eq(link_id2, link_id);
        check(prog_id2 != prog_id);
        check_ok(bpf_loader_get_generation(l, &gen));
        check_eq(gen, 4);
        check_eq(find_subflow(l, token_c, false).max_pacing_rate, 1000000);
        check_eq(find_subflow(l, token_a, false).generation, 4);
        pair_abort(&c);
        /* The new program on an old subflow (its sk_storage came through the restart). */
        lo_params.pacing_rate = 1500000;
        check_ok(bpf_loader_set_params(l, &lo_params, 1, &gen));
        check_eq(gen, 5);
        check_eq(transfer_until_generation(l, &a, token_a, 5).max_pacing_rate, 1500000);

        /* Closed subflows keep their final counters until pruned. */
        check_eq(find_subflow(l, token_c, false).tcp_state, 7);
        check(bpf_loader_prune_telemetry(l) >= 1);
        check_eq(telemetry_count(l), 2);

        /* Clean stop: detached and unpinned; new subflows are left alone. */
        check_ok(bpf_loader_detach(l, &e));
        check(access(pins, F_OK) < 0 && errno == ENOENT);
        c = pair_connect(IPPROTO_MPTCP);
        pair_transfer(&c, 64 * 1024);
        check_eq(telemetry_count(l), 2);
        l = bpf_loader_free(l);

        /* And a fresh start after that begins from scratch. */
        check_ok(bpf_loader_new(&opts, &l, &e));
        check(!bpf_loader_reused_maps(l) && !bpf_loader_reused_link(l));
        check_ok(bpf_loader_get_generation(l, &gen));
        check_eq(gen, 0);
        check_ok(bpf_loader_detach(l, &e));
        l = bpf_loader_free(l);

        pair_close(&a);
        pair_close(&b);
        pair_close(&c);
        pair_close(&plain);
}

/* Creates a cgroup of our own, runs the life cycle in a child inside it, removes the cgroup. */
TEST(loader_lifecycle) {
        _cleanup_free_ char *root = NULL, *cg = NULL;
        int status;
        pid_t pid;

        check_ok(cgroup2_find_root(NULL, &root));
        check(asprintf(&cg, "%s/mptcp-policyd-test-bpf-%d", root, getpid()) > 0);
        check_ok(mkdir(cg, 0755));
        test_cgroup = cg;

        fflush(stdout);
        pid = fork();
        check(pid >= 0);
        if (pid == 0) {
                lifecycle();
                fflush(stdout);
                _exit(EXIT_SUCCESS);
        }
        check_eq(waitpid(pid, &status, 0), pid);
        /* The child is gone, so the cgroup is empty. */
        check_ok(rmdir(cg));
        check(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#else

TEST(not_built) {
        BpfLoader *l = NULL;
        BpfError e = {};
        BpfFeatures f;

        bpf_features_detect(NULL, &f);
        check(!f.built && !f.sock_ops && !f.scheduler);
        check(strstr(f.sock_ops_reason, "without BPF"));
        check_eq(bpf_loader_new(NULL, &l, &e), -EOPNOTSUPP);
        check_eq(e.error, -EOPNOTSUPP);
        check(strstr(e.message, "without BPF"));
        check(!l);
}

#endif

static void rm_tmp(void) {
        static const char *const files[] = { "mountinfo-unified",
                                             "mountinfo-optional",
                                             "mountinfo-escaped",
                                             "mountinfo-v1",
                                             "btf-sched",
                                             "btf-no-mptcp",
                                             "bpffs",
                                             "not-bpffs" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *p = NULL;

                check(asprintf(&p, "%s/%s", tmp_dir, files[i]) > 0);
                if (unlink(p) < 0 && errno == EISDIR)
                        (void) rmdir(p);
        }
        (void) rmdir(tmp_dir);
}

int main(void) {
        check(mkdtemp(tmp_dir));
        RUN(cgroup_root_mountinfo);
#if HAVE_BPF
        RUN(features);
        RUN(loader_lifecycle);
#else
        RUN(not_built);
#endif
        rm_tmp();
        return EXIT_SUCCESS;
}
