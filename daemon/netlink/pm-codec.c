/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm-codec.c — bounds-checked encoder/decoder for mptcp_pm generic netlink messages (no I/O). */

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>

#include "pm-codec.h"

#define CTRL_GENL_VERSION 1
#define MAX_ERRNO 4095

/* ---- generic helpers ------------------------------------------------------------------------ */

typedef int (*attr_cb_t)(const struct nlattr *a, void *userdata);

/* Walks the attributes in [data, data + len): every attribute must lie inside the area and the
 * area must hold nothing else (a trailing fragment is a truncated attribute). */
static int attr_walk(const void *data, size_t len, attr_cb_t cb, void *userdata) {
        const struct nlattr *a = data;
        int rem;

        if (len > INT_MAX)
                return -EBADMSG;

        rem = (int) len;
        while (rem > 0) {
                int r;

                if (!mnl_attr_ok(a, rem))
                        return -EBADMSG;

                r = cb(a, userdata);
                if (r < 0)
                        return r;

                rem -= (int) MNL_ALIGN(a->nla_len);
                a = mnl_attr_next(a);
        }

        return 0;
}

static int attr_walk_nested(const struct nlattr *nest, attr_cb_t cb, void *userdata) {
        return attr_walk(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), cb, userdata);
}

/* Exact-size validation of one attribute. */
static bool attr_has_size(const struct nlattr *a, enum mnl_attr_data_type type, size_t len) {
        return mnl_attr_validate2(a, type, len) >= 0;
}

/* Checks the netlink header of the message at nlh against the readable length. */
static int nlmsg_check(const struct nlmsghdr *nlh, size_t len) {
        if (!nlh || len < NLMSG_HDRLEN)
                return -EBADMSG;
        if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
                return -EBADMSG;
        return 0;
}

/* Checks a generic netlink message and returns its genl header and attribute area. */
static int genl_msg_check(
        const struct nlmsghdr *nlh, size_t len, const struct genlmsghdr **ret_genl, const void **ret_attrs,
        size_t *ret_attrs_len) {
        int r;

        r = nlmsg_check(nlh, len);
        if (r < 0)
                return r;
        if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
                return -EPROTONOSUPPORT;
        if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
                return -EBADMSG;

        *ret_genl = mnl_nlmsg_get_payload(nlh);
        *ret_attrs = (const uint8_t *) nlh + NLMSG_HDRLEN + GENL_HDRLEN;
        *ret_attrs_len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
        return 0;
}

static bool family_is_inet(int family) {
        return family == AF_INET || family == AF_INET6;
}

/* ---- events --------------------------------------------------------------------------------- */

const char *pm_event_type_to_string(uint8_t type) {
        switch (type) {
        case MPTCP_EVENT_CREATED:
                return "created";
        case MPTCP_EVENT_ESTABLISHED:
                return "established";
        case MPTCP_EVENT_CLOSED:
                return "closed";
        case MPTCP_EVENT_ANNOUNCED:
                return "announced";
        case MPTCP_EVENT_REMOVED:
                return "removed";
        case MPTCP_EVENT_SUB_ESTABLISHED:
                return "subflow-established";
        case MPTCP_EVENT_SUB_CLOSED:
                return "subflow-closed";
        case MPTCP_EVENT_SUB_PRIORITY:
                return "subflow-priority";
        case MPTCP_EVENT_LISTENER_CREATED:
                return "listener-created";
        case MPTCP_EVENT_LISTENER_CLOSED:
                return "listener-closed";
        default:
                return NULL;
        }
}

typedef struct AttrPolicy {
        enum mnl_attr_data_type type;
        uint8_t len; /* exact payload size; 0 = attribute not known */
} AttrPolicy;

static const AttrPolicy event_policy[] = {
        [MPTCP_ATTR_TOKEN] = { MNL_TYPE_U32, 4 },
        [MPTCP_ATTR_FAMILY] = { MNL_TYPE_U16, 2 },
        [MPTCP_ATTR_LOC_ID] = { MNL_TYPE_U8, 1 },
        [MPTCP_ATTR_REM_ID] = { MNL_TYPE_U8, 1 },
        [MPTCP_ATTR_SADDR4] = { MNL_TYPE_BINARY, sizeof(struct in_addr) },
        [MPTCP_ATTR_SADDR6] = { MNL_TYPE_BINARY, sizeof(struct in6_addr) },
        [MPTCP_ATTR_DADDR4] = { MNL_TYPE_BINARY, sizeof(struct in_addr) },
        [MPTCP_ATTR_DADDR6] = { MNL_TYPE_BINARY, sizeof(struct in6_addr) },
        [MPTCP_ATTR_SPORT] = { MNL_TYPE_U16, 2 },
        [MPTCP_ATTR_DPORT] = { MNL_TYPE_U16, 2 },
        [MPTCP_ATTR_BACKUP] = { MNL_TYPE_U8, 1 },
        [MPTCP_ATTR_ERROR] = { MNL_TYPE_U8, 1 },
        [MPTCP_ATTR_FLAGS] = { MNL_TYPE_U16, 2 },
        [MPTCP_ATTR_TIMEOUT] = { MNL_TYPE_U32, 4 },
        [MPTCP_ATTR_IF_IDX] = { MNL_TYPE_U32, 4 },
        [PM_ATTR_RESET_REASON] = { MNL_TYPE_U32, 4 },
        [PM_ATTR_RESET_FLAGS] = { MNL_TYPE_U32, 4 },
        [PM_ATTR_SERVER_SIDE] = { MNL_TYPE_U8, 1 },
};

