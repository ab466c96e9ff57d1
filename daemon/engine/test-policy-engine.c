/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-policy-engine.c — table-driven tests of rule matching, steering modes and per-connection plans. */

#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "policy-engine.h"

static unsigned failures;

#define CHECK(expr)                                                                                \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #expr);         \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

#define CHECK_STREQ(got, want)                                                                     \
        do {                                                                                       \
                const char *_g = (got), *_w = (want);                                              \
                if (!streq_ptr(_g, _w)) {                                                          \
                        fprintf(stderr, "%s:%d: FAILED:\n   got: %s\n  want: %s\n", __FILE__, __LINE__, \
                                strna(_g), strna(_w));                                             \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

_noreturn_ static void die(const char *what) {
        fprintf(stderr, "test setup failed: %s\n", what);
        exit(EXIT_FAILURE);
}

/* ---- building profiles and facts from compact tables ------------------------------------------ */

#define T_ETH INTERFACE_TYPE_BIT(INTERFACE_TYPE_ETHERNET)
#define T_WIFI INTERFACE_TYPE_BIT(INTERFACE_TYPE_WIFI)
#define T_CELL INTERFACE_TYPE_BIT(INTERFACE_TYPE_CELLULAR)
#define T_OTHER INTERFACE_TYPE_BIT(INTERFACE_TYPE_OTHER)

/* A rule: strings are comma-separated lists; conditions 'y'/'n', 0 = absent; actions 0/NULL = unset. */
typedef struct TRule {
        const char *names;
        unsigned types;
        char metered;
        char roaming;
        const char *operators;
        const char *use;
        unsigned subflows;
        unsigned weight;
        uint64_t cap;
        const char *cc;
        uint64_t lowat;
        uint64_t rtt;
        uint32_t loss;
} TRule;

/* An interface: tristates 'y'/'n', 0 = unknown. */
typedef struct TFact {
        const char *name;
        int ifindex;
        InterfaceType type;
        char metered;
        char roaming;
        const char *operator_id;
        bool up;
        const char *addrs; /* comma-separated */
        uint64_t capacity;
        bool telemetry;
        uint64_t srtt;
        uint32_t loss;
} TFact;

static char **split(const char *s, size_t *ret_n) {
        char **v = NULL, *copy, *p, *save = NULL;
        size_t n = 0;

        if (!s) {
                *ret_n = 0;
                return NULL;
        }
        copy = strdup(s);
        if (!copy)
                die("strdup");
        for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
                v = reallocarray(v, n + 2, sizeof(char *));
                if (!v)
                        die("realloc");
                v[n] = strdup(p);
                if (!v[n])
                        die("strdup");
                v[++n] = NULL;
        }
        free(copy);
        *ret_n = n;
        return v;
}

static void strv_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}

static int cond(char c) {
        return c == 'y' ? 1 : c == 'n' ? 0 : -1;
}

static Tristate fact(char c) {
        return c == 'y' ? TRISTATE_YES : c == 'n' ? TRISTATE_NO : TRISTATE_UNKNOWN;
}

static void rule_from_table(const TRule *t, unsigned index, Rule *ret) {
        Rule r = { .index = index };
        RuleMatch *m = &r.match;
        RuleAction *a = &r.action;

        m->names = split(t->names, &m->n_names);
        m->types = t->types;
        m->metered = cond(t->metered);
        m->roaming = cond(t->roaming);
        m->operators = split(t->operators, &m->n_operators);

        a->use = RULE_DEFAULT_USE;
        if (t->use) {
                int u = rule_use_from_string(t->use);
                if (u < 0)
                        die(t->use);
                a->use = (RuleUse) u;
                a->use_set = true;
        }
        a->subflows = t->subflows ?: RULE_DEFAULT_SUBFLOWS;
        a->subflows_set = t->subflows > 0;
        a->weight = t->weight ?: RULE_DEFAULT_WEIGHT;
        a->weight_set = t->weight > 0;
        a->pacing_cap_bps = t->cap;
        a->pacing_cap_set = t->cap > 0;
        a->congestion = (char *) t->cc;
        a->congestion_set = t->cc;
        a->notsent_lowat = t->lowat;
        a->notsent_lowat_set = t->lowat > 0;
        a->rtt_usec = t->rtt;
        a->rtt_set = t->rtt > 0;
        a->loss_ppm = t->loss;
        a->loss_set = t->loss > 0;
        *ret = r;
}

static void rule_done(Rule *r) {
        strv_free(r->match.names);
        strv_free(r->match.operators);
}

/* A Profile built by the test (the parser is tested elsewhere). */
typedef struct TestProfile {
        Profile p;
} TestProfile;

static TestProfile *test_profile_new(SteeringMode steering, const TRule *rules, size_t n) {
        TestProfile *t = new0(TestProfile, 1);

        if (!t)
                die("calloc");
        t->p.name = (char *) "test";
        t->p.steering = steering;
        t->p.limits.subflows = PROFILE_DEFAULT_LIMIT_SUBFLOWS;
        t->p.rules = new0(Rule, n);
        if (!t->p.rules)
                die("calloc");
        for (size_t i = 0; i < n; i++)
                rule_from_table(rules + i, (unsigned) i, t->p.rules + i);
        t->p.n_rules = n;
        return t;
}

static TestProfile *test_profile_free(TestProfile *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->p.n_rules; i++)
                rule_done(t->p.rules + i);
        free(t->p.rules);
        free(t);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(TestProfile *, test_profile_free);

static void facts_from_table(const TFact *t, InterfaceFacts *ret) {
        size_t n;
        char **addrs;

        iface_facts_init(ret, t->name, t->ifindex);
        ret->type = t->type;
        ret->metered = fact(t->metered);
        ret->roaming = fact(t->roaming);
        snprintf(ret->operator_id, sizeof(ret->operator_id), "%s", t->operator_id ?: "");
        ret->up = t->up;
        ret->capacity_bps = t->capacity;
        ret->have_telemetry = t->telemetry;
        ret->srtt_usec = t->srtt;
        ret->loss_ppm = t->loss;
        addrs = split(t->addrs, &n);
        for (size_t i = 0; i < n; i++) {
                IfaceAddr a;

                if (iface_addr_from_string(addrs[i], &a) < 0 || iface_facts_add_address(ret, &a) < 0)
                        die(addrs[i]);
        }
        strv_free(addrs);
}

typedef struct FactSet {
        InterfaceFacts *f;
        size_t n;
} FactSet;

static FactSet fact_set(const TFact *t, size_t n) {
        FactSet s = { .f = new0(InterfaceFacts, n), .n = n };

        if (!s.f)
                die("calloc");
        for (size_t i = 0; i < n; i++)
                facts_from_table(t + i, s.f + i);
        return s;
}

static void fact_set_done(FactSet *s) {
        for (size_t i = 0; i < s->n; i++)
                iface_facts_done(s->f + i);
        free(s->f);
}

