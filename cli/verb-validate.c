/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-validate.c — `mptcpctl validate [FILE...]`: offline check of profiles and the daemon config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"
#include "host-environment.h"
#include "mptcpctl.h"

static int finish(PolicyDiagnostics *d, int r) {
        policy_diagnostics_print(d, stderr);
        if (r == -ENOMEM) {
                log_oom();
                return MPTCPCTL_EXIT_FAILURE;
        }
        if (d->oom)
                return MPTCPCTL_EXIT_FAILURE;
        if (!arg_quiet && d->n_errors + d->n_warnings > 0)
                fprintf(stderr, "%zu error%s, %zu warning%s.\n", d->n_errors, d->n_errors == 1 ? "" : "s",
                        d->n_warnings, d->n_warnings == 1 ? "" : "s");
        return d->n_errors > 0 ? MPTCPCTL_EXIT_INVALID_CONFIG : MPTCPCTL_EXIT_OK;
}

/* validate FILE...: the files are profiles, checked together (duplicate names across them). */
static int validate_files(char **files, const PolicyEnvironment *env, PolicyDiagnostics *d) {
        _cleanup_(profile_set_freep) ProfileSet *set = NULL;
        _cleanup_(daemon_config_freep) DaemonConfig *config = NULL;
        int r;

        if (arg_config) {
                r = daemon_config_parse_file(arg_config, &config, d);
                if (r == -ENOMEM)
                        return r;
        }
        r = profile_set_load_files((const char *const *) files, env, &set, d);
        if (r < 0)
                return r;
        return 0;
}

/* validate: the configuration and every profile it would load. */
static int validate_installed(const PolicyEnvironment *env, PolicyDiagnostics *d) {
        _cleanup_(profile_set_freep) ProfileSet *set = NULL;
        _cleanup_(daemon_config_freep) DaemonConfig *config = NULL;
        const char *default_dirs[] = { PROFILES_ETC_DIR, PROFILES_SHIPPED_DIR, NULL };
        const char *const *dirs = default_dirs;
        struct stat st;
        bool config_ok = true;
        int r;

        if (arg_config || stat(CONFIG_FILE, &st) >= 0) {
                r = daemon_config_parse_file(arg_config ?: CONFIG_FILE, &config, d);
                if (r == -ENOMEM)
                        return r;
                /* When broken (reported), still check the profiles, but not the names it gives. */
                config_ok = r >= 0;
        }
        if (!config) {
                r = daemon_config_new_default(&config);
                if (r < 0)
                        return r;
        }

        if (arg_profile_dirs)
                dirs = (const char *const *) arg_profile_dirs;
        else if (config->profile_dirs)
                dirs = (const char *const *) config->profile_dirs;
        r = profile_set_load(dirs, env, &set, d);
        if (r < 0)
                return r;

        if (config_ok)
                (void) daemon_config_check_profiles(config, set, d);
        return 0;
}

int verb_validate(int argc, char *argv[]) {
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        PolicyEnvironment env;
        int r;

        r = host_environment_probe(&env);
        if (r < 0)
                return log_error_errno(r, "Failed to probe kernel features: %m"), MPTCPCTL_EXIT_FAILURE;
        if (arg_bpf_scheduler != AUTO_BOOL_AUTO)
                env.bpf_scheduler = arg_bpf_scheduler == AUTO_BOOL_YES;

        if (argc > 1)
                r = validate_files(argv + 1, &env, &d);
        else
                r = validate_installed(&env, &d);
        host_environment_done(&env);
        return finish(&d, r);
}
