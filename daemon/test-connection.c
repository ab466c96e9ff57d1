/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-connection.c — unit tests for the connection table and subflow bookkeeping. */
#include <arpa/inet.h>

#include "connection.h"
#include "tests.h"

static PmAddr v4(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET, .port = port };
        check_eq(inet_pton(AF_INET, s, &a.in), 1);
        return a;
}

static void count(Connection *c, void *userdata) {
        uint32_t *prev = userdata;

        check(c->token > *prev); /* walked in token order */
        *prev = c->token;
}

TEST(table) {
        _cleanup_(connection_table_freep) ConnectionTable *t = connection_table_new();
        Connection *c, *d;
        bool is_new;
        uint32_t prev = 0;

        check(t);
        for (int tok = 1000; tok > 0; tok -= 7) {
                check_ok(connection_table_put(t, (uint32_t) tok * 2654435761u, &c, &is_new));
                check(is_new);
                check_eq(c->token, (uint32_t) tok * 2654435761u);
        }
        check_eq(connection_table_size(t), 143);
        check_ok(connection_table_put(t, 993u * 2654435761u, &d, &is_new));
        check(!is_new);
        check(connection_table_get(t, 993u * 2654435761u) == d);
        check(connection_table_get(t, 12345) == NULL);

        connection_table_foreach(t, count, &prev);
        check(prev != 0);

        check(connection_table_remove(t, 993u * 2654435761u));
        check(!connection_table_remove(t, 993u * 2654435761u));
        check_eq(connection_table_size(t), 142);
}

TEST(subflows) {
        _cleanup_(connection_table_freep) ConnectionTable *t = connection_table_new();
        PmAddr wifi = v4("10.71.1.1", 40000), lte = v4("10.71.2.1", 0), srv = v4("10.71.1.2", 5201);
        Connection *c;
        Subflow *s;

        check_ok(connection_table_put(t, 42, &c, NULL));
        check_ok(connection_add_subflow(c, &(Subflow) { .local = wifi, .remote = srv, .initial = true,
                                                         .state = SUBFLOW_ESTABLISHED }, NULL));
        check_ok(connection_add_subflow(c, &(Subflow) { .local = lte, .remote = srv }, NULL));
        check_eq(connection_count_subflows(c, SUBFLOW_PENDING), 1);

        /* The kernel reports the pending join with its real source port: it still matches. */
        PmAddr lte_port = v4("10.71.2.1", 51234);
        s = connection_find_subflow(c, &lte_port, &srv);
        check(s && !s->initial);
        s->local.port = 51234;
        s->state = SUBFLOW_ESTABLISHED;

        /* Another port on the same address is another subflow. */
        PmAddr lte_other = v4("10.71.2.1", 51235);
        check(connection_find_subflow(c, &lte_other, &srv) == NULL);
        check(connection_find_subflow_from(c, &lte) == s);

        check(connection_remove_subflow(c, &lte_port, &srv));
        check_eq(c->n_subflows, 1);
        check(c->subflows[0].initial);

        for (unsigned i = 1; i < SUBFLOWS_PER_CONNECTION_MAX; i++)
                check_ok(connection_add_subflow(c, &(Subflow) { .local = lte, .remote = srv }, NULL));
        check_eq(connection_add_subflow(c, &(Subflow) { .local = lte, .remote = srv }, NULL), -ENOSPC);
}

int main(void) {
        RUN(table);
        RUN(subflows);
        return 0;
}
