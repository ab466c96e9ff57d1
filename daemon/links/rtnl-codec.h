/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnl-codec.h — pure decoding of rtnetlink link/address messages into plain structs (no I/O). */
#pragma once

#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IFNAMSIZ from whichever of <linux/if.h> and <net/if.h> came first (they clash the other way round). */
#ifndef IFNAMSIZ
#include <net/if.h>
#endif

/* Longest IFLA_INFO_KIND we keep ("dummy", "veth", "wireguard", ...), NUL included. */
#define LINK_KIND_MAX 16

/* One address of a link, as the kernel reports it (RTM_NEWADDR/RTM_DELADDR). */
typedef struct LinkAddr {
        int family; /* AF_INET or AF_INET6 */
        union {
                struct in_addr in;
                struct in6_addr in6;
        };
        unsigned char prefixlen;
        unsigned char scope; /* RT_SCOPE_* */
        uint32_t flags;      /* IFA_F_* (IFA_FLAGS when present, else ifa_flags) */
} LinkAddr;

/* One link message (RTM_NEWLINK/RTM_DELLINK). */
typedef struct RtnlLink {
        int ifindex;
        unsigned char family;    /* ifi_family: AF_UNSPEC for real link state, AF_BRIDGE for bridge ports */
        unsigned flags;          /* IFF_* */
        unsigned short arphrd;   /* ARPHRD_* */
        unsigned char operstate; /* IF_OPER_*; IF_OPER_UNKNOWN when the attribute is absent */
        char name[IFNAMSIZ];     /* IFLA_IFNAME, always present and NUL-terminated */
        char kind[LINK_KIND_MAX]; /* IFLA_LINKINFO/IFLA_INFO_KIND, "" when absent or too long */
} RtnlLink;

/* One address message (RTM_NEWADDR/RTM_DELADDR). */
typedef struct RtnlAddr {
        int ifindex;
        LinkAddr addr;
} RtnlAddr;

/* All decoders take the message and the number of bytes that are really readable at it, check the
 * header, nlmsg_len against that count and every attribute's length, and never read past either.
 * They return 0 and fill *ret, or -EBADMSG for a truncated/malformed message (ret untouched),
 * or -EINVAL when nlmsg_type is not what the decoder is for. */

/* RTM_NEWLINK / RTM_DELLINK. Requires ifi_index > 0 and a valid IFLA_IFNAME. */
int rtnl_decode_link(const struct nlmsghdr *nlh, size_t len, RtnlLink *ret);

/* RTM_NEWADDR / RTM_DELADDR. The address is IFA_LOCAL when present (IPv4 and peer addresses), else
 * IFA_ADDRESS. Returns -EAFNOSUPPORT for families other than AF_INET/AF_INET6. */
int rtnl_decode_addr(const struct nlmsghdr *nlh, size_t len, RtnlAddr *ret);

/* NLMSG_ERROR: *ret_error = the (<= 0) error code the kernel reports; 0 is an ACK. */
int rtnl_decode_error(const struct nlmsghdr *nlh, size_t len, int *ret_error);

/* NLMSG_DONE: *ret_error = the (<= 0) error code the kernel may append to it, 0 when absent. */
int rtnl_decode_done(const struct nlmsghdr *nlh, size_t len, int *ret_error);

/* Where one reply stands in a dump we requested on socket portid with sequence number seq. */
enum {
        RTNL_DUMP_OTHER = 0, /* not part of this dump (another request, a notification): skip it */
        RTNL_DUMP_ENTRY = 1, /* one object of the dump: decode it by nlmsg_type */
        RTNL_DUMP_DONE = 2,  /* NLMSG_DONE: complete and consistent */
};
/* Returns one of the above, or: -EAGAIN when the dump completed but a message of it carried
 * NLM_F_DUMP_INTR (*interrupted, which the caller zeroes per dump, remembers it): restart it; the
 * kernel's error from NLMSG_ERROR or from NLMSG_DONE's payload; -EPROTO for an ACK where a dump
 * reply belongs; -EBADMSG for a malformed control message. */
int rtnl_dump_reply(const struct nlmsghdr *nlh, size_t len, uint32_t portid, uint32_t seq, bool *interrupted);

/* Walk the messages of one received datagram: *offset starts at 0. Returns 1 with *ret_msg and
 * *ret_len (bytes of that message, nlmsg_len) set and *offset advanced, 0 at the clean end of the
 * datagram, or -EBADMSG when the rest of the buffer is not a whole message (truncated). */
int rtnl_next_message(
        const void *buf, size_t len, size_t *offset, const struct nlmsghdr **ret_msg, size_t *ret_len);

/* Build a dump request (RTM_GETLINK with IFLA_EXT_MASK=RTEXT_FILTER_SKIP_STATS, or RTM_GETADDR, both
 * AF_UNSPEC) into buf. Returns its length, or -ENOBUFS when size is too small, -EINVAL for other types. */
int rtnl_build_dump_request(void *buf, size_t size, uint16_t type, uint32_t seq);

/* Two addresses name the same kernel object: same family and address, and for IPv4 the same prefix
 * length too (IPv4 allows 10.0.0.1/8 and 10.0.0.1/24 side by side; IPv6 keys on the address). */
bool link_addr_same(const LinkAddr *a, const LinkAddr *b);