typedef struct EventParse {
        PmEvent ev;
        bool saddr4, saddr6, daddr4, daddr6;
        bool server_side_attr;
} EventParse;

static int event_attr_cb(const struct nlattr *a, void *userdata) {
        EventParse *p = userdata;
        PmEvent *ev = &p->ev;
        uint16_t type = mnl_attr_get_type(a);
        const void *payload = mnl_attr_get_payload(a);

        if (type >= ELEMENTSOF(event_policy) || event_policy[type].len == 0)
                return 0; /* newer kernel: ignore */
        if (!attr_has_size(a, event_policy[type].type, event_policy[type].len))
                return -EBADMSG;

        switch (type) {
        case MPTCP_ATTR_TOKEN:
                ev->token = mnl_attr_get_u32(a);
                ev->present |= PM_EVENT_HAS_TOKEN;
                break;
        case MPTCP_ATTR_FAMILY:
                ev->family = mnl_attr_get_u16(a);
                ev->present |= PM_EVENT_HAS_FAMILY;
                break;
        case MPTCP_ATTR_LOC_ID:
                ev->loc_id = mnl_attr_get_u8(a);
                ev->present |= PM_EVENT_HAS_LOC_ID;
                break;
        case MPTCP_ATTR_REM_ID:
                ev->rem_id = mnl_attr_get_u8(a);
                ev->present |= PM_EVENT_HAS_REM_ID;
                break;
        case MPTCP_ATTR_SADDR4:
                memcpy(&ev->saddr.in, payload, sizeof(struct in_addr));
                p->saddr4 = true;
                break;
        case MPTCP_ATTR_SADDR6:
                memcpy(&ev->saddr.in6, payload, sizeof(struct in6_addr));
                p->saddr6 = true;
                break;
        case MPTCP_ATTR_DADDR4:
                memcpy(&ev->daddr.in, payload, sizeof(struct in_addr));
                p->daddr4 = true;
                break;
        case MPTCP_ATTR_DADDR6:
                memcpy(&ev->daddr.in6, payload, sizeof(struct in6_addr));
                p->daddr6 = true;
                break;
        case MPTCP_ATTR_SPORT:
                ev->saddr.port = ntohs(mnl_attr_get_u16(a));
                ev->present |= PM_EVENT_HAS_SPORT;
                break;
        case MPTCP_ATTR_DPORT:
                ev->daddr.port = ntohs(mnl_attr_get_u16(a));
                ev->present |= PM_EVENT_HAS_DPORT;
                break;
        case MPTCP_ATTR_BACKUP:
                ev->backup = mnl_attr_get_u8(a) != 0;
                ev->present |= PM_EVENT_HAS_BACKUP;
                break;
        case MPTCP_ATTR_ERROR:
                ev->error = mnl_attr_get_u8(a);
                ev->present |= PM_EVENT_HAS_ERROR;
                break;
        case MPTCP_ATTR_FLAGS:
                ev->flags = mnl_attr_get_u16(a);
                ev->present |= PM_EVENT_HAS_FLAGS;
                break;
        case MPTCP_ATTR_TIMEOUT:
                ev->timeout = mnl_attr_get_u32(a);
                ev->present |= PM_EVENT_HAS_TIMEOUT;
                break;
        case MPTCP_ATTR_IF_IDX:
                ev->ifindex = (int32_t) mnl_attr_get_u32(a);
                ev->present |= PM_EVENT_HAS_IFINDEX;
                break;
        case PM_ATTR_RESET_REASON:
                ev->reset_reason = mnl_attr_get_u32(a);
                ev->present |= PM_EVENT_HAS_RESET_REASON;
                break;
        case PM_ATTR_RESET_FLAGS:
                ev->reset_flags = mnl_attr_get_u32(a);
                ev->present |= PM_EVENT_HAS_RESET_FLAGS;
                break;
        case PM_ATTR_SERVER_SIDE:
                p->server_side_attr = mnl_attr_get_u8(a) != 0;
                ev->present |= PM_EVENT_HAS_SERVER_SIDE;
                break;
        default:
                break;
        }

        return 0;
}

