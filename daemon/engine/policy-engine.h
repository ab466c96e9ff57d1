/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-engine.h — the pure policy engine: profile × interface facts → decisions, and per-connection subflow plans. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iface-facts.h"
#include "macro.h"
#include "profile.h"

/*
 * No I/O, no logging, no clock: every input is an argument and the same inputs give the same
 * outputs. Two steps:
 *
 *   policy_decide()          profile + facts of every interface  → one InterfaceDecision each
 *   policy_plan_connection() decisions + facts + one connection
 *                            + its current subflows              → PolicyPlan (create / destroy /
 *                                                                  set backup / clear backup)
 *
 * A backend applies the plan; planning again on the resulting state gives an empty plan.
 */

/* ---- decisions -------------------------------------------------------------------------------- */

/* What the kernel offers; decides how steering modes are mapped (design.md "Mainline mapping"). */
typedef struct PolicyCapabilities {
        bool have_bpf_scheduler; /* vmlinux BTF has bpf_struct_ops_mptcp_sched_ops */
} PolicyCapabilities;

/* Token for Degraded / logs when a profile's steering mode cannot be enforced. */
#define POLICY_REASON_REDUNDANT_NEEDS_BPF_SCHEDULER "redundant-needs-bpf-scheduler"

/* NULL when MODE can be enforced with CAPS, else a POLICY_REASON_* token. Only `redundant` needs
 * the BPF scheduler; every other mode has a mainline mapping. */
const char *policy_steering_unsupported_reason(SteeringMode mode, const PolicyCapabilities *caps);

/* TCP_NOTSENT_LOWAT given to a capped interface whose rule sets none: cutting a live subflow's
 * pacing cap otherwise stalls the whole connection on data already queued there (kernel-notes:
 * 128 KiB kept the other link at full speed). */
#define POLICY_CAPPED_NOTSENT_LOWAT (128u * 1024u)

/* Why a decision looks the way it does (InterfaceDecision.flags). */
typedef enum DecisionFlag {
        DECISION_DEFAULT_RULE = 1u << 0,     /* no rule matched: RULE_DEFAULT_* values */
        DECISION_OVERFLOW = 1u << 1,         /* priority-based: thresholds crossed, backup cleared */
        DECISION_NO_TELEMETRY = 1u << 2,     /* priority-based: thresholds set but no active access
                                              * has telemetry yet; backup kept */
        DECISION_CAP_FROM_WEIGHT = 1u << 3,  /* load-balancing: pacing cap derived from the weights
                                              * (approximate: TCP pacing, nominal capacities) */
        DECISION_CAPACITY_UNKNOWN = 1u << 4, /* load-balancing: some active interface's capacity is
                                              * unknown, so no caps could be derived */
        DECISION_WEIGHT_TO_SCHEDULER = 1u << 5, /* the BPF scheduler uses the weight itself */
        DECISION_NOTSENT_LOWAT_DEFAULT = 1u << 6, /* capped: POLICY_CAPPED_NOTSENT_LOWAT applied */
} DecisionFlag;

/* The engine's verdict for one interface: what its subflows should be and which BPF map entry
 * it gets. */
typedef struct InterfaceDecision {
        int ifindex;               /* copied from the facts */
        char name[IFNAMSIZ];       /* copied from the facts */
        int rule_index;            /* index in Profile.rules of the matching rule; -1 = none */
        RuleUse use;               /* as the rule says (RULE_DEFAULT_USE without a rule) */
        bool backup;               /* effective backup flag (MP_PRIO) of subflows over it */
        unsigned subflows;         /* per remote address */
        unsigned weight;           /* 1..RULE_WEIGHT_MAX */
        uint64_t pacing_cap_bps;   /* effective cap, bits/s; 0 = none */
        char congestion[CONGESTION_NAME_MAX + 1]; /* "" = system default */
        uint32_t notsent_lowat;    /* bytes; 0 = system default */
        uint64_t rtt_threshold_usec; /* priority-based thresholds, 0 = none (copied for telemetry) */
        uint32_t loss_threshold_ppm;
        unsigned flags;            /* DecisionFlag bits */
} InterfaceDecision;

