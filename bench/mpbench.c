/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpbench.c — benchmark client: extra-subflow latency, bursts and paced connection rates served by a path manager. */

/*
 * Usage
 *   mpbench latency --to ADDR:PORT --count N [--timeout-ms MS] [--bytes B] [--spin]
 *   mpbench burst   --to ADDR:PORT --count N [--timeout-ms MS] [--bytes B] [--pm-pid PID]
 *   mpbench rate    --to ADDR:PORT --rate CONN_PER_S [--duration S] [--hold-ms MS]
 *                   [--threads T] [--bytes B] [--pm-pid PID] [--server-pid PID]
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
 * rate: an open-loop generator. rate × duration (default 5 s) connections; connection g is
 * opened at t0 + g / rate, whatever became of the others, by thread g mod --threads (default 1;
 * each thread its own epoll loop): non-blocking connect(), the header plus --bytes (default 100)
 * sent when connected. Each connection is looked at 10 ms and 100 ms after its connect() (for
 * the served_10ms / served_100ms counts), checked at --hold-ms (default 500) for an established
 * extra subflow, and closed then with SO_LINGER 0 (an abortive close: no TIME_WAIT, so ports and
 * sockets do not pile up at tens of thousands of connections per second). JSON: target_rate,
 * count, opened, served, missed (connected, no established extra subflow at the check),
 * missed_created (of those, the subflow existed but was not established), unconnected (connect()
 * not complete at the check), failed, fallback (plain TCP), served_10ms, served_100ms,
 * achieved_rate (opened ÷ the time from t0 to the last connect(), plus one interval), kept_up
 * (achieved_rate ≥ 95% of the target), open_lag_ms {p50, p99, max} (actual − scheduled connect()
 * time), window_s (t0 → last close), machine_cpu {busy, idle: shares of all CPUs' time between
 * two reads of /proc/stat around the run, from its idle + iowait counters against the wall time
 * (every process on the machine counts); wall_s; ticks: the raw deltas of /proc/stat's "cpu"
 * line — with tick-based accounting user/system/softirq are samples and miss much of a workload
 * woken by short timers, so they are not turned into shares},
 * cpus, loadavg_start/_end, generator {cpu_ns, busy (this process, getrusage), threads_cpu_ns,
 * runqueue_wait (the generator threads' own schedstat)}, and with --pm-pid / --server-pid
 * objects pm_process / server_process: {pid, cpu_ns (schedstat of all its threads, the window),
 * busy (cpu_ns ÷ window: share of one core), runqueue_wait (time runnable but waiting for a CPU
 * ÷ window: a process that was behind and waited much was short of CPU, not of speed),
 * rss_kb_before, rss_kb_open (half-way through), and for the PM cpu_ns_settled (until its CPU
 * time has been still for 200 ms)}.
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
#include <pthread.h>
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
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
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

/* One schedstat file: time on a CPU and time waiting for one on a run queue (ns). */
static int read_schedstat(char const *path, int64_t *ret_run, int64_t *ret_wait) {
        unsigned long long run, wait;
        FILE *f = fopen(path, "re");
        int r;

        if (!f)
                return -errno;
        r = fscanf(f, "%llu %llu", &run, &wait) == 2 ? 0 : -EIO;
        fclose(f);
        if (r == 0) {
                *ret_run = (int64_t) run;
                *ret_wait = (int64_t) wait;
        }
        return r;
}

/* Sums of schedstat over all threads of a process: CPU time and run-queue wait (ns). */
static int process_sched(long pid, int64_t *ret_run, int64_t *ret_wait) {
        int64_t run_sum = 0, wait_sum = 0;
        char path[64];
        struct dirent *de;
        DIR *d;

        snprintf(path, sizeof(path), "/proc/%ld/task", pid);
        d = opendir(path);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                int64_t run, wait;
                char p[320];

                if (de->d_name[0] == '.')
                        continue;
                snprintf(p, sizeof(p), "/proc/%ld/task/%s/schedstat", pid, de->d_name);
                if (read_schedstat(p, &run, &wait) < 0)
                        continue;
                run_sum += run;
                wait_sum += wait;
        }
        closedir(d);
        *ret_run = run_sum;
        *ret_wait = wait_sum;
        return 0;
}