/* Settles an address's family from which attribute carried it; FAMILY, when present, must agree. */
static int
event_addr_family(const PmEvent *ev, bool v4, bool v6, PmAddr *a, uint32_t *present, PmEventField bit) {
        if (v4 && v6)
                return -EBADMSG;
        if (!v4 && !v6) {
                a->family = AF_UNSPEC;
                return 0;
        }

        a->family = v4 ? AF_INET : AF_INET6;
        if ((ev->present & PM_EVENT_HAS_FAMILY) && ev->family != a->family)
                return -EBADMSG;

        *present |= bit;
        return 0;
}

int pm_event_parse(const struct nlmsghdr *nlh, size_t len, PmEvent *ret) {
        const struct genlmsghdr *genl;
        const void *attrs;
        size_t attrs_len;
        EventParse p = {};
        int r;

        if (!ret)
                return -EINVAL;

        r = genl_msg_check(nlh, len, &genl, &attrs, &attrs_len);
        if (r < 0)
                return r;

        p.ev.type = genl->cmd;
        p.ev.family = AF_UNSPEC;
        r = attr_walk(attrs, attrs_len, event_attr_cb, &p);
        if (r < 0)
                return r;

        r = event_addr_family(&p.ev, p.saddr4, p.saddr6, &p.ev.saddr, &p.ev.present, PM_EVENT_HAS_SADDR);
        if (r < 0)
                return r;
        r = event_addr_family(&p.ev, p.daddr4, p.daddr6, &p.ev.daddr, &p.ev.present, PM_EVENT_HAS_DADDR);
        if (r < 0)
                return r;

        p.ev.server_side = p.server_side_attr || ((p.ev.present & PM_EVENT_HAS_FLAGS) &&
                                                  (p.ev.flags & MPTCP_PM_EV_FLAG_SERVER_SIDE));

        *ret = p.ev;
        return 0;
}

static bool has_all(const PmEvent *ev, uint32_t fields) {
        return (ev->present & fields) == fields;
}

int pm_event_validate(const PmEvent *ev) {
        const uint32_t conn = PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_FAMILY | PM_EVENT_HAS_SADDR |
                              PM_EVENT_HAS_DADDR | PM_EVENT_HAS_SPORT | PM_EVENT_HAS_DPORT;
        const uint32_t sub = PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_LOC_ID | PM_EVENT_HAS_REM_ID |
                             PM_EVENT_HAS_SADDR | PM_EVENT_HAS_DADDR | PM_EVENT_HAS_SPORT |
                             PM_EVENT_HAS_DPORT;

        if (!ev)
                return -EINVAL;

        switch (ev->type) {
        case MPTCP_EVENT_CREATED:
        case MPTCP_EVENT_ESTABLISHED:
                if (!has_all(ev, conn) || ev->saddr.family != ev->daddr.family)
                        return -EBADMSG;
                return 0;
        case MPTCP_EVENT_SUB_ESTABLISHED:
        case MPTCP_EVENT_SUB_CLOSED:
        case MPTCP_EVENT_SUB_PRIORITY:
                if (!has_all(ev, sub) || ev->saddr.family != ev->daddr.family)
                        return -EBADMSG;
                return 0;
        case MPTCP_EVENT_CLOSED:
                return has_all(ev, PM_EVENT_HAS_TOKEN) ? 0 : -EBADMSG;
        case MPTCP_EVENT_ANNOUNCED:
                return has_all(ev, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_REM_ID | PM_EVENT_HAS_DADDR) ? 0
                                                                                                  : -EBADMSG;
        case MPTCP_EVENT_REMOVED:
                return has_all(ev, PM_EVENT_HAS_TOKEN | PM_EVENT_HAS_REM_ID) ? 0 : -EBADMSG;
        default:
                return 0;
        }
}

/* ---- command builders ----------------------------------------------------------------------- */

static int msg_start(
        void *buf, size_t size, uint16_t type, uint16_t flags, uint32_t seq, uint8_t cmd, uint8_t version,
        struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        struct genlmsghdr *genl;

        if (!buf)
                return -EINVAL;
        if (size < NLMSG_HDRLEN + GENL_HDRLEN)
                return -ENOBUFS;

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = flags;
        nlh->nlmsg_seq = seq;
        genl = mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
        genl->cmd = cmd;
        genl->version = version;

        *ret = nlh;
        return 0;
}

static int
pm_msg_start(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint8_t cmd, struct nlmsghdr **ret) {
        return msg_start(buf, size, family_id, NLM_F_REQUEST | NLM_F_ACK, seq, cmd, PM_GENL_VERSION, ret);
}

