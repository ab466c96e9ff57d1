/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-holder.c — test client that holds profiles on org.mptcp.Policy1 over live connections.
 *
 * usage: bus-holder [--connections N] [--holds N] [--reason R] [--app-id A] PROFILE
 *
 * Opens N connections to the system bus (DBUS_SYSTEM_BUS_ADDRESS) and on each calls
 * HoldProfile(PROFILE, R, A) --holds times, then keeps the connections open. One line per
 * event on stdout (flushed at once), CONN counting connections from 0:
 *   hold CONN COOKIE UNIQUE-NAME        a hold was granted
 *   error CONN ERROR-NAME MESSAGE       a HoldProfile call failed
 *   ready                               every call was made
 *   released CONN COOKIE                ProfileReleased(COOKIE) arrived on CONN
 *   release-ok COOKIE                   answer to a "release CONN COOKIE" line on stdin
 *   release-error COOKIE ERROR-NAME     the same, failed
 *   disconnected CONN                   the bus closed CONN
 * Exits 0 on SIGTERM or at the end of stdin, 1 if it cannot connect. Killing it (SIGKILL) drops
 * every hold with the connections: what the daemon must notice. */

#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "macro.h"

#define POLICY_NAME "org.mptcp.Policy1"
#define POLICY_PATH "/org/mptcp/Policy1"
#define POLICY_IFACE "org.mptcp.Policy1"
#define MAX_CONNECTIONS 128

typedef struct Holder {
        sd_event *event;
        sd_bus *bus[MAX_CONNECTIONS];
        unsigned n_bus;
        char line[256];
        size_t line_len;
} Holder;

static Holder *holder_free(Holder *h) {
        if (!h)
                return NULL;
        for (unsigned i = 0; i < h->n_bus; i++)
                sd_bus_flush_close_unref(h->bus[i]);
        sd_event_unref(h->event);
        free(h);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Holder *, holder_free);

static unsigned bus_index(Holder *h, sd_bus *bus) {
        for (unsigned i = 0; i < h->n_bus; i++)
                if (h->bus[i] == bus)
                        return i;
        return UINT32_MAX;
}

static int on_released(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Holder *h = userdata;
        uint32_t cookie;
        int r;

        r = sd_bus_message_read(m, "u", &cookie);
        if (r < 0)
                return 0;
        printf("released %u %u\n", bus_index(h, sd_bus_message_get_bus(m)), cookie);
        fflush(stdout);
        return 0;
}

static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Holder *h = userdata;

        printf("disconnected %u\n", bus_index(h, sd_bus_message_get_bus(m)));
        fflush(stdout);
        return 0;
}

static void release(Holder *h, unsigned conn, uint32_t cookie) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (conn >= h->n_bus) {
                printf("release-error %u no-such-connection\n", cookie);
                return;
        }
        r = sd_bus_call_method(
                h->bus[conn], POLICY_NAME, POLICY_PATH, POLICY_IFACE, "ReleaseProfile", &error, NULL, "u",
                cookie);
        if (r < 0)
                printf("release-error %u %s\n", cookie, error.name ?: "errno");
        else
                printf("release-ok %u\n", cookie);
}

static int on_stdin(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Holder *h = userdata;
        ssize_t n;
        char *nl;

        n = read(fd, h->line + h->line_len, sizeof(h->line) - 1 - h->line_len);
        if (n <= 0)
                return sd_event_exit(h->event, 0);
        h->line_len += (size_t) n;
        h->line[h->line_len] = '\0';
        while ((nl = strchr(h->line, '\n'))) {
                unsigned conn;
                uint32_t cookie;

                *nl = '\0';
                if (sscanf(h->line, "release %u %u", &conn, &cookie) == 2)
                        release(h, conn, cookie);
                else
                        printf("unknown-command %s\n", h->line);
                fflush(stdout);
                h->line_len -= (size_t) (nl + 1 - h->line);
                memmove(h->line, nl + 1, h->line_len + 1);
        }
        if (h->line_len == sizeof(h->line) - 1)
                h->line_len = 0; /* an overlong line: dropped */
        return 0;
}

