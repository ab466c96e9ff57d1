/* SPDX-License-Identifier: GPL-2.0-or-later */
/* traffic-churn.c — mptcp-traffic churn mode: many short connections, subflow histogram, tokens. */
#include <inttypes.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include "log.h"
#include "traffic.h"

#define CHURN_IO_TIMEOUT_USEC (10 * USEC_PER_SEC)

typedef enum ChurnState {
        CHURN_PENDING,
        CHURN_CONNECTING,
        CHURN_SENDING,
        CHURN_HOLDING,
        CHURN_DONE,
        CHURN_FAILED,
} ChurnState;

typedef struct ChurnConn {
        int fd;
        ChurnState state;
        uint64_t deadline;
        uint64_t sent;
} ChurnConn;

typedef struct Churn {
        uint64_t opened_usec; /* from the first connect() to the last one issued */
        const ChurnArgs *args;
        ChurnConn *conns;
        int epoll_fd;
        uint64_t next_deadline, finished;
        uint64_t ok, failed, fallback;
        uint64_t err_socket, err_connect, err_timeout, err_send, err_deadline;
        uint64_t histogram[256];
        uint32_t *tokens;
        size_t n_tokens;
        bool tokens_available;
        char *buf;
} Churn;

static const char churn_header[] = "MPTRAFFIC sink\n";
#define CHURN_HEADER_LEN (sizeof(churn_header) - 1)

static void churn_fail(Churn *ch, ChurnConn *c, uint64_t *category) {
        c->fd = safe_close(c->fd);
        c->state = CHURN_FAILED;
        ch->failed++;
        ch->finished++;
        (*category)++;
}

static void churn_arm(Churn *ch, ChurnConn *c, uint64_t deadline) {
        c->deadline = deadline;
        ch->next_deadline = MIN(ch->next_deadline, deadline);
}

static void churn_finish(Churn *ch, ChurnConn *c) {
        MptcpInfo info;
        socklen_t len;
        int r;

        r = mptcp_info_get(c->fd, &info, &len);
        if (r >= 0) {
                ch->histogram[info.subflows]++;
                if (INFO_HAS(len, token)) {
                        ch->tokens[ch->n_tokens++] = info.token;
                        ch->tokens_available = true;
                }
        } else
                ch->fallback++;
        c->fd = safe_close(c->fd);
        c->state = CHURN_DONE;
        ch->ok++;
        ch->finished++;
}

static void churn_send(Churn *ch, ChurnConn *c, uint64_t now) {
        uint64_t total = CHURN_HEADER_LEN + ch->args->bytes;

        while (c->sent < total) {
                const char *p;
                size_t len;
                ssize_t n;

                if (c->sent < CHURN_HEADER_LEN) {
                        p = churn_header + c->sent;
                        len = CHURN_HEADER_LEN - (size_t) c->sent;
                } else {
                        p = ch->buf;
                        len = (size_t) MIN(total - c->sent, (uint64_t) IO_BUF_SIZE);
                }
                n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n < 0)
                        return churn_fail(ch, c, &ch->err_send);
                c->sent += (uint64_t) n;
        }
        /* All sent: hold the connection open without watching it. */
        (void) epoll_ctl(ch->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
        c->state = CHURN_HOLDING;
        churn_arm(ch, c, now + ch->args->hold_usec);
}

