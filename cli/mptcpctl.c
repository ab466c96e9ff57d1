/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpctl.c — command line client of mptcp-policyd: options, the verb table, help. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "mptcpctl.h"

const char *arg_config = NULL;
char **arg_profile_dirs = NULL;
AutoBool arg_bpf_scheduler = AUTO_BOOL_AUTO;
bool arg_quiet = false;
static size_t arg_n_profile_dirs = 0;

static int verb_version(int argc, char *argv[]) {
        printf("mptcpctl %s\n", PACKAGE_VERSION);
        return MPTCPCTL_EXIT_OK;
}

static int verb_help(int argc, char *argv[]);

/* Verbs in the order --help lists them. New verbs (status, profile, mode, interfaces, connections,
 * monitor, reload) are one line each here plus their function. */
static const Verb verbs[] = {
        { "validate", 0, VERB_ANY, 0, verb_validate, "[FILE...]",
          "Check profiles (or, without FILE, the configuration and all installed profiles) offline" },
        { "version", 0, 0, 0, verb_version, "", "Show the version" },
        { "help", 0, 0, 0, verb_help, "", "Show this help" },
};

static int help(FILE *f) {
        fprintf(f,
                "mptcpctl [OPTIONS...] COMMAND ...\n\n"
                "Control the Multipath TCP policy daemon.\n\n"
                "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                char left[64];
                snprintf(left, sizeof(left), "%s %s", verbs[i].name, verbs[i].synopsis);
                fprintf(f, "  %-22s %s\n", left, verbs[i].help);
        }
        fprintf(f,
                "\nOptions:\n"
                "  -h --help              Show this help\n"
                "     --version           Show the version\n"
                "     --config FILE       Daemon configuration (default: %s)\n"
                "     --profiles DIR      Profile directory, repeatable, highest precedence first\n"
                "                         (default: profile-dirs from the configuration, else\n"
                "                         %s then %s)\n"
                "     --bpf-scheduler=auto|yes|no\n"
                "                         Whether to assume the kernel has the BPF MPTCP scheduler\n"
                "                         (default: auto, probed from /sys/kernel/btf/vmlinux)\n"
                "  -q --quiet             Print only the problems, no summary\n"
                "\nExit status:\n"
                "  0 success, 1 failure, 2 usage error, 3 daemon not running, 4 not authorized,\n"
                "  5 no such profile, 6 invalid configuration\n"
                "\nSee mptcpctl(1) and mptcp-policyd.profile(5).\n",
                CONFIG_FILE, PROFILES_ETC_DIR, PROFILES_SHIPPED_DIR);
        return MPTCPCTL_EXIT_OK;
}

static int verb_help(int argc, char *argv[]) {
        return help(stdout);
}

enum {
        ARG_VERSION = 0x100,
        ARG_CONFIG,
        ARG_PROFILES,
        ARG_BPF_SCHEDULER,
};

static int add_profile_dir(const char *dir) {
        char **v = reallocarray(arg_profile_dirs, arg_n_profile_dirs + 2, sizeof(char *));
        if (!v)
                return log_oom();
        arg_profile_dirs = v;
        arg_profile_dirs[arg_n_profile_dirs++] = (char *) dir;
        arg_profile_dirs[arg_n_profile_dirs] = NULL;
        return 0;
}

/* Returns 1 to go on to the verb, or 0 with *ret_exit set when main should exit right away. */
static int parse_argv(int argc, char *argv[], int *ret_exit) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "config", required_argument, NULL, ARG_CONFIG },
                { "profiles", required_argument, NULL, ARG_PROFILES },
                { "bpf-scheduler", required_argument, NULL, ARG_BPF_SCHEDULER },
                { "quiet", no_argument, NULL, 'q' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "hq", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        *ret_exit = help(stdout);
                        return 0;
                case ARG_VERSION:
                        *ret_exit = verb_version(0, NULL);
                        return 0;
                case ARG_CONFIG:
                        arg_config = optarg;
                        break;
                case ARG_PROFILES:
                        if (add_profile_dir(optarg) < 0) {
                                *ret_exit = MPTCPCTL_EXIT_FAILURE;
                                return 0;
                        }
                        break;
                case ARG_BPF_SCHEDULER:
                        if (streq(optarg, "auto"))
                                arg_bpf_scheduler = AUTO_BOOL_AUTO;
                        else if (streq(optarg, "yes"))
                                arg_bpf_scheduler = AUTO_BOOL_YES;
                        else if (streq(optarg, "no"))
                                arg_bpf_scheduler = AUTO_BOOL_NO;
                        else {
                                log_error("--bpf-scheduler= expects auto, yes or no, got '%s'.", optarg);
                                *ret_exit = MPTCPCTL_EXIT_USAGE;
                                return 0;
                        }
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case '?':
                        *ret_exit = MPTCPCTL_EXIT_USAGE; /* getopt printed the problem */
                        return 0;
                default:
                        *ret_exit = MPTCPCTL_EXIT_FAILURE;
                        return 0;
                }
        return 1;
}

static int dispatch_verb(int argc, char *argv[]) {
        const Verb *verb = NULL;
        unsigned n_args;

        if (argc <= 0) {
                for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                        if (verbs[i].flags & VERB_DEFAULT)
                                return verbs[i].run(0, NULL);
                log_error("Missing command; see 'mptcpctl --help'.");
                return MPTCPCTL_EXIT_USAGE;
        }

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, argv[0])) {
                        verb = &verbs[i];
                        break;
                }
        if (!verb) {
                log_error("Unknown command '%s'; see 'mptcpctl --help'.", argv[0]);
                return MPTCPCTL_EXIT_USAGE;
        }

        n_args = (unsigned) argc - 1;
        if (n_args < verb->min_args) {
                log_error("Too few arguments for '%s'.", verb->name);
                return MPTCPCTL_EXIT_USAGE;
        }
        if (verb->max_args != VERB_ANY && n_args > verb->max_args) {
                log_error("Too many arguments for '%s'.", verb->name);
                return MPTCPCTL_EXIT_USAGE;
        }
        return verb->run(argc, argv);
}

int main(int argc, char *argv[]) {
        int r, exit_code = MPTCPCTL_EXIT_OK;

        r = parse_argv(argc, argv, &exit_code);
        if (r > 0)
                exit_code = dispatch_verb(argc - optind, argv + optind);
        free(arg_profile_dirs);
        return exit_code;
}
