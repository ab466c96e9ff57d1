/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-link-tracker.c — the tracker against the real kernel, in a network namespace of its own. */
/* <net/if.h> goes before the linux headers that pull in <linux/if.h> (IF_OPER_*): not the reverse. */
#include <net/if.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <time.h>

#include "link-tracker.h"
#include "macro.h"

#define check(expr)                                                                                \
        do {                                                                                       \
                if (!(expr))                                                                       \
                        fail(__FILE__, __LINE__, "check failed: %s", #expr);                       \
        } while (0)

#define check_eq(a, b)                                                                             \
        do {                                                                                       \
                long long _a = (a), _b = (b);                                                      \
                if (_a != _b)                                                                      \
                        fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, _a, #b, _b); \
        } while (0)

#define WAIT_USEC (10 * 1000 * 1000ULL)

typedef struct Event {
        LinkEventType type;
        int ifindex;
        char text[96];      /* "addr-new lt-a 192.0.2.1/24": what the checks compare */
        bool addr_usable;   /* link_addr_is_usable() at the time of the event */
} Event;

typedef struct Test {
        sd_event *event;
        LinkTracker *t;
        Event *events;
        size_t n_events, allocated, mark;
        const char *step;
} Test;

static Test *current;

static void dump_events(void);

_printf_(3, 4) _noreturn_ static void fail(const char *file, int line, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "%s:%d: [%s] ", file, line, current && current->step ? current->step : "setup");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        dump_events();
        abort();
}

