/* SPDX-License-Identifier: GPL-2.0-or-later */
/* link-tracker.h — an always-current rtnetlink table of links and their addresses, on sd-event. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "rtnl-codec.h" /* LinkAddr, LINK_KIND_MAX */

typedef struct LinkTracker LinkTracker;

/* One link. The pointer stays valid until the LINK_EVENT_LINK_REMOVED callback for it returns (or the
 * tracker is freed); addrs may move on any address event of that link. */
typedef struct LinkInfo {
        int ifindex;
        char name[IFNAMSIZ];
        unsigned flags;           /* IFF_* (as ifi_flags reports them: IFF_RUNNING, IFF_LOWER_UP...) */
        unsigned char operstate;  /* IF_OPER_* */
        unsigned short arphrd;    /* ARPHRD_* */
        char kind[LINK_KIND_MAX]; /* rtnl_link_ops kind ("veth", "dummy", "wireguard"...), "" if none */
        LinkAddr *addrs;          /* in the order the kernel announced them */
        size_t n_addrs;
} LinkInfo;

typedef enum LinkEventType {
        LINK_EVENT_LINK_NEW,      /* link set */
        LINK_EVENT_LINK_CHANGED,  /* link set: name, flags, operstate, arphrd or kind changed */
        LINK_EVENT_LINK_REMOVED,  /* link set (already out of the table, n_addrs == 0) */
        LINK_EVENT_ADDR_NEW,      /* link and addr set */
        LINK_EVENT_ADDR_CHANGED,  /* link and addr set: flags (tentative, deprecated...) or scope changed */
        LINK_EVENT_ADDR_REMOVED,  /* link and addr set (addr already out of link->addrs) */
        LINK_EVENT_RESYNCED,      /* link and addr NULL: a full re-dump was reconciled */
} LinkEventType;

/* Called after the table has been updated. It may query the tracker, but must not free it
 * (link_tracker_resync() from inside it returns -EBUSY). */
typedef void (*link_tracker_handler_t)(
        LinkTracker *t, LinkEventType type, const LinkInfo *link, const LinkAddr *addr, void *userdata);

/* Opens a NETLINK_ROUTE socket (SOCK_CLOEXEC|SOCK_NONBLOCK, SO_RCVBUFFORCE 4 MiB, falling back to
 * SO_RCVBUF), joins RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR, dumps links and addresses
 * synchronously (separate socket, bounded by LINK_TRACKER_DUMP_TIMEOUT_USEC) and adds an io source to
 * event. The table is complete when this returns; the handler is not called for the initial state.
 * handler may be NULL. Lost events (ENOBUFS, truncated datagrams) trigger a re-dump that reports the
 * differences as ordinary events followed by LINK_EVENT_RESYNCED; a failed re-dump is retried every
 * LINK_TRACKER_RETRY_USEC. Never logs. */
int link_tracker_new(sd_event *event, link_tracker_handler_t handler, void *userdata, LinkTracker **ret);
LinkTracker *link_tracker_free(LinkTracker *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(LinkTracker *, link_tracker_free);

#define LINK_TRACKER_DUMP_TIMEOUT_USEC (5 * 1000 * 1000ULL)
#define LINK_TRACKER_RETRY_USEC (1 * 1000 * 1000ULL)
#define LINK_TRACKER_RCVBUF (4 * 1024 * 1024)

const LinkInfo *link_tracker_get(LinkTracker *t, int ifindex);
const LinkInfo *link_tracker_get_by_name(LinkTracker *t, const char *name);

/* All links, sorted by ifindex. The array is valid until the next event is processed. */
size_t link_tracker_links(LinkTracker *t, const LinkInfo *const **ret);

/* Which link owns addr (struct in_addr / struct in6_addr, by address only, any prefix length).
 * Returns 0 and sets the optional out-params (lowest ifindex first), -ENOENT when no link has it,
 * -EAFNOSUPPORT for other families. */
int link_tracker_find_addr(
        LinkTracker *t, int family, const void *addr, const LinkInfo **ret_link, const LinkAddr **ret_addr);

/* Re-dump now and reconcile, as after ENOBUFS (emits differences, then LINK_EVENT_RESYNCED). */
int link_tracker_resync(LinkTracker *t);

/* The event socket (it changes on every resync). For diagnostics and tests only. */
int link_tracker_get_fd(LinkTracker *t);

/* IFF_UP and (IFF_RUNNING or operstate UP/UNKNOWN), and not IFF_LOOPBACK. */
bool link_is_usable(const LinkInfo *l);

/* Not tentative, DAD-failed or deprecated; scope global; and not a link-local or loopback address by
 * value either (169.254/16, 127/8, fe80::/10, ::1), whatever scope it was given. */
bool link_addr_is_usable(const LinkAddr *a);

const char *link_event_type_to_string(LinkEventType t);