/* ---- matching: every kind of condition -------------------------------------------------------- */

static const TFact wlan0 = { "wlan0", 3, INTERFACE_TYPE_WIFI, 'n', 0, NULL, true, "10.0.1.1" };
static const TFact wlan0_metered_unknown = { "wlan0", 3, INTERFACE_TYPE_WIFI, 0, 0, NULL, true, "10.0.1.1" };
static const TFact eth0 = { "eth0", 2, INTERFACE_TYPE_ETHERNET, 'n', 0, NULL, true, "10.0.3.1" };
static const TFact wwan_home = { "wwan0", 4, INTERFACE_TYPE_CELLULAR, 'y', 'n', "26201", true, "10.0.2.1" };
static const TFact wwan_roaming = { "wwan0", 4, INTERFACE_TYPE_CELLULAR, 'y', 'y', "20801", true, "10.0.2.1" };
static const TFact wwan_no_mm = { "wwan0", 4, INTERFACE_TYPE_CELLULAR, 0, 0, NULL, true, "10.0.2.1" };

static const struct {
        const char *what;
        TRule rule;
        const TFact *iface;
        bool match;
} match_cases[] = {
        { "no conditions match everything", {}, &wwan_no_mm, true },
        { "name glob", { .names = "wl*" }, &wlan0, true },
        { "name glob, no match", { .names = "wl*" }, &eth0, false },
        { "name list: any glob", { .names = "eth*,wl*" }, &wlan0, true },
        { "name character class", { .names = "wlan[0-9]" }, &wlan0, true },
        { "name exact is not a prefix", { .names = "wlan" }, &wlan0, false },
        { "type listed", { .types = T_CELL }, &wwan_home, true },
        { "type not listed", { .types = T_CELL }, &wlan0, false },
        { "type list", { .types = T_ETH | T_WIFI }, &wlan0, true },
        { "metered: true vs yes", { .metered = 'y' }, &wwan_home, true },
        { "metered: true vs no", { .metered = 'y' }, &wlan0, false },
        { "metered: false vs no", { .metered = 'n' }, &wlan0, true },
        { "metered: true vs unknown", { .metered = 'y' }, &wlan0_metered_unknown, false },
        { "metered: false vs unknown", { .metered = 'n' }, &wlan0_metered_unknown, false },
        { "roaming: true vs roaming", { .roaming = 'y' }, &wwan_roaming, true },
        { "roaming: true vs home", { .roaming = 'y' }, &wwan_home, false },
        { "roaming: false vs home", { .roaming = 'n' }, &wwan_home, true },
        { "roaming: true vs cellular unknown", { .roaming = 'y' }, &wwan_no_mm, false },
        { "roaming: false vs cellular unknown", { .roaming = 'n' }, &wwan_no_mm, false },
        { "roaming: false vs wifi (never roams)", { .roaming = 'n' }, &wlan0, true },
        { "roaming: true vs wifi", { .roaming = 'y' }, &wlan0, false },
        { "operator listed", { .operators = "310260,26201" }, &wwan_home, true },
        { "operator not listed", { .operators = "310260,26202" }, &wwan_home, false },
        { "operator unknown", { .operators = "26201" }, &wwan_no_mm, false },
        { "operator on wifi", { .operators = "26201" }, &wlan0, false },
        { "all of type+roaming+operator", { .types = T_CELL, .roaming = 'y', .operators = "20801" }, &wwan_roaming,
          true },
        { "one condition fails (operator)", { .types = T_CELL, .roaming = 'y', .operators = "20802" },
          &wwan_roaming, false },
        { "one condition fails (type)", { .names = "wwan*", .types = T_WIFI }, &wwan_home, false },
        { "name+type+metered", { .names = "eth*", .types = T_ETH, .metered = 'n' }, &eth0, true },
};

static void test_matching(void) {
        for (size_t i = 0; i < ELEMENTSOF(match_cases); i++) {
                Rule r;
                InterfaceFacts f;
                bool m;

                rule_from_table(&match_cases[i].rule, 0, &r);
                facts_from_table(match_cases[i].iface, &f);
                m = policy_rule_matches(&r, &f);
                printf("match %-40s %-6s %s\n", match_cases[i].what, f.name, m ? "yes" : "no");
                CHECK(m == match_cases[i].match);
                rule_done(&r);
                iface_facts_done(&f);
        }
}

/* ---- decisions: first match, defaults, every steering mode ------------------------------------ */

/* What to check of one interface's decision; fields 0/NULL are "don't care" except use/backup. */
typedef struct TExpect {
        const char *decision; /* interface_decision_to_string() */
        int rule;             /* rule index, -1 default */
        unsigned subflows;    /* 0: don't check */
        uint64_t cap;
        uint32_t lowat;
        unsigned flags;       /* exact */
        const char *cc;       /* NULL: "" */
} TExpect;

#define MAX_IFACES 8

static const TRule metered_rules[] = {
        { .types = T_ETH | T_WIFI, .metered = 'n', .use = "active" },
        { .types = T_CELL, .use = "backup", .cap = 2000000 },
        { .names = "docker*", .use = "never" },
};

static const TFact lab_facts[] = {
        { "eth0", 2, INTERFACE_TYPE_ETHERNET, 'n', 0, NULL, true, "10.0.3.1" },
        { "wlan0", 3, INTERFACE_TYPE_WIFI, 'n', 0, NULL, true, "10.0.1.1" },
        { "wwan0", 4, INTERFACE_TYPE_CELLULAR, 'y', 'n', "26201", true, "10.0.2.1" },
        { "docker0", 5, INTERFACE_TYPE_OTHER, 0, 0, NULL, true, "172.17.0.1" },
        { "wwan1", 6, INTERFACE_TYPE_CELLULAR, 0, 0, NULL, true, "10.0.4.1" },
        { "wlan1", 7, INTERFACE_TYPE_WIFI, 'y', 0, NULL, true, "10.0.5.1" },
};

#define LOWAT_DEF POLICY_CAPPED_NOTSENT_LOWAT
#define F_LOWAT DECISION_NOTSENT_LOWAT_DEFAULT

static const TExpect metered_expect[] = {
        { "active", 0 },
        { "active", 0 },
        { "backup", 1, 1, 2000000, LOWAT_DEF, F_LOWAT },
        { "never", 2 },
        { "backup", 1, 1, 2000000, LOWAT_DEF, F_LOWAT },
        { "active", -1, 1, 0, 0, DECISION_DEFAULT_RULE }, /* metered Wi-Fi: no rule */
};

static const TRule first_match_rules[] = {
        { .names = "wlan*", .use = "never" },
        { .types = T_WIFI, .use = "backup", .subflows = 3, .cc = "cubic" },
        { .use = "backup", .subflows = 2, .lowat = 65536, .cap = 1000000 },
};