static uint64_t now_usec(void) {
        struct timespec ts;

        check(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

static void format_addr(const LinkAddr *a, char *buf, size_t size) {
        char s[INET6_ADDRSTRLEN];

        check(inet_ntop(a->family, &a->in6, s, sizeof(s)));
        snprintf(buf, size, "%s/%u", s, a->prefixlen);
}

/* ---- the handler: records, and checks that the table was updated before it was called ---- */

static bool link_has_addr(const LinkInfo *l, const LinkAddr *a) {
        for (size_t i = 0; i < l->n_addrs; i++)
                if (link_addr_same(&l->addrs[i], a))
                        return true;
        return false;
}

static void on_event(LinkTracker *t, LinkEventType type, const LinkInfo *link, const LinkAddr *addr, void *userdata) {
        Test *T = userdata;
        Event *e;
        char a[INET6_ADDRSTRLEN + 8] = "";

        check(t == T->t);

        switch (type) {
        case LINK_EVENT_LINK_NEW:
        case LINK_EVENT_LINK_CHANGED:
                check(link && !addr);
                check(link_tracker_get(t, link->ifindex) == link);
                check(link_tracker_get_by_name(t, link->name) == link);
                break;
        case LINK_EVENT_LINK_REMOVED:
                check(link && !addr);
                check(link_tracker_get(t, link->ifindex) != link);
                check_eq(link->n_addrs, 0);
                break;
        case LINK_EVENT_ADDR_NEW:
        case LINK_EVENT_ADDR_CHANGED:
                check(link && addr);
                check(link_tracker_get(t, link->ifindex) == link);
                check(link_has_addr(link, addr));
                break;
        case LINK_EVENT_ADDR_REMOVED:
                check(link && addr);
                check(!link_has_addr(link, addr));
                break;
        case LINK_EVENT_RESYNCED:
                check(!link && !addr);
                break;
        }

        if (T->n_events == T->allocated) {
                T->allocated = MAX(T->allocated * 2, (size_t) 64);
                T->events = reallocarray(T->events, T->allocated, sizeof(Event));
                check(T->events);
        }
        e = &T->events[T->n_events++];
        *e = (Event) { .type = type, .ifindex = link ? link->ifindex : 0 };
        if (addr) {
                format_addr(addr, a, sizeof(a));
                e->addr_usable = link_addr_is_usable(addr);
        }
        snprintf(e->text, sizeof(e->text), "%s%s%s%s%s", link_event_type_to_string(type), link ? " " : "",
                 link ? link->name : "", addr ? " " : "", a);
}

static void dump_events(void) {
        if (!current)
                return;
        fprintf(stderr, "events of this step:\n");
        for (size_t i = current->mark; i < current->n_events; i++)
                fprintf(stderr, "  %s%s\n", current->events[i].text,
                        current->events[i].addr_usable ? " (usable)" : "");
}

/* ---- driving the loop: wait for a condition, with a deadline, never sleeping blindly ---- */

typedef bool (*cond_t)(Test *T, const void *arg);

static void step(Test *T, const char *name) {
        T->step = name;
        T->mark = T->n_events;
        printf("step: %s\n", name);
}

static void run_until(Test *T, cond_t cond, const void *arg, const char *what) {
        uint64_t deadline = now_usec() + WAIT_USEC;
        int r;

        while (!cond(T, arg)) {
                uint64_t now = now_usec();

                if (now >= deadline)
                        fail(__FILE__, __LINE__, "timed out waiting for %s", what);
                r = sd_event_run(T->event, deadline - now);
                check(r >= 0);
        }

        /* Then whatever is queued already. (Link and IPv4 notifications precede the ACK of the request
         * that caused them; IPv6 ones and operstate changes come from kernel workers, which is why
         * steps wait for a final state rather than count.) */
        while ((r = sd_event_run(T->event, 0)) > 0)
                ;
        check(r >= 0);
}

static bool cond_n_events(Test *T, const void *arg) {
        return T->n_events - T->mark >= *(const size_t *) arg;
}

static void wait_events(Test *T, size_t n) {
        run_until(T, cond_n_events, &n, "events");
}

static bool cond_text_seen(Test *T, const void *arg) {
        for (size_t i = T->mark; i < T->n_events; i++)
                if (streq(T->events[i].text, arg))
                        return true;
        return false;
}

typedef struct LinkState {
        const char *name;
        unsigned char operstate;
        bool usable;
} LinkState;

static bool cond_links(Test *T, const void *arg) {
        for (const LinkState *s = arg; s->name; s++) {
                const LinkInfo *l = link_tracker_get_by_name(T->t, s->name);

                if (!l || l->operstate != s->operstate || link_is_usable(l) != s->usable)
                        return false;
        }
        return true;
}

typedef struct AddrState {
        const char *link;
        const char *addr; /* "2001:db8::1/64" */
        bool usable;
} AddrState;

static const LinkAddr *find_addr_text(Test *T, const char *link, const char *text) {
        const LinkInfo *l = link_tracker_get_by_name(T->t, link);
        char s[INET6_ADDRSTRLEN + 8];

        if (!l)
                return NULL;
        for (size_t i = 0; i < l->n_addrs; i++) {
                format_addr(&l->addrs[i], s, sizeof(s));
                if (streq(s, text))
                        return &l->addrs[i];
        }
        return NULL;
}

static bool cond_addr(Test *T, const void *arg) {
        const AddrState *s = arg;
        const LinkAddr *a = find_addr_text(T, s->link, s->addr);

        return a && link_addr_is_usable(a) == s->usable;
}

/* ---- checking what a step produced ---- */

static int strcmp_qsort(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The step's events, in order, are exactly `expected` (NULL-terminated). */
static void expect_exact(Test *T, const char *const *expected) {
        size_t n = 0;

        while (expected[n])
                n++;
        if (T->n_events - T->mark != n)
                fail(__FILE__, __LINE__, "expected %zu events, got %zu", n, T->n_events - T->mark);
        for (size_t i = 0; i < n; i++)
                if (!streq(T->events[T->mark + i].text, expected[i]))
                        fail(__FILE__, __LINE__, "event %zu is '%s', expected '%s'", i,
                             T->events[T->mark + i].text, expected[i]);
}

/* The step's events, ignoring order and `ignorable` ones (NULL-terminated list of exact texts), are
 * exactly the multiset `expected`. */
static void expect_multiset(Test *T, const char *const *expected, const char *const *ignorable) {
        const char *got[512], *want[512];
        size_t n_got = 0, n_want = 0;

        for (size_t i = T->mark; i < T->n_events; i++) {
                bool skip = false;

                for (const char *const *ig = ignorable; ig && *ig; ig++)
                        if (streq(T->events[i].text, *ig))
                                skip = true;
                if (skip)
                        continue;
                check(n_got < ELEMENTSOF(got));
                got[n_got++] = T->events[i].text;
        }
        for (; expected[n_want]; n_want++) {
                check(n_want < ELEMENTSOF(want));
                want[n_want] = expected[n_want];
        }

        qsort(got, n_got, sizeof(char *), strcmp_qsort);
        qsort(want, n_want, sizeof(char *), strcmp_qsort);
        if (n_got != n_want)
                fail(__FILE__, __LINE__, "expected %zu (non-ignorable) events, got %zu", n_want, n_got);
        for (size_t i = 0; i < n_got; i++)
                if (!streq(got[i], want[i]))
                        fail(__FILE__, __LINE__, "got '%s' where '%s' was expected (sorted)", got[i], want[i]);
}

static size_t count_text(Test *T, const char *text) {
        size_t n = 0;

        for (size_t i = T->mark; i < T->n_events; i++)
                if (streq(T->events[i].text, text))
                        n++;
        return n;
}

/* A second tracker's initial dump must describe the same world as the one kept by events. */
static void expect_same_as_fresh_dump(Test *T) {
        _cleanup_(link_tracker_freep) LinkTracker *fresh = NULL;
        const LinkInfo *const *a, *const *b;
        size_t na, nb;

        check_eq(link_tracker_new(T->event, NULL, NULL, &fresh), 0);
        na = link_tracker_links(T->t, &a);
        nb = link_tracker_links(fresh, &b);
        check_eq(na, nb);
        for (size_t i = 0; i < na; i++) {
                check_eq(a[i]->ifindex, b[i]->ifindex);
                check(streq(a[i]->name, b[i]->name));
                check(streq(a[i]->kind, b[i]->kind));
                check_eq(a[i]->flags, b[i]->flags);
                check_eq(a[i]->operstate, b[i]->operstate);
                check_eq(a[i]->arphrd, b[i]->arphrd);
                check_eq(a[i]->n_addrs, b[i]->n_addrs);
                if (i > 0)
                        check(a[i - 1]->ifindex < a[i]->ifindex);
                for (size_t j = 0; j < a[i]->n_addrs; j++) {
                        bool found = false;

                        for (size_t k = 0; k < b[i]->n_addrs; k++)
                                if (link_addr_same(&a[i]->addrs[j], &b[i]->addrs[k])) {
                                        check_eq(a[i]->addrs[j].flags, b[i]->addrs[k].flags);
                                        check_eq(a[i]->addrs[j].scope, b[i]->addrs[k].scope);
                                        check_eq(a[i]->addrs[j].prefixlen, b[i]->addrs[k].prefixlen);
                                        found = true;
                                }
                        check(found);
                }
        }
}

/* ---- changing the namespace's links over rtnetlink (libmnl) ---- */

static struct mnl_socket *ctl;
static uint32_t ctl_seq;

static int ctl_request(struct nlmsghdr *nlh) {
        uint8_t buf[16384];
        uint32_t portid = mnl_socket_get_portid(ctl);
        ssize_t n;
        int r;

        nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = ++ctl_seq;
        check(mnl_socket_sendto(ctl, nlh, nlh->nlmsg_len) >= 0);

        for (;;) {
                n = mnl_socket_recvfrom(ctl, buf, sizeof(buf)); /* SO_RCVTIMEO bounds this */
                check(n > 0);
                r = mnl_cb_run(buf, (size_t) n, nlh->nlmsg_seq, portid, NULL, NULL);
                if (r == MNL_CB_STOP)
                        return 0;
                if (r == MNL_CB_ERROR)
                        return -errno;
        }
}

static struct nlmsghdr *link_msg(void *buf, uint16_t type, uint16_t flags, int ifindex) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = flags;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        return nlh;
}

static void create_veth(const char *name, const char *peer) {
        uint8_t buf[1024] __attribute__((aligned(4))) = {};
        struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
        struct nlattr *info, *data, *p;

        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
        mnl_attr_nest_end(nlh, p);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
        check_eq(ctl_request(nlh), 0);
}

static int ifindex_of(const char *name) {
        int i = (int) if_nametoindex(name);

        check(i > 0);
        return i;
}

static void set_up(const char *name, bool up) {
        uint8_t buf[256] __attribute__((aligned(4))) = {};
        struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex_of(name));
        struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

        ifi->ifi_change = IFF_UP;
        ifi->ifi_flags = up ? IFF_UP : 0;
        check_eq(ctl_request(nlh), 0);
}

static void rename_link(const char *name, const char *new_name) {
        uint8_t buf[256] __attribute__((aligned(4))) = {};
        struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex_of(name));

        mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
        check_eq(ctl_request(nlh), 0);
}

