/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-bpfctl-test.c — test-only CLI over the BPF loader: attach, caps, iter, telemetry JSON. */

/*
 * Usage: mptcp-bpfctl-test [--pin-root DIR] [--cgroup PATH] [--sample-ms N] VERB [ARGS]
 *   features                      vmlinux BTF detection, JSON
 *   attach                        load, attach (or take over the pinned link), keep the pins
 *   detach                        take over, then detach and unpin everything
 *   set IF BYTES_PER_S [LOWAT [CC]]
 *                                 parameters of interface IF (name or index) in the current
 *                                 network namespace; prints the new generation
 *   clear IF                      remove IF's parameters; prints the new generation
 *   iter                          run the iter/tcp pass; prints how many subflows it visited
 *   telemetry                     the current namespace's subflows, one JSON array
 *   stats                         the program's counters, JSON
 *   tcp-check ADDR:PORT BIND_ADDR SECONDS
 *                                 a plain TCP connection from BIND_ADDR (no BPF involved): sends
 *                                 "MPTRAFFIC sink" and data for SECONDS, then prints its socket
 *                                 cookie, SO_MAX_PACING_RATE, TCP_NOTSENT_LOWAT, TCP_CONGESTION
 * Every verb that needs the program loads it (a restart in miniature: maps and link reused).
 * Exit status: 0 success, 1 failure, 2 usage.
 */

#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include "bpf-loader.h"
#include "log.h"
#include "macro.h"

#define EXIT_USAGE 2

static const char *arg_pin_root = NULL;
static const char *arg_cgroup = NULL;
static uint64_t arg_sample_usec = 0;

static int loader_open(BpfLoader **ret) {
        BpfLoaderOptions opts = {
                .pin_root = arg_pin_root,
                .cgroup_path = arg_cgroup,
                .sample_interval_usec = arg_sample_usec,
        };
        BpfError e = {};
        int r;

        r = bpf_loader_new(&opts, ret, &e);
        if (r < 0)
                return log_error_errno(r, "Cannot load the BPF programs: %s", e.message);
        return 0;
}

static int parse_ifindex(const char *s, uint32_t *ret) {
        char *end;
        unsigned long v;

        v = strtoul(s, &end, 10);
        if (*s && !*end && v > 0 && v <= UINT32_MAX) {
                *ret = (uint32_t) v;
                return 0;
        }
        v = if_nametoindex(s);
        if (v == 0)
                return log_error_errno(-ENODEV, "No interface '%s' in this namespace.", s);
        *ret = (uint32_t) v;
        return 0;
}

static int parse_u64(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long v;

        errno = 0;
        v = strtoull(s, &end, 10);
        if (!*s || *end || errno)
                return log_error_errno(-EINVAL, "Invalid number '%s'.", s);
        *ret = v;
        return 0;
}

static int verb_features(void) {
        BpfFeatures f;

        bpf_features_detect(NULL, &f);
        printf("{\"built\":%s,\"btf\":%s,\"sock_ops\":%s,\"scheduler\":%s,"
               "\"sock_ops_reason\":\"%s\",\"scheduler_reason\":\"%s\"}\n",
               f.built ? "true" : "false", f.btf ? "true" : "false", f.sock_ops ? "true" : "false",
               f.scheduler ? "true" : "false", f.sock_ops_reason ?: "", f.scheduler_reason ?: "");
        return 0;
}

static int verb_attach(void) {
        _cleanup_(bpf_loader_freep) BpfLoader *l = NULL;
        int r;

        r = loader_open(&l);
        if (r < 0)
                return r;
        printf("{\"pin_root\":\"%s\",\"cgroup\":\"%s\",\"reused_maps\":%s,\"reused_link\":%s}\n",
               bpf_loader_pin_root(l), bpf_loader_cgroup_path(l),
               bpf_loader_reused_maps(l) ? "true" : "false", bpf_loader_reused_link(l) ? "true" : "false");
        return 0;
}

static int verb_detach(void) {
        _cleanup_(bpf_loader_freep) BpfLoader *l = NULL;
        BpfError e = {};
        int r;

        r = loader_open(&l);
        if (r < 0)
                return r;
        r = bpf_loader_detach(l, &e);
        if (r < 0)
                return log_error_errno(r, "Cannot detach: %s", e.message);
        return 0;
}

static int verb_set(int argc, char **argv, bool clear) {
        _cleanup_(bpf_loader_freep) BpfLoader *l = NULL;
        BpfLinkParams p = {};
        uint64_t v;
        uint32_t gen;
        int r;

        if (argc < (clear ? 1 : 2) || argc > (clear ? 1 : 4))
                return log_error_errno(-EINVAL, "Wrong number of arguments.");
        r = parse_ifindex(argv[0], &p.ifindex);
        if (r < 0)
                return r;
        if (!clear) {
                r = parse_u64(argv[1], &p.pacing_rate);
                if (r < 0)
                        return r;
                if (argc > 2) {
                        r = parse_u64(argv[2], &v);
                        if (r < 0)
                                return r;
                        if (v > UINT32_MAX)
                                return log_error_errno(-ERANGE, "notsent_lowat too large.");
                        p.notsent_lowat = (uint32_t) v;
                }
                if (argc > 3) {
                        if (strlen(argv[3]) >= sizeof(p.congestion))
                                return log_error_errno(-EINVAL, "Congestion name too long.");
                        strcpy(p.congestion, argv[3]);
                }
        }

        r = loader_open(&l);
        if (r < 0)
                return r;
        r = bpf_loader_update_link(l, p.ifindex, clear ? NULL : &p, &gen);
        if (r < 0)
                return log_error_errno(r, "Cannot write the parameters: %m");
        printf("{\"ifindex\":%" PRIu32 ",\"generation\":%" PRIu32 "}\n", p.ifindex, gen);
        return 0;
}

