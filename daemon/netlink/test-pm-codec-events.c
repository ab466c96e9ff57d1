/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-pm-codec-events.c — event decoding tests: every event type, byte order, malformed and truncated input. */

#include "test-pm-codec-util.h"

/* ---- event messages, built as the kernel does ------------------------------------------------ */

static void ev_put_addrs(struct nlmsghdr *nlh, const PmAddr *s, const PmAddr *d) {
        mnl_attr_put_u16(nlh, MPTCP_ATTR_FAMILY, (uint16_t) s->family);
        if (s->family == AF_INET) {
                mnl_attr_put(nlh, MPTCP_ATTR_SADDR4, 4, &s->in);
                mnl_attr_put(nlh, MPTCP_ATTR_DADDR4, 4, &d->in);
        } else {
                mnl_attr_put(nlh, MPTCP_ATTR_SADDR6, 16, &s->in6);
                mnl_attr_put(nlh, MPTCP_ATTR_DADDR6, 16, &d->in6);
        }
        mnl_attr_put_u16(nlh, MPTCP_ATTR_SPORT, htons(s->port));
        mnl_attr_put_u16(nlh, MPTCP_ATTR_DPORT, htons(d->port));
}

static void check_addr(const PmAddr *got, const PmAddr *exp) {
        char g[PM_ADDR_STRLEN], e[PM_ADDR_STRLEN];

        n_checks++;
        if (got->family != exp->family || !pm_addr_equal(got, exp) || got->port != exp->port) {
                fprintf(stderr, "address mismatch: got %s (family %d), expected %s (family %d)\n",
                        pm_addr_to_string(got, g, sizeof(g)), got->family,
                        pm_addr_to_string(exp, e, sizeof(e)), exp->family);
                exit(EXIT_FAILURE);
        }
}

/* Compares every field of two decoded events. */
static void check_event(const PmEvent *got, const PmEvent *exp) {
        check_eq(got->type, exp->type);
        check_eq(got->present, exp->present);
        check_eq(got->token, exp->token);
        check_eq(got->family, exp->family);
        check_addr(&got->saddr, &exp->saddr);
        check_addr(&got->daddr, &exp->daddr);
        check_eq(got->loc_id, exp->loc_id);
        check_eq(got->rem_id, exp->rem_id);
        check_eq(got->backup, exp->backup);
        check_eq(got->error, exp->error);
        check_eq(got->flags, exp->flags);
        check_eq(got->timeout, exp->timeout);
        check_eq(got->ifindex, exp->ifindex);
        check_eq(got->reset_reason, exp->reset_reason);
        check_eq(got->reset_flags, exp->reset_flags);
        check_eq(got->server_side, exp->server_side);
}

static const PmAddr no_addr = { .family = AF_UNSPEC };

/* Builds CREATED/ESTABLISHED; server side as the kernel does it (SERVER_SIDE=1 and FLAGS bit 1). */
static struct nlmsghdr *build_conn_event(void *buf, uint8_t type, bool v6, bool server, PmEvent *exp) {
        struct nlmsghdr *nlh = ev_start(buf, type);
        PmAddr s = v6 ? addr6("2001:db8::1", 40000) : addr4("10.0.1.1", 40000);
        PmAddr d = v6 ? addr6("2001:db8:1::2", 5201) : addr4("10.0.1.2", 5201);

        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 0xdeadbeef);
        ev_put_addrs(nlh, &s, &d);
        if (server) {
                mnl_attr_put_u8(nlh, PM_ATTR_SERVER_SIDE, 1);
                mnl_attr_put_u16(nlh, MPTCP_ATTR_FLAGS, MPTCP_PM_EV_FLAG_SERVER_SIDE);
        }

        *exp = (PmEvent) {
                .type = type,
                .present = PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_FAMILY | PM_EVENT_HAS_SADDR | PM_EVENT_HAS_DADDR |
                        PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT |
                        (server ? PM_EVENT_HAS_SERVER_SIDE | PM_EVENT_HAS_FLAGS : 0),
                .token = 0xdeadbeef,
                .family = v6 ? AF_INET6 : AF_INET,
                .saddr = s,
                .daddr = d,
                .flags = server ? MPTCP_PM_EV_FLAG_SERVER_SIDE : 0,
                .server_side = server,
        };
        return nlh;
}