static void delete_link(const char *name) {
        uint8_t buf[256] __attribute__((aligned(4))) = {};

        check_eq(ctl_request(link_msg(buf, RTM_DELLINK, 0, ifindex_of(name))), 0);
}

/* "192.0.2.1/24" or "2001:db8::1/64" on a link; extra IFA_F_* flags (IFA_F_NODAD) and a scope. */
static void change_addr(uint16_t type, const char *link, const char *text, uint32_t flags, unsigned char scope) {
        uint8_t buf[256] __attribute__((aligned(4))) = {};
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;
        char a[INET6_ADDRSTRLEN];
        struct in6_addr bin;
        const char *slash = strchr(text, '/');
        int family = strchr(text, ':') ? AF_INET6 : AF_INET;
        size_t sz = family == AF_INET ? 4 : 16;

        check(slash && (size_t) (slash - text) < sizeof(a));
        memcpy(a, text, (size_t) (slash - text));
        a[slash - text] = 0;
        check(inet_pton(family, a, &bin) == 1);

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = (uint8_t) family;
        ifa->ifa_prefixlen = (uint8_t) atoi(slash + 1);
        ifa->ifa_scope = scope;
        ifa->ifa_index = (uint32_t) ifindex_of(link);
        mnl_attr_put(nlh, IFA_LOCAL, sz, &bin);
        mnl_attr_put(nlh, IFA_ADDRESS, sz, &bin);
        if (flags)
                mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
        check_eq(ctl_request(nlh), 0);
}

