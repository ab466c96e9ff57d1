/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-rtnl-codec.c — decoding of hand-built rtnetlink messages, malformed and truncated ones included. */
/* <net/if.h> goes before the linux headers that pull in <linux/if.h> (IF_OPER_*): not the reverse. */
#include <net/if.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <sys/socket.h>

#include "macro.h"
#include "rtnl-codec.h"

#define check(expr)                                                                                \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr);   \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define check_eq(a, b)                                                                             \
        do {                                                                                       \
                long long _a = (a), _b = (b);                                                      \
                if (_a != _b) {                                                                    \
                        fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,      \
                                __LINE__, #a, _a, #b, _b);                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

/* Message buffers are 4-byte aligned like the kernel's. */
typedef union Buf {
        uint8_t bytes[4096];
        struct nlmsghdr nlh;
} Buf;

/* ---- builders: what the kernel's rtnl_fill_ifinfo()/inet_fill_ifaddr()/inet6_fill_ifaddr() emit ---- */

static struct nlmsghdr *put_link(
        void *buf, uint16_t type, unsigned char family, int ifindex, unsigned flags, const char *name,
        int operstate, const char *kind) {
        static const uint8_t hw[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 }, bcast[6] = {
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff
        };
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;

        nlh->nlmsg_type = type;
        nlh->nlmsg_seq = 0;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = family;
        ifi->ifi_type = ARPHRD_ETHER;
        ifi->ifi_index = ifindex;
        ifi->ifi_flags = flags;
        ifi->ifi_change = 0;

        if (name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000);
        if (operstate >= 0)
                mnl_attr_put_u8(nlh, IFLA_OPERSTATE, (uint8_t) operstate);
        mnl_attr_put_u8(nlh, IFLA_LINKMODE, 0);
        mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
        mnl_attr_put_u32(nlh, IFLA_GROUP, 0);
        mnl_attr_put_u32(nlh, IFLA_PROMISCUITY, 0);
        mnl_attr_put_u8(nlh, IFLA_CARRIER, 1);
        mnl_attr_put_strz(nlh, IFLA_QDISC, "noqueue");
        if (kind) {
                struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO), *data;

                mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
                data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
                mnl_attr_nest_end(nlh, data);
                mnl_attr_nest_end(nlh, li);
        }
        mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(hw), hw);
        mnl_attr_put(nlh, IFLA_BROADCAST, sizeof(bcast), bcast);
        {
                struct nlattr *af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
                struct nlattr *in6 = mnl_attr_nest_start(nlh, AF_INET6);

                mnl_attr_put_u32(nlh, IFLA_INET6_FLAGS, 0x80000000);
                mnl_attr_nest_end(nlh, in6);
                mnl_attr_nest_end(nlh, af);
        }
        return nlh;
}

static struct nlmsghdr *put_addr4(
        void *buf, uint16_t type, int ifindex, const char *local, const char *peer, unsigned char plen,
        unsigned char scope, uint8_t ifa_flags, int64_t flags32) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;
        struct in_addr a;
        struct ifa_cacheinfo ci = { .ifa_prefered = 0xffffffff, .ifa_valid = 0xffffffff };

        nlh->nlmsg_type = type;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = plen;
        ifa->ifa_flags = ifa_flags;
        ifa->ifa_scope = scope;
        ifa->ifa_index = (uint32_t) ifindex;

        check(inet_pton(AF_INET, peer ?: local, &a) == 1);
        mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
        if (local) {
                check(inet_pton(AF_INET, local, &a) == 1);
                mnl_attr_put(nlh, IFA_LOCAL, sizeof(a), &a);
        }
        mnl_attr_put_strz(nlh, IFA_LABEL, "lt0");
        if (flags32 >= 0)
                mnl_attr_put_u32(nlh, IFA_FLAGS, (uint32_t) flags32);
        mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
        return nlh;
}