/* SUB_ESTABLISHED / SUB_CLOSED / SUB_PRIORITY as mptcp_event_put_token_and_ssk() writes them. */
static struct nlmsghdr *build_sub_event(void *buf, uint8_t type, bool v6, PmEvent *exp) {
        struct nlmsghdr *nlh = ev_start(buf, type);
        PmAddr s = v6 ? addr6("2001:db8:2::1", 33333) : addr4("10.0.2.1", 33333);
        PmAddr d = v6 ? addr6("2001:db8:1::2", 5201) : addr4("10.0.1.2", 5201);
        bool closed = type == MPTCP_EVENT_SUB_CLOSED;

        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 0x01020304);
        ev_put_addrs(nlh, &s, &d);
        mnl_attr_put_u8(nlh, MPTCP_ATTR_LOC_ID, 2);
        mnl_attr_put_u8(nlh, MPTCP_ATTR_REM_ID, 7);
        mnl_attr_put_u8(nlh, MPTCP_ATTR_BACKUP, 1);
        mnl_attr_put_u32(nlh, MPTCP_ATTR_IF_IDX, 3);
        if (closed) {
                mnl_attr_put_u8(nlh, MPTCP_ATTR_ERROR, 111);
                mnl_attr_put_u32(nlh, PM_ATTR_RESET_REASON, 5);
                mnl_attr_put_u32(nlh, PM_ATTR_RESET_FLAGS, 1);
        }

        *exp = (PmEvent) {
                .type = type,
                .present = PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_FAMILY | PM_EVENT_HAS_SADDR | PM_EVENT_HAS_DADDR |
                        PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT | PM_EVENT_HAS_LOC_ID | PM_EVENT_HAS_REM_ID |
                        PM_EVENT_HAS_BACKUP | PM_EVENT_HAS_IFINDEX |
                        (closed ? PM_EVENT_HAS_ERROR | PM_EVENT_HAS_RESET_REASON | PM_EVENT_HAS_RESET_FLAGS : 0),
                .token = 0x01020304,
                .family = v6 ? AF_INET6 : AF_INET,
                .saddr = s,
                .daddr = d,
                .loc_id = 2,
                .rem_id = 7,
                .backup = true,
                .ifindex = 3,
                .error = closed ? 111 : 0,
                .reset_reason = closed ? 5 : 0,
                .reset_flags = closed ? 1 : 0,
        };
        return nlh;
}

static struct nlmsghdr *build_announced(void *buf, bool v6, PmEvent *exp) {
        struct nlmsghdr *nlh = ev_start(buf, MPTCP_EVENT_ANNOUNCED);
        PmAddr d = v6 ? addr6("2001:db8:3::9", 8080) : addr4("192.0.2.9", 8080);

        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 42);
        mnl_attr_put_u8(nlh, MPTCP_ATTR_REM_ID, 9);
        mnl_attr_put_u16(nlh, MPTCP_ATTR_FAMILY, (uint16_t) d.family);
        if (v6)
                mnl_attr_put(nlh, MPTCP_ATTR_DADDR6, 16, &d.in6);
        else
                mnl_attr_put(nlh, MPTCP_ATTR_DADDR4, 4, &d.in);
        mnl_attr_put_u16(nlh, MPTCP_ATTR_DPORT, htons(8080));

        *exp = (PmEvent) {
                .type = MPTCP_EVENT_ANNOUNCED,
                .present = PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_REM_ID | PM_EVENT_HAS_FAMILY | PM_EVENT_HAS_DADDR |
                        PM_EVENT_HAS_DPORT,
                .token = 42,
                .family = d.family,
                .saddr = no_addr,
                .daddr = d,
                .rem_id = 9,
        };
        return nlh;
}

