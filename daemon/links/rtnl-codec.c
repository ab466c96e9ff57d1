/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnl-codec.c — bounds-checked decoding of rtnetlink link/address messages, and dump requests. */
/* <net/if.h> goes before the linux headers that pull in <linux/if.h> (IF_OPER_*): not the reverse. */
#include <net/if.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"
#include "nl-attr.h"
#include "rtnl-codec.h"

/* Checks that a whole message of one of the two types, with a family header of hdrlen bytes, is
 * readable at nlh: -EBADMSG if not, -EINVAL if it is a whole message of another type. */
static int message_check(const struct nlmsghdr *nlh, size_t len, uint16_t type1, uint16_t type2, size_t hdrlen) {
        if (!nlh || len > INT_MAX)
                return -EBADMSG;
        if (!mnl_nlmsg_ok(nlh, (int) len))
                return -EBADMSG;
        if (nlh->nlmsg_type != type1 && nlh->nlmsg_type != type2)
                return -EINVAL;
        if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen))
                return -EBADMSG;
        return 0;
}

static const void *message_attrs(const struct nlmsghdr *nlh, size_t hdrlen, size_t *ret_len) {
        *ret_len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(hdrlen);
        return mnl_nlmsg_get_payload_offset(nlh, hdrlen);
}

/* A NUL-terminated string attribute whose string (without NUL) is 1..size-1 bytes. Returns 0 and copies
 * it, -ENAMETOOLONG when it is well-formed but does not fit, -EBADMSG when it is not a string. */
static int attr_get_string(const struct nlattr *a, char *ret, size_t size) {
        const char *s = mnl_attr_get_payload(a);
        size_t plen = mnl_attr_get_payload_len(a);
        const char *nul;

        nul = memchr(s, 0, plen);
        if (!nul || nul == s)
                return -EBADMSG;
        if ((size_t) (nul - s) >= size)
                return -ENAMETOOLONG;

        memcpy(ret, s, (size_t) (nul - s) + 1);
        return 0;
}

typedef struct LinkParse {
        RtnlLink link;
        bool have_name;
} LinkParse;

static int linkinfo_attr(const struct nlattr *a, void *userdata) {
        LinkParse *p = userdata;
        int r;

        if (mnl_attr_get_type(a) != IFLA_INFO_KIND)
                return 0;

        r = attr_get_string(a, p->link.kind, sizeof(p->link.kind));
        if (r == -ENAMETOOLONG) {
                p->link.kind[0] = 0; /* documented: unknown rather than wrong */
                return 0;
        }
        return r;
}

static int link_attr(const struct nlattr *a, void *userdata) {
        LinkParse *p = userdata;
        int r;

        switch (mnl_attr_get_type(a)) {
        case IFLA_IFNAME:
                r = attr_get_string(a, p->link.name, sizeof(p->link.name));
                if (r < 0)
                        return -EBADMSG; /* a name longer than IFNAMSIZ is corrupt */
                p->have_name = true;
                return 0;

        case IFLA_OPERSTATE:
                if (mnl_attr_get_payload_len(a) != sizeof(uint8_t))
                        return -EBADMSG;
                p->link.operstate = mnl_attr_get_u8(a);
                return 0;

        case IFLA_LINKINFO:
                p->link.kind[0] = 0;
                return nl_attrs_walk(
                        mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), linkinfo_attr, p);

        default:
                return 0;
        }
}