static const TExpect first_match_expect[] = {
        { "backup", 2, 2, 1000000, 65536, 0 }, /* explicit lowat kept, no default flag */
        { "never", 0 },
        { "backup", 2, 2, 1000000, 65536, 0 },
        { "backup", 2, 2, 1000000, 65536, 0 },
        { "backup", 2, 2, 1000000, 65536, 0 },
        { "never", 0 },
};

static const TRule nomatch_rules[] = {
        { .names = "none*", .use = "never" },
};

static const TExpect nomatch_expect[] = {
        { "active", -1, 1, 0, 0, DECISION_DEFAULT_RULE }, { "active", -1, 1, 0, 0, DECISION_DEFAULT_RULE },
        { "active", -1, 1, 0, 0, DECISION_DEFAULT_RULE }, { "active", -1, 1, 0, 0, DECISION_DEFAULT_RULE },
        { "active", -1, 1, 0, 0, DECISION_DEFAULT_RULE }, { "active", -1, 1, 0, 0, DECISION_DEFAULT_RULE },
};

/* priority-based: Wi-Fi and Ethernet active, cellular backup with thresholds 100 ms / 2 %. */
static const TRule priority_rules[] = {
        { .types = T_ETH | T_WIFI, .use = "active", .cc = "bbr" },
        { .types = T_CELL, .use = "backup", .rtt = 100000, .loss = 20000 },
};

