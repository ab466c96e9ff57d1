/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm-codec.h — pure encoder/decoder for the mptcp_pm generic netlink family (no I/O, no logging). */
#pragma once

#include <linux/mptcp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "macro.h"

struct nlmsghdr;

/* Event and attribute numbers newer than the build host's linux/mptcp.h (values are kernel ABI). */
#ifndef MPTCP_EVENT_LISTENER_CREATED
#define MPTCP_EVENT_LISTENER_CREATED 15
#define MPTCP_EVENT_LISTENER_CLOSED 16
#endif
#define PM_ATTR_RESET_REASON 16 /* MPTCP_ATTR_RESET_REASON */
#define PM_ATTR_RESET_FLAGS 17  /* MPTCP_ATTR_RESET_FLAGS */
#define PM_ATTR_SERVER_SIDE 18  /* MPTCP_ATTR_SERVER_SIDE */
#ifndef MPTCP_PM_EV_FLAG_SERVER_SIDE
#define MPTCP_PM_EV_FLAG_SERVER_SIDE (1u << 1) /* event FLAGS bit: this side accepted the connection */
#endif
#ifndef MPTCP_PM_ADDR_FLAG_LAMINAR
#define MPTCP_PM_ADDR_FLAG_LAMINAR (1 << 5)
#endif

#define PM_GENL_NAME "mptcp_pm"
#define PM_GENL_VERSION 1
#define PM_GENL_EVENTS_GROUP "mptcp_pm_events"
#define PM_GENL_CMDS_GROUP "mptcp_pm_cmds"

/* An IPv4 or IPv6 address with port (host order; 0 = any). */
typedef struct PmAddr {
        int family; /* AF_INET, AF_INET6 or AF_UNSPEC when absent */
        union {
                struct in_addr in;
                struct in6_addr in6;
        };
        uint16_t port;
} PmAddr;

/* Which optional attributes an event carried. */
typedef enum PmEventField {
        PM_EVENT_HAS_TOKEN = 1u << 0,
        PM_EVENT_HAS_FAMILY = 1u << 1,
        PM_EVENT_HAS_LOC_ID = 1u << 2,
        PM_EVENT_HAS_REM_ID = 1u << 3,
        PM_EVENT_HAS_SADDR = 1u << 4,
        PM_EVENT_HAS_DADDR = 1u << 5,
        PM_EVENT_HAS_SPORT = 1u << 6,
        PM_EVENT_HAS_DPORT = 1u << 7,
        PM_EVENT_HAS_BACKUP = 1u << 8,
        PM_EVENT_HAS_ERROR = 1u << 9,
        PM_EVENT_HAS_FLAGS = 1u << 10,
        PM_EVENT_HAS_TIMEOUT = 1u << 11,
        PM_EVENT_HAS_IFINDEX = 1u << 12,
        PM_EVENT_HAS_RESET_REASON = 1u << 13,
        PM_EVENT_HAS_RESET_FLAGS = 1u << 14,
        PM_EVENT_HAS_SERVER_SIDE = 1u << 15,
} PmEventField;

/* One decoded mptcp_pm_events message. Ports are host order. */
typedef struct PmEvent {
        uint8_t type; /* MPTCP_EVENT_* (genl cmd) */
        uint32_t present; /* PmEventField bits */
        uint32_t token;
        int family; /* the FAMILY attribute (AF_INET/AF_INET6), AF_UNSPEC when absent */
        PmAddr saddr; /* with sport; saddr.family is AF_UNSPEC unless SADDR4/SADDR6 was present */
        PmAddr daddr; /* with dport; likewise */
        uint8_t loc_id;
        uint8_t rem_id;
        bool backup;
        uint8_t error;
        uint16_t flags;
        uint32_t timeout;
        int32_t ifindex;
        uint32_t reset_reason;
        uint32_t reset_flags;
        bool server_side; /* SERVER_SIDE=1 or FLAGS & MPTCP_PM_EV_FLAG_SERVER_SIDE */
} PmEvent;

const char *pm_event_type_to_string(uint8_t type); /* "created", "subflow-established", ...; NULL if unknown */

/* Decodes one event: the message at nlh, of which len bytes are readable (a receive buffer may
 * hold several; only nlh->nlmsg_len bytes are decoded, and nothing past len is ever read).
 * -EBADMSG: truncated or malformed (lengths, attribute types/sizes, nesting, an address whose
 * attribute contradicts FAMILY or SADDR4 together with SADDR6);
 * -EPROTONOSUPPORT: a netlink control message (NLMSG_ERROR, NLMSG_DONE, ...), not generic netlink.
 * Callers check nlh->nlmsg_type against the family id themselves. Unknown attributes and event
 * types are kept (type set, unknown attributes ignored) so newer kernels do not break us. */
int pm_event_parse(const struct nlmsghdr *nlh, size_t len, PmEvent *ret);

/* Checks that token-bearing events carry what the path manager needs: -EBADMSG otherwise.
 * CREATED/ESTABLISHED: token, family, saddr, daddr, sport, dport (addresses of one family);
 * SUB_ESTABLISHED/SUB_CLOSED/SUB_PRIORITY: token, loc_id, rem_id, saddr, daddr, sport, dport;
 * CLOSED: token; ANNOUNCED: token, rem_id, daddr; REMOVED: token, rem_id. Other types: 0. */
int pm_event_validate(const PmEvent *ev);

