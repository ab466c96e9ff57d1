/* SPDX-License-Identifier: GPL-2.0-or-later */
/* link-tracker.c — keeps the table of links/addresses current from rtnetlink dumps and multicast. */
/* <net/if.h> goes before the linux headers that pull in <linux/if.h> (IF_OPER_*): not the reverse. */
#include <net/if.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include "link-tracker.h"

/* Datagrams drained per wakeup before yielding to other event sources (the source is level-triggered). */
#define MAX_DATAGRAMS_PER_WAKEUP 64
/* How often a dump is restarted when the kernel flags it inconsistent (NLM_F_DUMP_INTR). */
#define MAX_DUMP_ATTEMPTS 5
#define RECV_BUFFER_MIN (32 * 1024)

typedef struct LinkTable {
        LinkInfo **links; /* sorted by ifindex */
        size_t n, allocated;
} LinkTable;

struct LinkTracker {
        sd_event *event;
        sd_event_source *io_source;
        sd_event_source *retry_source;
        struct mnl_socket *nl; /* multicast events */
        uint32_t seq;

        link_tracker_handler_t handler;
        void *userdata;
        bool dispatching;

        LinkTable table;

        uint8_t *buf;
        size_t buf_size;
};

static void mnl_socket_closep(struct mnl_socket **nl) {
        if (*nl)
                mnl_socket_close(*nl);
}

static uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

/* ---- the table ---- */

static LinkInfo *link_info_free(LinkInfo *l) {
        if (!l)
                return NULL;
        free(l->addrs);
        free(l);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(LinkInfo *, link_info_free);

static void link_table_done(LinkTable *tb) {
        for (size_t i = 0; i < tb->n; i++)
                link_info_free(tb->links[i]);
        free(tb->links);
        *tb = (LinkTable) {};
}

/* Binary search: returns true if found; *ret_pos is its position or where it would be inserted. */
static bool link_table_find(const LinkTable *tb, int ifindex, size_t *ret_pos) {
        size_t lo = 0, hi = tb->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (tb->links[mid]->ifindex == ifindex) {
                        *ret_pos = mid;
                        return true;
                }
                if (tb->links[mid]->ifindex < ifindex)
                        lo = mid + 1;
                else
                        hi = mid;
        }

        *ret_pos = lo;
        return false;
}

static LinkInfo *link_table_get(const LinkTable *tb, int ifindex) {
        size_t pos;

        return link_table_find(tb, ifindex, &pos) ? tb->links[pos] : NULL;
}

static int link_table_insert_at(LinkTable *tb, size_t pos, LinkInfo *l) {
        if (tb->n == tb->allocated) {
                size_t a = MAX(tb->allocated * 2, (size_t) 16);
                LinkInfo **p = reallocarray(tb->links, a, sizeof(LinkInfo *));

                if (!p)
                        return -ENOMEM;
                tb->links = p;
                tb->allocated = a;
        }

        memmove(tb->links + pos + 1, tb->links + pos, (tb->n - pos) * sizeof(LinkInfo *));
        tb->links[pos] = l;
        tb->n++;
        return 0;
}

static LinkInfo *link_table_remove_at(LinkTable *tb, size_t pos) {
        LinkInfo *l = tb->links[pos];

        memmove(tb->links + pos, tb->links + pos + 1, (tb->n - pos - 1) * sizeof(LinkInfo *));
        tb->n--;
        return l;
}

static void link_info_set(LinkInfo *l, const RtnlLink *m) {
        l->ifindex = m->ifindex;
        memcpy(l->name, m->name, sizeof(l->name));
        l->flags = m->flags;
        l->operstate = m->operstate;
        l->arphrd = m->arphrd;
        memcpy(l->kind, m->kind, sizeof(l->kind));
}

static bool link_info_fields_equal(const LinkInfo *a, const LinkInfo *b) {
        return streq(a->name, b->name) && a->flags == b->flags && a->operstate == b->operstate &&
               a->arphrd == b->arphrd && streq(a->kind, b->kind);
}

static ssize_t link_info_find_addr(const LinkInfo *l, const LinkAddr *a) {
        for (size_t i = 0; i < l->n_addrs; i++)
                if (link_addr_same(&l->addrs[i], a))
                        return (ssize_t) i;
        return -1;
}

static int link_info_append_addr(LinkInfo *l, const LinkAddr *a) {
        LinkAddr *p = reallocarray(l->addrs, l->n_addrs + 1, sizeof(LinkAddr));

        if (!p)
                return -ENOMEM;
        l->addrs = p;
        l->addrs[l->n_addrs++] = *a;
        return 0;
}