#define PF(name, idx, type, up, tel, srtt, loss)                                                    \
        { name, idx, type, 'n', 0, NULL, up, "10.0." #idx ".1", 0, tel, srtt, loss }

static const TFact prio_good[] = {
        PF("wlan0", 3, INTERFACE_TYPE_WIFI, true, true, 50000, 0),
        PF("wwan0", 4, INTERFACE_TYPE_CELLULAR, true, false, 0, 0),
};
static const TFact prio_slow[] = {
        PF("wlan0", 3, INTERFACE_TYPE_WIFI, true, true, 150000, 0),
        PF("wwan0", 4, INTERFACE_TYPE_CELLULAR, true, false, 0, 0),
};
static const TFact prio_lossy[] = {
        PF("wlan0", 3, INTERFACE_TYPE_WIFI, true, true, 20000, 30000),
        PF("wwan0", 4, INTERFACE_TYPE_CELLULAR, true, false, 0, 0),
};
static const TFact prio_no_telemetry[] = {
        PF("wlan0", 3, INTERFACE_TYPE_WIFI, true, false, 0, 0),
        PF("wwan0", 4, INTERFACE_TYPE_CELLULAR, true, true, 10000, 0),
};
static const TFact prio_best_of_two[] = {
        PF("wlan0", 3, INTERFACE_TYPE_WIFI, true, true, 150000, 0),
        PF("eth0", 2, INTERFACE_TYPE_ETHERNET, true, true, 20000, 0),
        PF("wwan0", 4, INTERFACE_TYPE_CELLULAR, true, false, 0, 0),
};
static const TFact prio_active_down[] = {
        PF("wlan0", 3, INTERFACE_TYPE_WIFI, false, true, 500000, 0),
        PF("wwan0", 4, INTERFACE_TYPE_CELLULAR, true, false, 0, 0),
};

static const TExpect prio_keep[] = {
        { "active", 0, .cc = "bbr" },
        { "backup", 1 },
};
static const TExpect prio_overflow[] = {
        { "active", 0, .cc = "bbr" },
        { "active (overflow)", 1, .flags = DECISION_OVERFLOW },
};
static const TExpect prio_unknown[] = {
        { "active", 0, .cc = "bbr" },
        { "backup", 1, .flags = DECISION_NO_TELEMETRY },
};
static const TExpect prio_best_expect[] = {
        { "active", 0, .cc = "bbr" },
        { "active", 0, .cc = "bbr" },
        { "backup", 1 },
};

/* load-balancing: Ethernet weight 3, Wi-Fi weight 1, cellular backup (not balanced). */
static const TRule lb_rules[] = {
        { .types = T_ETH, .weight = 3 },
        { .names = "wlan-capped", .weight = 1, .cap = 20000000 },
        { .types = T_WIFI, .weight = 1 },
        { .types = T_CELL, .use = "backup" },
};

#define LF(name, idx, type, up, capacity) { name, idx, type, 'n', 0, NULL, up, "10.0." #idx ".1", capacity }

static const TFact lb_known[] = {
        LF("eth0", 2, INTERFACE_TYPE_ETHERNET, true, 100000000),
        LF("wlan0", 3, INTERFACE_TYPE_WIFI, true, 50000000),
        LF("wwan0", 4, INTERFACE_TYPE_CELLULAR, true, 0),
};
static const TFact lb_explicit_cap[] = {
        LF("eth0", 2, INTERFACE_TYPE_ETHERNET, true, 100000000),
        LF("wlan-capped", 3, INTERFACE_TYPE_WIFI, true, 50000000),
};
static const TFact lb_unknown[] = {
        LF("eth0", 2, INTERFACE_TYPE_ETHERNET, true, 100000000),
        LF("wlan0", 3, INTERFACE_TYPE_WIFI, true, 0),
};
static const TFact lb_single[] = {
        LF("eth0", 2, INTERFACE_TYPE_ETHERNET, true, 100000000),
        LF("wlan0", 3, INTERFACE_TYPE_WIFI, false, 50000000),
};
static const TFact lb_cap_as_capacity[] = {
        LF("eth0", 2, INTERFACE_TYPE_ETHERNET, true, 100000000),
        LF("wlan-capped", 3, INTERFACE_TYPE_WIFI, true, 0),
};

#define F_W DECISION_CAP_FROM_WEIGHT
/* W = 4, T = min(100M·4/3, 50M·4/1) = 133.33M: eth0 share 100M = its capacity (uncapped),
 * wlan0 share 33.33M. */
static const TExpect lb_known_expect[] = {
        { "active", 0, 1, 0, 0, 0 },
        { "active", 2, 1, 33333333, LOWAT_DEF, F_W | F_LOWAT },
        { "backup", 3, 1, 0, 0, 0 },
};
/* wlan-capped: capacity min(50M, 20M) = 20M; T = min(133.3M, 80M) = 80M: eth0 60M, wlan 20M
 * (its explicit cap, no derived one). */
static const TExpect lb_explicit_expect[] = {
        { "active", 0, 1, 60000000, LOWAT_DEF, F_W | F_LOWAT },
        { "active", 1, 1, 20000000, LOWAT_DEF, F_LOWAT },
};
static const TExpect lb_unknown_expect[] = {
        { "active", 0, 1, 0, 0, DECISION_CAPACITY_UNKNOWN },
        { "active", 2, 1, 0, 0, DECISION_CAPACITY_UNKNOWN },
};
static const TExpect lb_single_expect[] = {
        { "active", 0, 1, 0, 0, 0 },
        { "active", 2, 1, 0, 0, 0 },
};
static const TExpect lb_bpf_expect[] = {
        { "active", 0, 1, 0, 0, DECISION_WEIGHT_TO_SCHEDULER },
        { "active", 2, 1, 0, 0, DECISION_WEIGHT_TO_SCHEDULER },
        { "backup", 3, 1, 0, 0, 0 },
};
static const TExpect lb_cap_as_capacity_expect[] = {
        { "active", 0, 1, 60000000, LOWAT_DEF, F_W | F_LOWAT },
        { "active", 1, 1, 20000000, LOWAT_DEF, F_LOWAT },
};

static const TExpect redundant_bpf_expect[] = {
        { "active", 0 }, { "active", 0 }, { "backup", 1, 1, 2000000, LOWAT_DEF, F_LOWAT },
        { "never", 2 }, { "backup", 1, 1, 2000000, LOWAT_DEF, F_LOWAT }, { "active", -1, .flags = DECISION_DEFAULT_RULE },
};

#define RULES(r) r, ELEMENTSOF(r)
#define FACTS(f) f, ELEMENTSOF(f)

static const struct {
        const char *what;
        SteeringMode steering;
        const TRule *rules;
        size_t n_rules;
        const TFact *facts;
        size_t n_facts;
        bool bpf_scheduler;
        int ret;
        const TExpect *expect;
} decide_cases[] = {
        { "active-standby (metered profile)", STEERING_ACTIVE_STANDBY, RULES(metered_rules), FACTS(lab_facts), false, 0,
          metered_expect },
        { "smallest-delay: backup only from use", STEERING_SMALLEST_DELAY, RULES(metered_rules), FACTS(lab_facts), false,
          0, metered_expect },
        { "first match wins", STEERING_ACTIVE_STANDBY, RULES(first_match_rules), FACTS(lab_facts), false, 0,
          first_match_expect },
        { "no match: defaults", STEERING_ACTIVE_STANDBY, RULES(nomatch_rules), FACTS(lab_facts), false, 0, nomatch_expect },
        { "no rules at all: defaults", STEERING_ACTIVE_STANDBY, NULL, 0, FACTS(lab_facts), false, 0, nomatch_expect },
        { "priority-based: active access fine", STEERING_PRIORITY_BASED, RULES(priority_rules), FACTS(prio_good), false, 0,
          prio_keep },
        { "priority-based: rtt over threshold", STEERING_PRIORITY_BASED, RULES(priority_rules), FACTS(prio_slow), false, 0,
          prio_overflow },
        { "priority-based: loss over threshold", STEERING_PRIORITY_BASED, RULES(priority_rules), FACTS(prio_lossy), false,
          0, prio_overflow },
        { "priority-based: no telemetry", STEERING_PRIORITY_BASED, RULES(priority_rules), FACTS(prio_no_telemetry), false,
          0, prio_unknown },
        { "priority-based: best active access counts", STEERING_PRIORITY_BASED, RULES(priority_rules),
          FACTS(prio_best_of_two), false, 0, prio_best_expect },
        { "priority-based: down access ignored", STEERING_PRIORITY_BASED, RULES(priority_rules), FACTS(prio_active_down),
          false, 0, prio_unknown },
        { "active-standby ignores thresholds", STEERING_ACTIVE_STANDBY, RULES(priority_rules), FACTS(prio_slow), false, 0,
          prio_keep },
        { "load-balancing: caps from weights", STEERING_LOAD_BALANCING, RULES(lb_rules), FACTS(lb_known), false, 0,
          lb_known_expect },
        { "load-balancing: explicit cap wins", STEERING_LOAD_BALANCING, RULES(lb_rules), FACTS(lb_explicit_cap), false, 0,
          lb_explicit_expect },
        { "load-balancing: cap as capacity", STEERING_LOAD_BALANCING, RULES(lb_rules), FACTS(lb_cap_as_capacity), false,
          0, lb_cap_as_capacity_expect },
        { "load-balancing: capacity unknown", STEERING_LOAD_BALANCING, RULES(lb_rules), FACTS(lb_unknown), false, 0,
          lb_unknown_expect },
        { "load-balancing: one path, no caps", STEERING_LOAD_BALANCING, RULES(lb_rules), FACTS(lb_single), false, 0,
          lb_single_expect },
        { "load-balancing with BPF scheduler", STEERING_LOAD_BALANCING, RULES(lb_rules), FACTS(lb_known), true, 0,
          lb_bpf_expect },
        { "redundant without BPF scheduler", STEERING_REDUNDANT, RULES(metered_rules), FACTS(lab_facts), false,
          -EOPNOTSUPP, NULL },
        { "redundant with BPF scheduler", STEERING_REDUNDANT, RULES(metered_rules), FACTS(lab_facts), true, 0,
          redundant_bpf_expect },
};

static void test_decide(void) {
        for (size_t i = 0; i < ELEMENTSOF(decide_cases); i++) {
                _cleanup_(test_profile_freep) TestProfile *tp = NULL;
                PolicyCapabilities caps = { .have_bpf_scheduler = decide_cases[i].bpf_scheduler };
                InterfaceDecision d[MAX_IFACES];
                FactSet fs;
                int r;

                tp = test_profile_new(decide_cases[i].steering, decide_cases[i].rules, decide_cases[i].n_rules);
                fs = fact_set(decide_cases[i].facts, decide_cases[i].n_facts);
                memset(d, 0xa5, sizeof(d));

                r = policy_decide(&tp->p, &caps, fs.f, fs.n, d);
                printf("decide %s (%s%s):%s\n", decide_cases[i].what,
                       steering_mode_to_string(decide_cases[i].steering),
                       decide_cases[i].bpf_scheduler ? ", bpf scheduler" : "", r < 0 ? " refused" : "");
                CHECK(r == decide_cases[i].ret);
                if (r < 0) {
                        CHECK(d[0].ifindex == (int) 0xa5a5a5a5); /* untouched */
                        fact_set_done(&fs);
                        continue;
                }

                for (size_t k = 0; k < fs.n; k++) {
                        const TExpect *e = decide_cases[i].expect + k;

                        printf("  %-12s rule %2d  %-17s subflows %u weight %u cap %" PRIu64 " lowat %u cc '%s' flags 0x%x\n",
                               d[k].name, d[k].rule_index, interface_decision_to_string(d + k), d[k].subflows,
                               d[k].weight, d[k].pacing_cap_bps, d[k].notsent_lowat, d[k].congestion, d[k].flags);
                        CHECK(d[k].ifindex == fs.f[k].ifindex);
                        CHECK(streq(d[k].name, fs.f[k].name));
                        CHECK_STREQ(interface_decision_to_string(d + k), e->decision);
                        CHECK(d[k].rule_index == e->rule);
                        if (e->subflows > 0)
                                CHECK(d[k].subflows == e->subflows);
                        CHECK(d[k].pacing_cap_bps == e->cap);
                        CHECK(d[k].notsent_lowat == e->lowat);
                        CHECK(d[k].flags == e->flags);
                        CHECK_STREQ(d[k].congestion, e->cc ?: "");
                }
                fact_set_done(&fs);
        }
}

static void test_decide_misc(void) {
        _cleanup_(test_profile_freep) TestProfile *tp = test_profile_new(STEERING_REDUNDANT, NULL, 0);
        PolicyCapabilities bpf = { .have_bpf_scheduler = true };
        InterfaceDecision d[1];

        CHECK_STREQ(policy_steering_unsupported_reason(STEERING_REDUNDANT, NULL),
                    POLICY_REASON_REDUNDANT_NEEDS_BPF_SCHEDULER);
        CHECK(!policy_steering_unsupported_reason(STEERING_REDUNDANT, &bpf));
        for (SteeringMode m = 0; m < _STEERING_MAX; m++)
                if (m != STEERING_REDUNDANT)
                        CHECK(!policy_steering_unsupported_reason(m, NULL));

        CHECK(policy_decide(NULL, NULL, NULL, 0, NULL) == -EINVAL);
        CHECK(policy_decide(&tp->p, NULL, NULL, 1, d) == -EINVAL);
        CHECK(policy_decide(&tp->p, &bpf, NULL, 0, NULL) == 0); /* nothing to decide */
        CHECK(policy_decide(&tp->p, NULL, NULL, 0, NULL) == -EOPNOTSUPP);
}

/* ---- per-connection plans --------------------------------------------------------------------- */

/* "10.0.1.1:40000", "[2001:db8::1]:443", or an address without port. */
static void parse_endpoint(const char *s, IfaceAddr *ret_addr, uint16_t *ret_port) {
        char buf[64];
        const char *addr = buf, *port = NULL;

        snprintf(buf, sizeof(buf), "%s", s);
        if (buf[0] == '[') {
                char *e = strchr(buf, ']');
                if (!e)
                        die(s);
                *e = 0;
                addr = buf + 1;
                if (e[1] == ':')
                        port = e + 2;
        } else {
                char *c = strchr(buf, ':');
                if (c && !strchr(c + 1, ':')) {
                        *c = 0;
                        port = c + 1;
                }
        }
        if (iface_addr_from_string(addr, ret_addr) < 0)
                die(s);
        *ret_port = port ? (uint16_t) atoi(port) : 0;
}

static void format_endpoint(char *buf, size_t size, const IfaceAddr *a, uint16_t port) {
        char s[INET6_ADDRSTRLEN];

        inet_ntop(a->family, a->family == AF_INET ? (const void *) &a->in : (const void *) &a->in6, s, sizeof(s));
        if (port == 0)
                snprintf(buf, size, "%s", s);
        else if (a->family == AF_INET6)
                snprintf(buf, size, "[%s]:%u", s, port);
        else
                snprintf(buf, size, "%s:%u", s, port);
}

/* A current subflow: local "addr:port", remote "addr:port". */
typedef struct TSub {
        const char *local;
        const char *remote;
        int ifindex;
        bool backup;
        bool initial;
} TSub;

#define MAX_SUBFLOWS 64

typedef struct SubList {
        PolicySubflow s[MAX_SUBFLOWS];
        size_t n;
} SubList;

static void sub_list_from_table(const TSub *t, SubList *ret) {
        ret->n = 0;
        for (; t && t->local; t++) {
                PolicySubflow *s = ret->s + ret->n++;

                *s = (PolicySubflow) {
                        .ifindex = t->ifindex,
                        .backup = t->backup,
                        .initial = t->initial,
                        .local_id = t->initial ? 0 : (uint8_t) ret->n,
                };
                parse_endpoint(t->local, &s->local, &s->local_port);
                parse_endpoint(t->remote, &s->remote, &s->remote_port);
        }
}

static void append(char *buf, size_t size, const char *s) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s", s);
}