/* CPU time (ns) of all threads of a process, from schedstat; -1 when unreadable. */
static int64_t process_cpu_ns(long pid) {
        int64_t run, wait;

        return process_sched(pid, &run, &wait) < 0 ? -1 : run;
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

/* --- rate: an open-loop, paced generator ------------------------------------------------ */

/* Checkpoints (ms after a connection's connect()) at which it is looked at before the final
 * check at --hold-ms: how many were served within 10 ms, within 100 ms. */
static unsigned const rate_checkpoints_ms[] = { 10, 100 };
#define N_CHECKPOINTS (sizeof(rate_checkpoints_ms) / sizeof(rate_checkpoints_ms[0]))

enum rate_result {
        RATE_PENDING,
        RATE_SERVED,      /* an established extra subflow at the final check */
        RATE_MISSED,      /* connected and data sent, no established extra subflow */
        RATE_UNCONNECTED, /* connect() not complete at the final check */
        RATE_FAILED,      /* socket()/connect()/send() failed */
        RATE_FALLBACK,    /* plain TCP (MPTCP_TCPINFO: EOPNOTSUPP) */
};

struct rconn {
        int fd;
        enum conn_state state;
        enum rate_result result;
        uint32_t sent;
        uint64_t t_open;
        bool served;  /* an established extra subflow was seen (sticky) */
        bool created; /* the extra subflow was seen at all (in any state) */
};

struct rate_thread {
        pthread_t tid;
        unsigned index;
        unsigned n; /* connections this thread opens */
        struct rconn *conns;
        uint64_t *lag_ns; /* actual connect() time - scheduled time, per connection */
        int ep;
        int error; /* errno of a runtime error, 0 when none */
        unsigned served_at[N_CHECKPOINTS];
        unsigned results[RATE_FALLBACK + 1];
        unsigned created_not_established;
        uint64_t t_first_open, t_last_open, t_last_close;
        int64_t run_ns, wait_ns; /* this thread's schedstat over its life */
};

static double rate_target;
static double rate_duration_s = 5;
static unsigned rate_hold_ms = 500;
static unsigned rate_threads = 1;
static long server_pid;
static uint64_t rate_t0;
static char const *rate_payload;
static size_t rate_payload_len;

/* Scheduled connect() time of this thread's k-th connection: global index index + k * threads. */
static uint64_t rate_sched(struct rate_thread const *t, unsigned k) {
        double g = (double) t->index + (double) k * rate_threads;

        return rate_t0 + (uint64_t) (g * 1e9 / rate_target);
}

static void rate_look(struct rconn *c) {
        unsigned total, est;

        if (c->served || c->state == CONN_FAILED || c->state == CONN_CONNECTING)
                return;
        if (subflow_states(c->fd, &total, &est) < 0)
                return;
        if (total >= 2)
                c->created = true;
        if (est >= 2)
                c->served = true;
}

/* The final check at t_open + hold, then an abortive close (SO_LINGER 0: no TIME_WAIT, so
 * that ports and sockets do not pile up at tens of thousands of connections per second). */
static void rate_finish(struct rate_thread *t, struct rconn *c) {
        struct linger lg = { .l_onoff = 1, .l_linger = 0 };
        unsigned total, est;
        int r;

        if (c->state == CONN_FAILED)
                c->result = RATE_FAILED;
        else if (c->state == CONN_CONNECTING)
                c->result = RATE_UNCONNECTED;
        else if (c->served)
                c->result = RATE_SERVED;
        else {
                r = subflow_states(c->fd, &total, &est);
                if (r == -EOPNOTSUPP)
                        c->result = RATE_FALLBACK;
                else if (r == 0 && est >= 2)
                        c->result = RATE_SERVED;
                else {
                        c->result = RATE_MISSED;
                        if (r == 0 && total >= 2)
                                t->created_not_established++;
                }
        }
        t->results[c->result]++;
        if (c->fd >= 0) {
                (void) setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
                close(c->fd);
                c->fd = -1;
        }
        t->t_last_close = now_ns();
}

static int rate_open(struct rate_thread *t, unsigned k, uint64_t now) {
        struct rconn *c = &t->conns[k];
        struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = k };

        c->t_open = now;
        t->lag_ns[k] = now - rate_sched(t, k);
        if (k == 0)
                t->t_first_open = now;
        t->t_last_open = now;

        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);
        if (c->fd < 0) {
                /* Out of descriptors or memory: a result (the machine's limit), not a crash. */
                c->state = CONN_FAILED;
                return 0;
        }
        if (connect(c->fd, (struct sockaddr *) &target, sizeof(target)) < 0 && errno != EINPROGRESS) {
                c->state = CONN_FAILED;
                return 0;
        }
        c->state = CONN_CONNECTING;
        if (epoll_ctl(t->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
                return -errno;
        return 0;
}

static void rate_writable(struct rate_thread *t, struct rconn *c) {
        int err = 0;
        socklen_t el = sizeof(err);

        if (c->state == CONN_CONNECTING) {
                if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
                        err = errno;
                if (err != 0) {
                        c->state = CONN_FAILED;
                        epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
                        return;
                }
                c->state = CONN_SENDING;
        }
        if (c->state == CONN_SENDING) {
                while (c->sent < rate_payload_len) {
                        ssize_t n = send(c->fd, rate_payload + c->sent, rate_payload_len - c->sent,
                                         MSG_NOSIGNAL | MSG_DONTWAIT);

                        if (n < 0) {
                                if (errno == EAGAIN || errno == EINTR)
                                        return;
                                c->state = CONN_FAILED;
                                break;
                        }
                        c->sent += (uint32_t) n;
                }
                if (c->state == CONN_SENDING)
                        c->state = CONN_SENT;
                epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
        }
}

/* One generator thread: opens its connections on schedule, completes them, looks at them at
 * the checkpoints, and checks and closes each at its hold time. */
static void rate_thread_loop(struct rate_thread *t) {
        unsigned k = 0, fin = 0, cp[N_CHECKPOINTS] = {};
        uint64_t hold_ns = (uint64_t) rate_hold_ms * 1000000ULL;

        while (fin < t->n) {
                struct epoll_event evs[256];
                uint64_t now = now_ns(), next = UINT64_MAX;
                struct timespec ts;
                int n;

                /* Open what is due (at most 64 before looking at the sockets again). */
                for (unsigned b = 0; k < t->n && rate_sched(t, k) <= now && b < 64; b++, k++) {
                        int r = rate_open(t, k, now);

                        if (r < 0) {
                                t->error = -r;
                                return;
                        }
                        now = now_ns();
                }
                for (unsigned i = 0; i < N_CHECKPOINTS; i++) {
                        uint64_t at = (uint64_t) rate_checkpoints_ms[i] * 1000000ULL;

                        while (cp[i] < k && cp[i] < t->n && t->conns[cp[i]].t_open + at <= now) {
                                struct rconn *c = &t->conns[cp[i]++];

                                rate_look(c);
                                if (c->served)
                                        t->served_at[i]++;
                        }
                        if (cp[i] < k)
                                next = MIN(next, t->conns[cp[i]].t_open + at);
                }
                while (fin < k && t->conns[fin].t_open + hold_ns <= now)
                        rate_finish(t, &t->conns[fin++]);
                if (fin < k)
                        next = MIN(next, t->conns[fin].t_open + hold_ns);
                if (k < t->n)
                        next = MIN(next, rate_sched(t, k));
                if (fin >= t->n)
                        break;

                now = now_ns();
                next = next > now ? next - now : 0;
                ts.tv_sec = (time_t) (next / 1000000000ULL);
                ts.tv_nsec = (long) (next % 1000000000ULL);
                n = epoll_pwait2(t->ep, evs, 256, &ts, NULL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        t->error = errno;
                        return;
                }
                for (int e = 0; e < n; e++)
                        rate_writable(t, &t->conns[evs[e].data.u32]);
        }
}

static void *rate_thread_run(void *arg) {
        struct rate_thread *t = arg;
        int64_t run0 = 0, wait0 = 0, run1, wait1;

        (void) read_schedstat("/proc/thread-self/schedstat", &run0, &wait0);
        rate_thread_loop(t);
        if (read_schedstat("/proc/thread-self/schedstat", &run1, &wait1) == 0) {
                t->run_ns = run1 - run0;
                t->wait_ns = wait1 - wait0;
        }
        return NULL;
}

struct cpu_times {
        unsigned long long v[8]; /* user nice system idle iowait irq softirq steal (USER_HZ ticks) */
        uint64_t t;              /* when read (CLOCK_MONOTONIC, ns) */
};

static void machine_cpu(struct cpu_times *ret) {
        FILE *f = fopen("/proc/stat", "re");

        memset(ret, 0, sizeof(*ret));
        ret->t = now_ns();
        if (!f)
                return;
        if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &ret->v[0], &ret->v[1],
                   &ret->v[2], &ret->v[3], &ret->v[4], &ret->v[5], &ret->v[6], &ret->v[7]) != 8)
                memset(ret, 0, sizeof(*ret));
        fclose(f);
}