/* Decides for each of the n interfaces (decisions[i] is for facts[i]):
 *
 * Matching: the first rule whose every given condition holds decides; an interface no rule
 * matches gets the defaults of an empty rule (use: active, 1 subflow, weight 1, no cap) and
 * DECISION_DEFAULT_RULE. Conditions: `name` — any glob matches (fnmatch, flags 0); `type` — the
 * interface's type is listed; `metered` — the fact is known and equal; `operator` — the fact is
 * known and listed; `roaming` — the fact is known and equal, where a non-cellular interface is
 * known not to roam (roaming is a cellular notion). So an UNKNOWN fact (no NetworkManager, no
 * ModemManager) matches no rule that requires a value for it, neither `true` nor `false`: such a
 * rule is skipped and a later, broader rule decides.
 *
 * Steering (mainline mapping, design.md):
 *   active-standby  backup = (use == backup).
 *   smallest-delay  the kernel's default scheduler already prefers the lowest-RTT non-backup
 *                   subflow: backup = (use == backup), nothing else.
 *   priority-based  backup = (use == backup), except that a backup interface whose rule sets
 *                   `rtt` and/or `loss` loses its backup flag (DECISION_OVERFLOW) when the best
 *                   (lowest) srtt / loss among the up, active interfaces with telemetry exceeds
 *                   the threshold. No hysteresis here: the caller feeds smoothed telemetry.
 *   load-balancing  without the BPF scheduler: per-interface pacing caps in proportion to the
 *                   weights of the up, active (non-backup) interfaces: with capacities c_i (facts'
 *                   capacity_bps and the rule's pacing-cap, the smaller when both are known) and
 *                   weights w_i, the aggregate is T = min_i(c_i·W/w_i) (W = Σw) and i is capped at
 *                   T·w_i/W when that is below c_i (the bottleneck interface stays uncapped); an
 *                   explicit smaller pacing-cap still wins. Approximate (DECISION_CAP_FROM_WEIGHT). If any capacity is unknown,
 *                   no caps are derived (DECISION_CAPACITY_UNKNOWN). With the BPF scheduler the
 *                   weights go to it instead (DECISION_WEIGHT_TO_SCHEDULER).
 *   redundant       needs the BPF scheduler: without it policy_decide() refuses (-EOPNOTSUPP,
 *                   POLICY_REASON_REDUNDANT_NEEDS_BPF_SCHEDULER); with it, as active-standby.
 * Every interface with a pacing cap and no notsent-lowat gets POLICY_CAPPED_NOTSENT_LOWAT.
 *
 * Returns 0; -EINVAL (NULL arguments with n > 0); -EOPNOTSUPP (refused, see above); -ENOMEM.
 * decisions is untouched on failure. */
int policy_decide(
        const Profile *profile, const PolicyCapabilities *caps, const InterfaceFacts *facts, size_t n,
        InterfaceDecision *decisions);

/* True when rule matches interface f, by the rules above. */
bool policy_rule_matches(const Rule *rule, const InterfaceFacts *f);

/* "active", "backup" (backup flag set), "never", "active (overflow)" for D-Bus/CLI. */
const char *interface_decision_to_string(const InterfaceDecision *d);

/* ---- per-connection plan ---------------------------------------------------------------------- */

/* A remote address the peer announced (ADD_ADDR). */
typedef struct PolicyRemote {
        IfaceAddr addr;
        uint16_t port; /* host order; 0 = the connection's remote port */
} PolicyRemote;

/* One MPTCP connection as the path manager knows it. Addresses must be normalized by the caller
 * (IPv4-mapped IPv6 → AF_INET). */
typedef struct PolicyConnection {
        IfaceAddr remote;     /* the initial subflow's remote address */
        uint16_t remote_port; /* host order */
        const PolicyRemote *announced; /* ADD_ADDRs received from the peer (any family) */
        size_t n_announced;
        bool server_side; /* we accepted it: create nothing (the client may be behind NAT) and do not
                           * trim the client's subflows; still destroy on `never` interfaces and set
                           * backup flags */
} PolicyConnection;

