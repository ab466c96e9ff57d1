/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpctl.c — command line client of mptcp-policyd: options, the verb table, help. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mptcpctl.h"
#include "strv.h"

const char *arg_config = NULL;
char **arg_profile_dirs = NULL;
AutoBool arg_bpf_scheduler = AUTO_BOOL_AUTO;
bool arg_quiet = false;
JsonFormat arg_json = JSON_FORMAT_OFF;
bool arg_ask_password = true;
bool arg_names = false;
const char *arg_reason = NULL;
const char *arg_application_id = NULL;
char **arg_command = NULL;
static size_t arg_n_profile_dirs = 0;

static int verb_version(int argc, char *argv[]) {
        printf("mptcpctl %s\n", PACKAGE_VERSION);
        return MPTCPCTL_EXIT_OK;
}

static int verb_help(int argc, char *argv[]);

/* Verbs in the order --help lists them; a verb with subcommands has one row per subcommand. */
static const Verb verbs[] = {
        { "status", NULL, 0, 0, VERB_DEFAULT | VERB_ONLINE | VERB_JSON, verb_status, "",
          "Show the active profile and why, mode, interfaces, connections (default)" },
        { "profile", "list", 0, 0, VERB_ONLINE | VERB_JSON, verb_profile_list, "[--names]",
          "List the profiles; * marks the active one" },
        { "profile", "get", 0, 0, VERB_ONLINE | VERB_JSON, verb_profile_get, "",
          "Print the name of the active profile" },
        { "profile", "set", 1, 1, VERB_ONLINE, verb_profile_set, "NAME",
          "Select a profile and switch to manual mode" },
        { "profile", "hold", 1, 1, VERB_ONLINE | VERB_COMMAND, verb_profile_hold,
          "NAME [--reason R] [--application-id ID] -- CMD...", "Keep a profile in force while CMD runs" },
        { "profile", "release", 1, 1, VERB_ONLINE, verb_profile_release, "COOKIE",
          "End a hold this connection took" },
        { "mode", "get", 0, 0, VERB_ONLINE | VERB_JSON, verb_mode_get, "",
          "Print the profile mode: auto or manual" },
        { "mode", "set", 1, 1, VERB_ONLINE, verb_mode_set, "auto|manual",
          "Let the configuration choose the profile, or keep the selected one" },
        { "interfaces", NULL, 0, 0, VERB_ONLINE | VERB_JSON, verb_interfaces, "",
          "List the interfaces and what the active profile does with each" },
        { "connections", NULL, 0, 0, VERB_ONLINE | VERB_JSON, verb_connections, "",
          "List the MPTCP connections and their subflows" },
        { "monitor", NULL, 0, 0, VERB_ONLINE | VERB_JSON, verb_monitor, "",
          "Print property changes and connection events as they happen" },
        { "reload", NULL, 0, 0, VERB_ONLINE, verb_reload, "",
          "Make the daemon re-read its configuration and profiles" },
        { "validate", NULL, 0, VERB_ANY, 0, verb_validate, "[FILE...]",
          "Check profiles (or, without FILE, the configuration and all installed profiles) offline" },
        { "version", NULL, 0, 0, 0, verb_version, "", "Show the version" },
        { "help", NULL, 0, 0, 0, verb_help, "", "Show this help" },
};