int rtnl_decode_link(const struct nlmsghdr *nlh, size_t len, RtnlLink *ret) {
        struct ifinfomsg ifi;
        LinkParse p = {};
        const void *attrs;
        size_t attrs_len;
        int r;

        if (!ret)
                return -EINVAL;

        r = message_check(nlh, len, RTM_NEWLINK, RTM_DELLINK, sizeof(struct ifinfomsg));
        if (r < 0)
                return r;

        memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
        if (ifi.ifi_index <= 0)
                return -EBADMSG;

        p.link = (RtnlLink) {
                .ifindex = ifi.ifi_index,
                .family = ifi.ifi_family,
                .flags = ifi.ifi_flags,
                .arphrd = ifi.ifi_type,
                .operstate = IF_OPER_UNKNOWN,
        };

        attrs = message_attrs(nlh, sizeof(struct ifinfomsg), &attrs_len);
        r = nl_attrs_walk(attrs, attrs_len, link_attr, &p);
        if (r < 0)
                return r;
        if (!p.have_name)
                return -EBADMSG;

        *ret = p.link;
        return 0;
}

typedef struct AddrParse {
        int family;
        bool have_address, have_local, have_flags;
        union {
                struct in_addr in;
                struct in6_addr in6;
        } address, local;
        uint32_t flags;
} AddrParse;

static size_t family_addr_size(int family) {
        return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static int addr_attr(const struct nlattr *a, void *userdata) {
        AddrParse *p = userdata;

        switch (mnl_attr_get_type(a)) {
        case IFA_ADDRESS:
        case IFA_LOCAL: {
                bool local = mnl_attr_get_type(a) == IFA_LOCAL;
                size_t sz = family_addr_size(p->family);

                if (mnl_attr_get_payload_len(a) != sz)
                        return -EBADMSG;
                memcpy(local ? (void *) &p->local : (void *) &p->address, mnl_attr_get_payload(a), sz);
                if (local)
                        p->have_local = true;
                else
                        p->have_address = true;
                return 0;
        }

        case IFA_FLAGS:
                if (mnl_attr_get_payload_len(a) != sizeof(uint32_t))
                        return -EBADMSG;
                memcpy(&p->flags, mnl_attr_get_payload(a), sizeof(uint32_t));
                p->have_flags = true;
                return 0;

        default:
                return 0;
        }
}

int rtnl_decode_addr(const struct nlmsghdr *nlh, size_t len, RtnlAddr *ret) {
        struct ifaddrmsg ifa;
        AddrParse p = {};
        const void *attrs;
        size_t attrs_len;
        RtnlAddr a = {};
        int r;

        if (!ret)
                return -EINVAL;

        r = message_check(nlh, len, RTM_NEWADDR, RTM_DELADDR, sizeof(struct ifaddrmsg));
        if (r < 0)
                return r;

        memcpy(&ifa, mnl_nlmsg_get_payload(nlh), sizeof(ifa));
        if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6)
                return -EAFNOSUPPORT;
        if (ifa.ifa_index == 0 || ifa.ifa_index > INT_MAX)
                return -EBADMSG;
        if (ifa.ifa_prefixlen > (ifa.ifa_family == AF_INET ? 32 : 128))
                return -EBADMSG;

        p.family = ifa.ifa_family;
        attrs = message_attrs(nlh, sizeof(struct ifaddrmsg), &attrs_len);
        r = nl_attrs_walk(attrs, attrs_len, addr_attr, &p);
        if (r < 0)
                return r;
        if (!p.have_local && !p.have_address)
                return -EBADMSG;

        a.ifindex = (int) ifa.ifa_index;
        a.addr.family = ifa.ifa_family;
        memcpy(&a.addr.in6, p.have_local ? (void *) &p.local : (void *) &p.address,
               family_addr_size(p.family));
        a.addr.prefixlen = ifa.ifa_prefixlen;
        a.addr.scope = ifa.ifa_scope;
        a.addr.flags = p.have_flags ? p.flags : ifa.ifa_flags;

        *ret = a;
        return 0;
}

static int errno_check(int error) {
        /* Kernel errors are 0 or -1..-4095. */
        return error <= 0 && error >= -4095 ? 0 : -EBADMSG;
}

int rtnl_decode_error(const struct nlmsghdr *nlh, size_t len, int *ret_error) {
        struct nlmsgerr e;
        int r;

        if (!ret_error)
                return -EINVAL;

        r = message_check(nlh, len, NLMSG_ERROR, NLMSG_ERROR, sizeof(struct nlmsgerr));
        if (r < 0)
                return r;

        memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
        if (errno_check(e.error) < 0)
                return -EBADMSG;

        *ret_error = e.error;
        return 0;
}

