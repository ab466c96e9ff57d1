/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpbench.c — benchmark client: extra-subflow latency per connection, and bursts of connections served by a path manager. */

/*
 * Usage
 *   mpbench latency --to ADDR:PORT --count N [--timeout-ms MS] [--bytes B] [--spin]
 *   mpbench burst   --to ADDR:PORT --count N [--timeout-ms MS] [--bytes B] [--pm-pid PID]
 *
 * The server is "mptcp-traffic server" (tests/tools): every connection starts with the line
 * "MPTRAFFIC sink\n" and the server discards what follows. Sockets are
 * socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP).
 *
 * What "the extra subflow" means: getsockopt(SOL_MPTCP, MPTCP_TCPINFO) lists the connection's
 * subflows with their tcp_info. A path manager's subflow appears in that list (in SYN_SENT)
 * as soon as it is created — this is also the moment mptcpi_subflows (MPTCP_INFO) becomes 1,
 * since the kernel counts subflows at creation — and it is *established* when its tcpi_state
 * is TCP_ESTABLISHED (the MP_JOIN SYN-ACK came back). Both instants are recorded.
 *
 * latency: N connections, one after the other. For each: blocking connect(); t0 when it
 * returns; send the header plus --bytes (default 1024) — a client connection becomes
 * ESTABLISHED for the path manager only once data flowed —; then poll MPTCP_TCPINFO in a
 * tight loop (with sched_yield() between polls, so that a kernel worker or PM woken on this
 * CPU runs at once; --spin: without) until two subflows are established or --timeout-ms
 * (default 2000) passes; close. JSON: {"mode":"latency","count","ok","missed","fallback","created_us":[...],
 * "established_us":[...]} — one sample per connection that got its subflow (µs after t0).
 *
 * burst: N non-blocking connects issued back to back (epoll), each sending the header plus
 * --bytes (default 16384) when connected; then every connection is polled (a sweep over all
 * of them, then 1 ms sleep) until each has two established subflows or --timeout-ms (default
 * 10000) passes since the first connect; then all are closed. JSON: count, connected, served
 * (connections with an established extra subflow), missed, connect_s (first connect() →
 * last connection completed), served_s (first connect() → last extra subflow established),
 * served_per_s (served / served_s), subflows_histogram (index = established subflows per
 * connection at the end of polling), and with --pm-pid an object "pm_process": {pid, cpu_ns,
 * rss_kb_before, rss_kb_open, rss_kb_after} — the path manager process's CPU time (sum of
 * /proc/PID/task/TID/schedstat run time) over the whole burst including the close and until
 * its CPU time stops growing (200 ms quiet, at most 5 s), and its VmRSS before the burst,
 * while all N connections are open, and after they closed.
 *
 * Exit status 0 when the run completed (missing subflows are a result, not a failure), 1 on a
 * runtime error, 2 on a usage error.
 */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/mptcp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif

#define MAX_SUBFLOWS 8
#define HEADER "MPTRAFFIC sink\n"

static struct sockaddr_in target;
static unsigned count;
static unsigned timeout_ms;
static size_t payload_bytes;
static long pm_pid;
static bool yield_cpu = true;

static uint64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

/* Subflows of an MPTCP socket: total listed and established. -errno on failure (-EOPNOTSUPP
 * is what a plain-TCP fallback answers). */
static int subflow_states(int fd, unsigned *ret_total, unsigned *ret_established) {
        struct {
                struct mptcp_subflow_data d;
                struct tcp_info ti[MAX_SUBFLOWS];
        } buf;
        socklen_t len = sizeof(buf);
        unsigned n, est = 0;

        memset(&buf.d, 0, sizeof(buf.d));
        buf.d.size_subflow_data = sizeof(buf.d);
        buf.d.size_user = sizeof(struct tcp_info);

        if (getsockopt(fd, SOL_MPTCP, MPTCP_TCPINFO, &buf, &len) < 0)
                return -errno;

        n = buf.d.num_subflows;
        for (unsigned i = 0; i < n && i < MAX_SUBFLOWS; i++)
                if (buf.ti[i].tcpi_state == TCP_ESTABLISHED)
                        est++;

        *ret_total = n;
        *ret_established = est;
        return 0;
}

static int send_all(int fd, char const *buf, size_t len) {
        while (len > 0) {
                ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                buf += n;
                len -= (size_t) n;
        }
        return 0;
}

