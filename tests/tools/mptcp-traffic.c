/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcp-traffic.c — the lab's MPTCP traffic tool: command line of the server, bulk and churn modes. */

/*
 * Usage
 *   mptcp-traffic server --listen ADDR:PORT [--ready-file F]
 *   mptcp-traffic bulk   --to ADDR:PORT --duration SEC [--direction up|down] [--links IF1,IF2,...]
 *                        [--json] [--connect-timeout MS] [--timeout SEC]
 *   mptcp-traffic churn  --to ADDR:PORT --count N [--rate CONN_PER_SEC | --burst] [--bytes B]
 *                        [--hold-ms MS] [--json] [--connect-timeout MS] [--timeout SEC]
 * ADDR is IPv4 (10.71.1.2:5201) or bracketed IPv6 ([::1]:5201). Every socket is
 * socket(AF_INET*, SOCK_STREAM, IPPROTO_MPTCP), O_CLOEXEC. --connect-timeout bounds each
 * connect (default 5000 ms); --timeout is the overall deadline (default: bulk duration + 30 s;
 * churn count/rate + hold + connect timeout + 30 s), so nothing waits forever.
 * Code: traffic-server.c, traffic-bulk.c, traffic-churn.c (the modes), traffic-util.c (helpers).
 *
 * Exit status: 0 success; 1 runtime failure (churn: at least one connection failed; its report
 * is printed anyway); 2 usage error. The server runs until SIGTERM or SIGINT, then exits 0.
 *
 * server: accepts any number of connections (epoll, one thread). With --ready-file it writes
 *   "READY <pid> <addr>:<port>\n" once listening (port 0 picks a free port; the line says which).
 *   If F is an existing FIFO, the line is written into it (so a script can block on the FIFO);
 *   otherwise F is created atomically (write + rename) and removed at exit.
 *
 * Wire protocol, first line from the client:
 *   "MPTRAFFIC up\n"    the server discards the rest; at the client's EOF it answers
 *                       "OK <payload bytes received>\n" and closes.
 *   "MPTRAFFIC down\n"  the server sends until the client goes away.
 *   "MPTRAFFIC sink\n"  the server discards everything and answers nothing (used by churn).
 *   Anything else (or a first line over 63 bytes) is discarded silently.
 *
 * bulk: one connection. "up": the client sends for --duration seconds, then shuts down its
 *   side and waits for the server's byte count; "down": the server sends for --duration
 *   seconds. MPTCP_INFO (SOL_MPTCP 284, MPTCP_INFO 1) is read at the end of the sending phase.
 *   --links: tx+rx byte deltas of those interfaces of the current network namespace over the
 *   transfer, from rtnetlink RTM_GETLINK IFLA_STATS64 (right under nsenter, where /sys is not).
 *
 * churn: N connections, started at --rate per second (default 100) or all at once (--burst);
 *   each sends "MPTRAFFIC sink\n" plus --bytes (default 16384), stays open --hold-ms (default
 *   50), reads MPTCP_INFO, closes. A connection is "ok" when it connected, sent everything and
 *   closed; "fallback" counts ok ones whose MPTCP_INFO was refused (plain TCP fallback).
 *
 * JSON (--json): one object on one line on stdout. Stable keys:
 *   bulk:  mode "bulk", target "ADDR:PORT", direction "up"|"down",
 *          duration_s   transfer time: first byte → server's count (up) or → end (down),
 *          bytes        payload bytes: counted by the server (up) or received (down),
 *          mbit_s       goodput, bytes * 8 / duration_s / 1e6,
 *          per_second_mbit_s  [one per second of the sending phase],
 *          per_second_source  "acked" (mptcpi_bytes_acked) | "written" | "received",
 *          mptcp_info   null (TCP fallback) or {subflows, add_addr_signal, add_addr_accepted,
 *                       subflows_max, add_addr_signal_max, add_addr_accepted_max, flags,
 *                       token*, write_seq*, snd_una*, rcv_nxt*, local_addr_used*,
 *                       local_addr_max*, csum_enabled*, retransmits*, bytes_retrans*,
 *                       bytes_sent*, bytes_received*, bytes_acked*, subflows_total*}
 *                       (* only when the running kernel fills the field),
 *          links        (with --links) {IFNAME: {tx_bytes, rx_bytes, bytes, mbit_s}}, deltas
 *                       over duration_s; mbit_s = bytes * 8 / duration_s / 1e6.
 *   churn: mode "churn", target, count, ok, failed, fallback (ok but no MPTCP info),
 *          elapsed_s (first start → last close), open_s (first → last connect() issued),
 *          conn_per_s (count / elapsed_s),
 *          errors {socket, connect, timeout, send, deadline}  failures by cause,
 *          subflows_histogram [n0, n1, ...]  index = mptcpi_subflows at close (additional
 *                                            subflows), over ok connections with MPTCP info,
 *          tokens_available  bool (the kernel's struct mptcp_info reaches mptcpi_token),
 *          tokens [u32, ...] one per connection with MPTCP info (empty when unavailable).
 */