/* mnl_attr_put() of libmnl 1.0.4 leaves the alignment padding as it was in buf: zero it here, so
 * no stale bytes reach the kernel and requests are byte-for-byte reproducible. */
static int put_attr(struct nlmsghdr *nlh, size_t size, uint16_t type, size_t len, const void *data) {
        size_t total = MNL_ATTR_HDRLEN + MNL_ALIGN(len);

        if (len > UINT16_MAX - MNL_ATTR_HDRLEN)
                return -EINVAL;
        if (nlh->nlmsg_len > size || total > size - nlh->nlmsg_len)
                return -ENOBUFS;

        memset(mnl_nlmsg_get_payload_tail(nlh), 0, total);
        mnl_attr_put(nlh, type, len, data);
        return 0;
}

static int put_u8(struct nlmsghdr *nlh, size_t size, uint16_t type, uint8_t v) {
        return put_attr(nlh, size, type, sizeof(v), &v);
}

static int put_u16(struct nlmsghdr *nlh, size_t size, uint16_t type, uint16_t v) {
        return put_attr(nlh, size, type, sizeof(v), &v);
}

static int put_u32(struct nlmsghdr *nlh, size_t size, uint16_t type, uint32_t v) {
        return put_attr(nlh, size, type, sizeof(v), &v);
}

/* What goes into one address nest. */
typedef struct NestSpec {
        const PmAddr *addr; /* NULL: no FAMILY/ADDR */
        uint8_t id;         /* 0 = omit */
        int32_t ifindex;    /* 0 = omit */
        bool put_flags;
        uint32_t flags;
        uint16_t port; /* 0 = omit */
} NestSpec;

static int put_addr_nest(struct nlmsghdr *nlh, size_t size, uint16_t nest_type, const NestSpec *s) {
        struct nlattr *nest;
        int r;

        nest = mnl_attr_nest_start_check(nlh, size, nest_type);
        if (!nest)
                return -ENOBUFS;

        if (s->addr) {
                r = put_u16(nlh, size, MPTCP_PM_ADDR_ATTR_FAMILY, (uint16_t) s->addr->family);
                if (r < 0)
                        return r;
                if (s->addr->family == AF_INET)
                        r = put_attr(
                                nlh, size, MPTCP_PM_ADDR_ATTR_ADDR4, sizeof(struct in_addr), &s->addr->in);
                else
                        r = put_attr(
                                nlh, size, MPTCP_PM_ADDR_ATTR_ADDR6, sizeof(struct in6_addr), &s->addr->in6);
                if (r < 0)
                        return r;
        }
        if (s->id != 0) {
                r = put_u8(nlh, size, MPTCP_PM_ADDR_ATTR_ID, s->id);
                if (r < 0)
                        return r;
        }
        if (s->ifindex != 0) {
                r = put_u32(nlh, size, MPTCP_PM_ADDR_ATTR_IF_IDX, (uint32_t) s->ifindex);
                if (r < 0)
                        return r;
        }
        if (s->put_flags) {
                r = put_u32(nlh, size, MPTCP_PM_ADDR_ATTR_FLAGS, s->flags);
                if (r < 0)
                        return r;
        }
        if (s->port != 0) {
                r = put_u16(nlh, size, MPTCP_PM_ADDR_ATTR_PORT, s->port);
                if (r < 0)
                        return r;
        }

        mnl_attr_nest_end(nlh, nest);
        return 0;
}

static bool addr_ok(const PmAddr *a) {
        return a && family_is_inet(a->family);
}

static bool flags_refused(uint32_t flags) {
        return (flags & MPTCP_PM_ADDR_FLAG_SIGNAL) && (flags & MPTCP_PM_ADDR_FLAG_FULLMESH);
}

