/* SPDX-License-Identifier: GPL-2.0-or-later */
/* endpoint-plan.h — pure planner: decisions × facts × endpoint table → endpoint ops and conflicts. */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iface-facts.h"
#include "macro.h"
#include "pm-codec.h"
#include "policy-engine.h"

/*
 * The kernel backend compiles the active profile into in-kernel path manager endpoints
 * (`ip mptcp endpoint`) and limits. No I/O, no logging, no clock: the same inputs give the same
 * plan, and planning again on the state the plan produces gives no operation.
 *
 * Kernel facts this relies on (net/mptcp/pm_kernel.c, checked on this kernel):
 *   - one endpoint per address (a second one is refused with EEXIST, unless one of them is a
 *     signal-only endpoint with a port), at most ENDPOINT_KERNEL_MAX endpoints per network
 *     namespace in total (ERANGE), IDs 1..255;
 *   - SET_FLAGS changes only `backup` and `fullmesh`, in place: a `backup` change is sent to the
 *     peers of every live connection as MP_PRIO; `signal`/`subflow` need delete + add, and
 *     deleting an endpoint closes the subflows that use its address;
 *   - a new endpoint is applied to established connections at once (subflows created, address
 *     announced): adding is the only way the in-kernel PM re-creates subflows;
 *   - limits are per namespace: `subflows` (additional subflows per connection, created or
 *     accepted) and `add_addr_accepted`, each at most 8 ("limit greater than maximum (8)").
 *
 * Role (ENDPOINT_ROLE_*): a `subflow` endpoint makes the in-kernel PM open one subflow from its
 * address to the connection's initial remote address, on every connection, whichever side opened
 * it; a `signal` endpoint is announced (ADD_ADDR) to the peer of every connection, and the peer
 * decides whether to join it. A client behind NAT/CGNAT (a laptop on cellular) gains nothing from
 * announcing, and a server should not open joins towards clients that usually cannot accept
 * them. Hence one role per daemon configuration, defaulting to `client`:
 *   client  `subflow fullmesh` (see below)
 *   server  `signal`
 *   both    `signal subflow` (the kernel refuses `signal fullmesh`)
 *
 * `subflows: N` (per remote address over one interface): the in-kernel PM opens at most one
 * subflow per endpoint and remote address, and the kernel keeps one endpoint per address, so N > 1
 * is clamped to 1 (ENDPOINT_PLAN_SUBFLOWS_CLAMPED). "Per remote address" needs `fullmesh`: without
 * it an ADD_ADDR received is joined from whatever source address routing picks — possibly a
 * `never` interface — while with fullmesh endpoints the kernel joins every known remote address
 * from each fullmesh endpoint only, bound to its device. So client endpoints are always
 * `fullmesh`: with add-addr-accepted 0 no ADD_ADDR is taken and a fullmesh endpoint acts exactly as
 * a plain `subflow` one (one join to the initial remote address), and keeping the flag constant
 * matters — the kernel answers a `fullmesh` change by closing and re-opening that endpoint's
 * subflows on every live connection, which a profile switch must not do.
 *
 * Which interfaces get endpoints: every interface that is up and not `never`, one endpoint per
 * address, skipping link-local and loopback addresses (no use as a source towards a remote host),
 * always with `dev` (the subflow is bound to the interface) and `backup` per the decision. A down
 * interface gets no new endpoint but keeps the ones it has: deleting an endpoint closes the live
 * subflows from its address — the initial one included — and the kernel does not open them again
 * when the endpoint comes back (measured in the lab: after Wi-Fi down/up with delete and re-add,
 * traffic stayed on LTE). Kept, the subflows stall while the link is down (the scheduler moves
 * to the others) and resume when it returns. An address that goes away takes its endpoint.
 *
 * Ownership without a state file: the daemon gives each endpoint an ID derived from its content —
 * endpoint_plan_id_slot(address, ifindex, p), probe p = 0..ENDPOINT_ID_PROBES-1, the first free
 * one — and owns exactly the endpoints whose ID is one of those slots for their own content and
 * that look like what it creates (`dev` set, no port, only signal/subflow/backup/fullmesh flags).
 * This survives a daemon restart with nothing stored, and a reboot trivially (endpoints do not
 * survive either). Why not a fixed ID range: the kernel hands out IDs to endpoints added without
 * one (NetworkManager, `ip mptcp endpoint add` without `id`) from a cursor that only moves up
 * (wrapping at 255) and jumps to the highest ID anyone added — after NetworkManager's periodic
 * re-syncs its endpoints land anywhere in 1..255, so a range says nothing about who created an
 * endpoint. A foreign endpoint passes the content check only if the kernel happened to give it
 * one of the ENDPOINT_ID_PROBES slots of its own address and device (about 4 in 255 for an
 * endpoint with `dev`; never for one without `dev`, with a port or with other flags, which is
 * how `ip mptcp` users usually write them). Such an endpoint is treated as the daemon's.
 *
 * Foreign endpoints are never changed. Those on a managed interface (by `dev` or by address) are
 * reported as conflicts; NetworkManager creates exactly these by default (one `subflow` endpoint
 * with `dev` per address; turn it off with connection.mptcp-flags=disabled) and deletes foreign
 * endpoints bound to its interfaces. A foreign endpoint holding an address the policy wants keeps
 * the daemon from adding its own (ENDPOINT_SKIP_HELD).
 */