static struct nlmsghdr *build_removed(void *buf, PmEvent *exp) {
        struct nlmsghdr *nlh = ev_start(buf, MPTCP_EVENT_REMOVED);

        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 42);
        mnl_attr_put_u8(nlh, MPTCP_ATTR_REM_ID, 9);
        *exp = (PmEvent) {
                .type = MPTCP_EVENT_REMOVED,
                .present = PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_REM_ID,
                .token = 42,
                .family = AF_UNSPEC,
                .saddr = no_addr,
                .daddr = no_addr,
                .rem_id = 9,
        };
        return nlh;
}

static struct nlmsghdr *build_closed(void *buf, PmEvent *exp) {
        struct nlmsghdr *nlh = ev_start(buf, MPTCP_EVENT_CLOSED);

        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 0xffffffff);
        mnl_attr_put_u32(nlh, MPTCP_ATTR_TIMEOUT, 1200);
        *exp = (PmEvent) {
                .type = MPTCP_EVENT_CLOSED,
                .present = PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_TIMEOUT,
                .token = 0xffffffff,
                .family = AF_UNSPEC,
                .saddr = no_addr,
                .daddr = no_addr,
                .timeout = 1200,
        };
        return nlh;
}

static struct nlmsghdr *build_listener(void *buf, uint8_t type, bool v6, PmEvent *exp) {
        struct nlmsghdr *nlh = ev_start(buf, type);
        PmAddr s = v6 ? addr6("::", 5201) : addr4("0.0.0.0", 5201);

        mnl_attr_put_u16(nlh, MPTCP_ATTR_FAMILY, (uint16_t) s.family);
        mnl_attr_put_u16(nlh, MPTCP_ATTR_SPORT, htons(5201));
        if (v6)
                mnl_attr_put(nlh, MPTCP_ATTR_SADDR6, 16, &s.in6);
        else
                mnl_attr_put(nlh, MPTCP_ATTR_SADDR4, 4, &s.in);
        *exp = (PmEvent) {
                .type = type,
                .present = PM_EVENT_HAS_FAMILY | PM_EVENT_HAS_SPORT | PM_EVENT_HAS_SADDR,
                .family = s.family,
                .saddr = s,
                .daddr = no_addr,
        };
        return nlh;
}

typedef struct EventCase {
        const char *name;
        struct nlmsghdr *(*build)(void *buf, int variant, PmEvent *exp);
} EventCase;

static struct nlmsghdr *case_created_client(void *b, int v6, PmEvent *e) {
        return build_conn_event(b, MPTCP_EVENT_CREATED, v6, false, e);
}
static struct nlmsghdr *case_created_server(void *b, int v6, PmEvent *e) {
        return build_conn_event(b, MPTCP_EVENT_CREATED, v6, true, e);
}
static struct nlmsghdr *case_established(void *b, int v6, PmEvent *e) {
        return build_conn_event(b, MPTCP_EVENT_ESTABLISHED, v6, false, e);
}
static struct nlmsghdr *case_closed(void *b, int v6, PmEvent *e) {
        return build_closed(b, e);
}
static struct nlmsghdr *case_announced(void *b, int v6, PmEvent *e) {
        return build_announced(b, v6, e);
}
static struct nlmsghdr *case_removed(void *b, int v6, PmEvent *e) {
        return build_removed(b, e);
}
static struct nlmsghdr *case_sub_established(void *b, int v6, PmEvent *e) {
        return build_sub_event(b, MPTCP_EVENT_SUB_ESTABLISHED, v6, e);
}
static struct nlmsghdr *case_sub_closed(void *b, int v6, PmEvent *e) {
        return build_sub_event(b, MPTCP_EVENT_SUB_CLOSED, v6, e);
}
static struct nlmsghdr *case_sub_priority(void *b, int v6, PmEvent *e) {
        return build_sub_event(b, MPTCP_EVENT_SUB_PRIORITY, v6, e);
}
static struct nlmsghdr *case_listener_created(void *b, int v6, PmEvent *e) {
        return build_listener(b, MPTCP_EVENT_LISTENER_CREATED, v6, e);
}
static struct nlmsghdr *case_listener_closed(void *b, int v6, PmEvent *e) {
        return build_listener(b, MPTCP_EVENT_LISTENER_CLOSED, v6, e);
}

