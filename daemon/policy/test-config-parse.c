/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-config-parse.c — unit tests of the daemon configuration parser and its profile checks. */
#include <errno.h>
#include <string.h>

#include "policy-test.h"
#include "profile.h"

static const char config_text[] =
        "default-profile: balanced\n"                                             /* 1 */
        "profile-dirs: [/etc/mptcp-policyd/profiles, /usr/share/mptcp-policyd/profiles]\n" /* 2 */
        "interfaces:\n"                                                           /* 3 */
        "  veth-wifi: { type: wifi, metered: false }\n"                           /* 4 */
        "  veth-lte: { type: cellular, metered: true }\n"                         /* 5 */
        "  eth1: { metered: true }\n"                                             /* 6 */
        "auto:\n"                                                                 /* 7 */
        "  - when: { type: cellular, roaming: true }\n"                           /* 8 */
        "    profile: roaming\n"                                                  /* 9 */
        "  - when: { metered: true }\n"                                           /* 10 */
        "    profile: metered\n"                                                  /* 11 */
        "bpf: { cgroup: /sys/fs/cgroup }\n"                                       /* 12 */
        "state-dir: /var/lib/mptcp-policyd\n"                                     /* 13 */
        "kernel-endpoints: server\n";                                             /* 14 */

static void test_config(void) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;
        const InterfaceOverride *o;

        check(daemon_config_parse_buffer(config_text, strlen(config_text), "c.yaml", &c, &d) == 0);
        check(d.n_errors == 0 && d.n_warnings == 0);
        check_streq(c->default_profile, "balanced");
        check(c->default_profile_pos.line == 1);
        check(c->n_profile_dirs == 2);
        check_streq(c->profile_dirs[1], "/usr/share/mptcp-policyd/profiles");
        check(c->n_interfaces == 3);

        o = daemon_config_find_interface(c, "veth-lte");
        check(o && o->type_set && o->type == INTERFACE_TYPE_CELLULAR && o->metered == 1);
        check(o->pos.line == 5 && o->pos.column == 3);
        o = daemon_config_find_interface(c, "eth1");
        check(o && !o->type_set && o->metered == 1);
        check(!daemon_config_find_interface(c, "eth0"));

        check(c->n_auto_rules == 2);
        check_streq(c->auto_rules[0].profile, "roaming");
        check(c->auto_rules[0].when.roaming == 1);
        check(c->auto_rules[0].when.types == INTERFACE_TYPE_BIT(INTERFACE_TYPE_CELLULAR));
        check(c->auto_rules[1].when.metered == 1 && c->auto_rules[1].profile_pos.line == 11);
        check_streq(c->bpf_cgroup, "/sys/fs/cgroup");
        check_streq(c->state_dir, "/var/lib/mptcp-policyd");
        check(c->kernel_endpoints == KERNEL_ENDPOINTS_SERVER);
        check(c->kernel_endpoints_pos.line == 14 && c->kernel_endpoints_pos.column == 1);
}

static void test_kernel_endpoints(void) {
        static const struct {
                const char *text;
                KernelEndpointsRole role;
        } cases[] = {
                { "kernel-endpoints: client\n", KERNEL_ENDPOINTS_CLIENT },
                { "kernel-endpoints: server\n", KERNEL_ENDPOINTS_SERVER },
                { "kernel-endpoints: both\n", KERNEL_ENDPOINTS_BOTH },
                { "kernel-endpoints: \"both\"\n", KERNEL_ENDPOINTS_BOTH },
                { "default-profile: server\n", DAEMON_CONFIG_DEFAULT_KERNEL_ENDPOINTS },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
                _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;

                check(daemon_config_parse_buffer(cases[i].text, strlen(cases[i].text), "k.yaml", &c, &d) == 0);
                check(d.n_items == 0);
                check(c->kernel_endpoints == cases[i].role);
                check(source_pos_set(&c->kernel_endpoints_pos) == (i < 4));
        }

        check(DAEMON_CONFIG_DEFAULT_KERNEL_ENDPOINTS == KERNEL_ENDPOINTS_CLIENT);
        for (KernelEndpointsRole r = 0; r < _KERNEL_ENDPOINTS_MAX; r++)
                check(kernel_endpoints_role_from_string(kernel_endpoints_role_to_string(r)) == (int) r);
        check(!kernel_endpoints_role_to_string(_KERNEL_ENDPOINTS_MAX));
        check(kernel_endpoints_role_from_string("Server") == -EINVAL);
        check(kernel_endpoints_role_from_string(NULL) == -EINVAL);
}

static void test_default(void) {
        _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;

        check(daemon_config_new_default(&c) == 0);
        check_streq(c->default_profile, DAEMON_CONFIG_DEFAULT_PROFILE);
        check(!c->profile_dirs && c->n_interfaces == 0 && c->n_auto_rules == 0);
        check(!c->bpf_cgroup && !c->state_dir && !c->source);
        check(c->kernel_endpoints == KERNEL_ENDPOINTS_CLIENT && !source_pos_set(&c->kernel_endpoints_pos));
}