static void add_addr(const char *link, const char *text, uint32_t flags) {
        change_addr(RTM_NEWADDR, link, text, flags, RT_SCOPE_UNIVERSE);
}

static void del_addr(const char *link, const char *text) {
        change_addr(RTM_DELADDR, link, text, 0, RT_SCOPE_UNIVERSE);
}

static void write_sysctl(const char *path, const char *value) {
        _cleanup_fclose_ FILE *f = fopen(path, "we");

        check(f);
        check(fputs(value, f) >= 0);
        check(fflush(f) == 0);
}

/* ---- the scenario ---- */

static void test_initial(Test *T) {
        const LinkInfo *const *links;
        const LinkInfo *lo;

        step(T, "initial dump of a fresh namespace");
        /* Proof that we are not in the root namespace: lo is all there is. */
        check_eq(link_tracker_links(T->t, &links), 1);
        lo = links[0];
        check(streq(lo->name, "lo"));
        check(lo->flags & IFF_LOOPBACK);
        check_eq(lo->arphrd, ARPHRD_LOOPBACK);
        check(!link_is_usable(lo));
        check(link_tracker_get(T->t, lo->ifindex) == lo);
        check(link_tracker_get_by_name(T->t, "lo") == lo);
        check(!link_tracker_get(T->t, 4242));
        check(!link_tracker_get_by_name(T->t, "nope"));
}