static const EventCase event_cases[] = {
        { "created/client", case_created_client },
        { "created/server", case_created_server },
        { "established", case_established },
        { "closed", case_closed },
        { "announced", case_announced },
        { "removed", case_removed },
        { "subflow-established", case_sub_established },
        { "subflow-closed", case_sub_closed },
        { "subflow-priority", case_sub_priority },
        { "listener-created", case_listener_created },
        { "listener-closed", case_listener_closed },
};

static void test_event_roundtrip(void) {
        _Alignas(8) uint8_t buf[BUFSZ];

        for (size_t i = 0; i < ELEMENTSOF(event_cases); i++)
                for (int v6 = 0; v6 <= 1; v6++) {
                        PmEvent exp, got;
                        struct nlmsghdr *nlh = event_cases[i].build(buf, v6, &exp);

                        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &got), 0);
                        check_event(&got, &exp);
                        check_eq(pm_event_validate(&got), 0);
                        n_checks++;
                        if (strncmp(pm_event_type_to_string(got.type) ?: "?", event_cases[i].name,
                                    strcspn(event_cases[i].name, "/")) != 0) {
                                fprintf(stderr, "event type %u has name %s\n", got.type,
                                        strna(pm_event_type_to_string(got.type)));
                                exit(EXIT_FAILURE);
                        }
                        /* A larger readable length (several messages in one datagram) changes nothing. */
                        check_eq(pm_event_parse(nlh, BUFSZ, &got), 0);
                        check_event(&got, &exp);
                }
}

static void test_event_port_byte_order(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = ev_start(buf, MPTCP_EVENT_CREATED);
        const uint8_t sport[2] = { 0x1f, 0x90 }; /* 8080, network order */
        const uint8_t dport[2] = { 0x14, 0x51 }; /* 5201, network order */
        const uint8_t saddr[4] = { 10, 0, 1, 1 };
        PmEvent ev;
        char s[PM_ADDR_STRLEN];

        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 1);
        mnl_attr_put(nlh, MPTCP_ATTR_SADDR4, 4, saddr);
        mnl_attr_put(nlh, MPTCP_ATTR_SPORT, 2, sport);
        mnl_attr_put(nlh, MPTCP_ATTR_DPORT, 2, dport);
        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &ev), 0);
        check_eq(ev.saddr.port, 8080);
        check_eq(ev.daddr.port, 5201);
        check_eq(ev.saddr.family, AF_INET); /* no FAMILY attribute: from SADDR4 */
        check_eq(ev.family, AF_UNSPEC);
        check_streq(pm_addr_to_string(&ev.saddr, s, sizeof(s)), "10.0.1.1:8080");
        check_eq(pm_event_validate(&ev), -EBADMSG); /* no FAMILY, DADDR */
}

static void test_event_server_side_from_flags(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        PmEvent exp, ev;
        struct nlmsghdr *nlh = build_conn_event(buf, MPTCP_EVENT_CREATED, false, false, &exp);

        /* An older kernel: only FLAGS with the server-side bit. */
        mnl_attr_put_u16(nlh, MPTCP_ATTR_FLAGS, MPTCP_PM_EV_FLAG_SERVER_SIDE | MPTCP_PM_EV_FLAG_DENY_JOIN_ID0);
        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &ev), 0);
        check(ev.server_side);
        check_eq(ev.flags, 3);
        check(!(ev.present & PM_EVENT_HAS_SERVER_SIDE));

        /* DENY_JOIN_ID0 alone is not server side; SERVER_SIDE=0 is not either. */
        nlh = build_conn_event(buf, MPTCP_EVENT_CREATED, false, false, &exp);
        mnl_attr_put_u16(nlh, MPTCP_ATTR_FLAGS, MPTCP_PM_EV_FLAG_DENY_JOIN_ID0);
        mnl_attr_put_u8(nlh, PM_ATTR_SERVER_SIDE, 0);
        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &ev), 0);
        check(!ev.server_side);
        check(ev.present & PM_EVENT_HAS_SERVER_SIDE);
}