static int verb_iter(void) {
        _cleanup_(bpf_loader_freep) BpfLoader *l = NULL;
        BpfError e = {};
        int r;

        r = loader_open(&l);
        if (r < 0)
                return r;
        r = bpf_loader_iter_apply(l, &e);
        if (r < 0)
                return log_error_errno(r, "Iterator pass failed: %s", e.message);
        printf("{\"visited\":%d}\n", r);
        return 0;
}

static void print_addr(int family, const BpfAddr *a) {
        char buf[INET6_ADDRSTRLEN] = "";

        (void) inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, sizeof(buf));
        printf("\"%s\"", buf);
}

static int verb_telemetry(void) {
        _cleanup_(bpf_loader_freep) BpfLoader *l = NULL;
        _cleanup_free_ BpfSubflowInfo *list = NULL;
        size_t n;
        int r;

        r = loader_open(&l);
        if (r < 0)
                return r;
        r = bpf_loader_read_telemetry(l, &list, &n);
        if (r < 0)
                return log_error_errno(r, "Cannot read telemetry: %m");

        printf("[");
        for (size_t i = 0; i < n; i++) {
                const BpfSubflowInfo *s = &list[i];
                char ifname[IF_NAMESIZE] = "";

                if (s->ifindex)
                        (void) if_indextoname(s->ifindex, ifname);
                printf("%s{\"cookie\":%" PRIu64 ",\"token\":%" PRIu32 ",\"ifindex\":%" PRIu32
                       ",\"ifname\":\"%s\",\"srtt_us\":%" PRIu32 ",\"bytes_acked\":%" PRIu64
                       ",\"bytes_received\":%" PRIu64 ",\"retransmits\":%" PRIu32 ",\"snd_cwnd\":%" PRIu32
                       ",\"max_pacing_rate\":",
                       i ? "," : "", s->cookie, s->token, s->ifindex, ifname, s->srtt_usec, s->bytes_acked,
                       s->bytes_received, s->total_retrans, s->snd_cwnd);
                if (s->max_pacing_rate == UINT64_MAX)
                        printf("null");
                else
                        printf("%" PRIu64, s->max_pacing_rate);
                printf(",\"generation\":%" PRIu32 ",\"params_generation\":%" PRIu32
                       ",\"subflow_id\":%" PRIu32 ",\"local\":",
                       s->generation, s->params_generation, s->subflow_id);
                print_addr(s->family, &s->local);
                printf(",\"remote\":");
                print_addr(s->family, &s->remote);
                printf(",\"local_port\":%u,\"remote_port\":%u,\"state\":%u,\"congestion\":\"%s\","
                       "\"backup_local\":%s,\"backup_remote\":%s,\"join\":%s,\"passive\":%s}",
                       s->local_port, s->remote_port, s->tcp_state, s->congestion,
                       s->backup_local ? "true" : "false", s->backup_remote ? "true" : "false",
                       s->join ? "true" : "false", s->passive ? "true" : "false");
        }
        printf("]\n");
        return 0;
}

static int verb_stats(void) {
        _cleanup_(bpf_loader_freep) BpfLoader *l = NULL;
        BpfStats s;
        int r;

        r = loader_open(&l);
        if (r < 0)
                return r;
        r = bpf_loader_read_stats(l, &s);
        if (r < 0)
                return log_error_errno(r, "Cannot read stats: %m");
        printf("{\"subflows\":%" PRIu64 ",\"applied\":%" PRIu64 ",\"setsockopt_errors\":%" PRIu64
               ",\"no_storage\":%" PRIu64 ",\"iter_visited\":%" PRIu64 "}\n",
               s.subflows, s.applied, s.setsockopt_errors, s.no_storage, s.iter_visited);
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

typedef union SockaddrIn {
        struct sockaddr sa;
        struct sockaddr_in in;
} SockaddrIn;

static int parse_ipv4_port(const char *s, SockaddrIn *ret) {
        _cleanup_free_ char *host = strdup(s);
        char *colon;
        uint64_t port;

        if (!host)
                return log_oom();
        colon = strrchr(host, ':');
        if (!colon)
                return log_error_errno(-EINVAL, "Expected ADDR:PORT, got '%s'.", s);
        *colon = 0;
        if (parse_u64(colon + 1, &port) < 0 || port > 65535)
                return log_error_errno(-EINVAL, "Invalid port in '%s'.", s);
        *ret = (SockaddrIn){ .in = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) } };
        if (inet_pton(AF_INET, host, &ret->in.sin_addr) != 1)
                return log_error_errno(-EINVAL, "Invalid IPv4 address in '%s'.", s);
        return 0;
}