static void format_subflows(char *buf, size_t size, const char *title, const PolicySubflow *s, size_t n) {
        if (n == 0)
                return;
        if (*buf)
                append(buf, size, "; ");
        append(buf, size, title);
        for (size_t i = 0; i < n; i++) {
                char l[64], r[64], e[160];

                format_endpoint(l, sizeof(l), &s[i].local, s[i].local_port);
                format_endpoint(r, sizeof(r), &s[i].remote, s[i].remote_port);
                snprintf(e, sizeof(e), " %d/%s>%s", s[i].ifindex, l, r);
                append(buf, size, e);
        }
}

/* "create 2/10.0.3.1>10.9.0.1:443 4/10.0.2.1>10.9.0.1:443[b]; destroy ...; backup ...; nobackup ..." */
static void format_plan(char *buf, size_t size, const PolicyPlan *p) {
        buf[0] = 0;
        if (p->n_create > 0) {
                append(buf, size, "create");
                for (size_t i = 0; i < p->n_create; i++) {
                        char l[64], r[64], e[160];

                        format_endpoint(l, sizeof(l), &p->create[i].local, 0);
                        format_endpoint(r, sizeof(r), &p->create[i].remote, p->create[i].remote_port);
                        snprintf(e, sizeof(e), " %d/%s>%s%s", p->create[i].ifindex, l, r, p->create[i].backup ? "[b]" : "");
                        append(buf, size, e);
                }
        }
        format_subflows(buf, size, "destroy", p->destroy, p->n_destroy);
        format_subflows(buf, size, "backup", p->set_backup, p->n_set_backup);
        format_subflows(buf, size, "nobackup", p->clear_backup, p->n_clear_backup);
}

static bool subflow_equal(const PolicySubflow *a, const PolicySubflow *b) {
        return iface_addr_equal(&a->local, &b->local) && a->local_port == b->local_port &&
               iface_addr_equal(&a->remote, &b->remote) && a->remote_port == b->remote_port &&
               a->ifindex == b->ifindex && a->initial == b->initial;
}

/* What the kernel ends up with once a backend applied the plan (every join succeeds). */
static void apply_plan(SubList *l, const PolicyPlan *p, uint16_t *next_port) {
        SubList out = {};

        for (size_t i = 0; i < l->n; i++) {
                PolicySubflow s = l->s[i];
                bool gone = false;

                for (size_t k = 0; k < p->n_destroy; k++)
                        gone = gone || subflow_equal(&s, p->destroy + k);
                if (gone)
                        continue;
                for (size_t k = 0; k < p->n_set_backup; k++)
                        if (subflow_equal(&s, p->set_backup + k))
                                s.backup = true;
                for (size_t k = 0; k < p->n_clear_backup; k++)
                        if (subflow_equal(&s, p->clear_backup + k))
                                s.backup = false;
                out.s[out.n++] = s;
        }
        for (size_t k = 0; k < p->n_create; k++) {
                if (out.n >= MAX_SUBFLOWS)
                        die("too many subflows");
                out.s[out.n++] = (PolicySubflow) {
                        .local = p->create[k].local,
                        .local_port = (*next_port)++,
                        .remote = p->create[k].remote,
                        .remote_port = p->create[k].remote_port,
                        /* the kernel reports no ifindex for some joins: resolved by address */
                        .ifindex = k % 2 ? 0 : p->create[k].ifindex,
                        .local_id = (uint8_t) (10 + k),
                        .backup = p->create[k].backup,
                };
        }
        *l = out;
}