static void test_event_unknown(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        PmEvent exp, ev;
        struct nlmsghdr *nlh = build_sub_event(buf, MPTCP_EVENT_SUB_ESTABLISHED, false, &exp);
        struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

        /* Attributes from a future kernel (any size, incl. zero and nested) are ignored. */
        mnl_attr_put(nlh, 99, 0, NULL);
        mnl_attr_put(nlh, 100, 3, "abc");
        mnl_attr_put_u64(nlh, 200, 1);
        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &ev), 0);
        check_event(&ev, &exp);

        /* An unknown event type is kept. */
        genl->cmd = 77;
        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &ev), 0);
        check_eq(ev.type, 77);
        check(pm_event_type_to_string(77) == NULL);
        check(pm_event_type_to_string(0) == NULL);
        check_eq(pm_event_validate(&ev), 0);
}

/* Removing any attribute the PM needs makes validation fail. */
static void test_event_validate(void) {
        static const struct {
                uint8_t type;
                uint32_t needs;
        } cases[] = {
                { MPTCP_EVENT_CREATED, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_FAMILY | PM_EVENT_HAS_SADDR |
                          PM_EVENT_HAS_DADDR | PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT },
                { MPTCP_EVENT_ESTABLISHED, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_FAMILY | PM_EVENT_HAS_SADDR |
                          PM_EVENT_HAS_DADDR | PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT },
                { MPTCP_EVENT_SUB_ESTABLISHED, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_LOC_ID | PM_EVENT_HAS_REM_ID |
                          PM_EVENT_HAS_SADDR | PM_EVENT_HAS_DADDR | PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT },
                { MPTCP_EVENT_SUB_CLOSED, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_LOC_ID | PM_EVENT_HAS_REM_ID |
                          PM_EVENT_HAS_SADDR | PM_EVENT_HAS_DADDR | PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT },
                { MPTCP_EVENT_SUB_PRIORITY, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_LOC_ID | PM_EVENT_HAS_REM_ID |
                          PM_EVENT_HAS_SADDR | PM_EVENT_HAS_DADDR | PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT },
                { MPTCP_EVENT_CLOSED, PM_EVENT_HAS_TOKEN },
                { MPTCP_EVENT_ANNOUNCED, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_REM_ID | PM_EVENT_HAS_DADDR },
                { MPTCP_EVENT_REMOVED, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_REM_ID },
        };
        PmEvent ev;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                ev = (PmEvent) { .type = cases[i].type, .present = cases[i].needs };
                ev.saddr.family = ev.daddr.family = AF_INET;
                check_eq(pm_event_validate(&ev), 0);
                for (unsigned bit = 0; bit < 16; bit++) {
                        uint32_t b = 1u << bit;
                        if (!(cases[i].needs & b))
                                continue;
                        ev.present = cases[i].needs & ~b;
                        check_eq(pm_event_validate(&ev), -EBADMSG);
                }
        }

        /* Connection-level addresses of two families are inconsistent. */
        ev = (PmEvent) { .type = MPTCP_EVENT_SUB_ESTABLISHED, .present = cases[2].needs };
        ev.saddr.family = AF_INET;
        ev.daddr.family = AF_INET6;
        check_eq(pm_event_validate(&ev), -EBADMSG);
        check_eq(pm_event_validate(NULL), -EINVAL);
}

/* ---- malformed events ------------------------------------------------------------------------ */

/* Parses and checks the result is an error and ret untouched. */
static void check_parse_fails(const char *what, const struct nlmsghdr *nlh, size_t len, int expected) {
        PmEvent ev, pristine;
        int r;

        memset(&ev, 0xa5, sizeof(ev));
        pristine = ev;
        r = pm_event_parse(nlh, len, &ev);
        n_checks++;
        if (r != expected) {
                fprintf(stderr, "%s: pm_event_parse returned %d, expected %d\n", what, r, expected);
                exit(EXIT_FAILURE);
        }
        check(memcmp(&ev, &pristine, sizeof(ev)) == 0);
}

