/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-policy.c — libFuzzer target: any bytes, parsed as a profile and as a daemon configuration. */
#include <stdint.h>
#include <stdio.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void print_diagnostics(const PolicyDiagnostics *d) {
        static FILE *f = NULL;

        /* Formatting is part of the surface: line text, carets, tabs. */
        if (!f)
                f = fopen("/dev/null", "we");
        if (f)
                policy_diagnostics_print(d, f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *avail[] = { (char *) "reno", (char *) "cubic", NULL };
        const PolicyEnvironment env = { .known = true, .bpf_scheduler = false, .congestion_available = avail };
        PolicyDiagnostics d = {};
        Profile *p = NULL;
        DaemonConfig *c = NULL;

        if (profile_parse_buffer((const char *) data, size, "fuzz.yaml", &env, &p, &d) >= 0) {
                /* Exercise the helpers the engine will call on every rule. */
                for (size_t i = 0; i < p->n_rules; i++) {
                        (void) rule_match_names(&p->rules[i].match, "wlan0");
                        (void) rule_match_operator(&p->rules[i].match, "310260");
                }
        }
        if (daemon_config_parse_buffer((const char *) data, size, "fuzz-config.yaml", &c, &d) >= 0 && p) {
                ProfileSet set = { .profiles = &p, .n_profiles = 1 };
                (void) daemon_config_check_profiles(c, &set, &d);
                (void) daemon_config_find_interface(c, "eth0");
        }
        print_diagnostics(&d);

        daemon_config_free(c);
        profile_free(p);
        policy_diagnostics_done(&d);
        return 0;
}