static char *make_payload(size_t *ret_len) {
        size_t len = strlen(HEADER) + payload_bytes;
        char *p = malloc(len);

        if (!p)
                return NULL;
        memset(p, 'x', len);
        memcpy(p, HEADER, strlen(HEADER));
        *ret_len = len;
        return p;
}

static void print_samples(char const *name, uint64_t const *v, unsigned n) {
        printf(",\"%s\":[", name);
        for (unsigned i = 0; i < n; i++)
                printf("%s%.1f", i ? "," : "", (double) v[i] / 1000.0);
        printf("]");
}

static int run_latency(void) {
        uint64_t *created, *established;
        unsigned ok = 0, missed = 0, fallback = 0;
        size_t len;
        char *payload;

        payload = make_payload(&len);
        created = calloc(count, sizeof(uint64_t));
        established = calloc(count, sizeof(uint64_t));
        if (!payload || !created || !established) {
                fprintf(stderr, "mpbench: out of memory\n");
                return 1;
        }

        for (unsigned i = 0; i < count; i++) {
                uint64_t t0, t_created = 0, deadline;
                unsigned total, est;
                int fd, r;

                fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
                if (fd < 0) {
                        fprintf(stderr, "mpbench: socket: %m\n");
                        return 1;
                }
                if (connect(fd, (struct sockaddr *) &target, sizeof(target)) < 0) {
                        fprintf(stderr, "mpbench: connect: %m\n");
                        close(fd);
                        return 1;
                }
                t0 = now_ns();
                r = send_all(fd, payload, len);
                if (r < 0) {
                        fprintf(stderr, "mpbench: send: %s\n", strerror(-r));
                        close(fd);
                        return 1;
                }

                deadline = t0 + (uint64_t) timeout_ms * 1000000ULL;
                for (;;) {
                        uint64_t t;

                        r = subflow_states(fd, &total, &est);
                        t = now_ns();
                        if (r < 0)
                                break;
                        if (total >= 2 && t_created == 0)
                                t_created = t;
                        if (est >= 2) {
                                created[ok] = t_created - t0;
                                established[ok] = t - t0;
                                ok++;
                                break;
                        }
                        if (t > deadline) {
                                r = -ETIMEDOUT;
                                break;
                        }
                        if (yield_cpu)
                                sched_yield();
                }
                if (r == -EOPNOTSUPP)
                        fallback++;
                else if (r < 0)
                        missed++;
                close(fd);
        }

        printf("{\"mode\":\"latency\",\"count\":%u,\"ok\":%u,\"missed\":%u,\"fallback\":%u",
               count, ok, missed, fallback);
        print_samples("created_us", created, ok);
        print_samples("established_us", established, ok);
        printf("}\n");

        free(payload);
        free(created);
        free(established);
        return 0;
}

/* CPU time (ns) of all threads of a process, from schedstat; -1 when unreadable. */
static int64_t process_cpu_ns(long pid) {
        char path[64];
        struct dirent *de;
        int64_t sum = 0;
        DIR *d;

        snprintf(path, sizeof(path), "/proc/%ld/task", pid);
        d = opendir(path);
        if (!d)
                return -1;
        while ((de = readdir(d))) {
                unsigned long long run;
                char p[320];
                FILE *f;

                if (de->d_name[0] == '.')
                        continue;
                snprintf(p, sizeof(p), "/proc/%ld/task/%s/schedstat", pid, de->d_name);
                f = fopen(p, "re");
                if (!f)
                        continue;
                if (fscanf(f, "%llu", &run) == 1)
                        sum += (int64_t) run;
                fclose(f);
        }
        closedir(d);
        return sum;
}

static long process_rss_kb(long pid) {
        char path[64], line[256];
        long kb = -1;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%ld/status", pid);
        f = fopen(path, "re");
        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
                        break;
        fclose(f);
        return kb;
}

/* Waits until the process's CPU time has not grown for 200 ms (at most 5 s). */
static int64_t process_cpu_settled(long pid) {
        int64_t last = process_cpu_ns(pid);
        uint64_t quiet_since = now_ns(), deadline = now_ns() + 5000000000ULL;

        while (now_ns() < deadline) {
                struct timespec ts = { .tv_nsec = 20 * 1000000L };
                int64_t cur;

                nanosleep(&ts, NULL);
                cur = process_cpu_ns(pid);
                if (cur != last) {
                        last = cur;
                        quiet_since = now_ns();
                } else if (now_ns() - quiet_since >= 200000000ULL)
                        break;
        }
        return last;
}

enum conn_state {
        CONN_CONNECTING,
        CONN_SENDING,
        CONN_SENT,
        CONN_FAILED,
};