static int help(FILE *f) {
        fprintf(f, "mptcpctl [OPTIONS...] COMMAND ...\n\n"
                   "Control the Multipath TCP policy daemon.\n\n"
                   "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                char left[128];

                snprintf(
                        left, sizeof(left), "%s%s%s%s%s", verbs[i].name, verbs[i].sub ? " " : "",
                        verbs[i].sub ?: "", verbs[i].synopsis[0] ? " " : "", verbs[i].synopsis);
                if (strlen(left) > 24)
                        fprintf(f, "  %s\n  %-24s %s\n", left, "", verbs[i].help);
                else
                        fprintf(f, "  %-24s %s\n", left, verbs[i].help);
        }
        fprintf(f,
                "\nOptions:\n"
                "  -h --help              Show this help\n"
                "     --version           Show the version\n"
                "     --json[=pretty|short|off]\n"
                "                         JSON output of status, profile list|get, mode get,\n"
                "                         interfaces, connections and monitor (one object per line);\n"
                "                         without a value: pretty on a terminal, else short\n"
                "     --no-ask-password   Do not let polkit ask for a password\n"
                "     --names             profile list: only the names, one per line\n"
                "     --reason R          profile hold: why (default: \"Running CMD\")\n"
                "     --application-id ID profile hold: who (default: CMD's file name)\n"
                "     --config FILE       validate: daemon configuration (default: %s)\n"
                "     --profiles DIR      validate: profile directory, repeatable, highest precedence\n"
                "                         first (default: profile-dirs from the configuration, else\n"
                "                         %s then %s)\n"
                "     --bpf-scheduler=auto|yes|no\n"
                "                         validate: whether to assume the kernel has the BPF MPTCP\n"
                "                         scheduler (default: auto, probed from /sys/kernel/btf/vmlinux)\n"
                "  -q --quiet             validate: print only the problems, no summary\n"
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
        ARG_JSON,
        ARG_NO_ASK_PASSWORD,
        ARG_NAMES,
        ARG_REASON,
        ARG_APPLICATION_ID,
};

static const struct option options[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, ARG_VERSION },
        { "config", required_argument, NULL, ARG_CONFIG },
        { "profiles", required_argument, NULL, ARG_PROFILES },
        { "bpf-scheduler", required_argument, NULL, ARG_BPF_SCHEDULER },
        { "quiet", no_argument, NULL, 'q' },
        { "json", optional_argument, NULL, ARG_JSON },
        { "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
        { "names", no_argument, NULL, ARG_NAMES },
        { "reason", required_argument, NULL, ARG_REASON },
        { "application-id", required_argument, NULL, ARG_APPLICATION_ID },
        {},
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

/* The index of the "--" that ends the options (and starts profile hold's command), or argc. A "--"
 * that is the separate value of an option ("--reason --") does not count; getopt_long() accepts
 * unambiguous abbreviations of long options, and so does this. */
static int find_dashdash(int argc, char *argv[]) {
        for (int i = 1; i < argc; i++) {
                const struct option *match = NULL;
                size_t len;

                if (streq(argv[i], "--"))
                        return i;
                if (strncmp(argv[i], "--", 2) != 0 || strchr(argv[i], '='))
                        continue;
                len = strlen(argv[i] + 2);
                for (const struct option *o = options; o->name; o++)
                        if (strncmp(o->name, argv[i] + 2, len) == 0) {
                                if (strlen(o->name) == len) {
                                        match = o;
                                        break;
                                }
                                match = match ? &options[ELEMENTSOF(options) - 1] : o; /* ambiguous */
                        }
                if (match && match->name && match->has_arg == required_argument)
                        i++; /* its value */
        }
        return argc;
}

/* Returns 1 to go on to the verb, or 0 with *ret_exit set when main should exit right away. */
static int parse_argv(int argc, char *argv[], int *ret_exit) {
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
                case ARG_JSON:
                        if (!optarg)
                                arg_json = isatty(STDOUT_FILENO) ? JSON_FORMAT_PRETTY : JSON_FORMAT_SHORT;
                        else if (streq(optarg, "pretty"))
                                arg_json = JSON_FORMAT_PRETTY;
                        else if (streq(optarg, "short"))
                                arg_json = JSON_FORMAT_SHORT;
                        else if (streq(optarg, "off"))
                                arg_json = JSON_FORMAT_OFF;
                        else {
                                log_error("--json= expects pretty, short or off, got '%s'.", optarg);
                                *ret_exit = MPTCPCTL_EXIT_USAGE;
                                return 0;
                        }
                        break;
                case ARG_NO_ASK_PASSWORD:
                        arg_ask_password = false;
                        break;
                case ARG_NAMES:
                        arg_names = true;
                        break;
                case ARG_REASON:
                        arg_reason = optarg;
                        break;
                case ARG_APPLICATION_ID:
                        arg_application_id = optarg;
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

static const Verb *find_verb(int argc, char *argv[]) {
        bool has_subs = false;

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                if (!streq(verbs[i].name, argv[0]))
                        continue;
                if (!verbs[i].sub)
                        return &verbs[i];
                has_subs = true;
                if (argc > 1 && streq(verbs[i].sub, argv[1]))
                        return &verbs[i];
        }
        if (!has_subs) {
                log_error("Unknown command '%s'; see 'mptcpctl --help'.", argv[0]);
                return NULL;
        }

        /* "profile" or "mode" without a (known) subcommand: name the ones there are. */
        char subs[128] = "";
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, argv[0]) &&
                    strlen(subs) + strlen(verbs[i].sub) + 2 < sizeof(subs)) {
                        strcat(subs, subs[0] ? ", " : "");
                        strcat(subs, verbs[i].sub);
                }
        if (argc > 1)
                log_error("Unknown command '%s %s'; expected one of: %s.", argv[0], argv[1], subs);
        else
                log_error("Missing subcommand for '%s'; expected one of: %s.", argv[0], subs);
        return NULL;
}