static void loadavg(double *ret) {
        FILE *f = fopen("/proc/loadavg", "re");

        ret[0] = ret[1] = ret[2] = -1;
        if (!f)
                return;
        if (fscanf(f, "%lf %lf %lf", &ret[0], &ret[1], &ret[2]) != 3)
                ret[0] = ret[1] = ret[2] = -1;
        fclose(f);
}

static uint64_t self_cpu_ns(void) {
        struct rusage ru;

        if (getrusage(RUSAGE_SELF, &ru) < 0)
                return 0;
        return (uint64_t) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
               (uint64_t) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

static int cmp_u64(void const *a, void const *b) {
        uint64_t x = *(uint64_t const *) a, y = *(uint64_t const *) b;

        return x < y ? -1 : x > y;
}

static void print_process(char const *name, long pid, int64_t run_ns, int64_t wait_ns,
                          int64_t settled_ns, double window_s, long rss_before, long rss_open) {
        printf(",\"%s\":{\"pid\":%ld,\"cpu_ns\":%lld,\"busy\":%.3f,\"runqueue_wait\":%.3f", name,
               pid, (long long) run_ns, window_s > 0 ? (double) run_ns / 1e9 / window_s : 0.0,
               window_s > 0 ? (double) wait_ns / 1e9 / window_s : 0.0);
        if (settled_ns >= 0)
                printf(",\"cpu_ns_settled\":%lld", (long long) settled_ns);
        printf(",\"rss_kb_before\":%ld,\"rss_kb_open\":%ld}", rss_before, rss_open);
}

static int run_rate(void) {
        unsigned total = (unsigned) (rate_target * rate_duration_s + 0.5), started = 0;
        unsigned served_at[N_CHECKPOINTS] = {}, results[RATE_FALLBACK + 1] = {};
        unsigned created_not_established = 0;
        uint64_t t_first = UINT64_MAX, t_last_open = 0, t_end = 0, gen0, gen1, *lags;
        int64_t pm0 = 0, pm1 = 0, pmw0 = 0, pmw1 = 0, pm_settled = -1, srv0 = 0, srv1 = 0, srvw0 = 0,
                srvw1 = 0, gen_run = 0, gen_wait = 0;
        long pm_rss0 = -1, pm_rss_open = -1, srv_rss0 = -1, srv_rss_open = -1;
        struct rate_thread *ts;
        struct cpu_times m0, m1;
        double la0[3], la1[3];
        size_t len, nlags = 0;
        char *payload;
        int rc = 0;

        if (total == 0 || total > 2000000) {
                fprintf(stderr, "mpbench: --rate × --duration must give 1..2000000 connections\n");
                return 2;
        }
        payload = make_payload(&len);
        ts = calloc(rate_threads, sizeof(struct rate_thread));
        lags = calloc(total, sizeof(uint64_t));
        if (!payload || !ts || !lags) {
                fprintf(stderr, "mpbench: out of memory\n");
                return 1;
        }
        rate_payload = payload;
        rate_payload_len = len;

        for (unsigned i = 0; i < rate_threads; i++) {
                struct rate_thread *t = &ts[i];

                t->index = i;
                t->n = total / rate_threads + (i < total % rate_threads);
                t->conns = calloc(t->n ? t->n : 1, sizeof(struct rconn));
                t->lag_ns = calloc(t->n ? t->n : 1, sizeof(uint64_t));
                t->ep = epoll_create1(EPOLL_CLOEXEC);
                if (!t->conns || !t->lag_ns || t->ep < 0) {
                        fprintf(stderr, "mpbench: out of memory or descriptors\n");
                        return 1;
                }
                for (unsigned k = 0; k < t->n; k++)
                        t->conns[k].fd = -1;
        }

        /* Start from a quiet PM (the previous step's closes are handled). */
        if (pm_pid > 0) {
                (void) process_cpu_settled(pm_pid);
                pm_rss0 = process_rss_kb(pm_pid);
        }
        if (server_pid > 0)
                srv_rss0 = process_rss_kb(server_pid);

        loadavg(la0);
        machine_cpu(&m0);
        gen0 = self_cpu_ns();
        if (pm_pid > 0)
                (void) process_sched(pm_pid, &pm0, &pmw0);
        if (server_pid > 0)
                (void) process_sched(server_pid, &srv0, &srvw0);
        rate_t0 = now_ns() + 10000000ULL;

        for (unsigned i = 0; i < rate_threads; i++) {
                int r = pthread_create(&ts[i].tid, NULL, rate_thread_run, &ts[i]);

                if (r != 0) {
                        fprintf(stderr, "mpbench: pthread_create: %s\n", strerror(r));
                        return 1;
                }
                started++;
        }

        /* Resident memory of the PM and the server at the middle of the run, where about
         * rate × hold connections are open. */
        if (pm_pid > 0 || server_pid > 0) {
                uint64_t mid = rate_t0 + (uint64_t) (rate_duration_s * 0.5e9);
                struct timespec w;

                while (now_ns() < mid) {
                        uint64_t d = mid - now_ns();

                        w.tv_sec = (time_t) (d / 1000000000ULL);
                        w.tv_nsec = (long) (d % 1000000000ULL);
                        if (nanosleep(&w, NULL) < 0 && errno != EINTR)
                                break;
                }
                if (pm_pid > 0)
                        pm_rss_open = process_rss_kb(pm_pid);
                if (server_pid > 0)
                        srv_rss_open = process_rss_kb(server_pid);
        }

        for (unsigned i = 0; i < started; i++)
                pthread_join(ts[i].tid, NULL);

        gen1 = self_cpu_ns();
        machine_cpu(&m1);
        if (pm_pid > 0)
                (void) process_sched(pm_pid, &pm1, &pmw1);
        if (server_pid > 0)
                (void) process_sched(server_pid, &srv1, &srvw1);
        loadavg(la1);

        for (unsigned i = 0; i < rate_threads; i++) {
                struct rate_thread *t = &ts[i];

                if (t->error) {
                        fprintf(stderr, "mpbench: thread %u: %s\n", i, strerror(t->error));
                        rc = 1;
                }
                for (unsigned c = 0; c < N_CHECKPOINTS; c++)
                        served_at[c] += t->served_at[c];
                for (unsigned r = 0; r <= RATE_FALLBACK; r++)
                        results[r] += t->results[r];
                created_not_established += t->created_not_established;
                gen_run += t->run_ns;
                gen_wait += t->wait_ns;
                if (t->n > 0) {
                        t_first = MIN(t_first, t->t_first_open);
                        t_last_open = MAX(t_last_open, t->t_last_open);
                        t_end = MAX(t_end, t->t_last_close);
                }
                for (unsigned k = 0; k < t->n && t->conns[k].t_open; k++)
                        lags[nlags++] = t->lag_ns[k];
        }
        if (rc != 0)
                return rc;

        if (pm_pid > 0)
                pm_settled = process_cpu_settled(pm_pid) - pm0;

        qsort(lags, nlags, sizeof(uint64_t), cmp_u64);

        /* The window: the scheduled first connect() to the last close. */
        double window_s = t_end > rate_t0 ? (double) (t_end - rate_t0) / 1e9 : 0;
        /* Opening rate: connections over the time the schedule gave them (N / rate), as long
         * as the last one was opened in time; a generator that falls behind stretches it. */
        double open_s = t_last_open > rate_t0 ? (double) (t_last_open - rate_t0) / 1e9 : 0;
        double achieved = nlags > 0 ? (double) nlags / (open_s + 1.0 / rate_target) : 0;
        /* The machine's busy share from its idle time, which the kernel measures exactly (NO_HZ
         * idle accounting), against the wall time of both reads. Not from the user/system
         * counters: with tick-based accounting those are sampled, and a workload woken by
         * sub-millisecond timers (this generator) is mostly missed by the samples (measured:
         * 14% "busy" while this process, the server and the PM alone used 35%). */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN), hz = sysconf(_SC_CLK_TCK);
        unsigned long long md[8];

        for (unsigned i = 0; i < 8; i++)
                md[i] = m1.v[i] - m0.v[i];
        double cpu_s = (double) (m1.t - m0.t) / 1e9 * (double) cpus;
        double idle = cpu_s > 0 ? (double) (md[3] + md[4]) / (double) hz / cpu_s : 0;

        idle = idle > 1 ? 1 : idle;

        printf("{\"mode\":\"rate\",\"target_rate\":%.0f,\"duration_s\":%.3f,\"hold_ms\":%u,"
               "\"threads\":%u,\"bytes\":%zu,\"count\":%u,\"opened\":%zu,\"served\":%u,\"missed\":%u,"
               "\"missed_created\":%u,\"unconnected\":%u,\"failed\":%u,\"fallback\":%u",
               rate_target, rate_duration_s, rate_hold_ms, rate_threads, payload_bytes, total, nlags,
               results[RATE_SERVED], results[RATE_MISSED], created_not_established,
               results[RATE_UNCONNECTED], results[RATE_FAILED], results[RATE_FALLBACK]);
        for (unsigned c = 0; c < N_CHECKPOINTS; c++)
                printf(",\"served_%ums\":%u", rate_checkpoints_ms[c], served_at[c]);
        printf(",\"achieved_rate\":%.1f,\"kept_up\":%s,\"open_lag_ms\":{\"p50\":%.3f,\"p99\":%.3f,"
               "\"max\":%.3f},\"window_s\":%.3f",
               achieved, achieved >= 0.95 * rate_target ? "true" : "false",
               nlags ? (double) lags[nlags / 2] / 1e6 : 0.0,
               nlags ? (double) lags[(size_t) ((double) nlags * 0.99)] / 1e6 : 0.0,
               nlags ? (double) lags[nlags - 1] / 1e6 : 0.0, window_s);
        printf(",\"machine_cpu\":{\"busy\":%.3f,\"idle\":%.3f,\"wall_s\":%.3f,\"ticks\":{\"user\":%llu,"
               "\"nice\":%llu,\"system\":%llu,\"idle\":%llu,\"iowait\":%llu,\"irq\":%llu,"
               "\"softirq\":%llu,\"steal\":%llu,\"hz\":%ld}}",
               1.0 - idle, idle, (double) (m1.t - m0.t) / 1e9, md[0], md[1], md[2], md[3], md[4],
               md[5], md[6], md[7], hz);
        printf(",\"cpus\":%ld,\"loadavg_start\":%.2f,\"loadavg_end\":%.2f", cpus, la0[0], la1[0]);
        printf(",\"generator\":{\"cpu_ns\":%llu,\"busy\":%.3f,\"threads_cpu_ns\":%lld,"
               "\"runqueue_wait\":%.3f}",
               (unsigned long long) (gen1 - gen0), window_s > 0 ? (double) (gen1 - gen0) / 1e9 / window_s : 0.0,
               (long long) gen_run, window_s > 0 ? (double) gen_wait / 1e9 / window_s : 0.0);
        if (pm_pid > 0)
                print_process("pm_process", pm_pid, pm1 - pm0, pmw1 - pmw0, pm_settled, window_s, pm_rss0,
                              pm_rss_open);
        if (server_pid > 0)
                print_process("server_process", server_pid, srv1 - srv0, srvw1 - srvw0, -1, window_s,
                              srv_rss0, srv_rss_open);
        printf("}\n");

        for (unsigned i = 0; i < rate_threads; i++) {
                close(ts[i].ep);
                free(ts[i].conns);
                free(ts[i].lag_ns);
        }
        free(ts);
        free(lags);
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
                   "  mpbench burst   --to ADDR:PORT --count N [--timeout-ms MS] [--bytes B] [--pm-pid PID]\n"
                   "  mpbench rate    --to ADDR:PORT --rate CONN_PER_S [--duration S] [--hold-ms MS]\n"
                   "                  [--threads T] [--bytes B] [--pm-pid PID] [--server-pid PID]\n");
}

