/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpd-subflow-plugin.c — minimal mptcpd 0.12 plugin: one extra subflow per client connection, the benchmark's mptcpd baseline. */

/*
 * mptcpd's shipped plugins create no subflows from userspace (sspi does not even announce on
 * 0.12), so the userspace-PM peer of the benchmark is this plugin, written only against the
 * public API of libmptcpd3-dev: on connection_established of a client-side connection it calls
 * mptcpd_pm_add_subflow() from the address in BENCH_SUBFLOW_ADDR (IPv4, port 0) to the
 * connection's remote address and port, with local address ID BENCH_SUBFLOW_ID (default 1).
 * That is the same decision mptcp-policyd takes for the lab's "aggregate" profile and what an
 * in-kernel "subflow" endpoint on that address does.
 *
 * Build (bench/run.sh does it):
 *     cc -shared -fPIC -O2 -o DIR/benchsf.so mptcpd-subflow-plugin.c -lmptcpd
 * (not through pkg-config: mptcpd.pc requires ell's .pc, which libmptcpd3-dev does not pull in).
 * mptcpd refuses a world-writable plugin directory or plugin file.
 * Run, in the namespace to manage, with net.mptcp.pm_type=1:
 *     BENCH_SUBFLOW_ADDR=10.71.2.1 mptcpd --plugin-dir=DIR --path-manager=benchsf \
 *             --load-plugins=benchsf --log=stderr
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mptcpd/path_manager.h>
#include <mptcpd/plugin.h>

static struct sockaddr_in subflow_local;
static mptcpd_aid_t subflow_id = 1;
static unsigned long n_requested, n_failed;

static void bench_connection_established(
                mptcpd_token_t token,
                struct sockaddr const *laddr,
                struct sockaddr const *raddr,
                bool server_side,
                struct mptcpd_pm *pm) {

        int r;

        (void) laddr;

        if (server_side || !raddr || raddr->sa_family != AF_INET)
                return;

        n_requested++;
        r = mptcpd_pm_add_subflow(pm, token, subflow_id, 0,
                                  (struct sockaddr const *) &subflow_local, raddr, false);
        if (r != 0) {
                n_failed++;
                /* Rate-limited: a burst of failures must not turn into a burst of writes. */
                if (n_failed <= 5)
                        fprintf(stderr, "benchsf: add_subflow(token %08x) failed: %d\n",
                                (unsigned) token, r);
        }
}

static struct mptcpd_plugin_ops const bench_ops = {
        .connection_established = bench_connection_established,
};

static int bench_init(struct mptcpd_pm *pm) {
        char const *addr, *id;

        (void) pm;

        addr = getenv("BENCH_SUBFLOW_ADDR");
        if (!addr) {
                fprintf(stderr, "benchsf: BENCH_SUBFLOW_ADDR is not set\n");
                return -1;
        }

        memset(&subflow_local, 0, sizeof(subflow_local));
        subflow_local.sin_family = AF_INET;
        if (inet_pton(AF_INET, addr, &subflow_local.sin_addr) != 1) {
                fprintf(stderr, "benchsf: BENCH_SUBFLOW_ADDR '%s' is not an IPv4 address\n", addr);
                return -1;
        }

        id = getenv("BENCH_SUBFLOW_ID");
        if (id) {
                unsigned long v = strtoul(id, NULL, 10);

                if (v < 1 || v > 255) {
                        fprintf(stderr, "benchsf: BENCH_SUBFLOW_ID '%s' is not in 1..255\n", id);
                        return -1;
                }
                subflow_id = (mptcpd_aid_t) v;
        }

        if (!mptcpd_plugin_register_ops("benchsf", &bench_ops)) {
                fprintf(stderr, "benchsf: could not register the plugin's operations\n");
                return -1;
        }

        fprintf(stderr, "benchsf: ready, subflows from %s (id %u)\n", addr, (unsigned) subflow_id);
        return 0;
}

static void bench_exit(struct mptcpd_pm *pm) {
        (void) pm;
        fprintf(stderr, "benchsf: %lu subflow request(s), %lu failed\n", n_requested, n_failed);
}

MPTCPD_PLUGIN_DEFINE(benchsf,
                     "benchmark baseline: one subflow per client connection",
                     MPTCPD_PLUGIN_PRIORITY_DEFAULT,
                     bench_init,
                     bench_exit)
