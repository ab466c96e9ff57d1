/* SPDX-License-Identifier: GPL-2.0-or-later */
/* traffic-server.c — mptcp-traffic server mode: an epoll MPTCP listener that sinks or sources data. */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "log.h"
#include "traffic.h"

#define HEADER_MAX 64

typedef enum ServerMode {
        SERVER_MODE_HEADER,
        SERVER_MODE_UP,
        SERVER_MODE_SINK,
        SERVER_MODE_DOWN,
} ServerMode;

typedef struct ServerConn ServerConn;
struct ServerConn {
        int fd;
        ServerMode mode;
        uint64_t bytes;
        size_t header_len;
        char header[HEADER_MAX];
        ServerConn *prev, *next;
};

typedef struct Server {
        int epoll_fd, listen_fd, signal_fd, spare_fd;
        ServerConn *conns;
        uint64_t accepted, active, bytes_in, bytes_out;
        char *buf;     /* receive scratch */
        char *payload; /* what "down" connections are sent */
        char *ready_file; /* regular file we created, removed at exit */
} Server;

static void server_conn_free(Server *s, ServerConn *c) {
        if (c->prev)
                c->prev->next = c->next;
        else
                s->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        safe_close(c->fd);
        s->active--;
        free(c);
}

static void server_done(Server *s) {
        while (s->conns)
                server_conn_free(s, s->conns);
        safe_close(s->listen_fd);
        safe_close(s->signal_fd);
        safe_close(s->spare_fd);
        safe_close(s->epoll_fd);
        if (s->ready_file)
                (void) unlink(s->ready_file);
        free(s->ready_file);
        free(s->buf);
        free(s->payload);
}

static int server_conn_set_events(Server *s, ServerConn *c, uint32_t events) {
        struct epoll_event ev = { .events = events, .data.ptr = c };

        return epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0 ? negative_errno() : 0;
}

/* Consumes the header line from data; returns how many bytes of data belonged to it. */
static size_t server_conn_header(Server *s, ServerConn *c, const char *data, size_t len, int *ret_error) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t) (nl - data) + 1 : len;

        *ret_error = 0;
        if (c->header_len + take >= sizeof(c->header)) {
                /* Not our protocol: swallow everything silently. */
                c->mode = SERVER_MODE_SINK;
                return len;
        }
        memcpy(c->header + c->header_len, data, take);
        c->header_len += take;
        c->header[c->header_len] = '\0';
        if (!nl)
                return take;

        if (streq(c->header, "MPTRAFFIC up\n"))
                c->mode = SERVER_MODE_UP;
        else if (streq(c->header, "MPTRAFFIC down\n")) {
                c->mode = SERVER_MODE_DOWN;
                *ret_error = server_conn_set_events(s, c, EPOLLIN | EPOLLOUT);
        } else
                c->mode = SERVER_MODE_SINK;
        return take;
}

/* Returns > 0 when the connection is finished and should be freed. */
static int server_conn_read(Server *s, ServerConn *c) {
        for (unsigned i = 0; i < 8; i++) {
                ssize_t n = recv(c->fd, s->buf, IO_BUF_SIZE, MSG_DONTWAIT);
                size_t off = 0;

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return errno == EAGAIN ? 0 : 1;
                }
                if (n == 0) {
                        if (c->mode == SERVER_MODE_UP) {
                                char reply[64];
                                int l = snprintf(reply, sizeof(reply), "OK %" PRIu64 "\n", c->bytes);

                                (void) send(c->fd, reply, (size_t) l, MSG_NOSIGNAL | MSG_DONTWAIT);
                        }
                        return 1;
                }
                s->bytes_in += (uint64_t) n;
                if (c->mode == SERVER_MODE_HEADER) {
                        int r;

                        off = server_conn_header(s, c, s->buf, (size_t) n, &r);
                        if (r < 0)
                                return 1;
                }
                c->bytes += (uint64_t) n - off;
        }
        return 0;
}

static int server_conn_write(Server *s, ServerConn *c) {
        if (c->mode != SERVER_MODE_DOWN)
                return 0;
        for (unsigned i = 0; i < 8; i++) {
                ssize_t n = send(c->fd, s->payload, IO_BUF_SIZE, MSG_NOSIGNAL | MSG_DONTWAIT);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return errno == EAGAIN ? 0 : 1;
                }
                s->bytes_out += (uint64_t) n;
        }
        return 0;
}

static void server_accept(Server *s) {
        for (;;) {
                struct epoll_event ev = { .events = EPOLLIN };
                ServerConn *c;
                int fd;

                fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        if ((errno == EMFILE || errno == ENFILE) && s->spare_fd >= 0) {
                                /* Out of descriptors: shed one pending connection, so a
                                 * level-triggered listener cannot spin. */
                                log_warning("Out of file descriptors, dropping a connection.");
                                s->spare_fd = safe_close(s->spare_fd);
                                fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
                                safe_close(fd);
                                s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                                continue;
                        }
                        if (errno != EAGAIN)
                                log_warning_errno(negative_errno(), "accept4() failed: %m");
                        return;
                }
                c = new0(ServerConn, 1);
                if (!c) {
                        log_oom();
                        safe_close(fd);
                        return;
                }
                c->fd = fd;
                c->mode = SERVER_MODE_HEADER;
                ev.data.ptr = c;
                if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                        log_warning_errno(negative_errno(), "epoll_ctl() failed: %m");
                        safe_close(fd);
                        free(c);
                        continue;
                }
                c->next = s->conns;
                if (s->conns)
                        s->conns->prev = c;
                s->conns = c;
                s->accepted++;
                s->active++;
        }
}