static void link_info_remove_addr_at(LinkInfo *l, size_t i) {
        memmove(l->addrs + i, l->addrs + i + 1, (l->n_addrs - i - 1) * sizeof(LinkAddr));
        l->n_addrs--;
}

static bool link_addr_details_equal(const LinkAddr *a, const LinkAddr *b) {
        return a->prefixlen == b->prefixlen && a->scope == b->scope && a->flags == b->flags;
}

/* ---- reporting ---- */

static void emit(LinkTracker *t, LinkEventType type, const LinkInfo *l, const LinkAddr *a) {
        if (!t->handler)
                return;

        t->dispatching = true;
        t->handler(t, type, l, a, t->userdata);
        t->dispatching = false;
}

/* l is already out of the table: report its addresses going, then itself, then free it. */
static void emit_link_removed_and_free(LinkTracker *t, LinkInfo *l) {
        while (l->n_addrs > 0) {
                LinkAddr a = l->addrs[l->n_addrs - 1];

                l->n_addrs--;
                emit(t, LINK_EVENT_ADDR_REMOVED, l, &a);
        }
        emit(t, LINK_EVENT_LINK_REMOVED, l, NULL);
        link_info_free(l);
}

/* ---- sockets ---- */

static int open_event_socket(struct mnl_socket **ret) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        static const unsigned groups[] = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR };
        int fd, sz = LINK_TRACKER_RCVBUF;

        nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (!nl)
                return negative_errno();
        fd = mnl_socket_get_fd(nl);

        /* FORCE needs CAP_NET_ADMIN; otherwise take what rmem_max allows. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0 &&
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) < 0)
                return negative_errno();

        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return negative_errno();

        for (size_t i = 0; i < ELEMENTSOF(groups); i++)
                if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, (void *) &groups[i], sizeof(groups[i])) < 0)
                        return negative_errno();

        *ret = TAKE_PTR(nl);
        return 0;
}

/* Receives one whole datagram into t->buf. Returns its size, -EAGAIN when the queue is empty,
 * -ENOBUFS when the kernel dropped messages, or another negative errno. */
static ssize_t recv_datagram(LinkTracker *t, int fd, uint32_t *ret_sender) {
        struct sockaddr_nl sa = {};
        struct iovec iov;
        struct msghdr mh = {
                .msg_name = &sa,
                .msg_namelen = sizeof(sa),
                .msg_iov = &iov,
                .msg_iovlen = 1,
        };
        ssize_t n;

        /* Peek at the real size first, so a large message is never cut (and lost). */
        for (;;) {
                n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
                if (n >= 0)
                        break;
                if (errno != EINTR)
                        return -errno;
        }

        if ((size_t) n > t->buf_size) {
                size_t sz = MAX((size_t) n, t->buf_size * 2);
                uint8_t *p = realloc(t->buf, sz);

                if (!p)
                        return -ENOMEM;
                t->buf = p;
                t->buf_size = sz;
        }

        iov = (struct iovec) { .iov_base = t->buf, .iov_len = t->buf_size };
        for (;;) {
                n = recvmsg(fd, &mh, 0);
                if (n >= 0)
                        break;
                if (errno != EINTR)
                        return -errno;
        }

        if (mh.msg_flags & MSG_TRUNC)
                return -EMSGSIZE;
        if (mh.msg_namelen != sizeof(sa) || sa.nl_family != AF_NETLINK)
                return -EPROTO;

        *ret_sender = sa.nl_pid;
        return n;
}

static int wait_readable(int fd, uint64_t deadline) {
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                uint64_t now = now_usec();
                int r;

                if (now >= deadline)
                        return -ETIMEDOUT;

                r = poll(&p, 1, (int) MIN((deadline - now + 999) / 1000, (uint64_t) INT32_MAX));
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (r == 0)
                        return -ETIMEDOUT;
                return 0;
        }
}

/* ---- dumps ---- */

static int table_apply_link(LinkTable *tb, const RtnlLink *m) {
        _cleanup_(link_info_freep) LinkInfo *l = NULL;
        size_t pos;
        int r;

        if (m->family != AF_UNSPEC)
                return 0;

        if (link_table_find(tb, m->ifindex, &pos)) {
                link_info_set(tb->links[pos], m);
                return 0;
        }

        l = new0(LinkInfo, 1);
        if (!l)
                return -ENOMEM;
        link_info_set(l, m);

        r = link_table_insert_at(tb, pos, l);
        if (r < 0)
                return r;
        TAKE_PTR(l);
        return 0;
}

