/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm-socket.c — the mptcp_pm generic netlink sockets: family lookup, event intake, requests. */
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "pm-socket.h"

#define PM_RECV_BUFFER_SIZE (64 * 1024)
/* Upper bound of datagrams handled per wakeup so other sources (signals, D-Bus) get a turn. */
#define PM_EVENT_BUDGET 256

struct PmSocket {
        struct mnl_socket *events;
        struct mnl_socket *cmds;
        sd_event_source *events_source;
        uint16_t family_id;
        uint32_t events_group;
        uint32_t seq;
        uint32_t cmds_portid;

        pm_event_handler_t on_event;
        pm_overflow_handler_t on_overflow;
        void *userdata;

        PmSocketStats stats;
        char extack[256];
        uint8_t request_buf[8192]; /* one request; MNL_SOCKET_BUFFER_SIZE is not a constant */
        uint8_t recv_buf[PM_RECV_BUFFER_SIZE];
};

PmSocket *pm_socket_free(PmSocket *s) {
        if (!s)
                return NULL;
        sd_event_source_disable_unref(s->events_source);
        if (s->events)
                mnl_socket_close(s->events);
        if (s->cmds)
                mnl_socket_close(s->cmds);
        free(s);
        return NULL;
}

static int open_genl_socket(struct mnl_socket **ret) {
        struct mnl_socket *nl;

        nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
        if (!nl)
                return negative_errno();
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int r = negative_errno();
                mnl_socket_close(nl);
                return r;
        }
        *ret = nl;
        return 0;
}

uint32_t pm_socket_next_seq(PmSocket *s) {
        return ++s->seq;
}

void *pm_socket_request_buffer(PmSocket *s, size_t *ret_size) {
        *ret_size = sizeof(s->request_buf);
        return s->request_buf;
}

uint16_t pm_socket_family_id(const PmSocket *s) {
        return s->family_id;
}

const PmSocketStats *pm_socket_stats(const PmSocket *s) {
        return &s->stats;
}

int pm_socket_request(PmSocket *s, const struct nlmsghdr *req, const char **ret_extack) {
        uint32_t seq = req->nlmsg_seq;
        ssize_t n;

        s->extack[0] = 0;
        s->stats.requests++;

        if (mnl_socket_sendto(s->cmds, req, req->nlmsg_len) < 0) {
                s->stats.requests_failed++;
                return negative_errno();
        }

        /* Skip stale replies (a previous request that timed out) until ours arrives. */
        for (;;) {
                const struct nlmsghdr *nlh;
                int len;

                n = mnl_socket_recvfrom(s->cmds, s->recv_buf, sizeof(s->recv_buf));
                if (n < 0) {
                        s->stats.requests_failed++;
                        return negative_errno();
                }

                len = (int) n;
                for (nlh = (const struct nlmsghdr *) s->recv_buf; mnl_nlmsg_ok(nlh, len);
                     nlh = mnl_nlmsg_next(nlh, &len)) {
                        const char *msg = NULL;
                        int error, r;

                        if (nlh->nlmsg_seq != seq)
                                continue;
                        r = nl_parse_ack(nlh, (size_t) len, &error, &msg);
                        if (r < 0) {
                                s->stats.requests_failed++;
                                return r == -ENOMSG ? -EBADMSG : r;
                        }
                        if (msg)
                                snprintf(s->extack, sizeof(s->extack), "%s", msg);
                        if (ret_extack)
                                *ret_extack = s->extack;
                        if (error < 0)
                                s->stats.requests_failed++;
                        return error;
                }
        }
}

int pm_socket_query(PmSocket *s, const struct nlmsghdr *req, pm_reply_handler_t on_reply, void *userdata,
                    const char **ret_extack) {
        uint32_t seq = req->nlmsg_seq;
        int handler_error = 0;

        s->extack[0] = 0;
        if (ret_extack)
                *ret_extack = s->extack;
        s->stats.requests++;
        if (mnl_socket_sendto(s->cmds, req, req->nlmsg_len) < 0) {
                s->stats.requests_failed++;
                return negative_errno();
        }

        for (;;) {
                ssize_t n = mnl_socket_recvfrom(s->cmds, s->recv_buf, sizeof(s->recv_buf));
                int len;

                if (n < 0) {
                        s->stats.requests_failed++;
                        return negative_errno();
                }
                len = (int) n;
                for (const struct nlmsghdr *nlh = (const struct nlmsghdr *) s->recv_buf; mnl_nlmsg_ok(nlh, len);
                     nlh = mnl_nlmsg_next(nlh, &len)) {
                        const char *msg = NULL;
                        int error, r;

                        if (nlh->nlmsg_seq != seq)
                                continue; /* a stale answer to an earlier request */
                        if (nlh->nlmsg_type == NLMSG_DONE)
                                return handler_error;
                        if (nlh->nlmsg_type == NLMSG_ERROR) {
                                r = nl_parse_ack(nlh, (size_t) len, &error, &msg);
                                if (r < 0)
                                        return r;
                                if (msg)
                                        snprintf(s->extack, sizeof(s->extack), "%s", msg);
                                if (error < 0) {
                                        s->stats.requests_failed++;
                                        return error;
                                }
                                return handler_error; /* the ack that ends a doit's answer */
                        }
                        if (nlh->nlmsg_type == s->family_id && handler_error == 0) {
                                r = on_reply(nlh, (size_t) len, userdata);
                                if (r < 0)
                                        handler_error = r; /* keep reading to the end of the answer */
                        }
                }
        }
}