struct conn {
        int fd;
        enum conn_state state;
        size_t sent;
        bool served;
        unsigned established;
};

static int conn_send(struct conn *c, char const *payload, size_t len) {
        while (c->sent < len) {
                ssize_t n = send(c->fd, payload + c->sent, len - c->sent, MSG_NOSIGNAL | MSG_DONTWAIT);

                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return 0;
                        return -errno;
                }
                c->sent += (size_t) n;
        }
        c->state = CONN_SENT;
        return 0;
}

static int run_burst(void) {
        uint64_t t_start, t_connected = 0, t_served = 0, deadline;
        unsigned connected = 0, served = 0, failed = 0, pending;
        unsigned hist[MAX_SUBFLOWS + 1] = {};
        int64_t cpu_before = -1, cpu_after = -1;
        long rss_before = -1, rss_open = -1, rss_after = -1;
        struct conn *conns;
        size_t len;
        char *payload;
        int ep;

        payload = make_payload(&len);
        conns = calloc(count, sizeof(struct conn));
        if (!payload || !conns) {
                fprintf(stderr, "mpbench: out of memory\n");
                return 1;
        }
        ep = epoll_create1(EPOLL_CLOEXEC);
        if (ep < 0) {
                fprintf(stderr, "mpbench: epoll_create1: %m\n");
                return 1;
        }

        if (pm_pid > 0) {
                cpu_before = process_cpu_settled(pm_pid);
                rss_before = process_rss_kb(pm_pid);
        }

        t_start = now_ns();
        deadline = t_start + (uint64_t) timeout_ms * 1000000ULL;
        for (unsigned i = 0; i < count; i++) {
                struct conn *c = &conns[i];
                struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = i };

                c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);
                if (c->fd < 0) {
                        fprintf(stderr, "mpbench: socket (%u): %m\n", i);
                        return 1;
                }
                if (connect(c->fd, (struct sockaddr *) &target, sizeof(target)) < 0 &&
                    errno != EINPROGRESS) {
                        c->state = CONN_FAILED;
                        failed++;
                        continue;
                }
                c->state = CONN_CONNECTING;
                if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
                        fprintf(stderr, "mpbench: epoll_ctl: %m\n");
                        return 1;
                }
        }

        /* Complete the connects and send every connection's data. */
        pending = count - failed;
        while (pending > 0 && now_ns() < deadline) {
                struct epoll_event evs[256];
                int n = epoll_wait(ep, evs, 256, 100);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        fprintf(stderr, "mpbench: epoll_wait: %m\n");
                        return 1;
                }
                for (int k = 0; k < n; k++) {
                        struct conn *c = &conns[evs[k].data.u32];
                        int err = 0;
                        socklen_t el = sizeof(err);

                        if (c->state == CONN_CONNECTING) {
                                if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
                                        err = errno;
                                if (err != 0) {
                                        c->state = CONN_FAILED;
                                        failed++;
                                        pending--;
                                        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                                        continue;
                                }
                                connected++;
                                t_connected = now_ns();
                                c->state = CONN_SENDING;
                        }
                        if (c->state == CONN_SENDING) {
                                if (conn_send(c, payload, len) < 0) {
                                        c->state = CONN_FAILED;
                                        failed++;
                                }
                                if (c->state != CONN_SENDING) {
                                        pending--;
                                        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                                }
                        }
                }
        }

        /* Poll every connection until its extra subflow is established. */
        for (;;) {
                unsigned left = 0;

                for (unsigned i = 0; i < count; i++) {
                        struct conn *c = &conns[i];
                        unsigned total, est;

                        if (c->served || c->state == CONN_FAILED || c->fd < 0)
                                continue;
                        if (subflow_states(c->fd, &total, &est) < 0) {
                                left++;
                                continue;
                        }
                        c->established = est;
                        if (est >= 2) {
                                c->served = true;
                                served++;
                                t_served = now_ns();
                        } else
                                left++;
                }
                if (left == 0 || now_ns() > deadline)
                        break;
                struct timespec ts = { .tv_nsec = 1000000L };
                nanosleep(&ts, NULL);
        }

        if (pm_pid > 0)
                rss_open = process_rss_kb(pm_pid);

        for (unsigned i = 0; i < count; i++) {
                struct conn *c = &conns[i];
                unsigned total, est;

                if (c->fd < 0)
                        continue;
                if (c->state != CONN_FAILED && subflow_states(c->fd, &total, &est) == 0)
                        hist[est > MAX_SUBFLOWS ? MAX_SUBFLOWS : est]++;
                close(c->fd);
        }

        if (pm_pid > 0) {
                cpu_after = process_cpu_settled(pm_pid);
                rss_after = process_rss_kb(pm_pid);
        }

        double connect_s = t_connected ? (double) (t_connected - t_start) / 1e9 : 0;
        double served_s = t_served ? (double) (t_served - t_start) / 1e9 : 0;
        unsigned last = 0;

        for (unsigned i = 0; i <= MAX_SUBFLOWS; i++)
                if (hist[i])
                        last = i;

        printf("{\"mode\":\"burst\",\"count\":%u,\"connected\":%u,\"failed\":%u,\"served\":%u,"
               "\"missed\":%u,\"connect_s\":%.6f,\"served_s\":%.6f,\"served_per_s\":%.1f,"
               "\"subflows_histogram\":[",
               count, connected, failed, served, count - served, connect_s, served_s,
               served_s > 0 ? served / served_s : 0.0);
        for (unsigned i = 0; i <= last; i++)
                printf("%s%u", i ? "," : "", hist[i]);
        printf("]");
        if (pm_pid > 0)
                printf(",\"pm_process\":{\"pid\":%ld,\"cpu_ns\":%lld,\"rss_kb_before\":%ld,"
                       "\"rss_kb_open\":%ld,\"rss_kb_after\":%ld}",
                       pm_pid, (long long) (cpu_after - cpu_before), rss_before, rss_open,
                       rss_after);
        printf("}\n");

        close(ep);
        free(conns);
        free(payload);
        return 0;
}