/* An event with one attribute of a given type and payload size after a valid TOKEN. */
static struct nlmsghdr *event_with_attr(void *buf, uint16_t type, size_t size) {
        static const uint8_t junk[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        struct nlmsghdr *nlh = ev_start(buf, MPTCP_EVENT_SUB_ESTABLISHED);

        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 1);
        mnl_attr_put(nlh, type, size, junk);
        return nlh;
}

static void test_event_wrong_sizes(void) {
        static const struct {
                uint16_t type;
                size_t good;
        } attrs[] = {
                { MPTCP_ATTR_TOKEN, 4 },      { MPTCP_ATTR_FAMILY, 2 },      { MPTCP_ATTR_LOC_ID, 1 },
                { MPTCP_ATTR_REM_ID, 1 },     { MPTCP_ATTR_SADDR4, 4 },      { MPTCP_ATTR_SADDR6, 16 },
                { MPTCP_ATTR_DADDR4, 4 },     { MPTCP_ATTR_DADDR6, 16 },     { MPTCP_ATTR_SPORT, 2 },
                { MPTCP_ATTR_DPORT, 2 },      { MPTCP_ATTR_BACKUP, 1 },      { MPTCP_ATTR_ERROR, 1 },
                { MPTCP_ATTR_FLAGS, 2 },      { MPTCP_ATTR_TIMEOUT, 4 },     { MPTCP_ATTR_IF_IDX, 4 },
                { PM_ATTR_RESET_REASON, 4 },  { PM_ATTR_RESET_FLAGS, 4 },    { PM_ATTR_SERVER_SIDE, 1 },
        };
        _Alignas(8) uint8_t buf[BUFSZ];
        PmEvent ev;

        for (size_t i = 0; i < ELEMENTSOF(attrs); i++)
                for (size_t size = 0; size <= 20; size++) {
                        struct nlmsghdr *nlh = event_with_attr(buf, attrs[i].type, size);
                        char what[64];

                        if (size == attrs[i].good) {
                                check_eq(pm_event_parse(nlh, nlh->nlmsg_len, &ev), 0);
                                continue;
                        }
                        snprintf(what, sizeof(what), "attr %u size %zu", attrs[i].type, size);
                        check_parse_fails(what, nlh, nlh->nlmsg_len, -EBADMSG);
                }
}