static int resolve_family(PmSocket *s) {
        struct nlmsghdr *req;
        ssize_t n;
        int r;

        r = genl_build_get_family(s->request_buf, sizeof(s->request_buf), pm_socket_next_seq(s),
                                  PM_GENL_NAME, &req);
        if (r < 0)
                return r;
        if (mnl_socket_sendto(s->cmds, req, req->nlmsg_len) < 0)
                return negative_errno();

        n = mnl_socket_recvfrom(s->cmds, s->recv_buf, sizeof(s->recv_buf));
        if (n < 0)
                return negative_errno();

        const struct nlmsghdr *nlh = (const struct nlmsghdr *) s->recv_buf;
        if (!mnl_nlmsg_ok(nlh, (int) n))
                return -EBADMSG;
        if (nlh->nlmsg_type == NLMSG_ERROR) {
                int error = 0;

                r = nl_parse_ack(nlh, (size_t) n, &error, NULL);
                if (r < 0)
                        return r;
                /* ENOENT from the controller: no such family, i.e. no MPTCP in this kernel. */
                return error == -ENOENT ? -EPROTONOSUPPORT : (error < 0 ? error : -EBADMSG);
        }

        r = genl_parse_family(nlh, (size_t) n, PM_GENL_EVENTS_GROUP, &s->family_id, &s->events_group);
        if (r < 0)
                return r;
        if (s->events_group == 0)
                return -EPROTONOSUPPORT;
        return 0;
}

static int on_events_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        PmSocket *s = userdata;

        for (unsigned budget = 0; budget < PM_EVENT_BUDGET; budget++) {
                ssize_t n;
                int len;

                n = recv(fd, s->recv_buf, sizeof(s->recv_buf), MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return 0;
                        if (errno == ENOBUFS) {
                                /* Events were lost: the consumer must resync from the kernel. */
                                s->stats.overflows++;
                                if (s->on_overflow)
                                        s->on_overflow(s, s->userdata);
                                continue;
                        }
                        /* Anything else leaves us deaf: stop the loop rather than enforce nothing. */
                        return sd_event_exit(sd_event_source_get_event(source), negative_errno());
                }

                len = (int) n;
                for (const struct nlmsghdr *nlh = (const struct nlmsghdr *) s->recv_buf; mnl_nlmsg_ok(nlh, len);
                     nlh = mnl_nlmsg_next(nlh, &len)) {
                        PmEvent ev;

                        if (nlh->nlmsg_type != s->family_id)
                                continue;
                        if (pm_event_parse(nlh, (size_t) len, &ev) < 0 || pm_event_validate(&ev) < 0) {
                                s->stats.events_invalid++;
                                continue;
                        }
                        s->stats.events++;
                        s->on_event(s, &ev, s->userdata);
                }
        }
        return 0;
}

int pm_socket_new(
        sd_event *event,
        int rcvbuf,
        pm_event_handler_t on_event,
        pm_overflow_handler_t on_overflow,
        void *userdata,
        PmSocket **ret) {

        _cleanup_(pm_socket_freep) PmSocket *s = NULL;
        int one = 1, size = rcvbuf > 0 ? rcvbuf : PM_EVENT_RCVBUF_DEFAULT;
        int r;

        s = new0(PmSocket, 1);
        if (!s)
                return -ENOMEM;
        s->on_event = on_event;
        s->on_overflow = on_overflow;
        s->userdata = userdata;

        r = open_genl_socket(&s->cmds);
        if (r < 0)
                return r;
        s->cmds_portid = mnl_socket_get_portid(s->cmds);
        /* The kernel's extack strings ("invalid token", ...) are the best diagnostics we get. */
        (void) mnl_socket_setsockopt(s->cmds, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(s->cmds, NETLINK_CAP_ACK, &one, sizeof(one));
        /* Replies come from inside sendmsg(); the timeout only guards against a kernel bug. */
        struct timeval tv = { .tv_sec = 2 };
        if (setsockopt(mnl_socket_get_fd(s->cmds), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                return negative_errno();

        r = resolve_family(s);
        if (r < 0)
                return r;

        r = open_genl_socket(&s->events);
        if (r < 0)
                return r;
        if (setsockopt(mnl_socket_get_fd(s->events), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0 &&
            setsockopt(mnl_socket_get_fd(s->events), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
                return negative_errno();
        if (mnl_socket_setsockopt(s->events, NETLINK_ADD_MEMBERSHIP, &s->events_group, sizeof(s->events_group)) < 0)
                return negative_errno();

        r = sd_event_add_io(event, &s->events_source, mnl_socket_get_fd(s->events), EPOLLIN,
                            on_events_readable, s);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(s->events_source, "mptcp-pm-events");

        *ret = TAKE_PTR(s);
        return 0;
}
