/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verb-reload.c — `mptcpctl reload`: the daemon re-reads its configuration and profiles. */
#include <stdio.h>
#include <string.h>

#include "bus-util.h"
#include "mptcpctl.h"

int verb_reload(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        bool interactive;
        int r;

        r = bus_connect(&bus);
        if (r != MPTCPCTL_EXIT_OK)
                return r;
        interactive = bus_setup_interactive(bus, arg_ask_password);
        r = bus_call_policy(bus, "Reload", &error, NULL, "b", interactive);
        if (r >= 0)
                return MPTCPCTL_EXIT_OK;

        /* The daemon's message is the parser's: "file:line:column: message", maybe with the
         * offending line and a caret; printed as it is, like `mptcpctl validate` prints. */
        if (sd_bus_error_has_name(&error, POLICY_ERROR_INVALID_CONFIG) && error.message) {
                size_t n = strlen(error.message);

                fputs(error.message, stderr);
                if (n == 0 || error.message[n - 1] != '\n')
                        fputc('\n', stderr);
                fputs("The running policy stays in force.\n", stderr);
                return bus_exit_code(&error, r, false);
        }
        return bus_log_error(bus, "reload the configuration", &error, r);
}
