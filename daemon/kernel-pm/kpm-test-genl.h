/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kpm-test-genl.h — a minimal blocking mptcp_pm genl transport for the lab test and kpm-apply. */
#pragma once

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kernel-pm.h"

typedef struct TestSocket {
        struct mnl_socket *nl;
        uint16_t family_id;
        uint32_t seq;
        char extack[256];
        uint8_t rbuf[32768];
} TestSocket;

static inline int
test_recv_until(TestSocket *s, uint32_t seq, kernel_pm_reply_t on_reply, void *ud, const char **ret_extack) {
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(s->nl, s->rbuf, sizeof(s->rbuf));
                int len;

                if (n < 0)
                        return -errno;
                len = (int) n;
                for (const struct nlmsghdr *nlh = (const struct nlmsghdr *) s->rbuf; mnl_nlmsg_ok(nlh, len);
                     nlh = mnl_nlmsg_next(nlh, &len)) {
                        int error = 0, r;
                        const char *msg = NULL;

                        if (nlh->nlmsg_seq != seq)
                                continue;
                        if (nlh->nlmsg_type == NLMSG_DONE)
                                return 0;
                        if (nlh->nlmsg_type == NLMSG_ERROR) {
                                r = nl_parse_ack(nlh, (size_t) len, &error, &msg);
                                if (r < 0)
                                        return r;
                                snprintf(s->extack, sizeof(s->extack), "%s", msg ?: "");
                                if (ret_extack)
                                        *ret_extack = s->extack;
                                return error;
                        }
                        if (!on_reply)
                                return -EBADMSG;
                        r = on_reply(nlh, (size_t) len, ud);
                        if (r < 0)
                                return r;
                }
        }
}

static inline int test_request(void *userdata, const struct nlmsghdr *req, const char **ret_extack) {
        TestSocket *s = userdata;

        s->extack[0] = 0;
        if (mnl_socket_sendto(s->nl, req, req->nlmsg_len) < 0)
                return -errno;
        return test_recv_until(s, req->nlmsg_seq, NULL, NULL, ret_extack);
}

static inline int test_query(
        void *userdata, const struct nlmsghdr *req, kernel_pm_reply_t on_reply, void *ud,
        const char **ret_extack) {
        TestSocket *s = userdata;

        s->extack[0] = 0;
        if (mnl_socket_sendto(s->nl, req, req->nlmsg_len) < 0)
                return -errno;
        return test_recv_until(s, req->nlmsg_seq, on_reply, ud, ret_extack);
}

static inline uint32_t test_next_seq(void *userdata) {
        TestSocket *s = userdata;
        return ++s->seq;
}

/* Opens the socket, resolves the family and fills *t. Returns 0 or negative errno. */
static inline int test_socket_open(TestSocket *s, KernelPmTransport *t) {
        _Alignas(4) uint8_t buf[8192];
        struct nlmsghdr *req;
        int one = 1, r;
        ssize_t n;

        s->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
        if (!s->nl || mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        (void) mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
        r = genl_build_get_family(buf, sizeof(buf), ++s->seq, PM_GENL_NAME, &req);
        if (r < 0)
                return r;
        if (mnl_socket_sendto(s->nl, req, req->nlmsg_len) < 0)
                return -errno;
        n = mnl_socket_recvfrom(s->nl, s->rbuf, sizeof(s->rbuf));
        if (n < 0)
                return -errno;
        r = genl_parse_family((const struct nlmsghdr *) s->rbuf, (size_t) n, NULL, &s->family_id, NULL);
        if (r < 0)
                return r;
        /* The controller's ack follows; the next receive skips it by sequence number. */
        *t = (KernelPmTransport){
                .family_id = s->family_id,
                .request = test_request,
                .query = test_query,
                .next_seq = test_next_seq,
                .userdata = s,
        };
        return 0;
}
