/* SPDX-License-Identifier: GPL-2.0-or-later */
/* traffic-util.c — mptcp-traffic's shared pieces: parsing, time, sockets, MPTCP_INFO, link counters. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/resource.h>
#include <time.h>

#include "traffic.h"

uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

/* Milliseconds from now until a deadline, rounded up so a wait never ends before it. */
int timeout_ms(uint64_t now, uint64_t until) {
        uint64_t ms;

        if (until <= now)
                return 0;
        if (until == UINT64_MAX)
                return -1;
        ms = (until - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC;
        return ms > INT_MAX ? INT_MAX : (int) ms;
}

double mbit_per_s(uint64_t bytes, uint64_t usec) {
        if (usec == 0)
                return 0.0;
        return (double) bytes * 8.0 / (double) usec;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret) {
        unsigned long long v;
        char *end;

        if (!s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno != 0 || *end != '\0')
                return -EINVAL;
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int endpoint_parse(const char *s, Endpoint *ret) {
        char host[INET6_ADDRSTRLEN + 1];
        const char *colon, *h;
        Endpoint ep = {};
        uint64_t port;
        size_t hlen;

        if (!s)
                return -EINVAL;
        if (s[0] == '[') {
                const char *close = strchr(s, ']');

                if (!close || close[1] != ':')
                        return -EINVAL;
                h = s + 1;
                hlen = (size_t) (close - h);
                colon = close + 1;
        } else {
                colon = strrchr(s, ':');
                if (!colon)
                        return -EINVAL;
                h = s;
                hlen = (size_t) (colon - s);
        }
        if (hlen == 0 || hlen >= sizeof(host))
                return -EINVAL;
        memcpy(host, h, hlen);
        host[hlen] = '\0';
        if (parse_u64(colon + 1, 0, 65535, &port) < 0)
                return -EINVAL;

        if (s[0] == '[') {
                struct sockaddr_in6 *sin6 = &ep.sa.in6;

                if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
                        return -EINVAL;
                sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons((uint16_t) port);
                ep.len = sizeof(*sin6);
        } else {
                struct sockaddr_in *sin = &ep.sa.in;

                if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
                        return -EINVAL;
                sin->sin_family = AF_INET;
                sin->sin_port = htons((uint16_t) port);
                ep.len = sizeof(*sin);
        }
        (void) snprintf(ep.text, sizeof(ep.text), "%s", s);
        *ret = ep;
        return 0;
}

void endpoint_format(const SockaddrUnion *sa, char *buf, size_t size) {
        char host[INET6_ADDRSTRLEN] = "?";

        if (sa->sa.sa_family == AF_INET6) {
                const struct sockaddr_in6 *sin6 = &sa->in6;

                (void) inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
                (void) snprintf(buf, size, "[%s]:%u", host, (unsigned) ntohs(sin6->sin6_port));
        } else {
                const struct sockaddr_in *sin = &sa->in;

                (void) inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
                (void) snprintf(buf, size, "%s:%u", host, (unsigned) ntohs(sin->sin_port));
        }
}

/* Raise RLIMIT_NOFILE towards 'want' (soft up to hard; the hard limit too where permitted) and
 * return the soft limit now in force. */
int raise_nofile(rlim_t want, rlim_t *ret_limit) {
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return negative_errno();
        if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want) {
                *ret_limit = rl.rlim_cur;
                return 0;
        }
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
                struct rlimit more = { .rlim_cur = want, .rlim_max = want };

                if (setrlimit(RLIMIT_NOFILE, &more) == 0) {
                        *ret_limit = want;
                        return 0;
                }
        }
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? want : MIN(rl.rlim_max, want);
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                return negative_errno();
        *ret_limit = rl.rlim_cur;
        return 0;
}

void payload_fill(char *buf, size_t size) {
        static const char pattern[] = "mptcp-traffic payload 0123456789abcdefghijklmnopqrstuvwxyz\n";

        for (size_t i = 0; i < size; i++)
                buf[i] = pattern[i % (sizeof(pattern) - 1)];
}

void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;

                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c < 0x20)
                        fprintf(f, "\\u%04x", c);
                else
                        fputc(c, f);
        }
        fputc('"', f);
}

/* Reads MPTCP_INFO; *ret_len is how much of MptcpInfo the kernel filled. */
int mptcp_info_get(int fd, MptcpInfo *ret, socklen_t *ret_len) {
        MptcpInfo info = {};
        socklen_t len = sizeof(info);

        if (getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &len) < 0)
                return negative_errno();
        if (len < offsetof(MptcpInfo, flags))
                return -EPROTO;
        *ret = info;
        *ret_len = len;
        return 0;
}

