/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile.h — the policy data model: profiles, rules, daemon config, enums and their parsers' API. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "policy-diag.h"

/*
 * Everything here is produced by the parsers in this directory and read by the policy engine
 * (daemon/engine), the daemon and mptcpctl. The structs are plain data: fields are read directly.
 * Every parsed element carries a SourcePos so that later (semantic, engine) checks can point at
 * the line that caused them; a SourcePos with line == 0 means "not given in the file" (the field
 * then holds its documented default).
 *
 * This header only grows: fields and functions are added, never renamed or removed.
 */

/* ---- enums ------------------------------------------------------------------------------------ */

/* Interface type, as classified from sysfs or overridden by the daemon config. */
typedef enum InterfaceType {
        INTERFACE_TYPE_ETHERNET,
        INTERFACE_TYPE_WIFI,
        INTERFACE_TYPE_CELLULAR,
        INTERFACE_TYPE_OTHER,
} InterfaceType;
#define _INTERFACE_TYPE_MAX (INTERFACE_TYPE_OTHER + 1)
/* Bit of a type in RuleMatch.types. */
#define INTERFACE_TYPE_BIT(t) (1u << (unsigned) (t))
#define INTERFACE_TYPE_ALL_BITS ((1u << _INTERFACE_TYPE_MAX) - 1)

/* ATSSS steering mode of a profile (3GPP TS 23.501 §5.32.8). */
typedef enum SteeringMode {
        STEERING_ACTIVE_STANDBY,
        STEERING_SMALLEST_DELAY,
        STEERING_LOAD_BALANCING,
        STEERING_PRIORITY_BASED,
        STEERING_REDUNDANT,
} SteeringMode;
#define _STEERING_MAX (STEERING_REDUNDANT + 1)

/* What a rule does with the interfaces it matches. */
typedef enum RuleUse {
        RULE_USE_ACTIVE, /* subflows over it, as regular (non-backup) paths */
        RULE_USE_BACKUP, /* subflows over it, flagged backup (MP_PRIO) */
        RULE_USE_NEVER,  /* no subflows over it */
} RuleUse;
#define _RULE_USE_MAX (RULE_USE_NEVER + 1)

/* Path manager backend of a profile. */
typedef enum PathManager {
        PATH_MANAGER_USERSPACE,
        PATH_MANAGER_KERNEL,
} PathManager;
#define _PATH_MANAGER_MAX (PATH_MANAGER_KERNEL + 1)

/* to_string: the YAML spelling, or NULL when out of range.
 * from_string: the value (>= 0), or -EINVAL when s is not one of the spellings (NULL s: -EINVAL). */
const char *interface_type_to_string(InterfaceType t) _const_;
int interface_type_from_string(const char *s) _pure_;
const char *steering_mode_to_string(SteeringMode m) _const_;
int steering_mode_from_string(const char *s) _pure_;
const char *rule_use_to_string(RuleUse u) _const_;
int rule_use_from_string(const char *s) _pure_;
const char *path_manager_to_string(PathManager p) _const_;
int path_manager_from_string(const char *s) _pure_;

/* ---- defaults and limits ---------------------------------------------------------------------- */

#define PROFILE_DEFAULT_PATH_MANAGER PATH_MANAGER_USERSPACE
#define PROFILE_DEFAULT_STEERING STEERING_ACTIVE_STANDBY
#define PROFILE_DEFAULT_LIMIT_SUBFLOWS 2u          /* the kernel's own default */
#define PROFILE_DEFAULT_LIMIT_ADD_ADDR_ACCEPTED 0u /* the kernel's own default */
#define PROFILE_LIMIT_MAX 8u                       /* MPTCP_PM_ADDR_MAX, the kernel's cap */

/* An interface that no rule matches is used as if by a rule with all defaults: use: active. */
#define RULE_DEFAULT_USE RULE_USE_ACTIVE
#define RULE_DEFAULT_SUBFLOWS 1u /* subflows per remote address over one interface */
#define RULE_SUBFLOWS_MAX 8u
#define RULE_DEFAULT_WEIGHT 1u /* only meaningful with steering: load-balancing */
#define RULE_WEIGHT_MAX 1000u