static struct nlmsghdr *put_addr6(
        void *buf, uint16_t type, int ifindex, const char *address, unsigned char plen, unsigned char scope,
        uint8_t ifa_flags, int64_t flags32) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;
        struct in6_addr a;
        struct ifa_cacheinfo ci = { .ifa_prefered = 0xffffffff, .ifa_valid = 0xffffffff };

        nlh->nlmsg_type = type;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_INET6;
        ifa->ifa_prefixlen = plen;
        ifa->ifa_flags = ifa_flags;
        ifa->ifa_scope = scope;
        ifa->ifa_index = (uint32_t) ifindex;

        check(inet_pton(AF_INET6, address, &a) == 1);
        mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
        mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
        if (flags32 >= 0)
                mnl_attr_put_u32(nlh, IFA_FLAGS, (uint32_t) flags32);
        mnl_attr_put_u32(nlh, IFA_RT_PRIORITY, 0);
        return nlh;
}

/* Appends a raw attribute (any nla_len, any payload size) without libmnl's sanity. */
static void put_raw_attr(struct nlmsghdr *nlh, uint16_t nla_len, uint16_t type, const void *data, size_t size) {
        struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

        a->nla_len = nla_len;
        a->nla_type = type;
        if (size > 0)
                memcpy(a + 1, data, size);
        nlh->nlmsg_len += MNL_ALIGN(sizeof(*a) + size);
}

/* ---- links ---- */