static int table_apply_addr(LinkTable *tb, const RtnlAddr *m) {
        LinkInfo *l = link_table_get(tb, m->ifindex);
        ssize_t i;

        if (!l) /* the link came after the link dump: its events will bring both */
                return 0;

        i = link_info_find_addr(l, &m->addr);
        if (i >= 0) {
                l->addrs[i] = m->addr;
                return 0;
        }
        return link_info_append_addr(l, &m->addr);
}

/* One dump request on nl, its replies applied to tb. Returns 0, -EAGAIN when the kernel flagged the
 * dump inconsistent, or a negative errno (the kernel's, -ETIMEDOUT, -EBADMSG...). */
static int dump_one(LinkTracker *t, struct mnl_socket *nl, uint16_t type, uint64_t deadline, LinkTable *tb) {
        uint8_t req[64];
        uint32_t seq = ++t->seq, portid = mnl_socket_get_portid(nl);
        bool interrupted = false;
        int len, r;

        len = rtnl_build_dump_request(req, sizeof(req), type, seq);
        if (len < 0)
                return len;
        if (mnl_socket_sendto(nl, req, (size_t) len) < 0)
                return negative_errno();

        for (;;) {
                const struct nlmsghdr *nlh;
                size_t off = 0, mlen;
                uint32_t sender;
                ssize_t n;

                r = wait_readable(mnl_socket_get_fd(nl), deadline);
                if (r < 0)
                        return r;

                n = recv_datagram(t, mnl_socket_get_fd(nl), &sender);
                if (n == -EAGAIN)
                        continue;
                if (n < 0)
                        return (int) n;
                if (sender != 0)
                        continue;

                while ((r = rtnl_next_message(t->buf, (size_t) n, &off, &nlh, &mlen)) > 0) {
                        r = rtnl_dump_reply(nlh, mlen, portid, seq, &interrupted);
                        if (r < 0)
                                return r;
                        if (r == RTNL_DUMP_DONE)
                                return 0;
                        if (r == RTNL_DUMP_OTHER)
                                continue;

                        switch (nlh->nlmsg_type) {
                        case RTM_NEWLINK: {
                                RtnlLink m;

                                if (type != RTM_GETLINK || rtnl_decode_link(nlh, mlen, &m) < 0)
                                        continue; /* skip what we cannot read; it cannot be tracked */
                                r = table_apply_link(tb, &m);
                                if (r < 0)
                                        return r;
                                break;
                        }

                        case RTM_NEWADDR: {
                                RtnlAddr m;

                                if (type != RTM_GETADDR || rtnl_decode_addr(nlh, mlen, &m) < 0)
                                        continue;
                                r = table_apply_addr(tb, &m);
                                if (r < 0)
                                        return r;
                                break;
                        }

                        default:
                                break;
                        }
                }
                if (r < 0)
                        return r;
        }
}

/* A complete, consistent snapshot of links and then addresses. */
static int dump_all(LinkTracker *t, LinkTable *ret) {
        uint64_t deadline = now_usec() + LINK_TRACKER_DUMP_TIMEOUT_USEC;
        int r = -EAGAIN;

        for (unsigned attempt = 0; attempt < MAX_DUMP_ATTEMPTS && r == -EAGAIN; attempt++) {
                _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
                _cleanup_(link_table_done) LinkTable tb = {};

                /* A fresh socket per attempt: nothing stale from a timed-out or restarted dump. */
                nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (!nl)
                        return negative_errno();
                if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                        return negative_errno();

                r = dump_one(t, nl, RTM_GETLINK, deadline, &tb);
                if (r >= 0)
                        r = dump_one(t, nl, RTM_GETADDR, deadline, &tb);
                if (r >= 0) {
                        *ret = tb;
                        tb = (LinkTable) {};
                        return 0;
                }
        }

        return r;
}

/* ---- reconciling a fresh dump with the table ---- */

/* Makes the table equal to fresh (reusing the existing LinkInfo objects, so pointers held by users
 * stay valid), then reports every difference and LINK_EVENT_RESYNCED. Consumes fresh. */