#define PROFILE_NAME_MAX 64u          /* [A-Za-z0-9._-], starts with a letter or digit */
#define PROFILE_DESCRIPTION_MAX 1024u
#define PROFILE_RULES_MAX 256u
#define POLICY_LIST_MAX 64u           /* entries in any YAML sequence except rules/auto */
#define POLICY_STRING_MAX 4096u       /* any scalar */
#define POLICY_FILE_SIZE_MAX (1024u * 1024u)
#define POLICY_DEPTH_MAX 16u          /* nesting of mappings/sequences */
#define CONGESTION_NAME_MAX 15u       /* TCP_CA_NAME_MAX - 1 */

/* ---- source positions ------------------------------------------------------------------------- */

typedef struct SourcePos {
        const char *file; /* display name; owned by the PolicySource of the Profile/DaemonConfig */
        unsigned line;    /* 1-based; 0 = not from a file (default value) */
        unsigned column;  /* 1-based */
} SourcePos;

static inline bool source_pos_set(const SourcePos *p) {
        return p && p->line > 0;
}

/* A loaded file kept for its lifetime: display name and the text, so diagnostics raised after
 * parsing (semantic checks, the engine) can still quote the offending line. Reference-counted;
 * every Profile and DaemonConfig holds one. */
typedef struct PolicySource PolicySource;
PolicySource *policy_source_ref(PolicySource *s);
PolicySource *policy_source_unref(PolicySource *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(PolicySource *, policy_source_unref);
const char *policy_source_name(const PolicySource *s);
/* The text of 1-based line `line` (pointer into the source, without its newline, not
 * NUL-terminated: use *ret_len). Returns 0, or -ERANGE when out of range. */
int policy_source_get_line(const PolicySource *s, unsigned line, const char **ret, size_t *ret_len);

/* ---- rules ------------------------------------------------------------------------------------ */

/* Conditions of a rule (and of an `auto` entry in the daemon config). All given conditions must
 * hold (AND); a list within a condition matches if any element matches (OR). An absent condition
 * matches everything. */
typedef struct RuleMatch {
        SourcePos pos; /* of the `match:` (or `when:`) mapping; line 0 when absent */

        char **names;  /* fnmatch(3) globs against the interface name (flags 0), n_names of them */
        size_t n_names;
        SourcePos names_pos;

        unsigned types; /* INTERFACE_TYPE_BIT() mask; 0 = condition absent (any type) */
        SourcePos types_pos;

        int metered; /* -1 = absent, 0 = false, 1 = true */
        SourcePos metered_pos;

        int roaming; /* -1 = absent, 0 = false, 1 = true; a non-cellular interface is "not
                      * roaming"; a cellular one with unknown state (no ModemManager) matches
                      * neither true nor false */
        SourcePos roaming_pos;

        char **operators; /* MCC+MNC, 5 or 6 digits ("310260"), n_operators of them */
        size_t n_operators;
        SourcePos operators_pos;
} RuleMatch;

/* What a matching rule asks for. Each optional action has *_set and *_pos; when not set, the
 * field holds the default given in the comment. */
typedef struct RuleAction {
        RuleUse use; /* default RULE_DEFAULT_USE */
        bool use_set;
        SourcePos use_pos;

        unsigned subflows; /* per remote address, 1..RULE_SUBFLOWS_MAX; default 1 */
        bool subflows_set;
        SourcePos subflows_pos;

        unsigned weight; /* 1..RULE_WEIGHT_MAX; default 1; load-balancing only */
        bool weight_set;
        SourcePos weight_pos;

        uint64_t pacing_cap_bps; /* bits per second, 1kbit..1Tbit; 0 = no cap (default) */
        bool pacing_cap_set;
        SourcePos pacing_cap_pos;

        char *congestion; /* TCP congestion control name; NULL = system default */
        bool congestion_set;
        SourcePos congestion_pos;

        uint64_t notsent_lowat; /* bytes, 1..1GiB; 0 = system default */
        bool notsent_lowat_set;
        SourcePos notsent_lowat_pos;

        /* priority-based overflow thresholds: when the active (non-backup) access's smoothed RTT
         * exceeds rtt, or its loss exceeds loss, this interface's backup flag is cleared. */
        uint64_t rtt_usec; /* microseconds, 1ms..60s; 0 = none */
        bool rtt_set;
        SourcePos rtt_pos;

        uint32_t loss_ppm; /* parts per million (1% = 10000), 1..1000000; 0 = none */
        bool loss_set;
        SourcePos loss_pos;
} RuleAction;

typedef struct Rule {
        SourcePos pos; /* of the rule's mapping (the `-` item) */
        unsigned index; /* 0-based position in Profile.rules */
        RuleMatch match;
        RuleAction action;
} Rule;

/* ---- profiles --------------------------------------------------------------------------------- */

typedef struct ProfileLimits {
        unsigned subflows; /* 0..PROFILE_LIMIT_MAX, default PROFILE_DEFAULT_LIMIT_SUBFLOWS */
        SourcePos subflows_pos;
        unsigned add_addr_accepted; /* 0..PROFILE_LIMIT_MAX, default 0 */
        SourcePos add_addr_accepted_pos;
        SourcePos pos; /* of the `limits:` mapping */
} ProfileLimits;

typedef struct Profile {
        PolicySource *source; /* the file it came from (display name + text) */
        char *path;           /* file name as given (display name), same as source's */

        char *name; /* `profile:`, required */
        SourcePos name_pos;

        char *description; /* NULL when absent */
        SourcePos description_pos;

        PathManager path_manager;
        SourcePos path_manager_pos;

        SteeringMode steering;
        SourcePos steering_pos;

        ProfileLimits limits;

        Rule *rules; /* ordered; the first matching rule decides for an interface */
        size_t n_rules;
        SourcePos rules_pos;
} Profile;

Profile *profile_free(Profile *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Profile *, profile_free);

/* ---- daemon config ---------------------------------------------------------------------------- */

/* Per-interface facts the administrator states (e.g. the lab's veths are "wifi" and "cellular"). */
typedef struct InterfaceOverride {
        char *name; /* exact interface name (not a glob) */
        SourcePos pos;

        InterfaceType type;
        bool type_set;
        SourcePos type_pos;

        int metered; /* -1 = not overridden, 0, 1 */
        SourcePos metered_pos;
} InterfaceOverride;

/* Automatic profile selection: the first entry whose `when` holds selects `profile`. `when` has
 * the same keys and meaning as a rule's `match`, evaluated against the primary interface (the
 * one carrying the default route); a `when` without conditions always holds. */
typedef struct AutoRule {
        SourcePos pos;
        RuleMatch when;
        char *profile;
        SourcePos profile_pos;
} AutoRule;

/* Which in-kernel endpoints the kernel backend programs (`kernel-endpoints:`); only profiles with
 * `path-manager: kernel` use it. */
typedef enum KernelEndpointsRole {
        KERNEL_ENDPOINTS_CLIENT, /* `subflow` endpoints: this host opens the joins */
        KERNEL_ENDPOINTS_SERVER, /* `signal` endpoints: this host announces its addresses */
        KERNEL_ENDPOINTS_BOTH,   /* `signal subflow` */
} KernelEndpointsRole;
#define _KERNEL_ENDPOINTS_MAX (KERNEL_ENDPOINTS_BOTH + 1)

/* "client", "server", "both"; like the enums above. */
const char *kernel_endpoints_role_to_string(KernelEndpointsRole r) _const_;
int kernel_endpoints_role_from_string(const char *s) _pure_;

typedef struct DaemonConfig {
        PolicySource *source; /* NULL for a config made by daemon_config_new_default() */

        char *default_profile; /* default "balanced" */
        SourcePos default_profile_pos;

        char **profile_dirs; /* highest precedence first, also NULL-terminated (can be passed to
                              * profile_set_load()); NULL = the built-in default
                              * { PROFILES_ETC_DIR, PROFILES_SHIPPED_DIR } chosen by the caller */
        size_t n_profile_dirs;
        SourcePos profile_dirs_pos;

        InterfaceOverride *interfaces;
        size_t n_interfaces;
        SourcePos interfaces_pos;

        AutoRule *auto_rules;
        size_t n_auto_rules;
        SourcePos auto_pos;

        char *bpf_cgroup; /* cgroup v2 path for the sock_ops program; NULL = default (the root) */
        SourcePos bpf_cgroup_pos;

        char *state_dir; /* NULL = the built-in default (STATE_DIR) */
        SourcePos state_dir_pos;

        KernelEndpointsRole kernel_endpoints; /* default DAEMON_CONFIG_DEFAULT_KERNEL_ENDPOINTS */
        SourcePos kernel_endpoints_pos;
} DaemonConfig;

#define DAEMON_CONFIG_DEFAULT_PROFILE "balanced"
#define DAEMON_CONFIG_DEFAULT_KERNEL_ENDPOINTS KERNEL_ENDPOINTS_CLIENT
#define DAEMON_CONFIG_INTERFACES_MAX 256u
#define DAEMON_CONFIG_AUTO_MAX 64u

DaemonConfig *daemon_config_free(DaemonConfig *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(DaemonConfig *, daemon_config_free);
/* The configuration used when there is no config file: all defaults. */
int daemon_config_new_default(DaemonConfig **ret);
/* NULL when name has no override. */
const InterfaceOverride *daemon_config_find_interface(const DaemonConfig *c, const char *name) _pure_;

/* ---- environment facts for checks (the library itself never probes the system) ---------------- */

typedef struct PolicyEnvironment {
        bool known; /* false: nothing is known; environment-dependent checks are skipped */
        bool bpf_scheduler; /* vmlinux BTF has bpf_struct_ops_mptcp_sched_ops */
        /* NULL-terminated names from /proc/sys/net/ipv4/tcp_available_congestion_control, or
         * NULL when unknown. */
        char **congestion_available;
} PolicyEnvironment;

/* ---- parsing ---------------------------------------------------------------------------------- */

/* Parse one profile from memory. display_name is used in positions and diagnostics. Runs the
 * syntax and per-profile semantic checks (shadowed rules, weight without load-balancing,
 * thresholds without priority-based, unknown congestion control) and, when env && env->known,
 * the environment checks. Every problem goes to diag.
 * Returns 0 and *ret on success (warnings allowed), -EINVAL when the input has errors (diag has
 * them), other negative errno on failures (-ENOMEM...). *ret untouched on failure. */
int profile_parse_buffer(
        const char *buf, size_t size, const char *display_name, const PolicyEnvironment *env,
        Profile **ret, PolicyDiagnostics *diag);
/* Same from a file; file errors (missing, too large, unreadable) are reported in diag too
 * (at line 0) and returned as -errno (-EFBIG for a file over POLICY_FILE_SIZE_MAX). */
int profile_parse_file(const char *path, const PolicyEnvironment *env, Profile **ret, PolicyDiagnostics *diag);

/* The configuration parsers: like the profile parsers; an empty file (or only comments) is a
 * configuration with all defaults. */
int daemon_config_parse_buffer(
        const char *buf, size_t size, const char *display_name, DaemonConfig **ret, PolicyDiagnostics *diag);
int daemon_config_parse_file(const char *path, DaemonConfig **ret, PolicyDiagnostics *diag);

/* ---- profile sets ----------------------------------------------------------------------------- */

/* All profiles available, by name. */
typedef struct ProfileSet {
        Profile **profiles; /* sorted by name, unique names */
        size_t n_profiles;
} ProfileSet;

ProfileSet *profile_set_free(ProfileSet *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(ProfileSet *, profile_set_free);

/* Load every "*.yaml" in dirs (NULL-terminated, highest precedence first: a file NAME.yaml in an
 * earlier directory hides NAME.yaml in later ones; missing directories are fine). A file with
 * errors is reported in diag and skipped; so is a profile whose `profile:` name duplicates one
 * already loaded (from a higher-precedence directory or an earlier file name). Returns 0 with the
 * set (possibly empty) even when some files were broken — check diag->n_errors; negative errno
 * only for failures that prevent loading at all (-ENOMEM). */
int profile_set_load(
        const char *const *dirs, const PolicyEnvironment *env, ProfileSet **ret, PolicyDiagnostics *diag);
/* Same for an explicit list of files (mptcpctl validate FILE...), in order; duplicate names are
 * reported at the later file. */
int profile_set_load_files(
        const char *const *files, const PolicyEnvironment *env, ProfileSet **ret, PolicyDiagnostics *diag);
/* NULL when not found. */
const Profile *profile_set_find(const ProfileSet *s, const char *name) _pure_;

/* Checks of a config against the available profiles: default-profile and every auto profile
 * must exist. Returns 0 or -EINVAL (problems in diag). */
int daemon_config_check_profiles(const DaemonConfig *c, const ProfileSet *s, PolicyDiagnostics *diag);

/* ---- helpers for the engine ------------------------------------------------------------------- */

/* true when interface name matches one of the globs (or there are none). */
bool rule_match_names(const RuleMatch *m, const char *ifname) _pure_;
/* true when operator (MCC+MNC) is listed (or there is no operator condition). NULL operator
 * (unknown) matches only when there is no operator condition. */
bool rule_match_operator(const RuleMatch *m, const char *operator_id) _pure_;
