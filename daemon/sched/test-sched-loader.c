/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-sched-loader.c — scheduler detection (synthetic BTF and this kernel's) and the load path. */

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>

#include "sched-loader.h"
#include "tests.h"

#if SCHED_BPF_BUILT
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "mptcp-sched.h"
#include "sched-links.h"
#endif

static char tmpdir[] = "/tmp/test-sched-loader-XXXXXX";

TEST(mode_names) {
        check_streq(sched_mode_to_name(SCHED_LOADER_WEIGHTED), "policyd_wrr");
        check_streq(sched_mode_to_name(SCHED_LOADER_REDUNDANT), "policyd_red");
        check_streq(sched_mode_to_name(SCHED_LOADER_COST), "policyd_cost");
        check(!sched_mode_to_name(_SCHED_LOADER_MODE_MAX));
        check(!sched_mode_to_name((SchedMode) -1));
        for (SchedMode m = 0; m < _SCHED_LOADER_MODE_MAX; m++)
                check(strlen(sched_mode_to_name(m)) < SCHED_LOADER_NAME_MAX);
}

#if SCHED_BPF_BUILT
/* A raw BTF file with the named structs and functions, for the detection to read. */
static void write_btf(const char *path, const char *const *structs, const char *const *funcs) {
        struct btf *btf = btf__new_empty();
        const void *raw;
        __u32 size;
        int int_id, proto_id, fd;

        check(btf);
        int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
        check(int_id > 0);
        for (; structs && *structs; structs++) {
                check(btf__add_struct(btf, *structs, 4) > 0);
                check_ok(btf__add_field(btf, "x", int_id, 0, 0));
        }
        proto_id = btf__add_func_proto(btf, int_id);
        check(proto_id > 0);
        for (; funcs && *funcs; funcs++)
                check(btf__add_func(btf, *funcs, BTF_FUNC_GLOBAL, proto_id) > 0);

        raw = btf__raw_data(btf, &size);
        check(raw);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        check(fd >= 0);
        check_eq(write(fd, raw, size), size);
        close(fd);
        btf__free(btf);
}

TEST(detect_synthetic) {
        static const char *const kfuncs[] = { "bpf_iter_mptcp_subflow_new", "bpf_mptcp_subflow_tcp_sock",
                                              "bpf_sk_stream_memory_free", "mptcp_subflow_set_scheduled",
                                              NULL };
        static const char *const mainline[] = { "mptcp_sched_ops", "mptcp_sock", NULL };
        static const char *const net_next[] = { "mptcp_sched_ops", "bpf_struct_ops_mptcp_sched_ops", NULL };
        static const char *const old_api[] = { "mptcp_subflow_set_scheduled", NULL };
        char path[sizeof(tmpdir) + 32];
        SchedSupport s;

        /* Mainline: the in-kernel struct, no struct_ops wrapper. */
        snprintf(path, sizeof(path), "%s/mainline.btf", tmpdir);
        write_btf(path, mainline, kfuncs);
        sched_detect(path, &s);
        check(s.built);
        check(!s.available);
        check_streq(s.reason, SCHED_REASON_ABSENT);
        check(strstr(s.message, "bpf_struct_ops_mptcp_sched_ops"));

        /* mptcp_net-next with the API the object is written for. */
        snprintf(path, sizeof(path), "%s/net-next.btf", tmpdir);
        write_btf(path, net_next, kfuncs);
        sched_detect(path, &s);
        check(s.available);
        check(!s.reason);
        check(!s.message);

        /* The struct_ops, but an older API without the subflow iterator. */
        snprintf(path, sizeof(path), "%s/old-api.btf", tmpdir);
        write_btf(path, net_next, old_api);
        sched_detect(path, &s);
        check(!s.available);
        check_streq(s.reason, SCHED_REASON_ABSENT);
        check(strstr(s.message, "iterator"));

        /* No BTF at all. */
        snprintf(path, sizeof(path), "%s/missing.btf", tmpdir);
        sched_detect(path, &s);
        check(!s.available);
        check_streq(s.reason, SCHED_REASON_ABSENT);
        check(strstr(s.message, "BTF"));
}

static unsigned count_entries(int fd, uint64_t cookie) {
        struct subflow_params_key key, next;
        void *cursor = NULL;
        unsigned n = 0;

        while (bpf_map_get_next_key(fd, cursor, &next) == 0) {
                n += next.netns_cookie == cookie;
                key = next;
                cursor = &key;
        }
        return n;
}

/* sched_links_replace() on a map of sched_links' layout (the scheduler object itself does not
 * load here). */
TEST(links_replace) {
        struct subflow_params_key k;
        struct sched_link v;
        int fd;

        if (geteuid() != 0) {
                printf("links: skipped (needs root)\n");
                return;
        }
        fd = bpf_map_create(
                BPF_MAP_TYPE_HASH, "sched_links", sizeof(struct subflow_params_key),
                sizeof(struct sched_link), SCHED_LINKS_MAX, NULL);
        check(fd >= 0);

        /* Another namespace's entries. */
        check_ok(sched_links_replace(
                fd, 7, (SchedLinkParams[]){ { .ifindex = 2, .weight = 5 }, { .ifindex = 3, .weight = 6 } },
                2));
        /* Ours, twice: the second set replaces the first. */
        check_ok(sched_links_replace(
                fd, 42,
                (SchedLinkParams[]){ { .ifindex = 2, .weight = 3 },
                                     { .ifindex = 3, .weight = 1 },
                                     { .ifindex = 4, .weight = 9 } },
                3));
        check_eq(count_entries(fd, 42), 3);
        check_ok(sched_links_replace(
                fd, 42,
                (SchedLinkParams[]){ { .ifindex = 2, .weight = 3 },
                                     { .ifindex = 5, .cost = 10, .metered = true } },
                2));
        check_eq(count_entries(fd, 42), 2);
        check_eq(count_entries(fd, 7), 2);

        k = (struct subflow_params_key){ .netns_cookie = 42, .ifindex = 5 };
        check_ok(bpf_map_lookup_elem(fd, &k, &v));
        check_eq(v.weight, 0);
        check_eq(v.cost, 10);
        check_eq(v.flags, SCHED_LINK_METERED);
        k.ifindex = 4;
        check(bpf_map_lookup_elem(fd, &k, &v) < 0 && errno == ENOENT);
        k = (struct subflow_params_key){ .netns_cookie = 7, .ifindex = 3 };
        check_ok(bpf_map_lookup_elem(fd, &k, &v));
        check_eq(v.weight, 6);

        /* Invalid input changes nothing. */
        check_eq(
                sched_links_replace(fd, 42, (SchedLinkParams[]){ { .ifindex = 0, .weight = 1 } }, 1),
                -EINVAL);
        check_eq(
                sched_links_replace(fd, 42, (SchedLinkParams[]){ { .ifindex = 1, .weight = 1001 } }, 1),
                -EINVAL);
        check_eq(count_entries(fd, 42), 2);

        /* Empty: ours gone, theirs stay. */
        check_ok(sched_links_replace(fd, 42, NULL, 0));
        check_eq(count_entries(fd, 42), 0);
        check_eq(count_entries(fd, 7), 2);
        close(fd);
}

/* The answer an independent look at the running kernel's BTF gives. */
static bool kernel_has_bpf_scheduler(void) {
        struct btf *btf = btf__load_vmlinux_btf();
        bool r;

        check(btf);
        r = btf__find_by_name_kind(btf, "bpf_struct_ops_mptcp_sched_ops", BTF_KIND_STRUCT) > 0 &&
            btf__find_by_name_kind(btf, "bpf_iter_mptcp_subflow_new", BTF_KIND_FUNC) > 0;
        btf__free(btf);
        return r;
}
#endif

static bool read_file(const char *path, char *buf, size_t size) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return false;
        n = read(fd, buf, size - 1);
        close(fd);
        if (n < 0)
                return false;
        buf[n] = '\0';
        return true;
}