static void test_create_and_up(Test *T) {
        const LinkInfo *a, *b;

        step(T, "create veth lt-a/lt-b");
        create_veth("lt-a", "lt-b");
        wait_events(T, 2);
        expect_exact(T, (const char *const[]) { "link-new lt-b", "link-new lt-a", NULL });
        a = link_tracker_get_by_name(T->t, "lt-a");
        b = link_tracker_get_by_name(T->t, "lt-b");
        check(a && b);
        check_eq(a->ifindex, ifindex_of("lt-a"));
        check(streq(a->kind, "veth"));
        check_eq(a->arphrd, ARPHRD_ETHER);
        check_eq(a->operstate, IF_OPER_DOWN);
        check(!(a->flags & IFF_UP));
        check(!link_is_usable(a) && !link_is_usable(b));
        check_eq(a->n_addrs, 0);

        step(T, "set lt-b and lt-a up");
        set_up("lt-b", true);
        set_up("lt-a", true);
        run_until(T, cond_links,
                  (const LinkState[]) { { "lt-a", IF_OPER_UP, true }, { "lt-b", IF_OPER_UP, true }, {} },
                  "both ends up");
        check(count_text(T, "link-changed lt-a") >= 1);
        check(count_text(T, "link-changed lt-b") >= 1);
        expect_multiset(T, (const char *const[]) { NULL },
                        (const char *const[]) { "link-changed lt-a", "link-changed lt-b", NULL });
        check((a->flags & (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)) == (IFF_UP | IFF_RUNNING | IFF_LOWER_UP));
        check(link_tracker_get_by_name(T->t, "lt-a") == a); /* pointers stay valid */
}

static void test_addresses(Test *T) {
        const LinkInfo *a = link_tracker_get_by_name(T->t, "lt-a"), *owner = NULL;
        const LinkAddr *la = NULL;
        struct in_addr in4;
        struct in6_addr in6;

        step(T, "add 192.0.2.1/24");
        add_addr("lt-a", "192.0.2.1/24", 0);
        wait_events(T, 1);
        expect_exact(T, (const char *const[]) { "addr-new lt-a 192.0.2.1/24", NULL });
        check(T->events[T->mark].addr_usable);
        check(inet_pton(AF_INET, "192.0.2.1", &in4) == 1);
        check_eq(link_tracker_find_addr(T->t, AF_INET, &in4, &owner, &la), 0);
        check(owner == a);
        check_eq(la->scope, RT_SCOPE_UNIVERSE);
        check_eq(la->prefixlen, 24);
        check(link_addr_is_usable(la));

        step(T, "add 2001:db8::1/64 nodad");
        add_addr("lt-a", "2001:db8::1/64", IFA_F_NODAD);
        run_until(T, cond_addr, &(AddrState) { "lt-a", "2001:db8::1/64", true }, "2001:db8::1 usable");
        check(streq(T->events[T->mark].text, "addr-new lt-a 2001:db8::1/64"));
        expect_multiset(T, (const char *const[]) { "addr-new lt-a 2001:db8::1/64", NULL },
                        (const char *const[]) { "addr-changed lt-a 2001:db8::1/64", NULL });
        check(inet_pton(AF_INET6, "2001:db8::1", &in6) == 1);
        check_eq(link_tracker_find_addr(T->t, AF_INET6, &in6, &owner, &la), 0);
        check(owner == a);
        check(la->flags & IFA_F_NODAD);
        check(!(la->flags & IFA_F_TENTATIVE));

        step(T, "add 2001:db8::2/64 with DAD: tentative, then usable");
        add_addr("lt-a", "2001:db8::2/64", 0);
        run_until(T, cond_addr, &(AddrState) { "lt-a", "2001:db8::2/64", true }, "DAD to complete");
        check(streq(T->events[T->mark].text, "addr-new lt-a 2001:db8::2/64"));
        check(!T->events[T->mark].addr_usable); /* tentative when announced */
        check(T->events[T->n_events - 1].addr_usable);
        check(count_text(T, "addr-changed lt-a 2001:db8::2/64") >= 1);
        expect_multiset(T, (const char *const[]) { "addr-new lt-a 2001:db8::2/64", NULL },
                        (const char *const[]) { "addr-changed lt-a 2001:db8::2/64", NULL });

        step(T, "add addresses that are not usable");
        add_addr("lt-a", "fe80::1/64", IFA_F_NODAD);
        add_addr("lt-a", "169.254.7.7/16", 0);
        change_addr(RTM_NEWADDR, "lt-a", "198.51.100.1/24", 0, RT_SCOPE_LINK);
        /* IPv6 announces from the DAD worker even with nodad, so after the ACK: wait, in any order. */
        wait_events(T, 3);
        expect_multiset(T,
                        (const char *const[]) { "addr-new lt-a fe80::1/64", "addr-new lt-a 169.254.7.7/16",
                                                "addr-new lt-a 198.51.100.1/24", NULL },
                        NULL);
        for (size_t i = T->mark; i < T->n_events; i++)
                check(!T->events[i].addr_usable);
        check_eq(find_addr_text(T, "lt-a", "fe80::1/64")->scope, RT_SCOPE_LINK);
        check_eq(find_addr_text(T, "lt-a", "169.254.7.7/16")->scope, RT_SCOPE_UNIVERSE);
        check_eq(find_addr_text(T, "lt-a", "198.51.100.1/24")->scope, RT_SCOPE_LINK);
        check_eq(a->n_addrs, 6);

        step(T, "delete 192.0.2.1/24");
        del_addr("lt-a", "192.0.2.1/24");
        wait_events(T, 1);
        expect_exact(T, (const char *const[]) { "addr-removed lt-a 192.0.2.1/24", NULL });
        check_eq(link_tracker_find_addr(T->t, AF_INET, &in4, &owner, &la), -ENOENT);
        check_eq(link_tracker_find_addr(T->t, AF_PACKET, &in4, NULL, NULL), -EAFNOSUPPORT);
        check_eq(a->n_addrs, 5);
}

