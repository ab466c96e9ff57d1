/* SPDX-License-Identifier: GPL-2.0-or-later */
/* traffic-bulk.c — mptcp-traffic bulk mode: one transfer with goodput, MPTCP_INFO and per-link bytes. */
#include <inttypes.h>
#include <poll.h>

#include "log.h"
#include "traffic.h"

typedef struct BulkResult {
        uint64_t bytes, usec;
        double *per_second;
        size_t n_per_second;
        const char *per_second_source;
        MptcpInfo info;
        socklen_t info_len;
        int info_error;
        LinkCounters links_start[BULK_MAX_LINKS], links_end[BULK_MAX_LINKS];
} BulkResult;

/* Counter for the per-second series: data acked at MPTCP level when the kernel says, else written. */
static uint64_t bulk_sample(int fd, bool down, uint64_t moved, const char **ret_source) {
        MptcpInfo info;
        socklen_t len;

        if (down) {
                *ret_source = "received";
                return moved;
        }
        if (mptcp_info_get(fd, &info, &len) >= 0 && INFO_HAS(len, bytes_acked)) {
                *ret_source = "acked";
                return info.bytes_acked;
        }
        *ret_source = "written";
        return moved;
}

static int bulk_read_count(int fd, uint64_t deadline, uint64_t *ret) {
        char reply[64];
        size_t have = 0;
        uint64_t v;

        for (;;) {
                ssize_t n;
                short revents;
                int r;

                if (have + 1 >= sizeof(reply))
                        return -EPROTO;
                n = recv(fd, reply + have, sizeof(reply) - 1 - have, MSG_DONTWAIT);
                if (n > 0) {
                        have += (size_t) n;
                        continue;
                }
                if (n == 0)
                        break;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return negative_errno();
                r = wait_fd(fd, POLLIN, deadline, &revents);
                if (r < 0)
                        return r;
        }
        reply[have] = '\0';
        if (have < 5 || strncmp(reply, "OK ", 3) != 0 || reply[have - 1] != '\n')
                return -EPROTO;
        reply[have - 1] = '\0';
        if (parse_u64(reply + 3, 0, UINT64_MAX, &v) < 0)
                return -EPROTO;
        *ret = v;
        return 0;
}

static int bulk_transfer(const BulkArgs *a, BulkResult *res) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        _cleanup_free_ char *buf = NULL;
        _cleanup_close_ int fd = -EBADF;
        uint64_t t0, end, next_tick, prev_tick, moved = 0, prev_sample = 0, now;
        uint32_t seq = 0;
        int r;

        buf = malloc(IO_BUF_SIZE);
        res->per_second = new0(double, a->duration_sec);
        if (!buf || !res->per_second)
                return log_oom();
        payload_fill(buf, IO_BUF_SIZE);

        if (a->n_links > 0) {
                r = rtnl_open(&nl);
                if (r < 0)
                        return log_error_errno(r, "Cannot open rtnetlink: %m");
        }

        r = connect_blocking(&a->to, MIN(a->deadline, now_usec() + a->connect_timeout_usec), &fd);
        if (r < 0)
                return log_error_errno(r, "Cannot connect to %s: %m", a->to.text);
        r = send_all(fd, a->down ? "MPTRAFFIC down\n" : "MPTRAFFIC up\n", a->down ? 15 : 13, a->deadline);
        if (r < 0)
                return log_error_errno(r, "Cannot send the request header: %m");

        for (size_t i = 0; i < a->n_links; i++) {
                r = link_counters_get(nl, &seq, a->links[i], &res->links_start[i]);
                if (r < 0)
                        return log_error_errno(r, "Cannot read counters of interface %s: %m", a->links[i]);
        }

        t0 = prev_tick = now_usec();
        end = t0 + a->duration_sec * USEC_PER_SEC;
        next_tick = t0 + USEC_PER_SEC;
        prev_sample = bulk_sample(fd, a->down, 0, &res->per_second_source);

        for (;;) {
                struct pollfd p = { .fd = fd, .events = a->down ? POLLIN : POLLOUT };

                now = now_usec();
                while (now >= next_tick && res->n_per_second < a->duration_sec) {
                        uint64_t v = bulk_sample(fd, a->down, moved, &res->per_second_source);

                        res->per_second[res->n_per_second++] = mbit_per_s(v - prev_sample, now - prev_tick);
                        prev_sample = v;
                        prev_tick = now;
                        next_tick += USEC_PER_SEC;
                }
                if (now >= end)
                        break;
                if (now >= a->deadline)
                        return log_error_errno(-ETIMEDOUT, "Overall deadline reached during the transfer.");

                r = poll(&p, 1, timeout_ms(now, MIN(next_tick, end)));
                if (r < 0 && errno != EINTR)
                        return log_error_errno(negative_errno(), "poll() failed: %m");
                if (r <= 0)
                        continue;
                if ((p.revents & POLLERR) || (!a->down && (p.revents & POLLHUP))) {
                        r = socket_error(fd);
                        return log_error_errno(r < 0 ? r : -ECONNRESET, "Connection failed: %m");
                }
                for (unsigned i = 0; i < 16; i++) {
                        ssize_t n = a->down ? recv(fd, buf, IO_BUF_SIZE, MSG_DONTWAIT)
                                            : send(fd, buf, IO_BUF_SIZE, MSG_NOSIGNAL | MSG_DONTWAIT);

                        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                                break;
                        if (n < 0)
                                return log_error_errno(negative_errno(), "Transfer failed: %m");
                        if (n == 0)
                                return log_error_errno(
                                        -ECONNRESET, "The server closed the connection early.");
                        moved += (uint64_t) n;
                }
        }

        r = mptcp_info_get(fd, &res->info, &res->info_len);
        res->info_error = r < 0 ? r : 0;

        if (a->down)
                res->bytes = moved;
        else {
                if (shutdown(fd, SHUT_WR) < 0)
                        return log_error_errno(negative_errno(), "shutdown() failed: %m");
                r = bulk_read_count(fd, a->deadline, &res->bytes);
                if (r < 0)
                        return log_error_errno(r, "No byte count from the server: %m");
        }
        now = now_usec();
        res->usec = now - t0;

        for (size_t i = 0; i < a->n_links; i++) {
                r = link_counters_get(nl, &seq, a->links[i], &res->links_end[i]);
                if (r < 0)
                        return log_error_errno(r, "Cannot read counters of interface %s: %m", a->links[i]);
        }
        return 0;
}