static void test_link_ok(void) {
        Buf b = {};
        RtnlLink l = {};
        struct nlmsghdr *nlh;

        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, "veth-wifi",
                       IF_OPER_UP, "veth");
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), 0);
        check_eq(l.ifindex, 7);
        check_eq(l.family, AF_UNSPEC);
        check_eq(l.flags, IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
        check_eq(l.arphrd, ARPHRD_ETHER);
        check_eq(l.operstate, IF_OPER_UP);
        check(streq(l.name, "veth-wifi"));
        check(streq(l.kind, "veth"));

        /* A longer buffer than the message is fine: only nlmsg_len counts. */
        check_eq(rtnl_decode_link(nlh, sizeof(b), &l), 0);

        /* RTM_DELLINK carries the same body. */
        nlh = put_link(&b, RTM_DELLINK, AF_UNSPEC, 9, 0, "lo2", IF_OPER_DOWN, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), 0);
        check_eq(l.ifindex, 9);
        check_eq(l.operstate, IF_OPER_DOWN);
        check(streq(l.kind, ""));

        /* No IFLA_OPERSTATE: unknown. A 15-character name is the longest there is. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 3, IFF_UP, "abcdefghijklmno", -1, "dummy");
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), 0);
        check_eq(l.operstate, IF_OPER_UNKNOWN);
        check(streq(l.name, "abcdefghijklmno"));
        check(streq(l.kind, "dummy"));

        /* A bridge port note is decoded; the family tells it apart. */
        nlh = put_link(&b, RTM_DELLINK, AF_BRIDGE, 4, IFF_UP, "eth1", IF_OPER_UP, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), 0);
        check_eq(l.family, AF_BRIDGE);

        /* A kind longer than we keep is reported as unknown, not as an error. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 5, 0, "x", IF_OPER_DOWN, "a-very-long-link-kind");
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), 0);
        check(streq(l.kind, ""));
}

static void test_link_malformed(void) {
        Buf b = {};
        RtnlLink l = { .ifindex = 4242 };
        struct nlmsghdr *nlh;
        uint32_t u32 = 6;

        /* No name. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, NULL, IF_OPER_UP, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);

        /* Name without NUL, empty name, name that does not fit IFNAMSIZ. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, NULL, IF_OPER_UP, NULL);
        mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth0");
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "", IF_OPER_UP, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "abcdefghijklmnop", IF_OPER_UP, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, NULL, IF_OPER_UP, NULL);
        mnl_attr_put(nlh, IFLA_IFNAME, 0, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);

        /* Operstate of the wrong size. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", -1, NULL);
        mnl_attr_put_u32(nlh, IFLA_OPERSTATE, IF_OPER_UP);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", -1, NULL);
        mnl_attr_put(nlh, IFLA_OPERSTATE, 0, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);

        /* ifindex 0 or negative. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 0, 0, "eth0", IF_OPER_UP, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, -3, 0, "eth0", IF_OPER_UP, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);

        /* An attribute claiming more than the message holds; one shorter than its own header. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", IF_OPER_UP, NULL);
        put_raw_attr(nlh, 64, IFLA_MTU, &u32, sizeof(u32));
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", IF_OPER_UP, NULL);
        put_raw_attr(nlh, 2, IFLA_MTU, &u32, sizeof(u32));
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);

        /* Leftover bytes after the last attribute that are not its padding. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", IF_OPER_UP, NULL);
        nlh->nlmsg_len += 2;
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);

        /* A broken attribute inside IFLA_LINKINFO. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", IF_OPER_UP, NULL);
        {
                struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

                put_raw_attr(nlh, 40, IFLA_INFO_KIND, "veth", 5);
                mnl_attr_nest_end(nlh, li);
        }
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", IF_OPER_UP, NULL);
        {
                struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

                mnl_attr_put(nlh, IFLA_INFO_KIND, 4, "veth"); /* no NUL */
                mnl_attr_nest_end(nlh, li);
        }
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EBADMSG);

        /* Header problems: nlmsg_len too small for ifinfomsg, or longer than what was received. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", IF_OPER_UP, NULL);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len - 1, &l), -EBADMSG);
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg) - 4;
        check_eq(rtnl_decode_link(nlh, sizeof(b), &l), -EBADMSG);
        nlh->nlmsg_len = 3;
        check_eq(rtnl_decode_link(nlh, sizeof(b), &l), -EBADMSG);
        check_eq(rtnl_decode_link(nlh, 0, &l), -EBADMSG);
        check_eq(rtnl_decode_link(NULL, 0, &l), -EBADMSG);

        /* Not a link message. */
        nlh = put_addr4(&b, RTM_NEWADDR, 7, "192.0.2.1", NULL, 24, RT_SCOPE_UNIVERSE, 0, -1);
        check_eq(rtnl_decode_link(nlh, nlh->nlmsg_len, &l), -EINVAL);

        /* Nothing was written by any failure. */
        check_eq(l.ifindex, 4242);
}

/* ---- addresses ---- */

static void test_addr_ok(void) {
        Buf b = {};
        RtnlAddr a = {};
        struct nlmsghdr *nlh;
        char s[INET6_ADDRSTRLEN];

        nlh = put_addr4(&b, RTM_NEWADDR, 7, "192.0.2.10", NULL, 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT,
                        IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), 0);
        check_eq(a.ifindex, 7);
        check_eq(a.addr.family, AF_INET);
        check(streq(inet_ntop(AF_INET, &a.addr.in, s, sizeof(s)), "192.0.2.10"));
        check_eq(a.addr.prefixlen, 24);
        check_eq(a.addr.scope, RT_SCOPE_UNIVERSE);
        check_eq(a.addr.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE); /* IFA_FLAGS wins over ifa_flags */

        /* Point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer. No IFA_FLAGS: ifa_flags. */
        nlh = put_addr4(&b, RTM_DELADDR, 8, "10.64.0.2", "10.64.0.1", 32, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT, -1);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), 0);
        check(streq(inet_ntop(AF_INET, &a.addr.in, s, sizeof(s)), "10.64.0.2"));
        check_eq(a.addr.flags, IFA_F_PERMANENT);

        nlh = put_addr6(&b, RTM_NEWADDR, 9, "2001:db8::1", 64, RT_SCOPE_UNIVERSE, IFA_F_TENTATIVE,
                        IFA_F_TENTATIVE | IFA_F_PERMANENT | IFA_F_MANAGETEMPADDR);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), 0);
        check_eq(a.ifindex, 9);
        check_eq(a.addr.family, AF_INET6);
        check(streq(inet_ntop(AF_INET6, &a.addr.in6, s, sizeof(s)), "2001:db8::1"));
        check_eq(a.addr.prefixlen, 64);
        check_eq(a.addr.flags, IFA_F_TENTATIVE | IFA_F_PERMANENT | IFA_F_MANAGETEMPADDR);

        nlh = put_addr6(&b, RTM_NEWADDR, 9, "fe80::1", 64, RT_SCOPE_LINK, IFA_F_PERMANENT, -1);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), 0);
        check_eq(a.addr.scope, RT_SCOPE_LINK);
}