static int reconcile(LinkTracker *t, LinkTable *fresh) {
        _cleanup_free_ LinkInfo **before = NULL, **gone = NULL;
        size_t n_gone = 0;

        /* Everything that can fail comes first. */
        before = new0(LinkInfo *, fresh->n);
        gone = new0(LinkInfo *, t->table.n);
        if (!before || !gone)
                return -ENOMEM;

        for (size_t i = 0; i < fresh->n; i++) {
                LinkInfo *f = fresh->links[i], *o = link_table_get(&t->table, f->ifindex), tmp;

                if (!o)
                        continue;

                /* o takes the fresh state, f keeps the old one for the comparison below. */
                tmp = *o;
                *o = *f;
                *f = tmp;
                fresh->links[i] = o;
                before[i] = f;
        }

        for (size_t i = 0; i < t->table.n; i++) {
                size_t pos;

                if (!link_table_find(fresh, t->table.links[i]->ifindex, &pos))
                        gone[n_gone++] = t->table.links[i];
        }

        free(t->table.links);
        t->table = *fresh;
        *fresh = (LinkTable) {};

        /* The table is current: report. */
        for (size_t i = 0; i < n_gone; i++)
                emit_link_removed_and_free(t, gone[i]);

        for (size_t i = 0; i < t->table.n; i++) {
                LinkInfo *l = t->table.links[i], *b = before[i];

                if (!b) {
                        emit(t, LINK_EVENT_LINK_NEW, l, NULL);
                        for (size_t j = 0; j < l->n_addrs; j++)
                                emit(t, LINK_EVENT_ADDR_NEW, l, &l->addrs[j]);
                        continue;
                }

                if (!link_info_fields_equal(l, b))
                        emit(t, LINK_EVENT_LINK_CHANGED, l, NULL);

                for (size_t j = 0; j < b->n_addrs; j++)
                        if (link_info_find_addr(l, &b->addrs[j]) < 0)
                                emit(t, LINK_EVENT_ADDR_REMOVED, l, &b->addrs[j]);

                for (size_t j = 0; j < l->n_addrs; j++) {
                        ssize_t k = link_info_find_addr(b, &l->addrs[j]);

                        if (k < 0)
                                emit(t, LINK_EVENT_ADDR_NEW, l, &l->addrs[j]);
                        else if (!link_addr_details_equal(&b->addrs[k], &l->addrs[j]))
                                emit(t, LINK_EVENT_ADDR_CHANGED, l, &l->addrs[j]);
                }
        }

        for (size_t i = 0; i < t->table.n; i++)
                link_info_free(before[i]);

        emit(t, LINK_EVENT_RESYNCED, NULL, NULL);
        return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata);

/* New event socket first (so nothing after the snapshot is missed), then the dump, then swap: the
 * old socket and whatever stale messages it still holds are dropped. */
static int resync(LinkTracker *t) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        _cleanup_(link_table_done) LinkTable fresh = {};
        int r;

        r = open_event_socket(&nl);
        if (r < 0)
                return r;

        r = dump_all(t, &fresh);
        if (r < 0)
                return r;

        r = sd_event_source_set_io_fd(t->io_source, mnl_socket_get_fd(nl));
        if (r < 0)
                return r;

        mnl_socket_close(t->nl);
        t->nl = TAKE_PTR(nl);
        t->retry_source = sd_event_source_disable_unref(t->retry_source);

        r = reconcile(t, &fresh);
        if (r < 0) /* the socket is new but the table is the old one: try again later */
                return r;
        return 0;
}

static int resync_or_retry(LinkTracker *t) {
        int r;

        r = resync(t);
        if (r >= 0)
                return 0;

        if (t->retry_source)
                return 0;
        return sd_event_add_time_relative(
                t->event, &t->retry_source, CLOCK_MONOTONIC, LINK_TRACKER_RETRY_USEC, 0, on_retry, t);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        LinkTracker *t = userdata;

        t->retry_source = sd_event_source_disable_unref(t->retry_source);
        return resync_or_retry(t);
}

/* ---- multicast events ---- */

static int process_link(LinkTracker *t, const struct nlmsghdr *nlh, size_t len) {
        _cleanup_(link_info_freep) LinkInfo *n = NULL;
        LinkInfo *l, before;
        RtnlLink m;
        size_t pos;
        int r;

        r = rtnl_decode_link(nlh, len, &m);
        if (r < 0)
                return r;
        if (m.family != AF_UNSPEC) /* AF_BRIDGE port notifications, not the link itself */
                return 0;

        if (nlh->nlmsg_type == RTM_DELLINK) {
                if (!link_table_find(&t->table, m.ifindex, &pos))
                        return 0;
                emit_link_removed_and_free(t, link_table_remove_at(&t->table, pos));
                return 0;
        }

        if (link_table_find(&t->table, m.ifindex, &pos)) {
                l = t->table.links[pos];
                before = *l;
                link_info_set(l, &m);
                if (!link_info_fields_equal(l, &before))
                        emit(t, LINK_EVENT_LINK_CHANGED, l, NULL);
                return 0;
        }

        n = new0(LinkInfo, 1);
        if (!n)
                return -ENOMEM;
        link_info_set(n, &m);
        r = link_table_insert_at(&t->table, pos, n);
        if (r < 0)
                return r;
        emit(t, LINK_EVENT_LINK_NEW, TAKE_PTR(n), NULL);
        return 0;
}