/* Client: lo, eth0 (v4 + v6 + link-local), wlan0 (v4 + v6), wwan0 (cellular), docker0. */
static const TFact client_facts[] = {
        { "lo", 1, INTERFACE_TYPE_OTHER, 0, 0, NULL, true, "127.0.0.1,::1" },
        { "eth0", 2, INTERFACE_TYPE_ETHERNET, 'n', 0, NULL, true, "10.0.3.1,2001:db8:3::1,fe80::3" },
        { "wlan0", 3, INTERFACE_TYPE_WIFI, 'n', 0, NULL, true, "10.0.1.1,2001:db8:1::1" },
        { "wwan0", 4, INTERFACE_TYPE_CELLULAR, 'y', 'n', "26201", true, "10.0.2.1" },
        { "docker0", 5, INTERFACE_TYPE_OTHER, 0, 0, NULL, true, "172.17.0.1" },
};

static const TFact client_eth_down[] = {
        { "eth0", 2, INTERFACE_TYPE_ETHERNET, 'n', 0, NULL, false, "10.0.3.1" },
        { "wlan0", 3, INTERFACE_TYPE_WIFI, 'n', 0, NULL, true, "10.0.1.1" },
        { "wwan0", 4, INTERFACE_TYPE_CELLULAR, 'y', 'n', "26201", true, "10.0.2.1" },
        { "docker0", 5, INTERFACE_TYPE_OTHER, 0, 0, NULL, true, "172.17.0.1" },
};

static const TFact client_two_eth_addrs[] = {
        { "eth0", 2, INTERFACE_TYPE_ETHERNET, 'n', 0, NULL, true, "10.0.3.2,10.0.3.1" },
        { "wlan0", 3, INTERFACE_TYPE_WIFI, 'n', 0, NULL, true, "10.0.1.1" },
};

static const TRule plan_rules[] = {
        { .types = T_ETH | T_WIFI, .metered = 'n', .use = "active" },
        { .types = T_CELL, .use = "backup" },
        { .names = "docker*,lo", .use = "never" },
};

static const TRule plan_rules_two_wifi[] = {
        { .names = "wlan0", .use = "active", .subflows = 2 },
        { .types = T_ETH | T_WIFI, .metered = 'n', .use = "active" },
        { .types = T_CELL, .use = "backup" },
        { .names = "docker*,lo", .use = "never" },
};

static const TRule plan_rules_lo_active[] = {
        { .types = T_ETH | T_WIFI, .metered = 'n', .use = "active" },
        { .types = T_CELL, .use = "backup" },
        { .names = "docker*", .use = "never" },
};

#define INIT_WLAN { "10.0.1.1:40000", "10.9.0.1:443", 3, false, true }
#define REMOTE4 "10.9.0.1", 443

