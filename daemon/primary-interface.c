/* SPDX-License-Identifier: GPL-2.0-or-later */
/* primary-interface.c — finds the default route's interface with one rtnetlink route dump. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "primary-interface.h"

typedef struct Best {
        int ifindex;
        uint32_t metric;
} Best;

static int on_route(const struct nlmsghdr *nlh, void *data) {
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *a;
        uint32_t table = rtm->rtm_table, metric = 0;
        int oif = 0;
        Best *best = data;

        if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST)
                return MNL_CB_OK;
        mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
                switch (mnl_attr_get_type(a)) {
                case RTA_OIF:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
                                oif = (int) mnl_attr_get_u32(a);
                        break;
                case RTA_PRIORITY:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
                                metric = mnl_attr_get_u32(a);
                        break;
                case RTA_TABLE:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
                                table = mnl_attr_get_u32(a);
                        break;
                default:
                        break;
                }
        }
        /* Multipath default routes (RTA_MULTIPATH, no RTA_OIF) have no single primary: skipped. */
        if (table != RT_TABLE_MAIN || oif <= 0)
                return MNL_CB_OK;
        if (best->ifindex == 0 || metric < best->metric)
                *best = (Best) { .ifindex = oif, .metric = metric };
        return MNL_CB_OK;
}

static int dump_family(struct mnl_socket *nl, int family, Best *best) {
        char buf[32768]; /* a dump batch, MNL_SOCKET_BUFFER_SIZE or more */
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct rtmsg *rtm;
        unsigned portid = mnl_socket_get_portid(nl);
        uint32_t seq = (uint32_t) time(NULL) + (uint32_t) family;
        ssize_t n;
        int r;

        nlh->nlmsg_type = RTM_GETROUTE;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = (unsigned char) family;

        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t) n, seq, portid, on_route, best);
                if (r < 0)
                        return -errno;
                if (r == MNL_CB_STOP)
                        return 0;
        }
}

int primary_interface_lookup(void) {
        struct mnl_socket *nl;
        Best best = {};
        int r;

        nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        r = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ? -errno : 0;
        if (r >= 0)
                r = dump_family(nl, AF_INET, &best);
        if (r >= 0 && best.ifindex == 0)
                r = dump_family(nl, AF_INET6, &best);
        mnl_socket_close(nl);
        return r < 0 ? r : best.ifindex;
}
