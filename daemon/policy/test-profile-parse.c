/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-profile-parse.c — unit tests of the profile parser, its checks and the diagnostics. */
#include <errno.h>
#include <string.h>

#include "policy-test.h"
#include "profile.h"

static const char metered[] =
        "profile: metered\n"                                                   /* 1 */
        "description: Wi-Fi and Ethernet carry traffic.\n"                    /* 2 */
        "path-manager: userspace\n"                                           /* 3 */
        "steering: active-standby\n"                                          /* 4 */
        "limits: { subflows: 4, add-addr-accepted: 2 }\n"                     /* 5 */
        "rules:\n"                                                            /* 6 */
        "  - match: { type: [ethernet, wifi], metered: false }\n"             /* 7 */
        "    use: active\n"                                                   /* 8 */
        "  - match: { type: cellular }\n"                                     /* 9 */
        "    use: backup\n"                                                   /* 10 */
        "    pacing-cap: 2Mbit\n"                                             /* 11 */
        "  - match: { name: \"docker*\" }\n"                                  /* 12 */
        "    use: never\n";                                                   /* 13 */

static Profile *parse_ok(const char *text, PolicyDiagnostics *d) {
        Profile *p = NULL;
        int r = profile_parse_buffer(text, strlen(text), "t.yaml", NULL, &p, d);
        if (r < 0) {
                policy_diagnostics_print(d, stderr);
                check(r >= 0);
        }
        check(p);
        return p;
}

/* Parses text expecting failure; returns the header of the first diagnostic. */
static char *parse_fail(const char *text) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        Profile *p = (Profile *) 0x1;
        int r = profile_parse_buffer(text, strlen(text), "t.yaml", NULL, &p, &d);

        check(r == -EINVAL);
        check(p == (Profile *) 0x1); /* untouched */
        check(d.n_errors > 0 && d.n_items > 0);
        return policy_error_format_header(&d.items[0]);
}

#define check_fails(text, expected)                                                                \
        do {                                                                                       \
                _cleanup_free_ char *_h = parse_fail(text);                                        \
                check_streq(_h, expected);                                                         \
        } while (0)

static void test_metered(void) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_(profile_freep) Profile *p = parse_ok(metered, &d);

        check(d.n_errors == 0 && d.n_warnings == 0);
        check_streq(p->name, "metered");
        check_streq(p->path, "t.yaml");
        check(p->name_pos.line == 1 && p->name_pos.column == 1);
        check_streq(p->name_pos.file, "t.yaml");
        check_streq(p->description, "Wi-Fi and Ethernet carry traffic.");
        check(p->path_manager == PATH_MANAGER_USERSPACE);
        check(p->steering == STEERING_ACTIVE_STANDBY && p->steering_pos.line == 4);
        check(p->limits.subflows == 4 && p->limits.add_addr_accepted == 2);
        check(p->limits.pos.line == 5 && p->limits.subflows_pos.line == 5 && p->limits.subflows_pos.column == 11);
        check(p->n_rules == 3);

        const Rule *r0 = &p->rules[0], *r1 = &p->rules[1], *r2 = &p->rules[2];
        check(r0->index == 0 && r0->pos.line == 7 && r0->pos.column == 5);
        check(r0->match.types == (INTERFACE_TYPE_BIT(INTERFACE_TYPE_ETHERNET) | INTERFACE_TYPE_BIT(INTERFACE_TYPE_WIFI)));
        check(r0->match.metered == 0 && r0->match.metered_pos.line == 7 && r0->match.metered_pos.column == 38);
        check(r0->match.roaming == -1 && !source_pos_set(&r0->match.roaming_pos));
        check(r0->match.n_names == 0 && r0->match.n_operators == 0);
        check(r0->action.use == RULE_USE_ACTIVE && r0->action.use_set && r0->action.use_pos.line == 8);
        check(!r0->action.pacing_cap_set && r0->action.pacing_cap_bps == 0);
        check(r0->action.subflows == RULE_DEFAULT_SUBFLOWS && !r0->action.subflows_set);
        check(r0->action.weight == RULE_DEFAULT_WEIGHT && !r0->action.weight_set);

        check(r1->match.types == INTERFACE_TYPE_BIT(INTERFACE_TYPE_CELLULAR));
        check(r1->match.metered == -1);
        check(r1->action.use == RULE_USE_BACKUP);
        check(r1->action.pacing_cap_set && r1->action.pacing_cap_bps == 2000000 && r1->action.pacing_cap_pos.line == 11);

        check(r2->match.n_names == 1);
        check_streq(r2->match.names[0], "docker*");
        check(r2->match.types == 0);
        check(r2->action.use == RULE_USE_NEVER);

        check(rule_match_names(&r2->match, "docker0"));
        check(!rule_match_names(&r2->match, "eth0"));
        check(rule_match_names(&r0->match, "anything"));
        check(rule_match_operator(&r0->match, NULL));
}