/* An existing subflow. */
typedef struct PolicySubflow {
        IfaceAddr local;
        uint16_t local_port; /* host order */
        IfaceAddr remote;
        uint16_t remote_port;
        int ifindex;      /* 0 = unknown: the engine then finds the interface by local address */
        uint8_t local_id; /* the PM's address ID (informational; copied into plan entries) */
        bool backup;      /* as the daemon last set it (the kernel's local events do not tell) */
        bool initial;     /* the connection's first subflow */
} PolicySubflow;

/* A subflow to create: SUBFLOW_CREATE from local (any port) over ifindex to remote. */
typedef struct PolicySubflowCreate {
        int ifindex;
        IfaceAddr local;
        IfaceAddr remote;
        uint16_t remote_port;
        bool backup;
} PolicySubflowCreate;

typedef struct PolicyPlanLimits {
        unsigned subflows; /* additional subflows (the initial one does not count), as the
                            * profile's limits.subflows */
} PolicyPlanLimits;

typedef enum PlanFlag {
        PLAN_LIMIT_REACHED = 1u << 0,       /* some wanted subflows were left out by limits.subflows */
        PLAN_INITIAL_KEPT_ON_NEVER = 1u << 1, /* the initial subflow is on a `never` interface but is
                                             * the only usable one: kept (flagged backup) until
                                             * another subflow is established */
} PlanFlag;

typedef struct PolicyPlan {
        PolicySubflowCreate *create;
        size_t n_create;
        PolicySubflow *destroy; /* copies of current entries (with their ports) */
        size_t n_destroy;
        PolicySubflow *set_backup; /* copies of current entries to flag backup */
        size_t n_set_backup;
        PolicySubflow *clear_backup; /* copies of current entries to unflag */
        size_t n_clear_backup;
        unsigned flags; /* PlanFlag bits */
} PolicyPlan;

PolicyPlan *policy_plan_free(PolicyPlan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(PolicyPlan *, policy_plan_free);
bool policy_plan_is_empty(const PolicyPlan *p);

/* Plans one connection, given decisions[i] for facts[i] (from policy_decide()).
 *
 * Desired subflows ("slots"): for every interface that is up and not `never`, for every one of its
 * addresses (link-local ones only towards link-local remotes, loopback ones only towards
 * loopback remotes), for every remote address of the
 * same family — the connection's remote first, then the announced ones in order, duplicates
 * dropped — `subflows` slots, flagged backup per decision.
 *
 * Current subflows are assigned to an interface by ifindex (else by local address); each is then
 *   - left alone (no destroy, no flag change, still counted against the limit) when its interface
 *     is unknown or down — the kernel deals with dead paths;
 *   - destroyed when its interface's decision is `never` — except the initial subflow, which is
 *     destroyed only when another subflow on an up, non-`never` interface exists and is kept;
 *     until then it is kept and flagged backup (PLAN_INITIAL_KEPT_ON_NEVER), so this case takes
 *     two rounds: create elsewhere, then (once established) destroy;
 *   - otherwise matched to a free slot with the same (ifindex, local, remote, remote port).
 *
 * Limit: non-initial subflows (kept or created) never exceed limits.subflows. When slots exceed
 * the budget, they are chosen by rank: non-backup before backup, then lower copy number (one
 * subflow per pair before a second), then slots an existing subflow fills (no churn), then the
 * remote's order, then ifindex, then local address.
 * The initial subflow always keeps its slot and does not count.
 *
 * Diff (client side): slots chosen and unmatched → create; current subflows unmatched or matched
 * to an unchosen slot → destroy (never the initial one, see above); kept subflows whose backup
 * flag differs from the decision → set/clear backup. Server side: no create, no trimming.
 *
 * Every list is sorted by (ifindex, local address, remote address, remote port, local port), so
 * the plan is deterministic whatever the order of the inputs.
 * limits NULL means PROFILE_DEFAULT_LIMIT_SUBFLOWS. The plan does not point into the inputs.
 * Returns 0 and *ret (possibly empty); -EINVAL (NULL arguments, remote not IPv4/IPv6); -ENOMEM. */
int policy_plan_connection(
        const InterfaceDecision *decisions, const InterfaceFacts *facts, size_t n,
        const PolicyConnection *conn, const PolicySubflow *current, size_t n_current,
        const PolicyPlanLimits *limits, PolicyPlan **ret);