static void test_event_malformed(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh;
        struct nlattr *a;
        PmEvent exp;
        size_t len;

        /* nlmsg_len larger than the buffer. */
        nlh = build_conn_event(buf, MPTCP_EVENT_CREATED, false, false, &exp);
        len = nlh->nlmsg_len;
        check_parse_fails("nlmsg_len > len", nlh, len - 4, -EBADMSG);
        nlh->nlmsg_len = 0xfffffff0;
        check_parse_fails("huge nlmsg_len", nlh, len, -EBADMSG);

        /* nlmsg_len smaller than a netlink header, buffer smaller than a header, NULL. */
        nlh->nlmsg_len = 8;
        check_parse_fails("nlmsg_len < hdr", nlh, len, -EBADMSG);
        nlh->nlmsg_len = (uint32_t) len;
        check_parse_fails("len < hdr", nlh, 15, -EBADMSG);
        check_parse_fails("len 0", nlh, 0, -EBADMSG);
        check_parse_fails("NULL", NULL, 100, -EBADMSG);

        /* Truncated genl header. */
        nlh = ev_start(buf, MPTCP_EVENT_CLOSED);
        nlh->nlmsg_len = NLMSG_HDRLEN + 2;
        check_parse_fails("short genl header", nlh, nlh->nlmsg_len, -EBADMSG);
        nlh->nlmsg_len = NLMSG_HDRLEN;
        check_parse_fails("no genl header", nlh, nlh->nlmsg_len, -EBADMSG);

        /* A control message is not generic netlink. */
        nlh = ev_start(buf, MPTCP_EVENT_CLOSED);
        nlh->nlmsg_type = NLMSG_ERROR;
        check_parse_fails("NLMSG_ERROR", nlh, nlh->nlmsg_len, -EPROTONOSUPPORT);
        nlh->nlmsg_type = NLMSG_DONE;
        check_parse_fails("NLMSG_DONE", nlh, nlh->nlmsg_len, -EPROTONOSUPPORT);

        /* Attribute length overrunning the message. */
        nlh = ev_start(buf, MPTCP_EVENT_CLOSED);
        a = (struct nlattr *) ((uint8_t *) nlh + nlh->nlmsg_len);
        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 1);
        a->nla_len = 12;
        check_parse_fails("nla_len overrun", nlh, nlh->nlmsg_len, -EBADMSG);
        a->nla_len = 0xffff;
        check_parse_fails("nla_len 0xffff", nlh, nlh->nlmsg_len, -EBADMSG);
        /* nla_len below the attribute header (would loop forever if trusted). */
        a->nla_len = 0;
        check_parse_fails("nla_len 0", nlh, nlh->nlmsg_len, -EBADMSG);
        a->nla_len = 3;
        check_parse_fails("nla_len 3", nlh, nlh->nlmsg_len, -EBADMSG);

        /* Trailing bytes that cannot hold an attribute header. */
        nlh = ev_start(buf, MPTCP_EVENT_CLOSED);
        mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 1);
        nlh->nlmsg_len += 2;
        check_parse_fails("trailing 2 bytes", nlh, nlh->nlmsg_len, -EBADMSG);

        /* Zero-length known attribute. */
        nlh = ev_start(buf, MPTCP_EVENT_CLOSED);
        mnl_attr_put(nlh, MPTCP_ATTR_TOKEN, 0, NULL);
        check_parse_fails("zero-length TOKEN", nlh, nlh->nlmsg_len, -EBADMSG);

        /* Both address families for one side; FAMILY contradicting the address. */
        nlh = build_conn_event(buf, MPTCP_EVENT_CREATED, false, false, &exp);
        mnl_attr_put(nlh, MPTCP_ATTR_SADDR6, 16, &in6addr_loopback);
        check_parse_fails("SADDR4+SADDR6", nlh, nlh->nlmsg_len, -EBADMSG);
        nlh = build_conn_event(buf, MPTCP_EVENT_CREATED, false, false, &exp);
        mnl_attr_put(nlh, MPTCP_ATTR_DADDR6, 16, &in6addr_loopback);
        check_parse_fails("DADDR4+DADDR6", nlh, nlh->nlmsg_len, -EBADMSG);
        nlh = ev_start(buf, MPTCP_EVENT_ANNOUNCED);
        mnl_attr_put_u16(nlh, MPTCP_ATTR_FAMILY, AF_INET6);
        mnl_attr_put(nlh, MPTCP_ATTR_DADDR4, 4, &exp.daddr.in);
        check_parse_fails("FAMILY 6 + DADDR4", nlh, nlh->nlmsg_len, -EBADMSG);

        check_eq(pm_event_parse(nlh, nlh->nlmsg_len, NULL), -EINVAL);
}

/* The parser against its own input truncated at every length, both with the original nlmsg_len
 * (longer than the buffer) and with nlmsg_len rewritten to the truncated length. Each buffer is a
 * heap block of exactly that size, so the sanitizer build catches any read past it. */