static void test_defaults_and_all_actions(void) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_(profile_freep) Profile *p = parse_ok(
                "profile: p\n"
                "steering: priority-based\n"
                "rules:\n"
                "  - match: { type: cellular, roaming: true, operator: [\"310260\", \"26201\"], name: wwan0 }\n"
                "    use: backup\n"
                "    subflows: 2\n"
                "    congestion: cubic\n"
                "    notsent-lowat: 128KiB\n"
                "    rtt: 150ms\n"
                "    loss: 0.5%\n"
                "  - use: active\n",
                &d);
        const RuleAction *a = &p->rules[0].action;

        check(d.n_errors == 0);
        check(p->description == NULL && p->path_manager == PROFILE_DEFAULT_PATH_MANAGER);
        check(!source_pos_set(&p->path_manager_pos));
        check(p->limits.subflows == PROFILE_DEFAULT_LIMIT_SUBFLOWS);
        check(p->limits.add_addr_accepted == PROFILE_DEFAULT_LIMIT_ADD_ADDR_ACCEPTED);
        check(p->rules[0].match.roaming == 1);
        check(p->rules[0].match.n_operators == 2);
        check(rule_match_operator(&p->rules[0].match, "26201"));
        check(!rule_match_operator(&p->rules[0].match, "20801"));
        check(!rule_match_operator(&p->rules[0].match, NULL));
        check(a->subflows == 2 && a->subflows_set);
        check_streq(a->congestion, "cubic");
        check(a->notsent_lowat == 131072);
        check(a->rtt_usec == 150000 && a->rtt_set);
        check(a->loss_ppm == 5000 && a->loss_set);
        /* a rule without match matches everything */
        check(!source_pos_set(&p->rules[1].match.pos));
        check(p->rules[1].match.types == 0 && p->rules[1].match.metered == -1);
}

static void test_errors(void) {
        check_fails("", "t.yaml:1:1: error: file is empty; expected a mapping of keys");
        check_fails("# only a comment\n", "t.yaml:1:1: error: file is empty; expected a mapping of keys");
        check_fails("- a\n- b\n", "t.yaml:1:1: error: expected a mapping of keys at the top level, got a list");
        check_fails("profile: x\nsteerng: redundant\n",
                    "t.yaml:2:1: error: unknown key 'steerng' in profile; did you mean 'steering'?");
        check_fails("profile: x\nprofile: y\n", "t.yaml:2:1: error: duplicate key 'profile' (first given on line 1)");
        check_fails("description: x\n", "t.yaml:1:1: error: missing required key 'profile' (the profile's name)");
        check_fails("profile: x\nsteering: fast\n",
                    "t.yaml:2:11: error: invalid steering 'fast'; expected one of: active-standby, smallest-delay, "
                    "load-balancing, priority-based, redundant");
        check_fails("profile: x\nrules:\n  - match: { metered: yes }\n",
                    "t.yaml:3:23: error: 'metered' expects true or false, got 'yes'");
        check_fails("profile: x\nrules:\n  - match: { metered: \"true\" }\n",
                    "t.yaml:3:23: error: 'metered' expects true or false, got a quoted string");
        check_fails("profile: x\nlimits: { subflows: 9 }\n",
                    "t.yaml:2:21: error: 'subflows' must be between 0 and 8, got 9");
        check_fails("a: &x 1\nb: *x\n", "t.yaml:1:4: error: YAML anchors (&x) are not supported");
        check_fails("profile: x\n---\nprofile: y\n",
                    "t.yaml:2:1: error: only one YAML document per file is allowed");
        check_fails("profile: !!str x\n", "t.yaml:1:10: error: YAML tags (tag:yaml.org,2002:str) are not supported");
        check_fails("profile: x\n  bad: indent\n",
                    "t.yaml:2:6: error: invalid YAML: mapping values are not allowed in this context");
        check_fails("profile: x\nsteering: load-balancing\nrules:\n  - match: {}\n    use: active\n  - match: { type: wifi }\n",
                    "t.yaml:6:5: error: rule 2 can never match: rule 1 (line 4) already matches every interface it does");
        check_fails("profile: x\nrules:\n  - weight: 2\n",
                    "t.yaml:3:5: error: 'weight' only applies with steering: load-balancing (this profile uses "
                    "active-standby)");
        check_fails("profile: x\nrules:\n  - congestion: cubci\n",
                    "t.yaml:3:5: error: unknown congestion control 'cubci'; did you mean 'cubic'?");
}

static void test_depth_and_size(void) {
        char deep[512] = "profile: x\nrules: ";
        for (unsigned i = 0; i < POLICY_DEPTH_MAX; i++)
                strcat(deep, "[");
        check_fails(deep, "t.yaml:2:23: error: nesting deeper than 16 levels");

        size_t n = POLICY_FILE_SIZE_MAX + 1;
        _cleanup_free_ char *big = malloc(n);
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        Profile *p = NULL;
        check(big);
        memset(big, '#', n);
        check(profile_parse_buffer(big, n, "big.yaml", NULL, &p, &d) == -EINVAL);
        check(!p && d.n_errors == 1);
        _cleanup_free_ char *h = policy_error_format_header(&d.items[0]);
        check_streq(h, "big.yaml: error: file is larger than the limit of 1048576 bytes");
}