int pm_build_subflow_create(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token, const PmEndpoint *local,
        const PmAddr *remote, struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret || !local || !addr_ok(&local->addr) || !addr_ok(remote))
                return -EINVAL;
        if (local->addr.family != remote->family || remote->port == 0)
                return -EINVAL;
        if (local->flags & MPTCP_PM_ADDR_FLAG_SIGNAL)
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_SUBFLOW_CREATE, &nlh);
        if (r < 0)
                return r;
        r = put_u32(nlh, size, MPTCP_PM_ATTR_TOKEN, token);
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR,
                &(NestSpec){ .addr = &local->addr,
                             .id = local->id,
                             .ifindex = local->ifindex,
                             .put_flags = local->flags != 0,
                             .flags = local->flags,
                             .port = local->addr.port });
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR_REMOTE, &(NestSpec){ .addr = remote, .port = remote->port });
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_subflow_destroy(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token, const PmAddr *local,
        const PmAddr *remote, struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret || !addr_ok(local) || !addr_ok(remote) || local->family != remote->family)
                return -EINVAL;
        if (local->port == 0 || remote->port == 0)
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_SUBFLOW_DESTROY, &nlh);
        if (r < 0)
                return r;
        r = put_u32(nlh, size, MPTCP_PM_ATTR_TOKEN, token);
        if (r < 0)
                return r;
        r = put_addr_nest(nlh, size, MPTCP_PM_ATTR_ADDR, &(NestSpec){ .addr = local, .port = local->port });
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR_REMOTE, &(NestSpec){ .addr = remote, .port = remote->port });
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_set_flags(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token, const PmEndpoint *local,
        const PmAddr *remote, struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret || !local || !addr_ok(&local->addr) || !addr_ok(remote))
                return -EINVAL;
        if (local->addr.family != remote->family)
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_SET_FLAGS, &nlh);
        if (r < 0)
                return r;
        r = put_u32(nlh, size, MPTCP_PM_ATTR_TOKEN, token);
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR,
                &(NestSpec){ .addr = &local->addr,
                             .id = local->id,
                             .put_flags = true,
                             .flags = local->flags,
                             .port = local->addr.port });
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR_REMOTE, &(NestSpec){ .addr = remote, .port = remote->port });
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_announce(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token, const PmEndpoint *local,
        struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        uint32_t flags;
        int r;

        if (!ret || !local || !addr_ok(&local->addr) || local->id == 0)
                return -EINVAL;
        flags = local->flags | MPTCP_PM_ADDR_FLAG_SIGNAL;
        if (flags_refused(flags))
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_ANNOUNCE, &nlh);
        if (r < 0)
                return r;
        r = put_u32(nlh, size, MPTCP_PM_ATTR_TOKEN, token);
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR,
                &(NestSpec){ .addr = &local->addr,
                             .id = local->id,
                             .ifindex = local->ifindex,
                             .put_flags = true,
                             .flags = flags,
                             .port = local->addr.port });
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_remove(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token, uint8_t loc_id,
        struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret)
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_REMOVE, &nlh);
        if (r < 0)
                return r;
        r = put_u32(nlh, size, MPTCP_PM_ATTR_TOKEN, token);
        if (r < 0)
                return r;
        r = put_u8(nlh, size, MPTCP_PM_ATTR_LOC_ID, loc_id);
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_add_addr(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, const PmEndpoint *ep,
        struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret || !ep || !addr_ok(&ep->addr) || flags_refused(ep->flags))
                return -EINVAL;
        /* The kernel only accepts a port on a signal-only endpoint. */
        if (ep->addr.port != 0 && (ep->flags & (MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_SUBFLOW)) !=
                                          MPTCP_PM_ADDR_FLAG_SIGNAL)
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_ADD_ADDR, &nlh);
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR,
                &(NestSpec){ .addr = &ep->addr,
                             .id = ep->id,
                             .ifindex = ep->ifindex,
                             .put_flags = ep->flags != 0,
                             .flags = ep->flags,
                             .port = ep->addr.port });
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_del_addr(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint8_t id, struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret || id == 0)
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_DEL_ADDR, &nlh);
        if (r < 0)
                return r;
        r = put_addr_nest(nlh, size, MPTCP_PM_ATTR_ADDR, &(NestSpec){ .id = id });
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_endpoint_set_flags(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint8_t id, uint32_t flags,
        struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret || id == 0 || flags_refused(flags))
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_SET_FLAGS, &nlh);
        if (r < 0)
                return r;
        r = put_addr_nest(
                nlh, size, MPTCP_PM_ATTR_ADDR, &(NestSpec){ .id = id, .put_flags = true, .flags = flags });
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_flush_addrs(void *buf, size_t size, uint16_t family_id, uint32_t seq, struct nlmsghdr **ret) {
        if (!ret)
                return -EINVAL;
        return pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_FLUSH_ADDRS, ret);
}

int pm_build_set_limits(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t subflows,
        uint32_t add_addr_accepted, struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret)
                return -EINVAL;

        r = pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_SET_LIMITS, &nlh);
        if (r < 0)
                return r;
        r = put_u32(nlh, size, MPTCP_PM_ATTR_RCV_ADD_ADDRS, add_addr_accepted);
        if (r < 0)
                return r;
        r = put_u32(nlh, size, MPTCP_PM_ATTR_SUBFLOWS, subflows);
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

int pm_build_get_limits(void *buf, size_t size, uint16_t family_id, uint32_t seq, struct nlmsghdr **ret) {
        if (!ret)
                return -EINVAL;
        return pm_msg_start(buf, size, family_id, seq, MPTCP_PM_CMD_GET_LIMITS, ret);
}