static int verb_tcp_check(int argc, char **argv) {
        static const char hello[] = "MPTRAFFIC sink\n";
        static char buf[65536];
        SockaddrIn to, from;
        _cleanup_close_ int fd = -EBADF;
        uint64_t secs, deadline, sent = 0, cookie, pacing = 0;
        unsigned lowat = 0;
        char cc[16] = "";
        socklen_t len;
        int r;

        if (argc != 3)
                return log_error_errno(-EINVAL, "tcp-check needs ADDR:PORT BIND_ADDR SECONDS.");
        r = parse_ipv4_port(argv[0], &to);
        if (r < 0)
                return r;
        from = (SockaddrIn){ .in = { .sin_family = AF_INET } };
        if (inet_pton(AF_INET, argv[1], &from.in.sin_addr) != 1)
                return log_error_errno(-EINVAL, "Invalid bind address '%s'.", argv[1]);
        r = parse_u64(argv[2], &secs);
        if (r < 0)
                return r;

        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
        if (fd < 0)
                return log_error_errno(-errno, "socket: %m");
        if (bind(fd, &from.sa, sizeof(from.in)) < 0)
                return log_error_errno(-errno, "bind: %m");
        if (connect(fd, &to.sa, sizeof(to.in)) < 0)
                return log_error_errno(-errno, "connect: %m");
        if (write(fd, hello, strlen(hello)) != (ssize_t) strlen(hello))
                return log_error_errno(-EIO, "Short write.");

        deadline = now_usec() + secs * 1000000;
        while (now_usec() < deadline) {
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                ssize_t k;

                r = poll(&p, 1, (int) ((deadline - now_usec()) / 1000) + 1);
                if (r < 0)
                        return log_error_errno(-errno, "poll: %m");
                if (r == 0)
                        break;
                k = send(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (k < 0 && errno != EAGAIN)
                        return log_error_errno(-errno, "send: %m");
                if (k > 0)
                        sent += (uint64_t) k;
        }

        /* Read while the connection is live: what the BPF program could have changed. */
        len = sizeof(cookie);
        if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) < 0)
                return log_error_errno(-errno, "SO_COOKIE: %m");
        len = sizeof(pacing);
        if (getsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &pacing, &len) < 0)
                return log_error_errno(-errno, "SO_MAX_PACING_RATE: %m");
        len = sizeof(lowat);
        if (getsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, &len) < 0)
                return log_error_errno(-errno, "TCP_NOTSENT_LOWAT: %m");
        len = sizeof(cc) - 1;
        if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &len) < 0)
                return log_error_errno(-errno, "TCP_CONGESTION: %m");

        printf("{\"cookie\":%" PRIu64 ",\"max_pacing_rate\":%" PRIu64
               ",\"notsent_lowat\":%u,\"congestion\":\"%s\",\"bytes_written\":%" PRIu64 "}\n",
               cookie, pacing, lowat, cc, sent);
        return 0;
}

static void help(FILE *f) {
        fprintf(f, "Usage: mptcp-bpfctl-test [--pin-root DIR] [--cgroup PATH] [--sample-ms N] VERB\n"
                   "Verbs: features | attach | detach | set IF BYTES_PER_S [LOWAT [CC]] | clear IF\n"
                   "       | iter | telemetry | stats | tcp-check ADDR:PORT BIND_ADDR SECONDS\n");
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "pin-root", required_argument, NULL, 'p' },
                { "cgroup", required_argument, NULL, 'c' },
                { "sample-ms", required_argument, NULL, 's' },
                {},
        };
        const char *verb;
        uint64_t ms;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help(stdout);
                        return EXIT_SUCCESS;
                case 'p':
                        arg_pin_root = optarg;
                        break;
                case 'c':
                        arg_cgroup = optarg;
                        break;
                case 's':
                        if (parse_u64(optarg, &ms) < 0)
                                return EXIT_USAGE;
                        arg_sample_usec = ms * 1000;
                        break;
                default:
                        help(stderr);
                        return EXIT_USAGE;
                }
        if (optind >= argc) {
                help(stderr);
                return EXIT_USAGE;
        }
        verb = argv[optind];
        argc -= optind + 1;
        argv += optind + 1;

        if (streq(verb, "features"))
                r = verb_features();
        else if (streq(verb, "attach"))
                r = verb_attach();
        else if (streq(verb, "detach"))
                r = verb_detach();
        else if (streq(verb, "set"))
                r = verb_set(argc, argv, false);
        else if (streq(verb, "clear"))
                r = verb_set(argc, argv, true);
        else if (streq(verb, "iter"))
                r = verb_iter();
        else if (streq(verb, "telemetry"))
                r = verb_telemetry();
        else if (streq(verb, "stats"))
                r = verb_stats();
        else if (streq(verb, "tcp-check"))
                r = verb_tcp_check(argc, argv);
        else {
                help(stderr);
                return EXIT_USAGE;
        }
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
