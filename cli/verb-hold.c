/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-hold.c — `mptcpctl profile hold NAME -- CMD...`: hold a profile while a command runs. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "bus-util.h"
#include "log.h"
#include "mptcpctl.h"

#define BUS_STRING_MAX 255 /* the daemon refuses longer strings (InvalidArgs) */

static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

typedef struct Hold {
        sd_bus *bus;
        const char *profile;
        char *daemon_name; /* the daemon's unique bus name, from the HoldProfile reply */
        uint32_t cookie;
        pid_t pid;
        bool ended;    /* the daemon ended the hold, or we lost it: no ReleaseProfile */
        int exit_code; /* the command's */
} Hold;

static int on_profile_released(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Hold *h = userdata;
        uint32_t cookie;

        /* Only the daemon that gave us the cookie may end it (unicast signals bypass match rules). */
        if (!streq_ptr(sd_bus_message_get_sender(m), h->daemon_name))
                return 0;
        if (sd_bus_message_read(m, "u", &cookie) < 0 || cookie != h->cookie || h->ended)
                return 0;
        h->ended = true;
        log_warning(
                "mptcp-policyd ended the hold on profile '%s' (cookie %u); the command keeps running.",
                h->profile, h->cookie);
        return 0;
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Hold *h = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0)
                return 0;
        if (!streq(name, POLICY_BUS_NAME) || !streq_ptr(old_owner, h->daemon_name) || h->ended)
                return 0;
        h->ended = true;
        log_warning(
                "mptcp-policyd left the bus; the hold on profile '%s' is gone. The command keeps running.",
                h->profile);
        return 0;
}

static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Hold *h = userdata;

        if (h->ended)
                return 0;
        h->ended = true;
        log_warning(
                "Lost the connection to the system bus; the hold on profile '%s' is gone. The command "
                "keeps running.",
                h->profile);
        return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Hold *h = userdata;

        /* A terminal sends ^C, ^\ and hangups to its whole foreground process group, the command
         * included: passing those on would deliver them twice. Others (kill, systemd) are passed on. */
        if (si->ssi_code == SI_KERNEL)
                return 0;
        if (kill(h->pid, (int) si->ssi_signo) < 0 && errno != ESRCH)
                log_warning_errno(-errno, "Failed to pass signal %u to the command: %m", si->ssi_signo);
        return 0;
}

/* In the child: the parent's blocked signals unblocked, then CMD. Never returns. */
_noreturn_ static void exec_command(char **cmd, const sigset_t *mask) {
        int e;

        (void) sigprocmask(SIG_SETMASK, mask, NULL);
        execvp(cmd[0], cmd);
        e = errno;
        log_error_errno(-e, "Failed to execute %s: %m", cmd[0]);
        _exit(e == ENOENT ? 127 : 126);
}

static bool string_ok(const char *what, const char *s) {
        if (strlen(s) <= BUS_STRING_MAX)
                return true;
        log_error("%s is longer than %d bytes.", what, BUS_STRING_MAX);
        return false;
}

static int take_hold(sd_bus *bus, Hold *h) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *base = strrchr(arg_command[0], '/') ? strrchr(arg_command[0], '/') + 1 : arg_command[0];
        char default_reason[BUS_STRING_MAX + 1];
        const char *reason = arg_reason, *app_id = arg_application_id;
        int r;

        if (!reason) {
                if (snprintf(default_reason, sizeof(default_reason), "Running %s", base) >=
                    (int) sizeof(default_reason))
                        strcpy(default_reason, "Running a command");
                reason = default_reason;
        }
        if (!app_id)
                app_id = strlen(base) <= BUS_STRING_MAX ? base : "mptcpctl";

        /* HoldProfile has no "interactive" argument: only the message flag says it. */
        (void) bus_setup_interactive(bus, arg_ask_password);
        r = bus_call_policy(bus, "HoldProfile", &error, &reply, "sss", h->profile, reason, app_id);
        if (r < 0)
                return bus_log_error(bus, "hold the profile", &error, r);
        r = sd_bus_message_read(reply, "u", &h->cookie);
        if (r < 0)
                return log_error_errno(r, "Failed to read the hold's cookie: %m"), MPTCPCTL_EXIT_FAILURE;
        h->daemon_name = strdup(strna(sd_bus_message_get_sender(reply)));
        if (!h->daemon_name)
                return log_oom(), MPTCPCTL_EXIT_FAILURE;
        log_debug("Holding profile '%s', cookie %u.", h->profile, h->cookie);
        return MPTCPCTL_EXIT_OK;
}