static void test_addr_malformed(void) {
        Buf b = {};
        RtnlAddr a = { .ifindex = 4242 };
        struct nlmsghdr *nlh;
        struct in6_addr in6 = {};
        struct in_addr in4 = {};
        uint16_t u16 = 1;

        /* Address of the other family's size. */
        nlh = put_addr4(&b, RTM_NEWADDR, 7, "192.0.2.1", NULL, 24, 0, 0, -1);
        mnl_attr_put(nlh, IFA_LOCAL, sizeof(in6), &in6);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);
        nlh = put_addr6(&b, RTM_NEWADDR, 7, "2001:db8::1", 64, 0, 0, -1);
        mnl_attr_put(nlh, IFA_ADDRESS, sizeof(in4), &in4);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);

        /* IFA_FLAGS of the wrong size. */
        nlh = put_addr6(&b, RTM_NEWADDR, 7, "2001:db8::1", 64, 0, 0, -1);
        mnl_attr_put(nlh, IFA_FLAGS, sizeof(u16), &u16);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);

        /* Impossible prefix lengths, no interface, no address at all. */
        nlh = put_addr4(&b, RTM_NEWADDR, 7, "192.0.2.1", NULL, 33, 0, 0, -1);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);
        nlh = put_addr6(&b, RTM_NEWADDR, 7, "2001:db8::1", 129, 0, 0, -1);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);
        nlh = put_addr6(&b, RTM_NEWADDR, 0, "2001:db8::1", 64, 0, 0, -1);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);
        nlh = mnl_nlmsg_put_header(&b);
        nlh->nlmsg_type = RTM_NEWADDR;
        {
                struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

                ifa->ifa_family = AF_INET;
                ifa->ifa_index = 3;
        }
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);

        /* Other families are not errors of the message, just not ours. */
        ((struct ifaddrmsg *) mnl_nlmsg_get_payload(nlh))->ifa_family = AF_PACKET;
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EAFNOSUPPORT);

        /* Attribute running past the message; nlmsg_len past the buffer; too short for ifaddrmsg. */
        nlh = put_addr4(&b, RTM_NEWADDR, 7, "192.0.2.1", NULL, 24, 0, 0, -1);
        put_raw_attr(nlh, 200, IFA_LOCAL, &in4, sizeof(in4));
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EBADMSG);
        nlh = put_addr4(&b, RTM_NEWADDR, 7, "192.0.2.1", NULL, 24, 0, 0, -1);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len - 4, &a), -EBADMSG);
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
        check_eq(rtnl_decode_addr(nlh, sizeof(b), &a), -EBADMSG);

        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, 0, "eth0", IF_OPER_UP, NULL);
        check_eq(rtnl_decode_addr(nlh, nlh->nlmsg_len, &a), -EINVAL);

        check_eq(a.ifindex, 4242);
}

/* ---- control messages and datagrams ---- */