int pm_build_dump_addrs(
        void *buf, size_t size, uint16_t family_id, uint32_t seq, const uint32_t *token,
        struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret)
                return -EINVAL;

        r = msg_start(
                buf, size, family_id, NLM_F_REQUEST | NLM_F_DUMP, seq, MPTCP_PM_CMD_GET_ADDR,
                PM_GENL_VERSION, &nlh);
        if (r < 0)
                return r;
        if (token) {
                r = put_u32(nlh, size, MPTCP_PM_ATTR_TOKEN, *token);
                if (r < 0)
                        return r;
        }

        *ret = nlh;
        return 0;
}

/* ---- replies to commands -------------------------------------------------------------------- */

static const AttrPolicy addr_nest_policy[] = {
        [MPTCP_PM_ADDR_ATTR_FAMILY] = { MNL_TYPE_U16, 2 },
        [MPTCP_PM_ADDR_ATTR_ID] = { MNL_TYPE_U8, 1 },
        [MPTCP_PM_ADDR_ATTR_ADDR4] = { MNL_TYPE_BINARY, sizeof(struct in_addr) },
        [MPTCP_PM_ADDR_ATTR_ADDR6] = { MNL_TYPE_BINARY, sizeof(struct in6_addr) },
        [MPTCP_PM_ADDR_ATTR_PORT] = { MNL_TYPE_U16, 2 },
        [MPTCP_PM_ADDR_ATTR_FLAGS] = { MNL_TYPE_U32, 4 },
        [MPTCP_PM_ADDR_ATTR_IF_IDX] = { MNL_TYPE_U32, 4 },
};

typedef struct AddrNestParse {
        PmEndpoint ep;
        int family; /* FAMILY attribute, AF_UNSPEC if absent */
        bool v4, v6;
} AddrNestParse;

static int addr_nest_cb(const struct nlattr *a, void *userdata) {
        AddrNestParse *p = userdata;
        uint16_t type = mnl_attr_get_type(a);

        if (type >= ELEMENTSOF(addr_nest_policy) || addr_nest_policy[type].len == 0)
                return 0;
        if (!attr_has_size(a, addr_nest_policy[type].type, addr_nest_policy[type].len))
                return -EBADMSG;

        switch (type) {
        case MPTCP_PM_ADDR_ATTR_FAMILY:
                p->family = mnl_attr_get_u16(a);
                break;
        case MPTCP_PM_ADDR_ATTR_ID:
                p->ep.id = mnl_attr_get_u8(a);
                break;
        case MPTCP_PM_ADDR_ATTR_ADDR4:
                memcpy(&p->ep.addr.in, mnl_attr_get_payload(a), sizeof(struct in_addr));
                p->v4 = true;
                break;
        case MPTCP_PM_ADDR_ATTR_ADDR6:
                memcpy(&p->ep.addr.in6, mnl_attr_get_payload(a), sizeof(struct in6_addr));
                p->v6 = true;
                break;
        case MPTCP_PM_ADDR_ATTR_PORT:
                p->ep.addr.port = mnl_attr_get_u16(a); /* host order in commands and replies */
                break;
        case MPTCP_PM_ADDR_ATTR_FLAGS:
                p->ep.flags = mnl_attr_get_u32(a);
                break;
        case MPTCP_PM_ADDR_ATTR_IF_IDX:
                p->ep.ifindex = (int32_t) mnl_attr_get_u32(a);
                break;
        default:
                break;
        }
        return 0;
}

typedef struct AddrReplyParse {
        const struct nlattr *addr;
} AddrReplyParse;

static int addr_reply_cb(const struct nlattr *a, void *userdata) {
        AddrReplyParse *p = userdata;

        if (mnl_attr_get_type(a) != MPTCP_PM_ATTR_ADDR)
                return 0;
        if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
                return -EBADMSG;
        p->addr = a;
        return 0;
}

int pm_addr_reply_parse(const struct nlmsghdr *nlh, size_t len, PmEndpoint *ret) {
        const struct genlmsghdr *genl;
        const void *attrs;
        size_t attrs_len;
        AddrReplyParse rp = {};
        AddrNestParse p = { .family = AF_UNSPEC };
        int r;

        if (!ret)
                return -EINVAL;

        r = genl_msg_check(nlh, len, &genl, &attrs, &attrs_len);
        if (r < 0)
                return r;
        r = attr_walk(attrs, attrs_len, addr_reply_cb, &rp);
        if (r < 0)
                return r;
        if (!rp.addr)
                return -EBADMSG;
        r = attr_walk_nested(rp.addr, addr_nest_cb, &p);
        if (r < 0)
                return r;

        if (p.v4 && p.v6)
                return -EBADMSG;
        p.ep.addr.family = p.v4 ? AF_INET : p.v6 ? AF_INET6 : AF_UNSPEC;
        if (p.family != AF_UNSPEC && p.ep.addr.family != AF_UNSPEC && p.family != p.ep.addr.family)
                return -EBADMSG;

        *ret = p.ep;
        return 0;
}