static void churn_start(Churn *ch, ChurnConn *c, uint64_t now) {
        struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = (uint64_t) (c - ch->conns) };
        const Endpoint *to = &ch->args->to;

        c->fd = mptcp_socket(to->sa.sa.sa_family);
        if (c->fd < 0)
                return churn_fail(ch, c, &ch->err_socket);
        if (epoll_ctl(ch->epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
                return churn_fail(ch, c, &ch->err_socket);
        c->state = CHURN_CONNECTING;
        churn_arm(ch, c, now + ch->args->connect_timeout_usec);
        if (connect(c->fd, &to->sa.sa, to->len) < 0 && errno != EINPROGRESS)
                return churn_fail(ch, c, &ch->err_connect);
}

static void churn_event(Churn *ch, ChurnConn *c, uint32_t events, uint64_t now) {
        switch (c->state) {
        case CHURN_CONNECTING:
                if (socket_error(c->fd) < 0 || (events & (EPOLLERR | EPOLLHUP)))
                        return churn_fail(ch, c, &ch->err_connect);
                c->state = CHURN_SENDING;
                churn_arm(ch, c, now + CHURN_IO_TIMEOUT_USEC);
                return churn_send(ch, c, now);
        case CHURN_SENDING:
                if (events & (EPOLLERR | EPOLLHUP))
                        return churn_fail(ch, c, &ch->err_send);
                return churn_send(ch, c, now);
        case CHURN_PENDING:
        case CHURN_HOLDING:
        case CHURN_DONE:
        case CHURN_FAILED:
                return;
        }
}

static void churn_scan(Churn *ch, uint64_t now) {
        ch->next_deadline = UINT64_MAX;
        for (uint64_t i = 0; i < ch->args->count; i++) {
                ChurnConn *c = &ch->conns[i];

                switch (c->state) {
                case CHURN_CONNECTING:
                case CHURN_SENDING:
                        if (c->deadline <= now)
                                churn_fail(ch, c, &ch->err_timeout);
                        else
                                ch->next_deadline = MIN(ch->next_deadline, c->deadline);
                        break;
                case CHURN_HOLDING:
                        if (c->deadline <= now)
                                churn_finish(ch, c);
                        else
                                ch->next_deadline = MIN(ch->next_deadline, c->deadline);
                        break;
                case CHURN_PENDING:
                case CHURN_DONE:
                case CHURN_FAILED:
                        break;
                }
        }
}

static void churn_print(const Churn *ch, uint64_t usec) {
        const ChurnArgs *a = ch->args;
        size_t top = 0;

        for (size_t i = 0; i < ELEMENTSOF(ch->histogram); i++)
                if (ch->histogram[i] > 0)
                        top = i + 1;

        if (a->json) {
                printf("{\"mode\":\"churn\",\"target\":");
                json_string(stdout, a->to.text);
                printf(",\"count\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"failed\":%" PRIu64
                       ",\"fallback\":%" PRIu64 ",\"elapsed_s\":%.3f,\"open_s\":%.4f,\"conn_per_s\":%.1f",
                       a->count, ch->ok, ch->failed, ch->fallback, (double) usec / 1e6, (double) ch->opened_usec / 1e6,
                       usec > 0 ? (double) a->count * 1e6 / (double) usec : 0.0);
                printf(",\"errors\":{\"socket\":%" PRIu64 ",\"connect\":%" PRIu64 ",\"timeout\":%" PRIu64
                       ",\"send\":%" PRIu64 ",\"deadline\":%" PRIu64 "}",
                       ch->err_socket, ch->err_connect, ch->err_timeout, ch->err_send, ch->err_deadline);
                printf(",\"subflows_histogram\":[");
                for (size_t i = 0; i < top; i++)
                        printf("%s%" PRIu64, i > 0 ? "," : "", ch->histogram[i]);
                printf("],\"tokens_available\":%s,\"tokens\":[", ch->tokens_available ? "true" : "false");
                for (size_t i = 0; i < ch->n_tokens; i++)
                        printf("%s%" PRIu32, i > 0 ? "," : "", ch->tokens[i]);
                printf("]}\n");
                return;
        }

        printf("churn %s: %" PRIu64 " connections in %.3f s: %" PRIu64 " ok (%" PRIu64
               " TCP fallback), %" PRIu64 " failed\n",
               a->to.text, a->count, (double) usec / 1e6, ch->ok, ch->fallback, ch->failed);
        printf("errors: socket %" PRIu64 ", connect %" PRIu64 ", timeout %" PRIu64 ", send %" PRIu64
               ", deadline %" PRIu64 "\n",
               ch->err_socket, ch->err_connect, ch->err_timeout, ch->err_send, ch->err_deadline);
        printf("additional subflows at close:");
        for (size_t i = 0; i < top; i++)
                printf(" %zu:%" PRIu64, i, ch->histogram[i]);
        printf("\ntokens: %s (%zu)\n", ch->tokens_available ? "available" : "not available", ch->n_tokens);
}

int traffic_churn_run(const ChurnArgs *a) {
        Churn ch = { .args = a, .epoll_fd = -EBADF, .next_deadline = UINT64_MAX };
        struct epoll_event events[256];
        uint64_t t0, next = 0, now;
        rlim_t limit;
        int r;

        r = raise_nofile((rlim_t) a->count + 64, &limit);
        if (r < 0)
                return log_error_errno(r, "getrlimit/setrlimit(RLIMIT_NOFILE) failed: %m");
        if (limit < (rlim_t) a->count + 64)
                log_warning(
                        "RLIMIT_NOFILE is %llu, fewer than %" PRIu64 " connections may fit at once.",
                        (unsigned long long) limit, a->count);

        ch.conns = new0(ChurnConn, a->count);
        ch.tokens = new0(uint32_t, a->count);
        ch.buf = malloc(IO_BUF_SIZE);
        if (!ch.conns || !ch.tokens || !ch.buf) {
                r = log_oom();
                goto finish;
        }
        payload_fill(ch.buf, IO_BUF_SIZE);
        for (uint64_t i = 0; i < a->count; i++)
                ch.conns[i].fd = -EBADF;
        ch.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (ch.epoll_fd < 0) {
                r = log_error_errno(negative_errno(), "epoll_create1() failed: %m");
                goto finish;
        }

        t0 = now_usec();
        while (ch.finished < a->count) {
                uint64_t next_start = UINT64_MAX, wake;
                int n;

                now = now_usec();
                if (now >= a->deadline) {
                        for (uint64_t i = 0; i < a->count; i++)
                                if (ch.conns[i].state != CHURN_DONE && ch.conns[i].state != CHURN_FAILED)
                                        churn_fail(&ch, &ch.conns[i], &ch.err_deadline);
                        break;
                }
                for (; next < a->count; next++) {
                        next_start = a->burst ? t0 : t0 + next * USEC_PER_SEC / a->rate;
                        if (next_start > now)
                                break;
                        churn_start(&ch, &ch.conns[next], now);
                }
                if (next >= a->count) {
                        next_start = UINT64_MAX;
                        if (ch.opened_usec == 0) /* every connect() issued: the open phase's length */
                                ch.opened_usec = now_usec() - t0;
                }
                if (now >= ch.next_deadline)
                        churn_scan(&ch, now);
                if (ch.finished >= a->count)
                        break;

                wake = MIN(MIN(next_start, ch.next_deadline), a->deadline);
                n = epoll_wait(ch.epoll_fd, events, (int) ELEMENTSOF(events), timeout_ms(now, wake));
                if (n < 0 && errno != EINTR) {
                        r = log_error_errno(negative_errno(), "epoll_wait() failed: %m");
                        goto finish;
                }
                now = now_usec();
                for (int i = 0; i < n; i++)
                        churn_event(&ch, &ch.conns[events[i].data.u64], events[i].events, now);
        }

        churn_print(&ch, now_usec() - t0);
        r = ch.failed > 0 ? -EIO : 0;

finish:
        if (ch.conns)
                for (uint64_t i = 0; i < a->count; i++)
                        safe_close(ch.conns[i].fd);
        safe_close(ch.epoll_fd);
        free(ch.conns);
        free(ch.tokens);
        free(ch.buf);
        return r;
}