static int take_holds(
        Holder *h, unsigned conn, unsigned n, const char *profile, const char *reason, const char *app_id) {
        sd_bus *bus = h->bus[conn];
        const char *unique = NULL;
        int r;

        r = sd_bus_get_unique_name(bus, &unique);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < n; i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                uint32_t cookie;

                r = sd_bus_call_method(
                        bus, POLICY_NAME, POLICY_PATH, POLICY_IFACE, "HoldProfile", &error, &reply, "sss",
                        profile, reason, app_id);
                if (r < 0) {
                        printf("error %u %s %s\n", conn, error.name ?: "errno",
                               error.message ?: strerror(-r));
                        fflush(stdout);
                        continue;
                }
                r = sd_bus_message_read(reply, "u", &cookie);
                if (r < 0)
                        return r;
                printf("hold %u %u %s\n", conn, cookie, unique);
                fflush(stdout);
        }
        return 0;
}

static int run(int argc, char *argv[]) {
        static const struct option options[] = { { "connections", required_argument, NULL, 'c' },
                                                 { "holds", required_argument, NULL, 'n' },
                                                 { "reason", required_argument, NULL, 'r' },
                                                 { "app-id", required_argument, NULL, 'a' },
                                                 {} };
        _cleanup_(holder_freep) Holder *h = NULL;
        const char *reason = "test", *app_id = "org.mptcp.test";
        unsigned n_conn = 1, n_holds = 1;
        sigset_t mask;
        int c, r;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        n_conn = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                case 'n':
                        n_holds = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                case 'r':
                        reason = optarg;
                        break;
                case 'a':
                        app_id = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        if (optind + 1 != argc || n_conn < 1 || n_conn > MAX_CONNECTIONS) {
                fprintf(stderr,
                        "usage: bus-holder [--connections 1..%d] [--holds N] "
                        "[--reason R] [--app-id A] PROFILE\n",
                        MAX_CONNECTIONS);
                return -EINVAL;
        }

        h = new0(Holder, 1);
        if (!h)
                return -ENOMEM;
        r = sd_event_default(&h->event);
        if (r < 0)
                return r;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        r = sd_event_add_signal(h->event, NULL, SIGTERM, NULL, NULL);
        if (r < 0)
                return r;
        r = sd_event_add_signal(h->event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return r;

        for (; h->n_bus < n_conn; h->n_bus++) {
                sd_bus **bus = &h->bus[h->n_bus];

                r = sd_bus_open_system(bus);
                if (r < 0) {
                        fprintf(stderr, "bus-holder: cannot connect to the system bus: %s\n", strerror(-r));
                        return r;
                }
                r = sd_bus_match_signal(
                        *bus, NULL, POLICY_NAME, POLICY_PATH, POLICY_IFACE, "ProfileReleased", on_released,
                        h);
                if (r < 0)
                        return r;
                r = sd_bus_match_signal(
                        *bus, NULL, "org.freedesktop.DBus.Local", NULL, "org.freedesktop.DBus.Local",
                        "Disconnected", on_disconnected, h);
                if (r < 0)
                        return r;
                r = sd_bus_set_exit_on_disconnect(*bus, false);
                if (r < 0)
                        return r;
        }
        for (unsigned i = 0; i < h->n_bus; i++) {
                r = take_holds(h, i, n_holds, argv[optind], reason, app_id);
                if (r < 0)
                        return r;
        }
        for (unsigned i = 0; i < h->n_bus; i++) {
                r = sd_bus_attach_event(h->bus[i], h->event, SD_EVENT_PRIORITY_NORMAL);
                if (r < 0)
                        return r;
        }
        /* stdin carries "release" commands when it is a pipe; /dev/null or a file cannot be
         * polled (EPERM), then there are none. */
        r = sd_event_add_io(h->event, NULL, STDIN_FILENO, EPOLLIN, on_stdin, h);
        if (r < 0 && r != -EPERM)
                return r;
        printf("ready\n");
        fflush(stdout);
        return sd_event_loop(h->event);
}

int main(int argc, char *argv[]) {
        int r = run(argc, argv);

        if (r < 0 && r != -EINVAL)
                fprintf(stderr, "bus-holder: %s\n", strerror(-r));
        return r < 0 ? 1 : 0;
}