/* An endpoint for a command: address (with port) plus MPTCP address id, flags and ifindex. */
typedef struct PmEndpoint {
        PmAddr addr;
        uint8_t id;       /* 0 = omit */
        uint32_t flags;   /* MPTCP_PM_ADDR_FLAG_* ; 0 = omit */
        int32_t ifindex;  /* 0 = omit */
} PmEndpoint;

/* Command builders: write one request into buf (size bytes, at least MNL_SOCKET_BUFFER_SIZE is
 * always enough; 4-byte aligned) and return its nlmsghdr. NLM_F_REQUEST|NLM_F_ACK are set (dump
 * requests: NLM_F_REQUEST|NLM_F_DUMP); seq as given. Nest layout, in this order:
 * {FAMILY, ADDR4|ADDR6, [ID], [IF_IDX], [FLAGS], [PORT]} (PORT is host order, unlike events).
 * -EINVAL for arguments the kernel would refuse (no family, mismatched families, port 0 where
 * needed, ID 0 for ANNOUNCE, SIGNAL in SUBFLOW_CREATE, SIGNAL|FULLMESH), -ENOBUFS when buf is too
 * small; ret is untouched on failure. A token is any u32 (0 included). */
int pm_build_subflow_create(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token,
                            const PmEndpoint *local, const PmAddr *remote, struct nlmsghdr **ret);
/* local and remote ports are both required. */
int pm_build_subflow_destroy(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token,
                             const PmAddr *local, const PmAddr *remote, struct nlmsghdr **ret);
/* FLAGS is always sent (0 clears BACKUP); the remote port is sent when non-zero. */
int pm_build_set_flags(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token,
                       const PmEndpoint *local, const PmAddr *remote, struct nlmsghdr **ret);
/* local->id must be non-zero; SIGNAL is added to local->flags. */
int pm_build_announce(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token,
                      const PmEndpoint *local, struct nlmsghdr **ret);
int pm_build_remove(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t token,
                    uint8_t loc_id, struct nlmsghdr **ret);
/* In-kernel PM: endpoints and limits. ADD_ADDR: a port needs SIGNAL without SUBFLOW (as the
 * kernel demands); DEL_ADDR and endpoint_set_flags address the endpoint by its non-zero id. */
int pm_build_add_addr(void *buf, size_t size, uint16_t family_id, uint32_t seq, const PmEndpoint *ep,
                      struct nlmsghdr **ret);
int pm_build_del_addr(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint8_t id,
                      struct nlmsghdr **ret);
int pm_build_endpoint_set_flags(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint8_t id,
                                uint32_t flags, struct nlmsghdr **ret);
int pm_build_flush_addrs(void *buf, size_t size, uint16_t family_id, uint32_t seq, struct nlmsghdr **ret);
int pm_build_set_limits(void *buf, size_t size, uint16_t family_id, uint32_t seq, uint32_t subflows,
                        uint32_t add_addr_accepted, struct nlmsghdr **ret);
int pm_build_get_limits(void *buf, size_t size, uint16_t family_id, uint32_t seq, struct nlmsghdr **ret);
/* GET_ADDR dump: the in-kernel endpoints (token NULL) or one connection's userspace-PM address
 * table (token given). Each reply is decoded by pm_addr_reply_parse(); the dump ends with
 * NLMSG_DONE. */
int pm_build_dump_addrs(void *buf, size_t size, uint16_t family_id, uint32_t seq, const uint32_t *token,
                        struct nlmsghdr **ret);

/* Replies: one GET_ADDR entry (ADDR nest; ret->addr.family AF_UNSPEC if the kernel sent no
 * address) and GET_LIMITS. -EBADMSG if malformed or the mandatory attribute is missing. */
int pm_addr_reply_parse(const struct nlmsghdr *nlh, size_t len, PmEndpoint *ret);
int pm_limits_parse(const struct nlmsghdr *nlh, size_t len, uint32_t *ret_subflows,
                    uint32_t *ret_add_addr_accepted);

/* Generic netlink controller: CTRL_CMD_GETFAMILY request for a name (NLM_F_REQUEST|NLM_F_ACK: the
 * reply is followed by an ack), and its reply decoded into the family id and the id of one named
 * multicast group (0 if the group is absent; group may be NULL). An NLMSG_ERROR carrying an error
 * returns that error (-ENOENT: no such family); -ENOMSG for any other message that is not a
 * controller reply; -EBADMSG if malformed or CTRL_ATTR_FAMILY_ID is missing. */
int genl_build_get_family(void *buf, size_t size, uint32_t seq, const char *name, struct nlmsghdr **ret);
int genl_parse_family(const struct nlmsghdr *nlh, size_t len, const char *group, uint16_t *ret_family_id,
                      uint32_t *ret_group_id);

/* An NLMSG_ERROR (ack or error) decoded: error is 0 or negative errno; extack points into the
 * message (NULL if none). Capped (NLM_F_CAPPED) and uncapped (request echoed) forms are both
 * handled. -EBADMSG when truncated, -ENOMSG when nlh is not NLMSG_ERROR. Both out-parameters may
 * be NULL. */
int nl_parse_ack(const struct nlmsghdr *nlh, size_t len, int *ret_error, const char **ret_extack_msg);

/* Formats "a.b.c.d:port" / "[v6]:port" / bare "v6" (port omitted when 0; "(none)" for AF_UNSPEC)
 * into buf, truncating to size; returns buf. */
const char *pm_addr_to_string(const PmAddr *a, char *buf, size_t size);
#define PM_ADDR_STRLEN (INET6_ADDRSTRLEN + 8)
bool pm_addr_equal(const PmAddr *a, const PmAddr *b); /* address only, not port */
