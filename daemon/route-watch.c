/* SPDX-License-Identifier: GPL-2.0-or-later */
/* route-watch.c — rtnetlink route multicast: wakes the manager when a default route changes. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "route-watch.h"

struct RouteWatch {
        struct mnl_socket *nl;
        sd_event_source *source;
        RouteWatchHandler handler;
        void *userdata;
};

static int on_route_message(const struct nlmsghdr *nlh, void *data) {
        const struct rtmsg *rtm;
        const struct nlattr *a;
        uint32_t table;
        bool *touched = data;

        if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
                return MNL_CB_OK;
        if (!mnl_nlmsg_ok(nlh, (int) nlh->nlmsg_len) || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
                return MNL_CB_OK;
        rtm = mnl_nlmsg_get_payload(nlh);
        if (rtm->rtm_dst_len != 0)
                return MNL_CB_OK;
        table = rtm->rtm_table;
        mnl_attr_for_each(a, nlh, sizeof(*rtm))
                if (mnl_attr_get_type(a) == RTA_TABLE && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
                        table = mnl_attr_get_u32(a);
        if (table == RT_TABLE_MAIN)
                *touched = true;
        return MNL_CB_OK;
}

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        RouteWatch *w = userdata;
        char buf[32768];
        bool touched = false;

        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == ENOBUFS) { /* messages were lost: any of them may have mattered */
                                touched = true;
                                continue;
                        }
                        break; /* EAGAIN: drained */
                }
                if (n == 0)
                        break;
                (void) mnl_cb_run(buf, (size_t) n, 0, 0, on_route_message, &touched);
        }
        if (touched)
                w->handler(w, w->userdata);
        return 0;
}

int route_watch_new(sd_event *event, RouteWatchHandler handler, void *userdata, RouteWatch **ret) {
        _cleanup_(route_watch_freep) RouteWatch *w = NULL;
        int r;

        w = calloc(1, sizeof(RouteWatch));
        if (!w)
                return -ENOMEM;
        w->handler = handler;
        w->userdata = userdata;
        w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (!w->nl)
                return -errno;
        if (mnl_socket_bind(w->nl, RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        r = sd_event_add_io(event, &w->source, mnl_socket_get_fd(w->nl), EPOLLIN, on_readable, w);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(w);
        return 0;
}

RouteWatch *route_watch_free(RouteWatch *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->source);
        if (w->nl)
                mnl_socket_close(w->nl);
        free(w);
        return NULL;
}