#include <getopt.h>
#include <inttypes.h>
#include <linux/if.h>
#include <signal.h>
#include <stdarg.h>

#include "log.h"
#include "traffic.h"

#define EXIT_USAGE 2

static void help(FILE *f) {
        fprintf(f, "Usage:\n"
                   "  mptcp-traffic server --listen ADDR:PORT [--ready-file F]\n"
                   "  mptcp-traffic bulk --to ADDR:PORT --duration SEC [--direction up|down]\n"
                   "                     [--links IF1,IF2] [--json] [--connect-timeout MS] [--timeout SEC]\n"
                   "  mptcp-traffic churn --to ADDR:PORT --count N [--rate CONN_PER_SEC | --burst]\n"
                   "                      [--bytes B] [--hold-ms MS] [--json] [--connect-timeout MS]\n"
                   "                      [--timeout SEC]\n"
                   "ADDR is IPv4 or [IPv6]. Exit status: 0 ok, 1 failure, 2 usage error.\n");
}

_printf_(1, 2) static int usage_error(const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "mptcp-traffic: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\nTry 'mptcp-traffic --help'.\n");
        return EXIT_USAGE;
}

enum {
        ARG_LISTEN = 0x100,
        ARG_READY_FILE,
        ARG_TO,
        ARG_DURATION,
        ARG_DIRECTION,
        ARG_LINKS,
        ARG_JSON,
        ARG_COUNT,
        ARG_RATE,
        ARG_BURST,
        ARG_BYTES,
        ARG_HOLD_MS,
        ARG_CONNECT_TIMEOUT,
        ARG_TIMEOUT,
        ARG_HELP,
};

static const struct option options[] = { { "listen", required_argument, NULL, ARG_LISTEN },
                                         { "ready-file", required_argument, NULL, ARG_READY_FILE },
                                         { "to", required_argument, NULL, ARG_TO },
                                         { "duration", required_argument, NULL, ARG_DURATION },
                                         { "direction", required_argument, NULL, ARG_DIRECTION },
                                         { "links", required_argument, NULL, ARG_LINKS },
                                         { "json", no_argument, NULL, ARG_JSON },
                                         { "count", required_argument, NULL, ARG_COUNT },
                                         { "rate", required_argument, NULL, ARG_RATE },
                                         { "burst", no_argument, NULL, ARG_BURST },
                                         { "bytes", required_argument, NULL, ARG_BYTES },
                                         { "hold-ms", required_argument, NULL, ARG_HOLD_MS },
                                         { "connect-timeout", required_argument, NULL, ARG_CONNECT_TIMEOUT },
                                         { "timeout", required_argument, NULL, ARG_TIMEOUT },
                                         { "help", no_argument, NULL, ARG_HELP },
                                         {} };

typedef struct Args {
        const char *verb;
        const char *listen, *ready_file, *to, *links;
        uint64_t duration, count, rate, bytes, hold_ms, connect_timeout_ms, timeout;
        bool have_duration, have_count, have_rate, burst, json, down, have_timeout, help;
} Args;

static int parse_number_arg(const char *name, const char *value, uint64_t min, uint64_t max, uint64_t *ret) {
        if (parse_u64(value, min, max, ret) < 0) {
                fprintf(stderr, "mptcp-traffic: invalid %s '%s' (expected %" PRIu64 "..%" PRIu64 ")\n", name,
                        value, min, max);
                return -EINVAL;
        }
        return 0;
}

static int parse_args(int argc, char **argv, Args *a) {
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                int r = 0;

                switch (c) {
                case ARG_LISTEN:
                        a->listen = optarg;
                        break;
                case ARG_READY_FILE:
                        a->ready_file = optarg;
                        break;
                case ARG_TO:
                        a->to = optarg;
                        break;
                case ARG_DURATION:
                        r = parse_number_arg("--duration", optarg, 1, 86400, &a->duration);
                        a->have_duration = true;
                        break;
                case ARG_DIRECTION:
                        if (streq(optarg, "up"))
                                a->down = false;
                        else if (streq(optarg, "down"))
                                a->down = true;
                        else
                                return usage_error("invalid --direction '%s' (expected up or down)", optarg);
                        break;
                case ARG_LINKS:
                        a->links = optarg;
                        break;
                case ARG_JSON:
                        a->json = true;
                        break;
                case ARG_COUNT:
                        r = parse_number_arg("--count", optarg, 1, CHURN_MAX, &a->count);
                        a->have_count = true;
                        break;
                case ARG_RATE:
                        r = parse_number_arg("--rate", optarg, 1, 1000000, &a->rate);
                        a->have_rate = true;
                        break;
                case ARG_BURST:
                        a->burst = true;
                        break;
                case ARG_BYTES:
                        r = parse_number_arg("--bytes", optarg, 0, UINT64_C(1) << 30, &a->bytes);
                        break;
                case ARG_HOLD_MS:
                        r = parse_number_arg("--hold-ms", optarg, 0, 3600000, &a->hold_ms);
                        break;
                case ARG_CONNECT_TIMEOUT:
                        r = parse_number_arg("--connect-timeout", optarg, 1, 600000, &a->connect_timeout_ms);
                        break;
                case ARG_TIMEOUT:
                        r = parse_number_arg("--timeout", optarg, 1, 86400, &a->timeout);
                        a->have_timeout = true;
                        break;
                case 'h':
                case ARG_HELP:
                        a->help = true;
                        break;
                case '?':
                        return usage_error("%s", "invalid option");
                default:
                        return usage_error("%s", "unexpected option");
                }
                if (r < 0)
                        return EXIT_USAGE;
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        return 0;
}