static const struct {
        const char *what;
        const TRule *rules;
        size_t n_rules;
        const TFact *facts;
        size_t n_facts;
        const char *remote;
        uint16_t remote_port;
        const char *announced; /* comma-separated endpoints, port optional */
        bool server;
        const TSub *current;
        unsigned limit;
        const char *expect;
        unsigned flags;
        unsigned rounds; /* non-empty plans before the state converges (0 = 1) */
} plan_cases[] = {
        { "fresh connection: one per usable address, v4 only, never/lo skipped",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, {} }, 8,
          "create 2/10.0.3.1>10.9.0.1:443 4/10.0.2.1>10.9.0.1:443[b]" },
        { "limit 1: active before backup",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, {} }, 1,
          "create 2/10.0.3.1>10.9.0.1:443", PLAN_LIMIT_REACHED },
        { "limit 0: nothing",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, {} }, 0,
          "", PLAN_LIMIT_REACHED },
        { "initial over cellular gets backup",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { { "10.0.2.1:40000", "10.9.0.1:443", 4, false, true }, {} }, 8,
          "create 2/10.0.3.1>10.9.0.1:443 3/10.0.1.1>10.9.0.1:443; backup 4/10.0.2.1:40000>10.9.0.1:443" },
        { "initial on never interface, alone: kept as backup, two rounds",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { { "172.17.0.1:40000", "10.9.0.1:443", 5, false, true }, {} }, 8,
          "create 2/10.0.3.1>10.9.0.1:443 3/10.0.1.1>10.9.0.1:443 4/10.0.2.1>10.9.0.1:443[b]; "
          "backup 5/172.17.0.1:40000>10.9.0.1:443",
          PLAN_INITIAL_KEPT_ON_NEVER, 2 },
        { "initial on never interface with another subflow: destroyed",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { { "172.17.0.1:40000", "10.9.0.1:443", 5, false, true },
                           { "10.0.1.1:40001", "10.9.0.1:443", 3, false, false }, {} }, 8,
          "create 2/10.0.3.1>10.9.0.1:443 4/10.0.2.1>10.9.0.1:443[b]; destroy 5/172.17.0.1:40000>10.9.0.1:443" },
        { "initial on never, other subflow only on a down interface: kept",
          RULES(plan_rules), FACTS(client_eth_down), REMOTE4, NULL, false,
          (const TSub[]) { { "10.0.3.1:40001", "10.9.0.1:443", 2, false, false },
                           { "172.17.0.1:40000", "10.9.0.1:443", 5, false, true }, {} }, 8,
          "create 3/10.0.1.1>10.9.0.1:443 4/10.0.2.1>10.9.0.1:443[b]; backup 5/172.17.0.1:40000>10.9.0.1:443",
          PLAN_INITIAL_KEPT_ON_NEVER, 2 },
        { "join on never interface: destroyed",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "172.17.0.1:40001", "10.9.0.1:443", 5, false, false },
                           { "10.0.3.1:40002", "10.9.0.1:443", 2, false, false },
                           { "10.0.2.1:40003", "10.9.0.1:443", 4, true, false }, {} }, 8,
          "destroy 5/172.17.0.1:40001>10.9.0.1:443" },
        { "wrong backup flags: set and clear",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.3.1:40002", "10.9.0.1:443", 2, true, false },
                           { "10.0.2.1:40003", "10.9.0.1:443", 4, false, false }, {} }, 8,
          "backup 4/10.0.2.1:40003>10.9.0.1:443; nobackup 2/10.0.3.1:40002>10.9.0.1:443" },
        { "subflows: 2 on wlan0 (the initial counts as one)",
          RULES(plan_rules_two_wifi), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, {} }, 8,
          "create 2/10.0.3.1>10.9.0.1:443 3/10.0.1.1>10.9.0.1:443 4/10.0.2.1>10.9.0.1:443[b]" },
        { "subflows: 2 under limit 1: one per pair first",
          RULES(plan_rules_two_wifi), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, {} }, 1,
          "create 2/10.0.3.1>10.9.0.1:443", PLAN_LIMIT_REACHED },
        { "IPv6 connection: v6 addresses only, no link-local",
          RULES(plan_rules), FACTS(client_facts), "2001:db8:9::1", 443, NULL, false,
          (const TSub[]) { { "[2001:db8:3::1]:40000", "[2001:db8:9::1]:443", 2, false, true }, {} }, 8,
          "create 3/2001:db8:1::1>[2001:db8:9::1]:443" },
        { "announced addresses: both families, duplicate of the remote dropped",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, "10.9.1.1,[2001:db8:9::2]:8443,10.9.0.1", false,
          (const TSub[]) { INIT_WLAN, {} }, 8,
          "create 2/10.0.3.1>10.9.0.1:443 2/10.0.3.1>10.9.1.1:443 2/2001:db8:3::1>[2001:db8:9::2]:8443 "
          "3/10.0.1.1>10.9.1.1:443 3/2001:db8:1::1>[2001:db8:9::2]:8443 4/10.0.2.1>10.9.0.1:443[b] "
          "4/10.0.2.1>10.9.1.1:443[b]" },
        { "announced under a limit: primary remote first",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, "10.9.1.1", false,
          (const TSub[]) { INIT_WLAN, {} }, 2,
          "create 2/10.0.3.1>10.9.0.1:443 2/10.0.3.1>10.9.1.1:443", PLAN_LIMIT_REACHED },
        { "duplicate subflow beyond subflows: 1 destroyed",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.1.1:40005", "10.9.0.1:443", 3, false, false },
                           { "10.0.3.1:40002", "10.9.0.1:443", 2, false, false },
                           { "10.0.2.1:40003", "10.9.0.1:443", 4, true, false }, {} }, 8,
          "destroy 3/10.0.1.1:40005>10.9.0.1:443" },
        { "subflow to a remote no longer announced: destroyed",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.3.1:40002", "10.9.0.1:443", 2, false, false },
                           { "10.0.3.1:40004", "10.9.1.1:443", 2, false, false },
                           { "10.0.2.1:40003", "10.9.0.1:443", 4, true, false }, {} }, 8,
          "destroy 2/10.0.3.1:40004>10.9.1.1:443" },
        { "down interface: left alone, counts against the limit",
          RULES(plan_rules), FACTS(client_eth_down), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.3.1:40002", "10.9.0.1:443", 2, true, false }, {} }, 1,
          "", PLAN_LIMIT_REACHED },
        { "unknown interface: left alone",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.3.1:40002", "10.9.0.1:443", 2, false, false },
                           { "10.0.2.1:40003", "10.9.0.1:443", 4, true, false },
                           { "192.168.7.7:40009", "10.9.0.1:443", 99, false, false }, {} }, 8,
          "" },
        { "ifindex 0 resolved by local address",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.3.1:40002", "10.9.0.1:443", 0, false, false },
                           { "10.0.2.1:40003", "10.9.0.1:443", 0, false, false }, {} }, 8,
          "backup 0/10.0.2.1:40003>10.9.0.1:443" },
        { "lower limit after a profile switch: backup trimmed first",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.3.1:40002", "10.9.0.1:443", 2, false, false },
                           { "10.0.2.1:40003", "10.9.0.1:443", 4, true, false }, {} }, 1,
          "destroy 4/10.0.2.1:40003>10.9.0.1:443", PLAN_LIMIT_REACHED },
        { "existing subflow kept over an equal new one (no churn)",
          RULES(plan_rules), FACTS(client_two_eth_addrs), REMOTE4, NULL, false,
          (const TSub[]) { INIT_WLAN, { "10.0.3.2:40002", "10.9.0.1:443", 2, false, false }, {} }, 1,
          "", PLAN_LIMIT_REACHED },
        { "loopback addresses only towards loopback remotes",
          RULES(plan_rules_lo_active), FACTS(client_facts), "127.0.0.1", 8080, NULL, false,
          (const TSub[]) { { "127.0.0.1:40000", "127.0.0.1:8080", 1, false, true }, {} }, 8,
          "" },
        { "server side: no creates, no trimming; never and backup still applied",
          RULES(plan_rules), FACTS(client_facts), "10.8.0.1", 50000, NULL, true,
          (const TSub[]) { { "10.0.1.1:443", "10.8.0.1:50000", 3, false, true },
                           { "10.0.1.1:443", "10.8.0.2:50001", 3, false, false },
                           { "10.0.1.1:443", "10.8.0.3:50002", 3, false, false },
                           { "10.0.2.1:443", "10.8.0.2:50003", 4, false, false },
                           { "172.17.0.1:443", "10.8.0.2:50004", 5, false, false }, {} }, 0,
          "destroy 5/172.17.0.1:443>10.8.0.2:50004; backup 4/10.0.2.1:443>10.8.0.2:50003" },
        { "no subflows at all (initial closed): rebuilt",
          RULES(plan_rules), FACTS(client_facts), REMOTE4, NULL, false,
          (const TSub[]) { {} }, 8,
          "create 2/10.0.3.1>10.9.0.1:443 3/10.0.1.1>10.9.0.1:443 4/10.0.2.1>10.9.0.1:443[b]" },
};

static void reverse_facts(FactSet *fs, InterfaceDecision *d) {
        for (size_t i = 0; i < fs->n / 2; i++) {
                InterfaceFacts tf = fs->f[i];
                InterfaceDecision td = d[i];

                fs->f[i] = fs->f[fs->n - 1 - i];
                fs->f[fs->n - 1 - i] = tf;
                d[i] = d[fs->n - 1 - i];
                d[fs->n - 1 - i] = td;
        }
}

static void reverse_subflows(SubList *l) {
        for (size_t i = 0; i < l->n / 2; i++) {
                PolicySubflow t = l->s[i];
                l->s[i] = l->s[l->n - 1 - i];
                l->s[l->n - 1 - i] = t;
        }
}