typedef struct LimitsParse {
        uint32_t subflows, add_addr_accepted;
        bool has_subflows, has_add_addr_accepted;
} LimitsParse;

static int limits_cb(const struct nlattr *a, void *userdata) {
        LimitsParse *p = userdata;

        switch (mnl_attr_get_type(a)) {
        case MPTCP_PM_ATTR_SUBFLOWS:
                if (!attr_has_size(a, MNL_TYPE_U32, 4))
                        return -EBADMSG;
                p->subflows = mnl_attr_get_u32(a);
                p->has_subflows = true;
                break;
        case MPTCP_PM_ATTR_RCV_ADD_ADDRS:
                if (!attr_has_size(a, MNL_TYPE_U32, 4))
                        return -EBADMSG;
                p->add_addr_accepted = mnl_attr_get_u32(a);
                p->has_add_addr_accepted = true;
                break;
        default:
                break;
        }
        return 0;
}

int pm_limits_parse(
        const struct nlmsghdr *nlh, size_t len, uint32_t *ret_subflows, uint32_t *ret_add_addr_accepted) {
        const struct genlmsghdr *genl;
        const void *attrs;
        size_t attrs_len;
        LimitsParse p = {};
        int r;

        r = genl_msg_check(nlh, len, &genl, &attrs, &attrs_len);
        if (r < 0)
                return r;
        r = attr_walk(attrs, attrs_len, limits_cb, &p);
        if (r < 0)
                return r;
        if (!p.has_subflows || !p.has_add_addr_accepted)
                return -EBADMSG;

        if (ret_subflows)
                *ret_subflows = p.subflows;
        if (ret_add_addr_accepted)
                *ret_add_addr_accepted = p.add_addr_accepted;
        return 0;
}

/* ---- generic netlink controller ------------------------------------------------------------- */

int genl_build_get_family(void *buf, size_t size, uint32_t seq, const char *name, struct nlmsghdr **ret) {
        struct nlmsghdr *nlh;
        int r;

        if (!ret || !name || name[0] == '\0' || strlen(name) >= GENL_NAMSIZ)
                return -EINVAL;

        r = msg_start(
                buf, size, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, CTRL_CMD_GETFAMILY,
                CTRL_GENL_VERSION, &nlh);
        if (r < 0)
                return r;
        r = put_attr(nlh, size, CTRL_ATTR_FAMILY_NAME, strlen(name) + 1, name);
        if (r < 0)
                return r;

        *ret = nlh;
        return 0;
}

typedef struct FamilyParse {
        const char *group;
        uint16_t family_id;
        bool has_family_id;
        uint32_t group_id;
        /* the group entry being parsed */
        const char *grp_name;
        uint32_t grp_id;
        bool grp_has_id;
} FamilyParse;

static int mcast_grp_attr_cb(const struct nlattr *a, void *userdata) {
        FamilyParse *p = userdata;

        switch (mnl_attr_get_type(a)) {
        case CTRL_ATTR_MCAST_GRP_NAME:
                if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
                        return -EBADMSG;
                p->grp_name = mnl_attr_get_str(a);
                break;
        case CTRL_ATTR_MCAST_GRP_ID:
                if (!attr_has_size(a, MNL_TYPE_U32, 4))
                        return -EBADMSG;
                p->grp_id = mnl_attr_get_u32(a);
                p->grp_has_id = true;
                break;
        default:
                break;
        }
        return 0;
}

static int mcast_groups_cb(const struct nlattr *a, void *userdata) {
        FamilyParse *p = userdata;
        int r;

        /* Each entry is a nest indexed 1..n. */
        if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
                return -EBADMSG;

        p->grp_name = NULL;
        p->grp_has_id = false;
        r = attr_walk_nested(a, mcast_grp_attr_cb, p);
        if (r < 0)
                return r;

        if (p->group && p->grp_name && p->grp_has_id && streq(p->grp_name, p->group))
                p->group_id = p->grp_id;
        return 0;
}

static int family_attr_cb(const struct nlattr *a, void *userdata) {
        FamilyParse *p = userdata;

        switch (mnl_attr_get_type(a)) {
        case CTRL_ATTR_FAMILY_ID:
                if (!attr_has_size(a, MNL_TYPE_U16, 2))
                        return -EBADMSG;
                p->family_id = mnl_attr_get_u16(a);
                p->has_family_id = true;
                break;
        case CTRL_ATTR_MCAST_GROUPS:
                if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
                        return -EBADMSG;
                return attr_walk_nested(a, mcast_groups_cb, p);
        default:
                break;
        }
        return 0;
}