static void release_hold(sd_bus *bus, const Hold *h) {
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (h->ended)
                return;
        r = bus_call_policy(bus, "ReleaseProfile", &error, NULL, "u", h->cookie);
        if (r < 0 && !sd_bus_error_has_name(&error, POLICY_ERROR_NO_SUCH_HOLD))
                /* Not fatal: the hold ends anyway when this connection closes, in a moment. */
                log_warning(
                        "Failed to release the hold on profile '%s' (cookie %u): %s", h->profile, h->cookie,
                        error.message ?: strerror(-r));
}

static int on_child(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Hold *h = userdata;

        if (si->si_code == CLD_EXITED)
                h->exit_code = si->si_status;
        else
                h->exit_code = 128 + si->si_status; /* killed or dumped: as a shell reports it */

        /* Released here: leaving the loop closes the bus connection attached to it. */
        release_hold(h->bus, h);
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

int verb_profile_hold(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_free_ char *daemon_name = NULL;
        Hold h = { .profile = argv[1], .exit_code = MPTCPCTL_EXIT_FAILURE };
        sigset_t mask, old_mask;
        int r;

        if (!string_ok("The profile name", h.profile) ||
            (arg_reason && !string_ok("--reason", arg_reason)) ||
            (arg_application_id && !string_ok("--application-id", arg_application_id)))
                return MPTCPCTL_EXIT_USAGE;

        r = bus_connect(&bus);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        h.bus = bus;
        r = sd_event_new(&event);
        if (r < 0)
                return log_error_errno(r, "Failed to create an event loop: %m"), MPTCPCTL_EXIT_FAILURE;
        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus to the event loop: %m"),
                       MPTCPCTL_EXIT_FAILURE;

        /* Subscribed before the hold exists, so no end of it can slip by. */
        r = bus_match_policy_signal(bus, "ProfileReleased", on_profile_released, &h);
        if (r >= 0)
                r = bus_match_presence(bus, on_name_owner_changed, on_disconnected, &h);
        if (r < 0)
                return bus_log_error(bus, "subscribe to the daemon's signals", NULL, r);

        r = take_hold(bus, &h);
        daemon_name = h.daemon_name; /* freed on return */
        if (r != MPTCPCTL_EXIT_OK)
                return r;

        /* From here the signals arrive through the event loop; the child gets the old mask back. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
                sigaddset(&mask, forwarded_signals[i]);
        if (sigprocmask(SIG_BLOCK, &mask, &old_mask) < 0)
                return log_error_errno(-errno, "Failed to block signals: %m"), MPTCPCTL_EXIT_FAILURE;

        fflush(stdout);
        fflush(stderr);
        h.pid = fork();
        if (h.pid < 0) {
                r = -errno;
                release_hold(bus, &h);
                return log_error_errno(r, "Failed to start the command: %m"), MPTCPCTL_EXIT_FAILURE;
        }
        if (h.pid == 0)
                exec_command(arg_command, &old_mask);

        r = sd_event_add_child(event, NULL, h.pid, WEXITED, on_child, &h);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(forwarded_signals); i++)
                r = sd_event_add_signal(event, NULL, forwarded_signals[i], on_signal, &h);
        if (r >= 0)
                r = sd_event_loop(event);
        if (r < 0) {
                /* Without the loop nothing forwards signals: wait for the command plainly. */
                int status = 0;

                log_error_errno(r, "Failed to watch the command: %m");
                while ((r = waitpid(h.pid, &status, 0)) < 0 && errno == EINTR)
                        ;
                if (r < 0)
                        h.exit_code = MPTCPCTL_EXIT_FAILURE;
                else
                        h.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                release_hold(bus, &h);
        }
        return h.exit_code;
}