static int process_addr(LinkTracker *t, const struct nlmsghdr *nlh, size_t len) {
        LinkInfo *l;
        RtnlAddr m;
        ssize_t i;
        int r;

        r = rtnl_decode_addr(nlh, len, &m);
        if (r == -EAFNOSUPPORT)
                return 0;
        if (r < 0)
                return r;

        l = link_table_get(&t->table, m.ifindex);
        if (!l)
                return 0;

        i = link_info_find_addr(l, &m.addr);

        if (nlh->nlmsg_type == RTM_DELADDR) {
                LinkAddr gone;

                if (i < 0)
                        return 0;
                gone = l->addrs[i];
                link_info_remove_addr_at(l, (size_t) i);
                emit(t, LINK_EVENT_ADDR_REMOVED, l, &gone);
                return 0;
        }

        if (i >= 0) {
                if (link_addr_details_equal(&l->addrs[i], &m.addr))
                        return 0;
                l->addrs[i] = m.addr;
                emit(t, LINK_EVENT_ADDR_CHANGED, l, &l->addrs[i]);
                return 0;
        }

        r = link_info_append_addr(l, &m.addr);
        if (r < 0)
                return r;
        emit(t, LINK_EVENT_ADDR_NEW, l, &l->addrs[l->n_addrs - 1]);
        return 0;
}

/* Applies one received datagram. A negative return means state may have been lost. */
static int process_datagram(LinkTracker *t, size_t n) {
        const struct nlmsghdr *nlh;
        size_t off = 0, mlen;
        int r, ret = 0;

        while ((r = rtnl_next_message(t->buf, n, &off, &nlh, &mlen)) > 0) {
                switch (nlh->nlmsg_type) {
                case RTM_NEWLINK:
                case RTM_DELLINK:
                        r = process_link(t, nlh, mlen);
                        break;
                case RTM_NEWADDR:
                case RTM_DELADDR:
                        r = process_addr(t, nlh, mlen);
                        break;
                default:
                        r = 0;
                        break;
                }
                if (r < 0 && ret == 0)
                        ret = r; /* keep going: later messages are still valid */
        }

        return r < 0 ? r : ret;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        LinkTracker *t = userdata;

        for (unsigned i = 0; i < MAX_DATAGRAMS_PER_WAKEUP; i++) {
                uint32_t sender;
                ssize_t n;

                n = recv_datagram(t, mnl_socket_get_fd(t->nl), &sender);
                if (n == -EAGAIN)
                        return 0;
                if (n < 0) /* ENOBUFS (events dropped), EMSGSIZE, ENOMEM...: start over from a dump */
                        return resync_or_retry(t);
                if (sender != 0) /* only the kernel speaks on these groups */
                        continue;

                if (process_datagram(t, (size_t) n) < 0)
                        return resync_or_retry(t);
        }

        return 0;
}

/* ---- public ---- */

int link_tracker_new(sd_event *event, link_tracker_handler_t handler, void *userdata, LinkTracker **ret) {
        _cleanup_(link_tracker_freep) LinkTracker *t = NULL;
        int r;

        if (!event || !ret)
                return -EINVAL;

        t = new0(LinkTracker, 1);
        if (!t)
                return -ENOMEM;
        t->event = sd_event_ref(event);
        t->handler = handler;
        t->userdata = userdata;
        t->buf_size = RECV_BUFFER_MIN;
        t->buf = malloc(t->buf_size);
        if (!t->buf)
                return -ENOMEM;

        r = open_event_socket(&t->nl);
        if (r < 0)
                return r;

        r = dump_all(t, &t->table);
        if (r < 0)
                return r;

        r = sd_event_add_io(event, &t->io_source, mnl_socket_get_fd(t->nl), EPOLLIN, on_io, t);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(t->io_source, "link-tracker");

        *ret = TAKE_PTR(t);
        return 0;
}