static void test_down_rename_up(Test *T) {
        const LinkInfo *a = link_tracker_get_by_name(T->t, "lt-a");

        step(T, "set lt-a down: IPv6 addresses are flushed, IPv4 ones stay");
        set_up("lt-a", false);
        run_until(T, cond_links,
                  (const LinkState[]) { { "lt-a", IF_OPER_DOWN, false },
                                        { "lt-b", IF_OPER_LOWERLAYERDOWN, false },
                                        {} },
                  "lt-a down, lt-b without carrier");
        expect_multiset(T,
                        (const char *const[]) { "addr-removed lt-a 2001:db8::1/64", "addr-removed lt-a 2001:db8::2/64",
                                                "addr-removed lt-a fe80::1/64", NULL },
                        (const char *const[]) { "link-changed lt-a", "link-changed lt-b", NULL });
        check(count_text(T, "link-changed lt-a") >= 1);
        check_eq(a->n_addrs, 2);
        check(find_addr_text(T, "lt-a", "169.254.7.7/16"));
        check(find_addr_text(T, "lt-a", "198.51.100.1/24"));

        step(T, "rename lt-a to lt-renamed");
        rename_link("lt-a", "lt-renamed");
        wait_events(T, 1);
        /* The kernel re-announces the IPv4 addresses too (label); unchanged, they make no event. */
        expect_exact(T, (const char *const[]) { "link-changed lt-renamed", NULL });
        check(!link_tracker_get_by_name(T->t, "lt-a"));
        check(link_tracker_get_by_name(T->t, "lt-renamed") == a);
        check(streq(a->name, "lt-renamed"));
        check_eq(a->n_addrs, 2);

        step(T, "set lt-renamed up again");
        set_up("lt-renamed", true);
        run_until(T, cond_links,
                  (const LinkState[]) { { "lt-renamed", IF_OPER_UP, true }, { "lt-b", IF_OPER_UP, true }, {} },
                  "both ends up");
        expect_multiset(T, (const char *const[]) { NULL },
                        (const char *const[]) { "link-changed lt-renamed", "link-changed lt-b", NULL });
        check(count_text(T, "link-changed lt-renamed") >= 1);
        add_addr("lt-renamed", "192.0.2.1/24", 0);
        run_until(T, cond_text_seen, "addr-new lt-renamed 192.0.2.1/24", "192.0.2.1 back");
        expect_same_as_fresh_dump(T);
}