/* Usage errors that need no daemon: options that do not apply to this verb. */
static bool check_options(const Verb *verb, const char *name) {
        if (arg_json != JSON_FORMAT_OFF && !(verb->flags & VERB_JSON))
                return log_error("'%s' has no JSON output (--json).", name), false;
        if (arg_names && verb->run != verb_profile_list)
                return log_error("--names only applies to 'profile list'."), false;
        if ((arg_reason || arg_application_id) && !(verb->flags & VERB_COMMAND))
                return log_error("--reason and --application-id only apply to 'profile hold'."), false;
        return true;
}

static int dispatch_verb(int argc, char *argv[]) {
        _cleanup_free_ char **merged = NULL;
        const Verb *verb = NULL;
        char name[64];
        unsigned n_args;
        int skip;

        /* "mptcpctl -- VERB ...": what follows "--" is the command line. */
        if (argc <= 0 && arg_command && arg_command[0]) {
                argv = arg_command;
                argc = (int) strv_length(arg_command);
                arg_command = NULL;
        }

        if (argc <= 0) {
                for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                        if (verbs[i].flags & VERB_DEFAULT) {
                                verb = &verbs[i];
                                break;
                        }
                if (!verb) {
                        log_error("Missing command; see 'mptcpctl --help'.");
                        return MPTCPCTL_EXIT_USAGE;
                }
                if (!check_options(verb, verb->name))
                        return MPTCPCTL_EXIT_USAGE;
                return verb->run(1, (char *[]){ (char *) verb->name, NULL });
        }

        verb = find_verb(argc, argv);
        if (!verb)
                return MPTCPCTL_EXIT_USAGE;
        snprintf(name, sizeof(name), "%s%s%s", verb->name, verb->sub ? " " : "", verb->sub ?: "");
        skip = verb->sub ? 1 : 0; /* argv[skip] is the (sub)verb the function sees as argv[0] */

        /* Positional arguments after "--" belong to the verb, unless it runs them as a command. */
        if (arg_command && !(verb->flags & VERB_COMMAND)) {
                size_t n = strv_length(arg_command);

                merged = reallocarray(NULL, (size_t) argc + n + 1, sizeof(char *));
                if (!merged)
                        return log_oom(), MPTCPCTL_EXIT_FAILURE;
                memcpy(merged, argv, sizeof(char *) * (size_t) argc);
                memcpy(merged + argc, arg_command, sizeof(char *) * (n + 1));
                argv = merged;
                argc += (int) n;
                arg_command = NULL;
        }

        n_args = (unsigned) (argc - skip - 1);
        if (n_args < verb->min_args) {
                log_error("Too few arguments for '%s'; usage: mptcpctl %s %s", name, name, verb->synopsis);
                return MPTCPCTL_EXIT_USAGE;
        }
        if (verb->max_args != VERB_ANY && n_args > verb->max_args) {
                if (verb->flags & VERB_COMMAND)
                        log_error(
                                "Too many arguments for '%s' (the command goes after '--'); usage: mptcpctl "
                                "%s %s",
                                name, name, verb->synopsis);
                else
                        log_error("Too many arguments for '%s'.", name);
                return MPTCPCTL_EXIT_USAGE;
        }
        if ((verb->flags & VERB_COMMAND) && (!arg_command || !arg_command[0])) {
                log_error(
                        "'%s' needs a command after '--'; usage: mptcpctl %s %s", name, name,
                        verb->synopsis);
                return MPTCPCTL_EXIT_USAGE;
        }
        if (!check_options(verb, name))
                return MPTCPCTL_EXIT_USAGE;
        return verb->run(argc - skip, argv + skip);
}

int main(int argc, char *argv[]) {
        int r, dashdash, exit_code = MPTCPCTL_EXIT_OK;

        /* Options end at "--"; what follows is not parsed (profile hold's command, odd file names). */
        dashdash = find_dashdash(argc, argv);
        if (dashdash < argc)
                arg_command = argv + dashdash + 1; /* argv[argc] is NULL */

        r = parse_argv(dashdash, argv, &exit_code);
        if (r > 0)
                exit_code = dispatch_verb(dashdash - optind, argv + optind);
        free(arg_profile_dirs);
        return exit_code;
}