static int parse_target(char const *s) {
        char host[64];
        char const *colon = strrchr(s, ':');
        unsigned long port;

        if (!colon || (size_t) (colon - s) >= sizeof(host))
                return -EINVAL;
        memcpy(host, s, (size_t) (colon - s));
        host[colon - s] = 0;
        port = strtoul(colon + 1, NULL, 10);
        if (port == 0 || port > 65535)
                return -EINVAL;
        memset(&target, 0, sizeof(target));
        target.sin_family = AF_INET;
        target.sin_port = htons((uint16_t) port);
        if (inet_pton(AF_INET, host, &target.sin_addr) != 1)
                return -EINVAL;
        return 0;
}

static void usage(FILE *f) {
        fprintf(f, "Usage:\n"
                   "  mpbench latency --to ADDR:PORT --count N [--timeout-ms MS] [--bytes B] [--spin]\n"
                   "  mpbench burst   --to ADDR:PORT --count N [--timeout-ms MS] [--bytes B] [--pm-pid PID]\n");
}

int main(int argc, char *argv[]) {
        static struct option const options[] = {
                { "to", required_argument, NULL, 't' },
                { "count", required_argument, NULL, 'n' },
                { "timeout-ms", required_argument, NULL, 'T' },
                { "bytes", required_argument, NULL, 'b' },
                { "pm-pid", required_argument, NULL, 'p' },
                { "spin", no_argument, NULL, 's' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        bool have_target = false, latency;
        struct rlimit rl;
        int c;

        if (argc < 2 || (strcmp(argv[1], "latency") != 0 && strcmp(argv[1], "burst") != 0)) {
                usage(stderr);
                return 2;
        }
        latency = strcmp(argv[1], "latency") == 0;
        timeout_ms = latency ? 2000 : 10000;
        payload_bytes = latency ? 1024 : 16384;

        optind = 2;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 't':
                        if (parse_target(optarg) < 0) {
                                fprintf(stderr, "mpbench: invalid --to '%s' (IPv4 ADDR:PORT)\n", optarg);
                                return 2;
                        }
                        have_target = true;
                        break;
                case 'n':
                        count = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                case 'T':
                        timeout_ms = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                case 'b':
                        payload_bytes = strtoul(optarg, NULL, 10);
                        break;
                case 'p':
                        pm_pid = strtol(optarg, NULL, 10);
                        break;
                case 's':
                        yield_cpu = false;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        if (!have_target || count == 0 || count > 100000 || timeout_ms == 0) {
                usage(stderr);
                return 2;
        }

        /* A burst holds COUNT sockets at once. */
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < count + 64) {
                rl.rlim_cur = count + 64;
                if (rl.rlim_max < rl.rlim_cur)
                        rl.rlim_max = rl.rlim_cur;
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
                        fprintf(stderr, "mpbench: cannot raise the open-file limit to %u: %m\n", count + 64);
                        return 1;
                }
        }

        return latency ? run_latency() : run_burst();
}