static void test_resync(Test *T) {
        const LinkInfo *a = link_tracker_get_by_name(T->t, "lt-renamed");
        int fd_before, fd_after, rcvbuf = 0;
        socklen_t sl = sizeof(rcvbuf);
        const char *expected[128];
        char texts[80][64];
        size_t n = 0;

        step(T, "explicit resync with nothing changed");
        check_eq(link_tracker_resync(T->t), 0);
        expect_exact(T, (const char *const[]) { "resynced", NULL });
        check(link_tracker_get(T->t, a->ifindex) == a);

        step(T, "second pair lt-c/lt-d with an address");
        create_veth("lt-c", "lt-d");
        add_addr("lt-c", "203.0.113.1/24", 0);
        wait_events(T, 3);
        expect_exact(T, (const char *const[]) { "link-new lt-d", "link-new lt-c", "addr-new lt-c 203.0.113.1/24",
                                                NULL });

        step(T, "ENOBUFS: events lost while the loop is not reading, then reconciled");
        fd_before = link_tracker_get_fd(T->t);
        check(fd_before >= 0);
        rcvbuf = 1; /* the kernel rounds this up to its minimum: a couple of messages */
        check(setsockopt(fd_before, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == 0);

        /* The first messages stay queued and the rest is dropped: this add sits in the stale queue,
         * its delete is lost. Replaying the queue after the dump would bring the address back. */
        add_addr("lt-renamed", "192.0.2.200/24", 0);
        del_addr("lt-renamed", "169.254.7.7/16");
        expected[n++] = "addr-removed lt-renamed 169.254.7.7/16";
        for (unsigned i = 1; i <= 64; i++) {
                char addr[32];

                snprintf(addr, sizeof(addr), "10.99.0.%u/24", i);
                add_addr("lt-renamed", addr, 0);
                snprintf(texts[i], sizeof(texts[i]), "addr-new lt-renamed %s", addr);
                expected[n++] = texts[i];
        }
        del_addr("lt-renamed", "192.0.2.200/24");
        delete_link("lt-c"); /* takes lt-d along */
        expected[n++] = "addr-removed lt-c 203.0.113.1/24";
        expected[n++] = "link-removed lt-c";
        expected[n++] = "link-removed lt-d";
        create_veth("lt-e", "lt-f");
        expected[n++] = "link-new lt-e";
        expected[n++] = "link-new lt-f";
        expected[n++] = "resynced";
        expected[n] = NULL;

        run_until(T, cond_text_seen, "resynced", "the resync after ENOBUFS");
        check_eq(count_text(T, "resynced"), 1);
        check(streq(T->events[T->n_events - 1].text, "resynced"));
        expect_multiset(T, expected, NULL);
        fd_after = link_tracker_get_fd(T->t);
        check(fd_after >= 0 && fd_after != fd_before); /* a new socket: the stale queue is gone */
        check(getsockopt(fd_after, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl) == 0);
        check(rcvbuf >= LINK_TRACKER_RCVBUF);
        check(link_tracker_get(T->t, a->ifindex) == a);
        check_eq(a->n_addrs, 66);
        check(!link_tracker_get_by_name(T->t, "lt-c") && !link_tracker_get_by_name(T->t, "lt-d"));
        check(link_tracker_get_by_name(T->t, "lt-e") && link_tracker_get_by_name(T->t, "lt-f"));
        expect_same_as_fresh_dump(T);

        step(T, "events flow again on the new socket");
        add_addr("lt-renamed", "192.0.2.99/24", 0);
        wait_events(T, 1);
        expect_exact(T, (const char *const[]) { "addr-new lt-renamed 192.0.2.99/24", NULL });
}

static void test_delete(Test *T) {
        const char *expected[128];
        char texts[80][64];
        size_t n = 0;

        step(T, "delete lt-renamed (and its peer lt-b) with all its addresses");
        for (unsigned i = 1; i <= 64; i++) {
                snprintf(texts[i], sizeof(texts[i]), "addr-removed lt-renamed 10.99.0.%u/24", i);
                expected[n++] = texts[i];
        }
        expected[n++] = "addr-removed lt-renamed 192.0.2.1/24";
        expected[n++] = "addr-removed lt-renamed 192.0.2.99/24";
        expected[n++] = "addr-removed lt-renamed 198.51.100.1/24";
        expected[n++] = "link-removed lt-renamed";
        expected[n++] = "link-removed lt-b";
        expected[n] = NULL;

        delete_link("lt-renamed");
        run_until(T, cond_text_seen, "link-removed lt-b", "both ends removed");
        expect_multiset(T, expected,
                        (const char *const[]) { "link-changed lt-renamed", "link-changed lt-b", NULL });
        check(!link_tracker_get_by_name(T->t, "lt-renamed") && !link_tracker_get_by_name(T->t, "lt-b"));
        check(!link_tracker_get_by_name(T->t, "lt-renamed"));
        check_eq(link_tracker_links(T->t, NULL), 3); /* lo, lt-e, lt-f */
        expect_same_as_fresh_dump(T);
}

static void test_usable_predicates(void) {
        LinkInfo l = { .flags = IFF_UP | IFF_RUNNING, .operstate = IF_OPER_UP };
        LinkAddr a = { .family = AF_INET6, .scope = RT_SCOPE_UNIVERSE };

        check(link_is_usable(&l));
        l.flags = IFF_UP;
        check(link_is_usable(&l)); /* operstate UP */
        l.operstate = IF_OPER_UNKNOWN;
        check(link_is_usable(&l));
        l.operstate = IF_OPER_DORMANT;
        check(!link_is_usable(&l));
        l.flags = IFF_UP | IFF_RUNNING | IFF_LOOPBACK;
        check(!link_is_usable(&l));
        l.flags = IFF_RUNNING;
        check(!link_is_usable(&l));
        check(!link_is_usable(NULL));

        check(inet_pton(AF_INET6, "2001:db8::5", &a.in6) == 1);
        check(link_addr_is_usable(&a));
        a.flags = IFA_F_DEPRECATED;
        check(!link_addr_is_usable(&a));
        a.flags = IFA_F_DADFAILED;
        check(!link_addr_is_usable(&a));
        a.flags = IFA_F_PERMANENT;
        a.scope = RT_SCOPE_HOST;
        check(!link_addr_is_usable(&a));
        a.scope = RT_SCOPE_UNIVERSE;
        check(inet_pton(AF_INET6, "::1", &a.in6) == 1);
        check(!link_addr_is_usable(&a));
        a = (LinkAddr) { .family = AF_INET, .scope = RT_SCOPE_UNIVERSE };
        check(inet_pton(AF_INET, "127.0.0.2", &a.in) == 1);
        check(!link_addr_is_usable(&a));
        check(inet_pton(AF_INET, "10.1.2.3", &a.in) == 1);
        check(link_addr_is_usable(&a));
        check(!link_addr_is_usable(NULL));
}

int main(void) {
        Test T = {};
        struct timeval tv = { .tv_sec = 5 };

        current = &T;
        setvbuf(stdout, NULL, _IOLBF, 0);
        test_usable_predicates();

        /* Our own network namespace, gone with this process: nothing outside it is touched. */
        if (unshare(CLONE_NEWNET) < 0)
                fail(__FILE__, __LINE__, "unshare(CLONE_NEWNET): %s (this test needs root)", strerror(errno));
        /* No automatic link-local addresses: every address event comes from the test. */
        write_sysctl("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");

        ctl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        check(ctl);
        check(mnl_socket_bind(ctl, 0, MNL_SOCKET_AUTOPID) == 0);
        check(setsockopt(mnl_socket_get_fd(ctl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);

        check_eq(sd_event_new(&T.event), 0);
        check_eq(link_tracker_new(T.event, on_event, &T, &T.t), 0);

        test_initial(&T);
        test_create_and_up(&T);
        test_addresses(&T);
        test_down_rename_up(&T);
        test_resync(&T);
        test_delete(&T);

        T.t = link_tracker_free(T.t);
        check(!link_tracker_free(NULL));
        sd_event_unref(T.event);
        mnl_socket_close(ctl);
        free(T.events);
        printf("test-link-tracker: all checks passed (%zu events)\n", T.n_events);
        return 0;
}