LinkTracker *link_tracker_free(LinkTracker *t) {
        if (!t)
                return NULL;

        sd_event_source_disable_unref(t->io_source);
        sd_event_source_disable_unref(t->retry_source);
        if (t->nl)
                mnl_socket_close(t->nl);
        sd_event_unref(t->event);
        link_table_done(&t->table);
        free(t->buf);
        free(t);
        return NULL;
}

int link_tracker_resync(LinkTracker *t) {
        int r;

        if (!t)
                return -EINVAL;
        if (t->dispatching)
                return -EBUSY;

        r = resync(t);
        if (r < 0 && !t->retry_source) /* the table may be stale: keep trying on our own too */
                (void) sd_event_add_time_relative(
                        t->event, &t->retry_source, CLOCK_MONOTONIC, LINK_TRACKER_RETRY_USEC, 0, on_retry, t);
        return r;
}

int link_tracker_get_fd(LinkTracker *t) {
        if (!t || !t->nl)
                return -EINVAL;
        return mnl_socket_get_fd(t->nl);
}

const LinkInfo *link_tracker_get(LinkTracker *t, int ifindex) {
        if (!t)
                return NULL;
        return link_table_get(&t->table, ifindex);
}

const LinkInfo *link_tracker_get_by_name(LinkTracker *t, const char *name) {
        if (!t || !name)
                return NULL;
        for (size_t i = 0; i < t->table.n; i++)
                if (streq(t->table.links[i]->name, name))
                        return t->table.links[i];
        return NULL;
}

size_t link_tracker_links(LinkTracker *t, const LinkInfo *const **ret) {
        if (!t) {
                if (ret)
                        *ret = NULL;
                return 0;
        }
        if (ret)
                *ret = (const LinkInfo *const *) t->table.links;
        return t->table.n;
}

int link_tracker_find_addr(
        LinkTracker *t, int family, const void *addr, const LinkInfo **ret_link, const LinkAddr **ret_addr) {
        size_t sz;

        if (!t || !addr)
                return -EINVAL;
        if (family == AF_INET)
                sz = sizeof(struct in_addr);
        else if (family == AF_INET6)
                sz = sizeof(struct in6_addr);
        else
                return -EAFNOSUPPORT;

        for (size_t i = 0; i < t->table.n; i++) {
                const LinkInfo *l = t->table.links[i];

                for (size_t j = 0; j < l->n_addrs; j++)
                        if (l->addrs[j].family == family && memcmp(&l->addrs[j].in6, addr, sz) == 0) {
                                if (ret_link)
                                        *ret_link = l;
                                if (ret_addr)
                                        *ret_addr = &l->addrs[j];
                                return 0;
                        }
        }

        return -ENOENT;
}

bool link_is_usable(const LinkInfo *l) {
        if (!l)
                return false;
        if (l->flags & IFF_LOOPBACK)
                return false;
        if (!(l->flags & IFF_UP))
                return false;
        return (l->flags & IFF_RUNNING) || l->operstate == IF_OPER_UP || l->operstate == IF_OPER_UNKNOWN;
}

bool link_addr_is_usable(const LinkAddr *a) {
        if (!a)
                return false;
        if (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED))
                return false;
        if (a->scope != RT_SCOPE_UNIVERSE)
                return false;

        if (a->family == AF_INET) {
                uint32_t h = ntohl(a->in.s_addr);

                return h != 0 && (h >> 24) != 127 && (h >> 16) != 0xa9fe; /* 127/8, 169.254/16 */
        }
        if (a->family == AF_INET6)
                return !IN6_IS_ADDR_LINKLOCAL(&a->in6) && !IN6_IS_ADDR_LOOPBACK(&a->in6) &&
                       !IN6_IS_ADDR_UNSPECIFIED(&a->in6) && !IN6_IS_ADDR_MULTICAST(&a->in6);
        return false;
}

const char *link_event_type_to_string(LinkEventType type) {
        switch (type) {
        case LINK_EVENT_LINK_NEW:
                return "link-new";
        case LINK_EVENT_LINK_CHANGED:
                return "link-changed";
        case LINK_EVENT_LINK_REMOVED:
                return "link-removed";
        case LINK_EVENT_ADDR_NEW:
                return "addr-new";
        case LINK_EVENT_ADDR_CHANGED:
                return "addr-changed";
        case LINK_EVENT_ADDR_REMOVED:
                return "addr-removed";
        case LINK_EVENT_RESYNCED:
                return "resynced";
        }
        return NULL;
}