static int split_links(char *list, BulkArgs *b) {
        char *save = NULL;

        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (b->n_links >= BULK_MAX_LINKS)
                        return usage_error("too many --links (at most %s)", STRINGIFY(BULK_MAX_LINKS));
                if (strlen(t) >= IFNAMSIZ)
                        return usage_error("interface name too long: '%s'", t);
                for (size_t i = 0; i < b->n_links; i++)
                        if (streq(b->links[i], t))
                                return usage_error("interface listed twice: '%s'", t);
                b->links[b->n_links++] = t;
        }
        if (b->n_links == 0)
                return usage_error("%s", "--links needs at least one interface name");
        return 0;
}

static int main_server(const Args *a) {
        Endpoint ep;

        if (!a->listen)
                return usage_error("%s", "server needs --listen ADDR:PORT");
        if (a->to || a->have_duration || a->have_count || a->links)
                return usage_error("%s", "server takes only --listen and --ready-file");
        if (endpoint_parse(a->listen, &ep) < 0)
                return usage_error("invalid --listen '%s' (expected ADDR:PORT)", a->listen);
        return traffic_server_run(&ep, a->ready_file) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int main_bulk(const Args *a) {
        _cleanup_free_ char *links = NULL;
        BulkArgs b = {};
        int r;

        if (!a->to || !a->have_duration)
                return usage_error("%s", "bulk needs --to ADDR:PORT and --duration SEC");
        if (a->listen || a->ready_file || a->have_count || a->have_rate || a->burst)
                return usage_error("%s", "bulk does not take server or churn options");
        if (endpoint_parse(a->to, &b.to) < 0)
                return usage_error("invalid --to '%s' (expected ADDR:PORT)", a->to);
        if (a->links) {
                links = strdup(a->links);
                if (!links)
                        return log_oom(), EXIT_FAILURE;
                r = split_links(links, &b);
                if (r != 0)
                        return r;
        }
        b.duration_sec = a->duration;
        b.down = a->down;
        b.json = a->json;
        b.connect_timeout_usec = a->connect_timeout_ms * USEC_PER_MSEC;
        b.deadline = now_usec() + (a->have_timeout ? a->timeout : a->duration + 30) * USEC_PER_SEC;
        return traffic_bulk_run(&b) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int main_churn(const Args *a) {
        ChurnArgs c = {};
        uint64_t spread;

        if (!a->to || !a->have_count)
                return usage_error("%s", "churn needs --to ADDR:PORT and --count N");
        if (a->have_rate && a->burst)
                return usage_error("%s", "--rate and --burst exclude each other");
        if (a->listen || a->ready_file || a->have_duration || a->links)
                return usage_error("%s", "churn does not take server or bulk options");
        if (endpoint_parse(a->to, &c.to) < 0)
                return usage_error("invalid --to '%s' (expected ADDR:PORT)", a->to);
        c.count = a->count;
        c.rate = a->have_rate ? a->rate : 100;
        c.burst = a->burst;
        c.bytes = a->bytes;
        c.hold_usec = a->hold_ms * USEC_PER_MSEC;
        c.connect_timeout_usec = a->connect_timeout_ms * USEC_PER_MSEC;
        c.json = a->json;
        spread = c.burst ? 0 : c.count / c.rate + 1;
        c.deadline = now_usec() +
                     (a->have_timeout ? a->timeout * USEC_PER_SEC
                                      : (spread + 30) * USEC_PER_SEC + c.hold_usec + c.connect_timeout_usec);
        return traffic_churn_run(&c) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv) {
        Args a = { .bytes = 16384, .hold_ms = 50, .connect_timeout_ms = 5000 };
        int r;

        if (argc < 2)
                return help(stderr), EXIT_USAGE;
        if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help"))
                return help(stdout), EXIT_SUCCESS;
        a.verb = argv[1];
        if (!streq(a.verb, "server") && !streq(a.verb, "bulk") && !streq(a.verb, "churn"))
                return usage_error("unknown mode '%s' (expected server, bulk or churn)", a.verb);

        r = parse_args(argc - 1, argv + 1, &a);
        if (r != 0)
                return r;
        if (a.help)
                return help(stdout), EXIT_SUCCESS;

        (void) signal(SIGPIPE, SIG_IGN);
        if (streq(a.verb, "server"))
                return main_server(&a);
        if (streq(a.verb, "bulk"))
                return main_bulk(&a);
        return main_churn(&a);
}