void mptcp_info_print_json(FILE *f, const MptcpInfo *i, socklen_t len) {
        fprintf(f,
                "{\"subflows\":%u,\"add_addr_signal\":%u,\"add_addr_accepted\":%u,\"subflows_max\":%u,"
                "\"add_addr_signal_max\":%u,\"add_addr_accepted_max\":%u",
                i->subflows, i->add_addr_signal, i->add_addr_accepted, i->subflows_max,
                i->add_addr_signal_max, i->add_addr_accepted_max);
        if (INFO_HAS(len, flags))
                fprintf(f, ",\"flags\":%" PRIu32, i->flags);
        if (INFO_HAS(len, token))
                fprintf(f, ",\"token\":%" PRIu32, i->token);
        if (INFO_HAS(len, write_seq))
                fprintf(f, ",\"write_seq\":%" PRIu64, i->write_seq);
        if (INFO_HAS(len, snd_una))
                fprintf(f, ",\"snd_una\":%" PRIu64, i->snd_una);
        if (INFO_HAS(len, rcv_nxt))
                fprintf(f, ",\"rcv_nxt\":%" PRIu64, i->rcv_nxt);
        if (INFO_HAS(len, csum_enabled))
                fprintf(f, ",\"local_addr_used\":%u,\"local_addr_max\":%u,\"csum_enabled\":%u",
                        i->local_addr_used, i->local_addr_max, i->csum_enabled);
        if (INFO_HAS(len, retransmits))
                fprintf(f, ",\"retransmits\":%" PRIu32, i->retransmits);
        if (INFO_HAS(len, bytes_acked))
                fprintf(f,
                        ",\"bytes_retrans\":%" PRIu64 ",\"bytes_sent\":%" PRIu64
                        ",\"bytes_received\":%" PRIu64 ",\"bytes_acked\":%" PRIu64,
                        i->bytes_retrans, i->bytes_sent, i->bytes_received, i->bytes_acked);
        if (INFO_HAS(len, subflows_total))
                fprintf(f, ",\"subflows_total\":%u", i->subflows_total);
        fputc('}', f);
}

static int link_counters_cb(const struct nlmsghdr *nlh, void *userdata) {
        LinkCounters *c = userdata;
        struct nlattr *attr;

        if (nlh->nlmsg_type != RTM_NEWLINK)
                return MNL_CB_OK;
        mnl_attr_for_each (attr, nlh, sizeof(struct ifinfomsg)) {
                struct rtnl_link_stats64 st;

                if (mnl_attr_get_type(attr) != IFLA_STATS64 || mnl_attr_get_payload_len(attr) < sizeof(st))
                        continue;
                memcpy(&st, mnl_attr_get_payload(attr), sizeof(st));
                c->tx_bytes = st.tx_bytes;
                c->rx_bytes = st.rx_bytes;
                c->found = true;
        }
        return MNL_CB_OK;
}

/* Byte counters of one interface of the current network namespace via RTM_GETLINK. */
int link_counters_get(struct mnl_socket *nl, uint32_t *seq, const char *ifname, LinkCounters *ret) {
        _cleanup_free_ char *buf = malloc(IO_BUF_SIZE);
        LinkCounters c = {};
        struct ifinfomsg *ifm;
        struct nlmsghdr *nlh;
        uint32_t portid = mnl_socket_get_portid(nl);

        if (!buf)
                return -ENOMEM;
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        nlh->nlmsg_seq = ++*seq;
        ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
        ifm->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);

        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return negative_errno();
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl, buf, IO_BUF_SIZE);
                int r;

                if (n < 0)
                        return negative_errno();
                r = mnl_cb_run(buf, (size_t) n, *seq, portid, link_counters_cb, &c);
                if (r < 0)
                        return negative_errno();
                if (c.found)
                        break;
                if (r == MNL_CB_STOP)
                        return -ENODEV;
        }
        *ret = c;
        return 0;
}

int rtnl_open(struct mnl_socket **ret) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        struct timeval tv = { .tv_sec = 5 };

        nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl)
                return negative_errno();
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return negative_errno();
        /* A netlink answer never takes long; bound the wait anyway so nothing hangs. */
        (void) setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        *ret = TAKE_PTR(nl);
        return 0;
}

int mptcp_socket(int family) {
        int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);

        return fd < 0 ? negative_errno() : fd;
}

int wait_fd(int fd, short events, uint64_t deadline, short *ret_revents) {
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                uint64_t now = now_usec();
                int r;

                if (now >= deadline)
                        return -ETIMEDOUT;
                r = poll(&p, 1, timeout_ms(now, deadline));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return negative_errno();
                if (r > 0) {
                        *ret_revents = p.revents;
                        return 0;
                }
        }
}

int socket_error(int fd) {
        socklen_t len = sizeof(int);
        int err = 0;

        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                return negative_errno();
        return -err;
}

int connect_blocking(const Endpoint *to, uint64_t deadline, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        short revents;
        int r;

        fd = mptcp_socket(to->sa.sa.sa_family);
        if (fd < 0)
                return fd;
        if (connect(fd, &to->sa.sa, to->len) < 0 && errno != EINPROGRESS)
                return negative_errno();
        r = wait_fd(fd, POLLOUT, deadline, &revents);
        if (r < 0)
                return r;
        r = socket_error(fd);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int send_all(int fd, const void *data, size_t len, uint64_t deadline) {
        const char *p = data;

        while (len > 0) {
                ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
                short revents;
                int r;

                if (n >= 0) {
                        p += n;
                        len -= (size_t) n;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return negative_errno();
                r = wait_fd(fd, POLLOUT, deadline, &revents);
                if (r < 0)
                        return r;
        }
        return 0;
}