static struct nlmsghdr *put_error(void *buf, int error, uint32_t seq) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct nlmsgerr *e;

        nlh->nlmsg_type = NLMSG_ERROR;
        nlh->nlmsg_seq = seq;
        e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
        e->error = error;
        e->msg = (struct nlmsghdr) { .nlmsg_len = 40, .nlmsg_type = RTM_GETLINK, .nlmsg_seq = seq };
        return nlh;
}

static void test_control(void) {
        Buf b = {};
        struct nlmsghdr *nlh;
        int error = 1;

        nlh = put_error(&b, 0, 1);
        check_eq(rtnl_decode_error(nlh, nlh->nlmsg_len, &error), 0);
        check_eq(error, 0);
        nlh = put_error(&b, -EPERM, 1);
        check_eq(rtnl_decode_error(nlh, nlh->nlmsg_len, &error), 0);
        check_eq(error, -EPERM);
        nlh = put_error(&b, 5, 1);
        check_eq(rtnl_decode_error(nlh, nlh->nlmsg_len, &error), -EBADMSG);
        nlh = put_error(&b, -EPERM, 1);
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(int);
        check_eq(rtnl_decode_error(nlh, nlh->nlmsg_len, &error), -EBADMSG);

        nlh = mnl_nlmsg_put_header(&b);
        nlh->nlmsg_type = NLMSG_DONE;
        check_eq(rtnl_decode_done(nlh, nlh->nlmsg_len, &error), 0);
        check_eq(error, 0);
        *(int *) mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = -EINTR;
        check_eq(rtnl_decode_done(nlh, nlh->nlmsg_len, &error), 0);
        check_eq(error, -EINTR);
        check_eq(rtnl_decode_done(nlh, nlh->nlmsg_len - 1, &error), -EBADMSG);
        check_eq(rtnl_decode_error(nlh, nlh->nlmsg_len, &error), -EINVAL);
}

static void test_datagram(void) {
        Buf b = {};
        const struct nlmsghdr *m;
        struct nlmsghdr *nlh;
        size_t off = 0, len, mlen, first;
        int error;

        /* link + address + DONE in one datagram, as a dump delivers them. */
        nlh = put_link(b.bytes, RTM_NEWLINK, AF_UNSPEC, 2, IFF_UP, "eth0", IF_OPER_UP, "veth");
        first = nlh->nlmsg_len;
        len = MNL_ALIGN(nlh->nlmsg_len);
        nlh = put_addr6(b.bytes + len, RTM_NEWADDR, 2, "2001:db8::2", 64, 0, 0, 0);
        len += MNL_ALIGN(nlh->nlmsg_len);
        nlh = mnl_nlmsg_put_header(b.bytes + len);
        nlh->nlmsg_type = NLMSG_DONE;
        *(int *) mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
        len += nlh->nlmsg_len;

        check_eq(rtnl_next_message(b.bytes, len, &off, &m, &mlen), 1);
        check_eq(m->nlmsg_type, RTM_NEWLINK);
        check_eq(mlen, first);
        check_eq(rtnl_next_message(b.bytes, len, &off, &m, &mlen), 1);
        check_eq(m->nlmsg_type, RTM_NEWADDR);
        check_eq(rtnl_next_message(b.bytes, len, &off, &m, &mlen), 1);
        check_eq(m->nlmsg_type, NLMSG_DONE);
        check_eq(rtnl_decode_done(m, mlen, &error), 0);
        check_eq(rtnl_next_message(b.bytes, len, &off, &m, &mlen), 0);
        check_eq(rtnl_next_message(b.bytes, len, &off, &m, &mlen), 0);

        /* Trailing bytes that are not a message, and a last message cut short. */
        off = 0;
        check_eq(rtnl_next_message(b.bytes, len + 3, &off, &m, &mlen), 1);
        check_eq(rtnl_next_message(b.bytes, len + 3, &off, &m, &mlen), 1);
        check_eq(rtnl_next_message(b.bytes, len + 3, &off, &m, &mlen), 1);
        check_eq(rtnl_next_message(b.bytes, len + 3, &off, &m, &mlen), -EBADMSG);
        off = 0;
        check_eq(rtnl_next_message(b.bytes, first - 1, &off, &m, &mlen), -EBADMSG);
        off = 0;
        check_eq(rtnl_next_message(b.bytes, 0, &off, &m, &mlen), 0);
}