static int ready_file_write(Server *s, const char *path, const char *line) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t len = strlen(line);
        struct stat st;

        if (stat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
                fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd < 0)
                        return negative_errno();
                return write(fd, line, len) == (ssize_t) len ? 0 : -EIO;
        }
        if (asprintf(&tmp, "%s.tmp.%d", path, (int) getpid()) < 0)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return negative_errno();
        if (write(fd, line, len) != (ssize_t) len) {
                (void) unlink(tmp);
                return -EIO;
        }
        if (rename(tmp, path) < 0) {
                int r = negative_errno();

                (void) unlink(tmp);
                return r;
        }
        s->ready_file = strdup(path);
        return s->ready_file ? 0 : -ENOMEM;
}

static int server_setup(Server *s, const Endpoint *listen_on, const char *ready_file) {
        struct epoll_event ev = { .events = EPOLLIN };
        SockaddrUnion bound = {};
        socklen_t bound_len = sizeof(bound);
        char line[128], addr[INET6_ADDRSTRLEN + 8];
        sigset_t mask;
        rlim_t limit;
        int one = 1, r;

        s->buf = malloc(IO_BUF_SIZE);
        s->payload = malloc(IO_BUF_SIZE);
        if (!s->buf || !s->payload)
                return log_oom();
        payload_fill(s->payload, IO_BUF_SIZE);

        r = raise_nofile(65536, &limit);
        if (r < 0)
                return log_error_errno(r, "getrlimit/setrlimit(RLIMIT_NOFILE) failed: %m");
        if (limit < 4096)
                log_warning("RLIMIT_NOFILE is only %llu.", (unsigned long long) limit);
        s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

        (void) sigemptyset(&mask);
        (void) sigaddset(&mask, SIGTERM);
        (void) sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(negative_errno(), "sigprocmask() failed: %m");
        s->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (s->signal_fd < 0)
                return log_error_errno(negative_errno(), "signalfd() failed: %m");

        s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (s->epoll_fd < 0)
                return log_error_errno(negative_errno(), "epoll_create1() failed: %m");

        s->listen_fd = mptcp_socket(listen_on->sa.sa.sa_family);
        if (s->listen_fd < 0)
                return log_error_errno(
                        s->listen_fd, "Cannot create an MPTCP socket (is net.mptcp.enabled=1?): %m");
        (void) setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(s->listen_fd, &listen_on->sa.sa, listen_on->len) < 0)
                return log_error_errno(negative_errno(), "Cannot bind %s: %m", listen_on->text);
        if (listen(s->listen_fd, 4096) < 0)
                return log_error_errno(negative_errno(), "listen() failed: %m");
        if (getsockname(s->listen_fd, &bound.sa, &bound_len) < 0)
                return log_error_errno(negative_errno(), "getsockname() failed: %m");

        ev.data.ptr = &s->listen_fd;
        if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->listen_fd, &ev) < 0)
                return log_error_errno(negative_errno(), "epoll_ctl() failed: %m");
        ev.data.ptr = &s->signal_fd;
        if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->signal_fd, &ev) < 0)
                return log_error_errno(negative_errno(), "epoll_ctl() failed: %m");

        endpoint_format(&bound, addr, sizeof(addr));
        (void) snprintf(line, sizeof(line), "READY %d %s\n", (int) getpid(), addr);
        if (ready_file) {
                r = ready_file_write(s, ready_file, line);
                if (r < 0)
                        return log_error_errno(r, "Cannot write ready file %s: %m", ready_file);
        }
        log_info("Listening on %s (MPTCP).", addr);
        return 0;
}

int traffic_server_run(const Endpoint *listen_on, const char *ready_file) {
        Server s = { .epoll_fd = -EBADF, .listen_fd = -EBADF, .signal_fd = -EBADF, .spare_fd = -EBADF };
        struct epoll_event events[256];
        int r;

        r = server_setup(&s, listen_on, ready_file);
        if (r < 0) {
                server_done(&s);
                return r;
        }

        for (;;) {
                int n = epoll_wait(s.epoll_fd, events, (int) ELEMENTSOF(events), -1);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = log_error_errno(negative_errno(), "epoll_wait() failed: %m");
                        break;
                }
                for (int i = 0; i < n; i++) {
                        void *p = events[i].data.ptr;
                        ServerConn *c = p;
                        int done = 0;

                        if (p == &s.signal_fd) {
                                struct signalfd_siginfo si;

                                if (read(s.signal_fd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
                                        log_info(
                                                "Signal %u: %" PRIu64 " connections, %" PRIu64
                                                " bytes in, %" PRIu64 " bytes out.",
                                                si.ssi_signo, s.accepted, s.bytes_in, s.bytes_out);
                                        server_done(&s);
                                        return 0;
                                }
                                continue;
                        }
                        if (p == &s.listen_fd) {
                                server_accept(&s);
                                continue;
                        }
                        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                                done = server_conn_read(&s, c);
                        if (!done && (events[i].events & EPOLLOUT))
                                done = server_conn_write(&s, c);
                        if (done)
                                server_conn_free(&s, c);
                }
        }
        server_done(&s);
        return r;
}