static void test_event_truncation(void) {
        _Alignas(8) uint8_t buf[BUFSZ];

        for (size_t i = 0; i < ELEMENTSOF(event_cases); i++)
                for (int v6 = 0; v6 <= 1; v6++) {
                        PmEvent exp, ev;
                        struct nlmsghdr *nlh = event_cases[i].build(buf, v6, &exp);
                        size_t full = nlh->nlmsg_len;

                        for (size_t n = 0; n < full; n++) {
                                uint8_t *copy = malloc(n ?: 1);
                                int r;

                                check(copy);
                                memcpy(copy, buf, n);
                                r = pm_event_parse((struct nlmsghdr *) copy, n, &ev);
                                check_eq(r, -EBADMSG);
                                check_eq(pm_event_parse(guard_copy(copy, n), n, &ev), -EBADMSG);

                                if (n >= sizeof(struct nlmsghdr)) {
                                        ((struct nlmsghdr *) copy)->nlmsg_len = (uint32_t) n;
                                        memset(&ev, 0, sizeof(ev));
                                        r = pm_event_parse((struct nlmsghdr *) copy, n, &ev);
                                        check(r == 0 || r == -EBADMSG);
                                        check_eq(pm_event_parse(guard_copy(copy, n), n, &ev), r);
                                        if (r == 0) {
                                                /* Whatever was decoded matches the original. */
                                                check_eq(ev.type, exp.type);
                                                check_eq(ev.present & ~exp.present, 0);
                                                if (ev.present & PM_EVENT_HAS_TOKEN)
                                                        check_eq(ev.token, exp.token);
                                                if (ev.present & PM_EVENT_HAS_SADDR)
                                                        check(pm_addr_equal(&ev.saddr, &exp.saddr));
                                                if (ev.present & PM_EVENT_HAS_DADDR)
                                                        check(pm_addr_equal(&ev.daddr, &exp.daddr));
                                                if (ev.present & PM_EVENT_HAS_SPORT)
                                                        check_eq(ev.saddr.port, exp.saddr.port);
                                                if (ev.present & PM_EVENT_HAS_DPORT)
                                                        check_eq(ev.daddr.port, exp.daddr.port);
                                                if (ev.present & PM_EVENT_HAS_REM_ID)
                                                        check_eq(ev.rem_id, exp.rem_id);
                                        }
                                }
                                free(copy);
                        }
                }
}

/* Random bytes and random mutations of valid messages: must never crash or read out of bounds. */
static void test_event_garbage(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        uint32_t x = 0x12345678; /* xorshift: reproducible */
        unsigned ok = 0;

        for (unsigned iter = 0; iter < 20000; iter++) {
                PmEvent exp, ev;
                struct nlmsghdr *nlh = event_cases[iter % ELEMENTSOF(event_cases)].build(buf, iter & 1, &exp);
                size_t len = nlh->nlmsg_len;
                uint8_t *copy;
                int r;

                for (unsigned k = 0; k < 1 + iter % 4; k++) {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        if (iter % 5 == 0)
                                buf[x % len] = (uint8_t) (x >> 8); /* anywhere, incl. nlmsg_len */
                        else
                                buf[NLMSG_HDRLEN + GENL_HDRLEN + x % (len - NLMSG_HDRLEN - GENL_HDRLEN)] =
                                        (uint8_t) (x >> 8);
                }
                copy = malloc(len);
                check(copy);
                memcpy(copy, buf, len);
                r = pm_event_parse((struct nlmsghdr *) copy, len, &ev);
                check(r == 0 || r == -EBADMSG || r == -EPROTONOSUPPORT);
                check_eq(pm_event_parse(guard_copy(copy, len), len, &ev), r);
                if (r == 0) {
                        ok++;
                        (void) pm_event_validate(&ev);
                }
                free(copy);
        }
        /* Pure noise. */
        for (unsigned iter = 0; iter < 5000; iter++) {
                size_t len = 1 + iter % 200;
                uint8_t *copy = malloc(len);
                PmEvent ev;
                int r;

                check(copy);
                for (size_t i = 0; i < len; i++) {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        copy[i] = (uint8_t) x;
                }
                r = pm_event_parse((struct nlmsghdr *) copy, len, &ev);
                check(r == 0 || r == -EBADMSG || r == -EPROTONOSUPPORT);
                check_eq(pm_event_parse(guard_copy(copy, len), len, &ev), r);
                free(copy);
        }
        check(ok > 0); /* some mutations only touch ignorable bytes */
}

int main(void) {
        test_event_roundtrip();
        test_event_port_byte_order();
        test_event_server_side_from_flags();
        test_event_unknown();
        test_event_validate();
        test_event_wrong_sizes();
        test_event_malformed();
        test_event_truncation();
        test_event_garbage();

        printf("test-pm-codec-events: %u checks passed\n", n_checks);
        return EXIT_SUCCESS;
}