static void test_dump_reply(void) {
        Buf b = {};
        struct nlmsghdr *nlh;
        bool intr = false;

        /* An entry of our dump; the same from another socket or sequence is not ours. */
        nlh = put_link(&b, RTM_NEWLINK, AF_UNSPEC, 2, 0, "eth0", IF_OPER_UP, NULL);
        nlh->nlmsg_pid = 1234;
        nlh->nlmsg_seq = 9;
        nlh->nlmsg_flags = NLM_F_MULTI;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), RTNL_DUMP_ENTRY);
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 8, &intr), RTNL_DUMP_OTHER);
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 99, 9, &intr), RTNL_DUMP_OTHER);
        check(!intr);

        /* NLMSG_DONE: clean, with an error in its payload, or after an inconsistent part. */
        nlh = mnl_nlmsg_put_header(&b);
        nlh->nlmsg_type = NLMSG_DONE;
        nlh->nlmsg_flags = NLM_F_MULTI;
        nlh->nlmsg_pid = 1234;
        nlh->nlmsg_seq = 9;
        *(int *) mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), RTNL_DUMP_DONE);
        *(int *) mnl_nlmsg_get_payload(nlh) = -ENOBUFS;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), -ENOBUFS);
        *(int *) mnl_nlmsg_get_payload(nlh) = 0;
        nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), -EAGAIN);
        check(intr);
        nlh->nlmsg_flags &= (uint16_t) ~NLM_F_DUMP_INTR;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), -EAGAIN); /* it sticks */
        intr = false;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len - 1, 1234, 9, &intr), -EBADMSG);

        /* NLMSG_ERROR ends the dump with the kernel's error; an ACK has no business here. */
        nlh = put_error(&b, -EOPNOTSUPP, 9);
        nlh->nlmsg_pid = 1234;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), -EOPNOTSUPP);
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 10, &intr), RTNL_DUMP_OTHER);
        nlh = put_error(&b, 0, 9);
        nlh->nlmsg_pid = 1234;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), -EPROTO);
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 1234, 9, &intr), -EBADMSG);
        check_eq(rtnl_dump_reply(nlh, 8, 1234, 9, &intr), -EBADMSG);

        nlh = mnl_nlmsg_put_header(&b);
        nlh->nlmsg_type = NLMSG_NOOP;
        check_eq(rtnl_dump_reply(nlh, nlh->nlmsg_len, 0, 0, &intr), RTNL_DUMP_OTHER);
}

static void test_dump_request(void) {
        uint8_t buf[64] __attribute__((aligned(4)));
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
        const struct nlattr *a;
        int len;

        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETLINK, 77);
        check_eq(len, 40);
        check_eq(nlh->nlmsg_len, 40);
        check_eq(nlh->nlmsg_type, RTM_GETLINK);
        check_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
        check_eq(nlh->nlmsg_seq, 77);
        a = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg));
        check_eq(mnl_attr_get_type(a), IFLA_EXT_MASK);
        check_eq(mnl_attr_get_u32(a), RTEXT_FILTER_SKIP_STATS);

        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETADDR, 78);
        check_eq(len, 24);
        check_eq(nlh->nlmsg_type, RTM_GETADDR);
        check_eq(((const struct ifaddrmsg *) mnl_nlmsg_get_payload(nlh))->ifa_family, AF_UNSPEC);

        check_eq(rtnl_build_dump_request(buf, 39, RTM_GETLINK, 1), -ENOBUFS);
        check_eq(rtnl_build_dump_request(buf, sizeof(buf), RTM_GETROUTE, 1), -EINVAL);
}