/* In a private network namespace (its own net.mptcp.scheduler): the load path on this kernel. */
static void load_path_in_netns(bool expect_available) {
        char before[64], after[64], available[512];
        _cleanup_(sched_loader_freep) SchedLoader *l = NULL;
        SchedError e = {};
        int r;

        check_ok(sched_sysctl_get(before, sizeof(before)));
        printf("net.mptcp.scheduler in the test namespace: %s\n", before);

        if (!expect_available) {
                /* As the daemon calls it: detection refuses first. */
                r = sched_loader_new(NULL, &l, &e);
                printf("sched_loader_new: %d, reason \"%s\", message \"%s\"\n", r, strna(e.reason),
                       e.message);
                check_eq(r, -EOPNOTSUPP);
                check(!l);
                check_streq(e.reason, SCHED_REASON_ABSENT);
                check(e.message[0]);

#if SCHED_BPF_BUILT
                /* Past detection: the kernel itself refuses the object, cleanly. */
                memset(&e, 0, sizeof(e));
                r = sched_loader_new(&(SchedLoaderOptions){ .skip_detect = true, .no_pin = true }, &l, &e);
                printf("sched_loader_new (detection skipped): %d, reason \"%s\", message \"%s\"\n", r,
                       strna(e.reason), e.message);
                check(r < 0);
                check(!l);
                check_streq(e.reason, SCHED_REASON_REFUSED);
                /* libbpf's own words made it into the message. */
                check(strstr(e.message, "bpf_struct_ops_mptcp_sched_ops"));
#endif

                /* Nothing got registered: the kernel knows no policyd scheduler. */
                check_eq(sched_sysctl_set("policyd_wrr"), -ENOENT);
                if (read_file("/proc/sys/net/mptcp/available_schedulers", available, sizeof(available))) {
                        printf("available_schedulers: %s", available);
                        check(!strstr(available, "policyd"));
                }
                check_ok(sched_sysctl_get(after, sizeof(after)));
                check_streq(after, before);

                /* The API on no loader. */
                check_eq(sched_loader_select(NULL, SCHED_LOADER_WEIGHTED, NULL), -EINVAL);
                check_eq(sched_loader_stop(NULL, NULL), -EINVAL);
                check(!sched_loader_free(NULL));
                return;
        }

        /* A kernel with the scheduler: register, select, put back. */
        r = sched_loader_new(&(SchedLoaderOptions){ .no_pin = true }, &l, &e);
        printf("sched_loader_new: %d %s\n", r, e.message);
        check_ok(r);
        check(read_file("/proc/sys/net/mptcp/available_schedulers", available, sizeof(available)));
        check(strstr(available, "policyd_wrr") && strstr(available, "policyd_red") &&
              strstr(available, "policyd_cost"));
        check_ok(sched_loader_set_links(l, (SchedLinkParams[]){ { .ifindex = 1, .weight = 3 } }, 1));
        check_ok(sched_loader_select(l, SCHED_LOADER_COST, &e));
        check_ok(sched_sysctl_get(after, sizeof(after)));
        check_streq(after, "policyd_cost");
        check_ok(sched_loader_stop(l, &e));
        check_ok(sched_sysctl_get(after, sizeof(after)));
        check_streq(after, before);
}

