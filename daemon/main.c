/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c — mptcp-policyd: command line, signals, readiness, and the event loop. */
#include <getopt.h>
#include <signal.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "log.h"
#include "manager.h"

/* More --profiles than this is a mistake, not a configuration. */
#define PROFILE_DIRS_MAX 16

typedef struct Arguments {
        ManagerOptions options;
        char *profile_dirs[PROFILE_DIRS_MAX + 1];
        size_t n_profile_dirs;
} Arguments;

static void help(void) {
        printf("mptcp-policyd [OPTIONS...]\n\n"
               "Makes Multipath TCP follow the cost policy of the networks this machine is on.\n"
               "Manages the network namespace it is started in. SIGHUP reloads the configuration.\n\n"
               "  -h --help              Show this help\n"
               "     --version           Show the version\n"
               "     --config=FILE       Daemon configuration (default: %s)\n"
               "     --profiles=DIR      Look for profiles in DIR (repeatable, first wins;\n"
               "                         default: the config's profile-dirs, else\n"
               "                         %s and %s)\n"
               "     --state-dir=DIR     Where the selected profile and mode are kept\n"
               "                         (default: the config's state-dir, else %s)\n"
               "     --no-bus            Do not connect to the system bus (no D-Bus API)\n"
               "     --no-bpf            Do not load the BPF sock_ops program (no pacing caps,\n"
               "                         congestion control, notsent-lowat or telemetry)\n"
               "     --bpf-pin-dir=DIR   Pin the BPF maps and link under DIR, on a mounted bpffs\n"
               "                         (default: %s)\n"
               "     --bpf-detach-on-exit\n"
               "                         On SIGTERM/SIGINT detach the BPF program and remove its\n"
               "                         pins (default: keep them, the policy keeps applying)\n"
               "     --log-level=LEVEL   debug, info, notice, warning, err (default: info)\n"
               "     --event-buffer=BYTES\n"
               "                         Receive buffer of the MPTCP event socket (default: 8 MiB;\n"
               "                         4 KiB..256 MiB); small values exercise overflow recovery\n",
               CONFIG_FILE, PROFILES_ETC_DIR, PROFILES_SHIPPED_DIR, STATE_DIR, BPF_LOADER_PIN_ROOT_DEFAULT);
}

static int parse_argv(int argc, char *argv[], Arguments *args) {
        enum {
                ARG_VERSION = 0x100,
                ARG_CONFIG,
                ARG_PROFILES,
                ARG_LOG_LEVEL,
                ARG_EVENT_BUFFER,
                ARG_STATE_DIR,
                ARG_NO_BUS,
                ARG_NO_BPF,
                ARG_BPF_PIN_DIR,
                ARG_BPF_DETACH_ON_EXIT,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "config", required_argument, NULL, ARG_CONFIG },
                { "profiles", required_argument, NULL, ARG_PROFILES },
                { "log-level", required_argument, NULL, ARG_LOG_LEVEL },
                { "event-buffer", required_argument, NULL, ARG_EVENT_BUFFER },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "no-bus", no_argument, NULL, ARG_NO_BUS },
                { "no-bpf", no_argument, NULL, ARG_NO_BPF },
                { "bpf-pin-dir", required_argument, NULL, ARG_BPF_PIN_DIR },
                { "bpf-detach-on-exit", no_argument, NULL, ARG_BPF_DETACH_ON_EXIT },
                {},
        };
        int c, r;

        args->options.config_path = CONFIG_FILE;
        args->options.runtime_dir = RUNTIME_DIR;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("mptcp-policyd %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_CONFIG:
                        if (!*optarg) {
                                log_error("--config needs a file name.");
                                return -EINVAL;
                        }
                        args->options.config_path = optarg;
                        args->options.config_required = true;
                        break;
                case ARG_PROFILES:
                        if (!*optarg) {
                                log_error("--profiles needs a directory.");
                                return -EINVAL;
                        }
                        if (args->n_profile_dirs >= PROFILE_DIRS_MAX) {
                                log_error("At most %d --profiles directories.", PROFILE_DIRS_MAX);
                                return -E2BIG;
                        }
                        args->profile_dirs[args->n_profile_dirs++] = optarg;
                        args->options.profile_dirs = args->profile_dirs;
                        break;
                case ARG_STATE_DIR:
                        if (!*optarg || *optarg != '/') {
                                log_error("--state-dir needs an absolute directory, not \"%s\".", optarg);
                                return -EINVAL;
                        }
                        args->options.state_dir = optarg;
                        break;
                case ARG_NO_BUS:
                        args->options.no_bus = true;
                        break;
                case ARG_NO_BPF:
                        args->options.no_bpf = true;
                        break;
                case ARG_BPF_PIN_DIR:
                        if (*optarg != '/') {
                                log_error("--bpf-pin-dir needs an absolute directory, not \"%s\".", optarg);
                                return -EINVAL;
                        }
                        args->options.bpf_pin_dir = optarg;
                        break;
                case ARG_BPF_DETACH_ON_EXIT:
                        args->options.bpf_detach_on_exit = true;
                        break;
                case ARG_EVENT_BUFFER: {
                        char *end;
                        unsigned long v;

                        errno = 0;
                        v = strtoul(optarg, &end, 10);
                        if (errno != 0 || end == optarg || *end || v < 4096 || v > 256ul * 1024 * 1024) {
                                log_error("--event-buffer takes a byte count from 4096 to 268435456, not \"%s\".",
                                          optarg);
                                return -EINVAL;
                        }
                        args->options.event_buffer = (int) v;
                        break;
                }
                case ARG_LOG_LEVEL:
                        r = log_level_from_string(optarg);
                        if (r < 0) {
                                log_error("Unknown log level \"%s\".", optarg);
                                return -EINVAL;
                        }
                        log_set_max_level(r);
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return -EINVAL;
                }

        if (optind < argc) {
                log_error("%s takes no arguments.", program_invocation_short_name);
                return -EINVAL;
        }
        return 1;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        log_info("SIGHUP: reloading the configuration.");
        (void) sd_notify(false, "RELOADING=1");
        (void) manager_reload(m, NULL); /* logs; on failure the running policy stays */
        (void) sd_notify(false, "READY=1");
        return 0;
}

static int run(int argc, char *argv[]) {
        _cleanup_(manager_freep) Manager *m = NULL;
        Arguments args = {};
        sigset_t mask;
        int r;

        r = parse_argv(argc, argv, &args);
        if (r <= 0)
                return r;

        /* sd-event delivers these through signalfd: they must be blocked first. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(negative_errno(), "Failed to block signals: %m");

        r = manager_new(&args.options, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the manager: %m");

        r = sd_event_add_signal(m->event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGINT, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m);
        if (r < 0)
                return log_error_errno(r, "Failed to install signal handlers: %m");

        r = manager_start(m);
        if (r < 0) {
                manager_stop(m);
                return r;
        }

        (void) sd_notify(false, "READY=1\nSTATUS=Steering MPTCP subflows.");

        r = sd_event_loop(m->event);
        (void) sd_notify(false, "STOPPING=1");
        if (r < 0)
                log_error_errno(r, "Event loop failed: %m");
        manager_stop(m);
        log_info("Stopped.");
        return r;
}

int main(int argc, char *argv[]) {
        int r = run(argc, argv);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