static void test_plans(void) {
        for (size_t i = 0; i < ELEMENTSOF(plan_cases); i++) {
                _cleanup_(test_profile_freep) TestProfile *tp = NULL;
                _cleanup_(policy_plan_freep) PolicyPlan *plan = NULL, *again = NULL;
                PolicyRemote announced[8];
                PolicyConnection conn = { .remote_port = plan_cases[i].remote_port,
                                          .server_side = plan_cases[i].server };
                PolicyPlanLimits limits = { .subflows = plan_cases[i].limit };
                InterfaceDecision d[MAX_IFACES];
                char got[2048], got2[2048];
                uint16_t next_port = 50000;
                unsigned rounds = plan_cases[i].rounds ?: 1;
                SubList cur;
                FactSet fs;
                int r;

                tp = test_profile_new(STEERING_ACTIVE_STANDBY, plan_cases[i].rules, plan_cases[i].n_rules);
                fs = fact_set(plan_cases[i].facts, plan_cases[i].n_facts);
                CHECK(policy_decide(&tp->p, NULL, fs.f, fs.n, d) == 0);

                if (iface_addr_from_string(plan_cases[i].remote, &conn.remote) < 0)
                        die(plan_cases[i].remote);
                if (plan_cases[i].announced) {
                        size_t n;
                        char **v = split(plan_cases[i].announced, &n);

                        for (size_t k = 0; k < n; k++)
                                parse_endpoint(v[k], &announced[k].addr, &announced[k].port);
                        conn.announced = announced;
                        conn.n_announced = n;
                        strv_free(v);
                }
                sub_list_from_table(plan_cases[i].current, &cur);

                r = policy_plan_connection(d, fs.f, fs.n, &conn, cur.s, cur.n, &limits, &plan);
                CHECK(r == 0);
                if (r < 0) {
                        fact_set_done(&fs);
                        continue;
                }
                format_plan(got, sizeof(got), plan);
                printf("plan %s:\n  %s%s%s\n", plan_cases[i].what, *got ? got : "(empty)",
                       plan->flags & PLAN_LIMIT_REACHED ? " [limit reached]" : "",
                       plan->flags & PLAN_INITIAL_KEPT_ON_NEVER ? " [initial kept on never]" : "");
                CHECK_STREQ(got, plan_cases[i].expect);
                CHECK(plan->flags == plan_cases[i].flags);
                CHECK(policy_plan_is_empty(plan) == (*plan_cases[i].expect == 0));

                /* Order independence: reversed facts and subflows give the same plan. */
                {
                        SubList rev = cur;

                        reverse_facts(&fs, d);
                        reverse_subflows(&rev);
                        CHECK(policy_plan_connection(d, fs.f, fs.n, &conn, rev.s, rev.n, &limits, &again) == 0);
                        format_plan(got2, sizeof(got2), again);
                        CHECK_STREQ(got2, got);
                        again = policy_plan_free(again);
                }

                /* Convergence: apply, plan again; empty after `rounds` plans. */
                for (unsigned k = 1; k <= rounds; k++) {
                        apply_plan(&cur, k == 1 ? plan : again, &next_port);
                        again = policy_plan_free(again);
                        CHECK(policy_plan_connection(d, fs.f, fs.n, &conn, cur.s, cur.n, &limits, &again) == 0);
                        format_plan(got2, sizeof(got2), again);
                        if (k < rounds) {
                                printf("  round %u: %s\n", k + 1, *got2 ? got2 : "(empty)");
                                CHECK(!policy_plan_is_empty(again));
                        } else {
                                if (!policy_plan_is_empty(again))
                                        fprintf(stderr, "  not converged after %u round(s): %s\n", rounds, got2);
                                CHECK(policy_plan_is_empty(again));
                        }
                        if (!again)
                                break;
                }
                /* The limit holds on the final state (subflows left alone count too). */
                if (!plan_cases[i].server) {
                        size_t extra = 0;

                        for (size_t k = 0; k < cur.n; k++)
                                extra += !cur.s[k].initial;
                        CHECK(extra <= plan_cases[i].limit);
                }
                fact_set_done(&fs);
        }
}

static void test_plan_misc(void) {
        PolicyConnection conn = {};
        PolicyPlan *p = NULL;

        /* A connection without a valid remote family is refused; *ret untouched. */
        CHECK(policy_plan_connection(NULL, NULL, 0, &conn, NULL, 0, NULL, &p) == -EINVAL);
        CHECK(!p);
        CHECK(policy_plan_connection(NULL, NULL, 0, NULL, NULL, 0, NULL, &p) == -EINVAL);
        CHECK(iface_addr_from_string("10.9.0.1", &conn.remote) == 0);
        CHECK(policy_plan_connection(NULL, NULL, 1, &conn, NULL, 0, NULL, &p) == -EINVAL);
        conn.n_announced = 1;
        CHECK(policy_plan_connection(NULL, NULL, 0, &conn, NULL, 0, NULL, &p) == -EINVAL);
        conn.n_announced = 0;
        /* No interfaces, no subflows: an empty plan. */
        CHECK(policy_plan_connection(NULL, NULL, 0, &conn, NULL, 0, NULL, &p) == 0);
        CHECK(p && policy_plan_is_empty(p));
        p = policy_plan_free(p);
        CHECK(policy_plan_is_empty(NULL));
}

/* The parser's structs feed the engine as they are (absent conditions are -1, unset actions hold
 * their defaults): design.md's example profile, parsed. */
static void test_parsed_profile(void) {
        static const char yaml[] =
                "profile: metered\n"
                "steering: active-standby\n"
                "limits: { subflows: 4, add-addr-accepted: 2 }\n"
                "rules:\n"
                "  - match: { type: [ethernet, wifi], metered: false }\n"
                "    use: active\n"
                "  - match: { type: cellular }\n"
                "    use: backup\n"
                "    pacing-cap: 2Mbit\n"
                "  - match: { name: \"docker*\" }\n"
                "    use: never\n";
        _cleanup_(profile_freep) Profile *p = NULL;
        PolicyDiagnostics diag = {};
        InterfaceDecision d[MAX_IFACES];
        FactSet fs;
        int r;

        r = profile_parse_buffer(yaml, strlen(yaml), "metered.yaml", NULL, &p, &diag);
        CHECK(r == 0);
        CHECK(diag.n_errors == 0);
        policy_diagnostics_done(&diag);
        if (r < 0)
                return;

        fs = fact_set(lab_facts, ELEMENTSOF(lab_facts));
        CHECK(policy_decide(p, NULL, fs.f, fs.n, d) == 0);
        for (size_t k = 0; k < fs.n; k++) {
                const TExpect *e = metered_expect + k;

                printf("parsed profile: %-8s rule %2d %s cap %" PRIu64 "\n", d[k].name, d[k].rule_index,
                       interface_decision_to_string(d + k), d[k].pacing_cap_bps);
                CHECK_STREQ(interface_decision_to_string(d + k), e->decision);
                CHECK(d[k].rule_index == e->rule);
                CHECK(d[k].pacing_cap_bps == e->cap);
                CHECK(d[k].notsent_lowat == e->lowat);
                CHECK(d[k].flags == e->flags);
        }
        CHECK(p->limits.subflows == 4);
        fact_set_done(&fs);
}

int main(void) {
        test_matching();
        test_decide();
        test_decide_misc();
        test_parsed_profile();
        test_plans();
        test_plan_misc();

        if (failures > 0) {
                fprintf(stderr, "%u check(s) failed\n", failures);
                return EXIT_FAILURE;
        }
        printf("all policy-engine checks passed\n");
        return EXIT_SUCCESS;
}