/* The kernel's MPTCP_PM_ADDR_MAX: endpoints per namespace, and the maximum of each limit. */
#define ENDPOINT_KERNEL_MAX 8u
#define ENDPOINT_ID_PROBES 4u
#define ENDPOINT_FLAGS_MANAGED                                                                \
        (MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP | \
         MPTCP_PM_ADDR_FLAG_FULLMESH)

typedef enum EndpointRole {
        ENDPOINT_ROLE_CLIENT, /* `subflow` endpoints: this host opens joins */
        ENDPOINT_ROLE_SERVER, /* `signal` endpoints: this host announces its addresses */
        ENDPOINT_ROLE_BOTH,   /* `signal subflow` */
} EndpointRole;
#define _ENDPOINT_ROLE_MAX (ENDPOINT_ROLE_BOTH + 1)
#define ENDPOINT_ROLE_DEFAULT ENDPOINT_ROLE_CLIENT

/* "client", "server", "both"; NULL out of range. from_string: value or -EINVAL. */
const char *endpoint_role_to_string(EndpointRole r) _const_;
int endpoint_role_from_string(const char *s) _pure_;

/* ---- ownership -------------------------------------------------------------------------------- */

/* The p-th candidate ID (1..255) of the daemon's endpoint for addr (port ignored) on ifindex. */
uint8_t endpoint_plan_id_slot(const PmAddr *addr, int ifindex, unsigned probe) _pure_;
/* True when e is one of the daemon's endpoints, by the rule above. */
bool endpoint_plan_is_owned(const PmEndpoint *e) _pure_;

/* ---- input ------------------------------------------------------------------------------------ */

typedef struct EndpointPlanInput {
        /* The interfaces the daemon manages, decisions[i] for facts[i] (policy_decide()). */
        const InterfaceDecision *decisions;
        const InterfaceFacts *facts;
        size_t n_interfaces;

        EndpointRole role;
        unsigned limit_subflows;          /* the profile's limits.subflows */
        unsigned limit_add_addr_accepted; /* the profile's limits.add-addr-accepted */
        bool leave_limits;                /* plan no SET_LIMITS (e.g. when releasing the backend) */

        /* The kernel's state: a GET_ADDR dump and GET_LIMITS. */
        const PmEndpoint *current;
        size_t n_current;
        bool current_limits_known; /* false: SET_LIMITS is always planned */
        uint32_t current_subflows;
        uint32_t current_add_addr_accepted;
} EndpointPlanInput;

/* ---- output ----------------------------------------------------------------------------------- */

typedef enum EndpointOpType {
        ENDPOINT_OP_DELETE,     /* DEL_ADDR endpoint.id */
        ENDPOINT_OP_SET_FLAGS,  /* SET_FLAGS endpoint.id to endpoint.flags (backup/fullmesh only) */
        ENDPOINT_OP_SET_LIMITS, /* SET_LIMITS subflows, add_addr_accepted */
        ENDPOINT_OP_ADD,        /* ADD_ADDR endpoint (id, address, flags, ifindex) */
} EndpointOpType;
#define _ENDPOINT_OP_MAX (ENDPOINT_OP_ADD + 1)

typedef struct EndpointOp {
        EndpointOpType type;
        /* ADD: what to create; DELETE: the current entry; SET_FLAGS: the current entry with its
         * new flags. Unused for SET_LIMITS. */
        PmEndpoint endpoint;
        uint32_t old_flags;    /* SET_FLAGS: the flags before */
        char ifname[IFNAMSIZ]; /* the endpoint's interface if managed, else "" */
        uint32_t subflows;     /* SET_LIMITS */
        uint32_t add_addr_accepted;
} EndpointOp;

typedef enum EndpointConflictReason {
        /* On an interface (by `dev` or address) whose policy is `never`. */
        ENDPOINT_CONFLICT_NEVER,
        /* Holds an address the policy wants an endpoint for: the kernel keeps one endpoint per
         * address, so the daemon's is not added. wanted_flags says what the policy asks for. */
        ENDPOINT_CONFLICT_ADDRESS,
        /* On a managed interface, for an address the daemon does not program (link-local,
         * interface down, kept out by the endpoint cap). */
        ENDPOINT_CONFLICT_INTERFACE,
} EndpointConflictReason;
#define _ENDPOINT_CONFLICT_MAX (ENDPOINT_CONFLICT_INTERFACE + 1)