static void test_shadowing(void) {
        static const struct {
                const char *earlier, *later;
                bool shadowed;
        } cases[] = {
                { "{}", "{ type: wifi }", true },
                { "{ type: [wifi, cellular] }", "{ type: wifi, metered: true }", true },
                { "{ type: wifi }", "{ type: [wifi, cellular] }", false },
                { "{ type: [ethernet, wifi, cellular, other] }", "{ metered: true }", true },
                { "{ metered: true }", "{ metered: false }", false },
                { "{ metered: true }", "{ type: wifi }", false },
                { "{ name: \"*\" }", "{ type: wifi }", true },
                { "{ name: \"wl*\" }", "{ name: wlan0 }", true },
                { "{ name: \"wl*\" }", "{ name: \"wlan*\" }", false }, /* glob inclusion is not decided */
                { "{ name: [eth0, wlan0] }", "{ name: wlan0, type: wifi }", true },
                { "{ name: eth0 }", "{ type: ethernet }", false },
                { "{ operator: \"310260\" }", "{ operator: \"310260\", roaming: true }", true },
                { "{ operator: \"310260\" }", "{ type: cellular }", false },
                { "{ roaming: false }", "{ type: cellular }", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
                _cleanup_(profile_freep) Profile *p = NULL;
                _cleanup_free_ char *text = NULL;
                int r;

                check(asprintf(&text, "profile: x\nrules:\n  - match: %s\n  - match: %s\n", cases[i].earlier,
                               cases[i].later) > 0);
                r = profile_parse_buffer(text, strlen(text), "s.yaml", NULL, &p, &d);
                if ((r < 0) != cases[i].shadowed) {
                        fprintf(stderr, "case %zu: %s then %s\n", i, cases[i].earlier, cases[i].later);
                        policy_diagnostics_print(&d, stderr);
                        check(false);
                }
        }
}

static void test_environment(void) {
        static const char text[] = "profile: r\nsteering: redundant\nrules:\n  - congestion: bbr\n";
        char *avail[] = { (char *) "reno", (char *) "cubic", NULL };
        PolicyEnvironment env = { .known = true, .bpf_scheduler = false, .congestion_available = avail };
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {}, d2 = {};
        _cleanup_(profile_freep) Profile *p = NULL, *p2 = NULL;

        /* Warnings only: the profile is still returned. */
        check(profile_parse_buffer(text, strlen(text), "r.yaml", &env, &p, &d) == 0);
        check(p && d.n_errors == 0 && d.n_warnings == 2);
        check(d.items[0].line == 4 && strstr(d.items[0].message, "'bbr' is not available"));
        check(d.items[1].line == 2 && d.items[1].severity == POLICY_SEVERITY_WARNING);
        check(strstr(d.items[1].message, "BPF MPTCP scheduler"));

        env.bpf_scheduler = true;
        env.congestion_available = NULL;
        check(profile_parse_buffer(text, strlen(text), "r.yaml", &env, &p2, &d2) == 0);
        check(d2.n_warnings == 0);
}

static void test_print(void) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_free_ char *out = NULL;
        size_t size = 0;
        Profile *p = NULL;
        FILE *f;
        static const char text[] = "profile: x\nrules:\n\t\n  - use: sometimes\n";

        check(profile_parse_buffer(text, strlen(text), "c.yaml", NULL, &p, &d) < 0);
        f = open_memstream(&out, &size);
        check(f);
        policy_diagnostics_print(&d, f);
        fclose(f);
        check_streq(out, "c.yaml:3:1: error: invalid YAML: found character that cannot start any token\n"
                         "  \t\n"
                         "  ^\n");
}

static void test_too_many_errors(void) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_free_ char *text = strdup("profile: x\n");
        Profile *p = NULL;

        check(text);
        for (unsigned i = 0; i < 500; i++) {
                char *t = NULL;
                check(asprintf(&t, "%sunknown%u: 1\n", text, i) > 0);
                free(text);
                text = t;
        }
        check(profile_parse_buffer(text, strlen(text), "many.yaml", NULL, &p, &d) == -EINVAL);
        check(!p);
        check(d.n_items == 51 && d.n_errors == 51);
        check(d.items[0].line == 2 && d.items[49].line == 51);
        check_streq(d.items[50].message, "too many errors; not reporting more in this file");
        check(d.items[50].line == 0);
}

static void test_source_lines(void) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        static const char text[] = "profile: x\r\nsteering: nope\r\n# last line without newline";
        Profile *p = NULL;

        check(profile_parse_buffer(text, strlen(text), "crlf.yaml", NULL, &p, &d) == -EINVAL);
        check(d.n_items == 1 && d.items[0].line == 2 && d.items[0].column == 11);
        check_streq(d.items[0].line_text, "steering: nope"); /* without the \r */
}

int main(void) {
        test_too_many_errors();
        test_source_lines();
        test_metered();
        test_defaults_and_all_actions();
        test_errors();
        test_depth_and_size();
        test_shadowing();
        test_environment();
        test_print();
        printf("test-profile-parse: all checks passed\n");
        return 0;
}