static void bulk_print(const BulkArgs *a, const BulkResult *res) {
        const char *dir = a->down ? "down" : "up";

        if (a->json) {
                printf("{\"mode\":\"bulk\",\"target\":");
                json_string(stdout, a->to.text);
                printf(",\"direction\":\"%s\",\"duration_s\":%.3f,\"bytes\":%" PRIu64 ",\"mbit_s\":%.3f",
                       dir, (double) res->usec / 1e6, res->bytes, mbit_per_s(res->bytes, res->usec));
                printf(",\"per_second_mbit_s\":[");
                for (size_t i = 0; i < res->n_per_second; i++)
                        printf("%s%.3f", i > 0 ? "," : "", res->per_second[i]);
                printf("],\"per_second_source\":\"%s\",\"mptcp_info\":", res->per_second_source);
                if (res->info_error < 0)
                        printf("null");
                else
                        mptcp_info_print_json(stdout, &res->info, res->info_len);
                if (a->n_links > 0) {
                        printf(",\"links\":{");
                        for (size_t i = 0; i < a->n_links; i++) {
                                uint64_t tx = res->links_end[i].tx_bytes - res->links_start[i].tx_bytes;
                                uint64_t rx = res->links_end[i].rx_bytes - res->links_start[i].rx_bytes;

                                printf("%s", i > 0 ? "," : "");
                                json_string(stdout, a->links[i]);
                                printf(":{\"tx_bytes\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
                                       ",\"bytes\":%" PRIu64 ",\"mbit_s\":%.3f}",
                                       tx, rx, tx + rx, mbit_per_s(tx + rx, res->usec));
                        }
                        printf("}");
                }
                printf("}\n");
                return;
        }

        printf("bulk %s %s: %" PRIu64 " bytes in %.3f s = %.2f Mbit/s\n", dir, a->to.text, res->bytes,
               (double) res->usec / 1e6, mbit_per_s(res->bytes, res->usec));
        printf("per second (Mbit/s, %s):", res->per_second_source);
        for (size_t i = 0; i < res->n_per_second; i++)
                printf(" %.2f", res->per_second[i]);
        printf("\n");
        if (res->info_error < 0)
                printf("mptcp: no MPTCP info (%s)\n", strerror(-res->info_error));
        else {
                printf("mptcp: subflows %u (max %u), add_addr accepted %u", res->info.subflows,
                       res->info.subflows_max, res->info.add_addr_accepted);
                if (INFO_HAS(res->info_len, token))
                        printf(", token %08" PRIx32, res->info.token);
                printf("\n");
        }
        for (size_t i = 0; i < a->n_links; i++) {
                uint64_t tx = res->links_end[i].tx_bytes - res->links_start[i].tx_bytes;
                uint64_t rx = res->links_end[i].rx_bytes - res->links_start[i].rx_bytes;

                printf("link %-8s tx %" PRIu64 " rx %" PRIu64 " bytes, %.2f Mbit/s\n", a->links[i], tx, rx,
                       mbit_per_s(tx + rx, res->usec));
        }
}

int traffic_bulk_run(const BulkArgs *a) {
        BulkResult res = { .per_second_source = a->down ? "received" : "written" };
        int r;

        r = bulk_transfer(a, &res);
        if (r >= 0)
                bulk_print(a, &res);
        free(res.per_second);
        return r;
}