typedef struct EndpointConflict {
        PmEndpoint endpoint;   /* the foreign endpoint, as dumped */
        char ifname[IFNAMSIZ]; /* the managed interface it is on */
        bool on_dev;           /* its `dev` is that interface (else it was found by address) */
        EndpointConflictReason reason;
        uint32_t wanted_flags; /* ADDRESS: the flags the daemon would have given it */
} EndpointConflict;

typedef enum EndpointSkipReason {
        ENDPOINT_SKIP_HELD,  /* a foreign endpoint holds the address (see the conflicts) */
        ENDPOINT_SKIP_CAP,   /* the kernel holds at most ENDPOINT_KERNEL_MAX endpoints */
        ENDPOINT_SKIP_NO_ID, /* every candidate ID is taken by a foreign endpoint */
} EndpointSkipReason;
#define _ENDPOINT_SKIP_MAX (ENDPOINT_SKIP_NO_ID + 1)

/* An endpoint the policy wants but the plan does not program. */
typedef struct EndpointSkip {
        PmEndpoint endpoint; /* id 0 */
        char ifname[IFNAMSIZ];
        EndpointSkipReason reason;
} EndpointSkip;

typedef enum EndpointPlanFlag {
        ENDPOINT_PLAN_SUBFLOWS_CLAMPED = 1u << 0, /* an interface asks `subflows` > 1: one per
                                                   * endpoint and remote is all the kernel does */
        ENDPOINT_PLAN_LIMIT_CAPPED = 1u << 1,     /* the endpoints need more subflows than the
                                                   * profile's limit or the kernel's maximum */
        ENDPOINT_PLAN_SKIPPED = 1u << 2,          /* some wanted endpoints are in `skipped` */
} EndpointPlanFlag;

typedef struct EndpointPlan {
        /* In the order to apply: deletes (by ID), flag changes (by ID), limits, adds (by ID) —
         * deletes free addresses and endpoint slots, limits are raised before new endpoints
         * trigger subflows on live connections. */
        EndpointOp *ops;
        size_t n_ops;
        EndpointConflict *conflicts; /* by ID */
        size_t n_conflicts;
        EndpointSkip *skipped; /* by ifindex, then address */
        size_t n_skipped;
        /* Limits after the plan (whether or not an op sets them). client role: subflows =
         * min(what the endpoints need, profile limit, 8), where a subflow endpoint needs 1 (fullmesh:
         * 1 + add_addr_accepted) and, with add_addr_accepted > 0 and no fullmesh endpoint,
         * add_addr_accepted more; server/both: min(profile limit, 8), since peers open the joins.
         * add_addr_accepted = min(profile limit, 8). */
        uint32_t subflows;
        uint32_t add_addr_accepted;
        size_t n_owned; /* the daemon's endpoints once applied */
        unsigned flags; /* EndpointPlanFlag bits */
} EndpointPlan;

EndpointPlan *endpoint_plan_free(EndpointPlan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(EndpointPlan *, endpoint_plan_free);

/* Counts the ops of one type. */
size_t endpoint_plan_count(const EndpointPlan *p, EndpointOpType type) _pure_;

/* Plans. Returns 0 and *ret (possibly without ops); -EINVAL (NULL arrays with a count > 0, role
 * out of range); -ENOMEM. *ret is untouched on failure and does not point into the input. */
int endpoint_plan_compute(const EndpointPlanInput *in, EndpointPlan **ret);

/* ---- strings for the caller's logs ------------------------------------------------------------ */

const char *endpoint_op_type_to_string(EndpointOpType t) _const_;                 /* "delete", ... */
const char *endpoint_conflict_reason_to_string(EndpointConflictReason r) _const_; /* "never", ... */
const char *endpoint_skip_reason_to_string(EndpointSkipReason r) _const_;         /* "held", ... */

/* "signal subflow backup" (known flags in `ip mptcp` words, unknown ones as 0x..; "none"). */
const char *endpoint_flags_to_string(uint32_t flags, char *buf, size_t size);
#define ENDPOINT_FLAGS_STRLEN 64

/* "id 7 10.0.1.1 dev wifi subflow backup" (dev as ifname when given and non-empty, else the
 * ifindex). Returns buf. */
const char *endpoint_to_string(const PmEndpoint *e, const char *ifname, char *buf, size_t size);
#define ENDPOINT_STRLEN (PM_ADDR_STRLEN + IFNAMSIZ + ENDPOINT_FLAGS_STRLEN + 32)

/* One line for an op ("add id 7 10.0.1.1 dev wifi subflow", "set-flags id 7 ... backup (was
 * subflow)", "set-limits subflows 2 add_addr_accepted 0") or a conflict ("id 3 10.0.1.1 dev wifi
 * subflow: foreign endpoint on wifi, whose policy is never; left alone"). Return buf. */
const char *endpoint_op_to_string(const EndpointOp *op, char *buf, size_t size);
const char *endpoint_conflict_to_string(const EndpointConflict *c, char *buf, size_t size);
#define ENDPOINT_LINE_STRLEN 256