static void test_empty(void) {
        static const char *const texts[] = { "", "# all commented out\n# default-profile: x\n", "---\n" };

        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
                _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;

                check(daemon_config_parse_buffer(texts[i], strlen(texts[i]), "e.yaml", &c, &d) == 0);
                check(d.n_items == 0);
                check_streq(c->default_profile, DAEMON_CONFIG_DEFAULT_PROFILE);
                check(!source_pos_set(&c->default_profile_pos));
        }
}

static void check_config_fails(const char *text, const char *expected) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        DaemonConfig *c = NULL;

        check(daemon_config_parse_buffer(text, strlen(text), "c.yaml", &c, &d) == -EINVAL);
        check(!c && d.n_items > 0);
        _cleanup_free_ char *h = policy_error_format_header(&d.items[0]);
        check_streq(h, expected);
}

static void test_errors(void) {
        check_config_fails("default-profle: x\n",
                           "c.yaml:1:1: error: unknown key 'default-profle' in the daemon configuration; did you "
                           "mean 'default-profile'?");
        check_config_fails("interfaces:\n  eth0: { type: lte }\n",
                           "c.yaml:2:17: error: invalid type 'lte'; expected one of: ethernet, wifi, cellular, other");
        check_config_fails("interfaces:\n  \"eth*\": { type: wifi }\n",
                           "c.yaml:2:3: error: invalid interface name 'eth*': expected 1 to 15 characters without "
                           "'/', ':' or spaces (globs are not allowed here)");
        check_config_fails("interfaces:\n  eth0: {}\n  eth0: {}\n",
                           "c.yaml:3:3: error: interface 'eth0' is listed twice (first on line 2)");
        check_config_fails("state-dir: var/lib\n", "c.yaml:1:12: error: 'state-dir' must be an absolute path, got 'var/lib'");
        check_config_fails("auto:\n  - when: { metered: true }\n",
                           "c.yaml:2:5: error: auto entry 1 is missing 'profile'");
        check_config_fails("bpf: { cgroups: /x }\n",
                           "c.yaml:1:8: error: unknown key 'cgroups' in bpf; did you mean 'cgroup'?");
        check_config_fails("profile-dirs: [/a, /a]\n", "c.yaml:1:20: error: 'profile-dirs' lists '/a' twice");
        check_config_fails("kernel-endpoints: sever\n",
                           "c.yaml:1:19: error: invalid kernel-endpoints 'sever'; did you mean 'server'? (expected "
                           "one of: client, server, both)");
        check_config_fails("default-profile: server\nkernel-endpoints: signal\n",
                           "c.yaml:2:19: error: invalid kernel-endpoints 'signal'; expected one of: client, server, "
                           "both");
        check_config_fails("kernel-endpoints: [server, client]\n",
                           "c.yaml:1:19: error: 'kernel-endpoints' expects a value, got a list");
        check_config_fails("kernel-endpoint: server\n",
                           "c.yaml:1:1: error: unknown key 'kernel-endpoint' in the daemon configuration; did you "
                           "mean 'kernel-endpoints'?");
}

static void test_check_profiles(void) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_(daemon_config_freep) DaemonConfig *c = NULL;
        _cleanup_(profile_freep) Profile *metered = NULL;
        static const char pm[] = "profile: metered\n";
        ProfileSet set = {};
        Profile *v[1];

        check(daemon_config_parse_buffer(config_text, strlen(config_text), "c.yaml", &c, &d) == 0);
        check(profile_parse_buffer(pm, strlen(pm), "metered.yaml", NULL, &metered, &d) == 0);
        v[0] = metered;
        set.profiles = v;
        set.n_profiles = 1;
        check(profile_set_find(&set, "metered") == metered);
        check(!profile_set_find(&set, "balanced"));

        check(daemon_config_check_profiles(c, &set, &d) == -EINVAL);
        check(d.n_errors == 2);
        _cleanup_free_ char *h0 = policy_error_format_header(&d.items[0]);
        _cleanup_free_ char *h1 = policy_error_format_header(&d.items[1]);
        check_streq(h0, "c.yaml:1:1: error: default-profile 'balanced' does not exist in the profile directories");
        check_streq(h1, "c.yaml:9:5: error: auto entry 1 names profile 'roaming', which does not exist in the "
                        "profile directories");
        check_streq(d.items[1].line_text, "    profile: roaming");
}

int main(void) {
        test_config();
        test_default();
        test_empty();
        test_kernel_endpoints();
        test_errors();
        test_check_profiles();
        printf("test-config-parse: all checks passed\n");
        return 0;
}