int genl_parse_family(
        const struct nlmsghdr *nlh, size_t len, const char *group, uint16_t *ret_family_id,
        uint32_t *ret_group_id) {
        const struct genlmsghdr *genl;
        const void *attrs;
        size_t attrs_len;
        FamilyParse p = { .group = group };
        int r;

        r = nlmsg_check(nlh, len);
        if (r < 0)
                return r;
        if (nlh->nlmsg_type == NLMSG_ERROR) {
                int error;

                r = nl_parse_ack(nlh, len, &error, NULL);
                if (r < 0)
                        return r;
                return error < 0 ? error : -ENOMSG;
        }
        if (nlh->nlmsg_type != GENL_ID_CTRL)
                return -ENOMSG;

        r = genl_msg_check(nlh, len, &genl, &attrs, &attrs_len);
        if (r < 0)
                return r;
        if (genl->cmd != CTRL_CMD_NEWFAMILY)
                return -ENOMSG;

        r = attr_walk(attrs, attrs_len, family_attr_cb, &p);
        if (r < 0)
                return r;
        if (!p.has_family_id || p.family_id == 0)
                return -EBADMSG;

        if (ret_family_id)
                *ret_family_id = p.family_id;
        if (ret_group_id)
                *ret_group_id = p.group_id;
        return 0;
}

/* ---- acks ----------------------------------------------------------------------------------- */

typedef struct AckParse {
        const char *msg;
} AckParse;

static int ack_tlv_cb(const struct nlattr *a, void *userdata) {
        AckParse *p = userdata;

        if (mnl_attr_get_type(a) != NLMSGERR_ATTR_MSG)
                return 0;
        if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
                return -EBADMSG;
        p->msg = mnl_attr_get_str(a);
        return 0;
}

int nl_parse_ack(const struct nlmsghdr *nlh, size_t len, int *ret_error, const char **ret_extack_msg) {
        const struct nlmsgerr *err;
        AckParse p = {};
        size_t payload_len;
        int r;

        r = nlmsg_check(nlh, len);
        if (r < 0)
                return r;
        if (nlh->nlmsg_type != NLMSG_ERROR)
                return -ENOMSG;
        if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nlmsgerr))
                return -EBADMSG;

        err = mnl_nlmsg_get_payload(nlh);
        if (err->error > 0 || err->error < -MAX_ERRNO)
                return -EBADMSG;

        payload_len = nlh->nlmsg_len - NLMSG_HDRLEN;
        if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
                size_t off = sizeof(struct nlmsgerr);

                /* Uncapped: the request follows (its header is inside struct nlmsgerr already). */
                if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
                        if (err->msg.nlmsg_len < NLMSG_HDRLEN)
                                return -EBADMSG;
                        off += (size_t) err->msg.nlmsg_len - NLMSG_HDRLEN;
                }
                off = NLMSG_ALIGN(off);
                if (off > payload_len)
                        return -EBADMSG;

                r = attr_walk((const uint8_t *) err + off, payload_len - off, ack_tlv_cb, &p);
                if (r < 0)
                        return r;
        }

        if (ret_error)
                *ret_error = err->error;
        if (ret_extack_msg)
                *ret_extack_msg = p.msg;
        return 0;
}

/* ---- addresses ------------------------------------------------------------------------------ */

const char *pm_addr_to_string(const PmAddr *a, char *buf, size_t size) {
        char s[INET6_ADDRSTRLEN];

        if (!buf || size == 0)
                return NULL;

        if (!a || !family_is_inet(a->family)) {
                snprintf(buf, size, "(none)");
                return buf;
        }

        if (!inet_ntop(
                    a->family, a->family == AF_INET ? (const void *) &a->in : (const void *) &a->in6, s,
                    sizeof(s))) {
                snprintf(buf, size, "(invalid)");
                return buf;
        }

        if (a->port == 0)
                snprintf(buf, size, "%s", s);
        else if (a->family == AF_INET)
                snprintf(buf, size, "%s:%u", s, (unsigned) a->port);
        else
                snprintf(buf, size, "[%s]:%u", s, (unsigned) a->port);
        return buf;
}

bool pm_addr_equal(const PmAddr *a, const PmAddr *b) {
        if (!a || !b)
                return a == b;
        if (a->family != b->family)
                return false;
        switch (a->family) {
        case AF_INET:
                return a->in.s_addr == b->in.s_addr;
        case AF_INET6:
                return memcmp(&a->in6, &b->in6, sizeof(struct in6_addr)) == 0;
        default:
                return true; /* both absent */
        }
}