int rtnl_decode_done(const struct nlmsghdr *nlh, size_t len, int *ret_error) {
        int error = 0, r;

        if (!ret_error)
                return -EINVAL;

        r = message_check(nlh, len, NLMSG_DONE, NLMSG_DONE, 0);
        if (r < 0)
                return r;

        if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
                memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
                if (errno_check(error) < 0)
                        return -EBADMSG;
        }

        *ret_error = error;
        return 0;
}

int rtnl_dump_reply(const struct nlmsghdr *nlh, size_t len, uint32_t portid, uint32_t seq, bool *interrupted) {
        int error, r;

        if (!interrupted)
                return -EINVAL;
        if (!nlh || len > INT_MAX || !mnl_nlmsg_ok(nlh, (int) len))
                return -EBADMSG;
        if (nlh->nlmsg_pid != portid || nlh->nlmsg_seq != seq)
                return RTNL_DUMP_OTHER;
        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
                *interrupted = true;

        switch (nlh->nlmsg_type) {
        case NLMSG_DONE:
                r = rtnl_decode_done(nlh, len, &error);
                if (r < 0)
                        return r;
                if (error < 0)
                        return error;
                return *interrupted ? -EAGAIN : RTNL_DUMP_DONE;

        case NLMSG_ERROR:
                r = rtnl_decode_error(nlh, len, &error);
                if (r < 0)
                        return r;
                return error < 0 ? error : -EPROTO; /* an ACK never ends a dump */

        case NLMSG_NOOP:
        case NLMSG_OVERRUN:
                return RTNL_DUMP_OTHER;

        default:
                return RTNL_DUMP_ENTRY;
        }
}

int rtnl_next_message(
        const void *buf, size_t len, size_t *offset, const struct nlmsghdr **ret_msg, size_t *ret_len) {
        const struct nlmsghdr *nlh;
        size_t rest;

        if (!buf || !offset || !ret_msg || !ret_len)
                return -EINVAL;
        if (*offset >= len)
                return 0;

        rest = len - *offset;
        if (rest > INT_MAX)
                return -EBADMSG;

        nlh = (const struct nlmsghdr *) ((const uint8_t *) buf + *offset);
        if (!mnl_nlmsg_ok(nlh, (int) rest))
                return -EBADMSG;

        *ret_msg = nlh;
        *ret_len = nlh->nlmsg_len;
        *offset += MNL_ALIGN(nlh->nlmsg_len);
        return 1;
}

int rtnl_build_dump_request(void *buf, size_t size, uint16_t type, uint32_t seq) {
        struct nlmsghdr *nlh;
        size_t need;

        if (!buf)
                return -EINVAL;

        switch (type) {
        case RTM_GETLINK:
                need = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)) + MNL_ATTR_HDRLEN +
                       MNL_ALIGN(sizeof(uint32_t));
                break;
        case RTM_GETADDR:
                need = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifaddrmsg));
                break;
        default:
                return -EINVAL;
        }
        if (size < need)
                return -ENOBUFS;

        memset(buf, 0, need);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;

        if (type == RTM_GETLINK) {
                struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
                ifi->ifi_family = AF_UNSPEC;
                mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        } else {
                struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
                ifa->ifa_family = AF_UNSPEC;
        }

        return (int) nlh->nlmsg_len;
}

bool link_addr_same(const LinkAddr *a, const LinkAddr *b) {
        if (a->family != b->family)
                return false;
        if (a->family == AF_INET)
                return a->in.s_addr == b->in.s_addr && a->prefixlen == b->prefixlen;
        if (a->family == AF_INET6)
                return memcmp(&a->in6, &b->in6, sizeof(a->in6)) == 0;
        return false;
}