static void test_addr_same(void) {
        LinkAddr a = { .family = AF_INET, .prefixlen = 24 }, b;

        check(inet_pton(AF_INET, "10.0.0.1", &a.in) == 1);
        b = a;
        check(link_addr_same(&a, &b));
        b.prefixlen = 8; /* IPv4: another object */
        check(!link_addr_same(&a, &b));

        a = (LinkAddr) { .family = AF_INET6, .prefixlen = 64 };
        check(inet_pton(AF_INET6, "2001:db8::1", &a.in6) == 1);
        b = a;
        b.prefixlen = 48; /* IPv6: the same object */
        b.flags = IFA_F_TENTATIVE;
        check(link_addr_same(&a, &b));
        b.family = AF_INET;
        check(!link_addr_same(&a, &b));
}

/* ---- truncation and corruption: no crash, no over-read (run under ASan), only the documented errors ---- */

typedef int (*decode_fn_t)(const struct nlmsghdr *nlh, size_t len);

static int decode_link_any(const struct nlmsghdr *nlh, size_t len) {
        RtnlLink l;
        return rtnl_decode_link(nlh, len, &l);
}

static int decode_addr_any(const struct nlmsghdr *nlh, size_t len) {
        RtnlAddr a;
        return rtnl_decode_addr(nlh, len, &a);
}

static int decode_error_any(const struct nlmsghdr *nlh, size_t len) {
        int e;
        return rtnl_decode_error(nlh, len, &e);
}

static int decode_done_any(const struct nlmsghdr *nlh, size_t len) {
        int e;
        return rtnl_decode_done(nlh, len, &e);
}

static int decode_dump_reply_any(const struct nlmsghdr *nlh, size_t len) {
        bool intr = false;
        int r = rtnl_dump_reply(nlh, len, 0, 0, &intr);

        return r == -EBADMSG ? r : 0; /* anything else is a classification, the kernel's error included */
}

static int walk_all(const void *buf, size_t len) {
        const struct nlmsghdr *m;
        size_t off = 0, mlen;
        int r;

        while ((r = rtnl_next_message(buf, len, &off, &m, &mlen)) > 0) {
                switch (m->nlmsg_type) {
                case RTM_NEWLINK:
                case RTM_DELLINK:
                        (void) decode_link_any(m, mlen);
                        break;
                case RTM_NEWADDR:
                case RTM_DELADDR:
                        (void) decode_addr_any(m, mlen);
                        break;
                default:
                        break;
                }
        }
        return r;
}

static void sweep_truncations(const struct nlmsghdr *orig, decode_fn_t decode, size_t *n_ok) {
        size_t full = orig->nlmsg_len;

        check_eq(decode(orig, full), 0);

        for (size_t k = 0; k < full; k++) {
                /* An exactly-sized heap copy, so ASan sees any read past the k bytes. */
                uint8_t *p = malloc(k ?: 1);
                size_t off = 0, mlen;
                const struct nlmsghdr *m;
                int r;

                check(p);
                memcpy(p, orig, k);

                /* The header still claims the full length: always rejected. */
                check_eq(decode((const struct nlmsghdr *) p, k), -EBADMSG);
                check_eq(rtnl_next_message(p, k, &off, &m, &mlen), k == 0 ? 0 : -EBADMSG);

                /* The header agrees with the cut: whatever remains is parsed without crossing it. */
                if (k >= sizeof(uint32_t)) {
                        uint32_t l32 = (uint32_t) k;

                        memcpy(p, &l32, sizeof(l32));
                        r = decode((const struct nlmsghdr *) p, k);
                        check(r == 0 || r == -EBADMSG);
                        if (r == 0)
                                (*n_ok)++;
                        (void) walk_all(p, k);
                }
                free(p);
        }
}