TEST(load_path) {
        bool expect_available = false;
        pid_t pid;
        int status;

#if SCHED_BPF_BUILT
        SchedSupport s;

        expect_available = kernel_has_bpf_scheduler();
        sched_detect(NULL, &s);
        printf("this kernel: available=%s reason=%s message=%s\n", s.available ? "yes" : "no",
               strna(s.reason), strna(s.message));
        check_eq(s.available, expect_available);
        if (!expect_available) {
                check_streq(s.reason, SCHED_REASON_ABSENT);
                check(s.message);
        }
#endif
        if (geteuid() != 0) {
                printf("load path: skipped (needs root)\n");
                return;
        }
        if (access("/proc/sys/net/mptcp/scheduler", F_OK) < 0) {
                printf("load path: skipped (no net.mptcp.scheduler)\n");
                return;
        }

        fflush(stdout);
        pid = fork();
        check(pid >= 0);
        if (pid == 0) {
                if (unshare(CLONE_NEWNET) < 0) {
                        fprintf(stderr, "unshare(CLONE_NEWNET): %m\n");
                        _exit(EXIT_FAILURE);
                }
                load_path_in_netns(expect_available);
                printf("load path: %u checks passed\n", n_checks);
                fflush(stdout);
                _exit(EXIT_SUCCESS);
        }
        check(waitpid(pid, &status, 0) == pid);
        check(WIFEXITED(status));
        check_eq(WEXITSTATUS(status), EXIT_SUCCESS);
}

int main(void) {
        check(mkdtemp(tmpdir));

        RUN(mode_names);
#if SCHED_BPF_BUILT
        RUN(detect_synthetic);
        RUN(links_replace);
#endif
        RUN(load_path);

        /* Only our files: the .btf files written above. */
        for (const char *f = "mainline.btf\0net-next.btf\0old-api.btf\0"; *f; f += strlen(f) + 1) {
                char p[sizeof(tmpdir) + 32];

                snprintf(p, sizeof(p), "%s/%s", tmpdir, f);
                (void) unlink(p);
        }
        check_ok(rmdir(tmpdir));
        printf("%u checks passed\n", n_checks);
        return 0;
}