int main(int argc, char *argv[]) {
        static struct option const options[] = {
                { "to", required_argument, NULL, 't' },
                { "count", required_argument, NULL, 'n' },
                { "timeout-ms", required_argument, NULL, 'T' },
                { "bytes", required_argument, NULL, 'b' },
                { "pm-pid", required_argument, NULL, 'p' },
                { "spin", no_argument, NULL, 's' },
                { "rate", required_argument, NULL, 'r' },
                { "duration", required_argument, NULL, 'd' },
                { "hold-ms", required_argument, NULL, 'H' },
                { "threads", required_argument, NULL, 'j' },
                { "server-pid", required_argument, NULL, 'S' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        bool have_target = false, latency, rate;
        struct rlimit rl;
        rlim_t nofile;
        int c;

        if (argc < 2 || (strcmp(argv[1], "latency") != 0 && strcmp(argv[1], "burst") != 0 &&
                         strcmp(argv[1], "rate") != 0)) {
                usage(stderr);
                return 2;
        }
        latency = strcmp(argv[1], "latency") == 0;
        rate = strcmp(argv[1], "rate") == 0;
        timeout_ms = latency ? 2000 : 10000;
        payload_bytes = latency ? 1024 : rate ? 100 : 16384;

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
                case 'r':
                        rate_target = strtod(optarg, NULL);
                        break;
                case 'd':
                        rate_duration_s = strtod(optarg, NULL);
                        break;
                case 'H':
                        rate_hold_ms = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                case 'j':
                        rate_threads = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                case 'S':
                        server_pid = strtol(optarg, NULL, 10);
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        if (rate) {
                if (!have_target || !(rate_target >= 1 && rate_target <= 1000000) ||
                    !(rate_duration_s > 0 && rate_duration_s <= 600) || rate_hold_ms == 0 ||
                    rate_threads == 0 || rate_threads > 64) {
                        usage(stderr);
                        return 2;
                }
                /* About rate × hold sockets are open at once; room for twice that. */
                nofile = (rlim_t) (rate_target * (2.0 * rate_hold_ms / 1000.0 + 0.1)) + 256;
        } else {
                if (!have_target || count == 0 || count > 100000 || timeout_ms == 0) {
                        usage(stderr);
                        return 2;
                }
                /* A burst holds COUNT sockets at once. */
                nofile = count + 64;
        }

        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < nofile) {
                rl.rlim_cur = nofile;
                if (rl.rlim_max < rl.rlim_cur)
                        rl.rlim_max = rl.rlim_cur;
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
                        fprintf(stderr, "mpbench: cannot raise the open-file limit to %llu: %m\n",
                                (unsigned long long) nofile);
                        return 1;
                }
        }

        return latency ? run_latency() : rate ? run_rate() : run_burst();
}