static void test_truncations(void) {
        Buf b = {};
        size_t n_ok = 0;

        sweep_truncations(put_link(&b, RTM_NEWLINK, AF_UNSPEC, 7, IFF_UP, "veth-wifi", IF_OPER_UP, "veth"),
                          decode_link_any, &n_ok);
        sweep_truncations(put_link(&b, RTM_DELLINK, AF_UNSPEC, 7, 0, "x", IF_OPER_DOWN, NULL),
                          decode_link_any, &n_ok);
        sweep_truncations(put_addr4(&b, RTM_NEWADDR, 7, "10.0.0.2", "10.0.0.1", 32, 0, 0, IFA_F_PERMANENT),
                          decode_addr_any, &n_ok);
        sweep_truncations(put_addr6(&b, RTM_DELADDR, 7, "2001:db8::7", 64, 0, 0, IFA_F_NODAD),
                          decode_addr_any, &n_ok);
        sweep_truncations(put_error(&b, -ENODEV, 3), decode_error_any, &n_ok);
        {
                struct nlmsghdr *nlh = mnl_nlmsg_put_header(&b);

                nlh->nlmsg_type = NLMSG_DONE;
                *(int *) mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
                sweep_truncations(nlh, decode_done_any, &n_ok);
                sweep_truncations(nlh, decode_dump_reply_any, &n_ok);
        }
        sweep_truncations(put_error(&b, -EPERM, 0), decode_dump_reply_any, &n_ok);

        /* Cuts at attribute boundaries leave valid shorter messages: some must decode. */
        check(n_ok > 0);
}

/* Deterministic xorshift so a failure reproduces. */
static uint32_t rng_state = 0x2545f491;
static uint32_t rng(void) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 17;
        rng_state ^= rng_state << 5;
        return rng_state;
}

static void test_corruption(void) {
        Buf b = {};
        struct nlmsghdr *msgs[4];
        size_t lens[4];
        Buf store[4];
        size_t n_rejected = 0;

        msgs[0] = put_link(&store[0], RTM_NEWLINK, AF_UNSPEC, 7, IFF_UP, "veth-wifi", IF_OPER_UP, "veth");
        msgs[1] = put_addr4(&store[1], RTM_NEWADDR, 7, "10.0.0.2", NULL, 24, 0, 0, IFA_F_PERMANENT);
        msgs[2] = put_addr6(&store[2], RTM_NEWADDR, 7, "2001:db8::7", 64, 0, 0, IFA_F_NODAD);
        msgs[3] = put_link(&store[3], RTM_DELLINK, AF_UNSPEC, 9, 0, "lte0", IF_OPER_DOWN, "dummy");
        for (size_t i = 0; i < 4; i++)
                lens[i] = msgs[i]->nlmsg_len;

        for (unsigned iter = 0; iter < 200000; iter++) {
                size_t i = rng() % 4, len = lens[i];
                uint8_t *p;
                int r;

                memcpy(&b, msgs[i], len);
                for (unsigned flips = 1 + rng() % 4; flips > 0; flips--)
                        b.bytes[rng() % len] ^= (uint8_t) (1u << (rng() % 8));

                p = malloc(len);
                check(p);
                memcpy(p, &b, len);
                r = i == 0 || i == 3 ? decode_link_any((const struct nlmsghdr *) p, len)
                                     : decode_addr_any((const struct nlmsghdr *) p, len);
                check(r == 0 || r == -EBADMSG || r == -EINVAL || r == -EAFNOSUPPORT);
                if (r < 0)
                        n_rejected++;
                (void) walk_all(p, len);
                free(p);
        }

        check(n_rejected > 0);
}

int main(void) {
        test_link_ok();
        test_link_malformed();
        test_addr_ok();
        test_addr_malformed();
        test_control();
        test_datagram();
        test_dump_reply();
        test_dump_request();
        test_addr_same();
        test_truncations();
        test_corruption();
        printf("test-rtnl-codec: all checks passed\n");
        return 0;
}
