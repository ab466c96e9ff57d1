/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connection.c — the connection table (a tree keyed by MPTCP token) and per-connection subflows. */
#include <search.h>

#include "connection.h"

struct ConnectionTable {
        void *root; /* tsearch tree of Connection* */
        size_t size;
};

static int compare_token(const void *a, const void *b) {
        uint32_t x = ((const Connection *) a)->token, y = ((const Connection *) b)->token;
        return x < y ? -1 : x > y;
}

static void connection_free(void *p) {
        Connection *c = p;

        if (!c)
                return;
        free(c->subflows);
        free(c);
}

ConnectionTable *connection_table_new(void) {
        return new0(ConnectionTable, 1);
}

ConnectionTable *connection_table_free(ConnectionTable *t) {
        if (!t)
                return NULL;
        tdestroy(t->root, connection_free);
        free(t);
        return NULL;
}

size_t connection_table_size(const ConnectionTable *t) {
        return t->size;
}

Connection *connection_table_get(ConnectionTable *t, uint32_t token) {
        Connection key = { .token = token };
        Connection **node = tfind(&key, &t->root, compare_token);

        return node ? *node : NULL;
}

int connection_table_put(ConnectionTable *t, uint32_t token, Connection **ret, bool *ret_new) {
        Connection *c, **node;

        c = connection_table_get(t, token);
        if (c) {
                *ret = c;
                if (ret_new)
                        *ret_new = false;
                return 0;
        }
        if (t->size >= CONNECTIONS_MAX)
                return -ENOSPC;

        c = new0(Connection, 1);
        if (!c)
                return -ENOMEM;
        c->token = token;

        node = tsearch(c, &t->root, compare_token);
        if (!node) {
                free(c);
                return -ENOMEM;
        }
        t->size++;
        *ret = c;
        if (ret_new)
                *ret_new = true;
        return 0;
}

bool connection_table_remove(ConnectionTable *t, uint32_t token) {
        Connection *c = connection_table_get(t, token);

        if (!c)
                return false;
        tdelete(c, &t->root, compare_token);
        connection_free(c);
        t->size--;
        return true;
}

typedef struct WalkContext {
        void (*fn)(Connection *c, void *userdata);
        void *userdata;
} WalkContext;

static void walk_one(const void *node, VISIT which, void *closure) {
        WalkContext *ctx = closure;

        if (which == postorder || which == leaf)
                ctx->fn(*(Connection *const *) node, ctx->userdata);
}

void connection_table_foreach(ConnectionTable *t, void (*fn)(Connection *c, void *userdata), void *userdata) {
        WalkContext ctx = { .fn = fn, .userdata = userdata };

        twalk_r(t->root, walk_one, &ctx);
}

static bool port_matches(uint16_t a, uint16_t b) {
        return a == 0 || b == 0 || a == b;
}

Subflow *connection_find_subflow(Connection *c, const PmAddr *local, const PmAddr *remote) {
        for (size_t i = 0; i < c->n_subflows; i++) {
                Subflow *s = &c->subflows[i];

                if (pm_addr_equal(&s->local, local) && port_matches(s->local.port, local->port) &&
                    pm_addr_equal(&s->remote, remote) && port_matches(s->remote.port, remote->port))
                        return s;
        }
        return NULL;
}

Subflow *connection_find_subflow_from(Connection *c, const PmAddr *local) {
        for (size_t i = 0; i < c->n_subflows; i++)
                if (pm_addr_equal(&c->subflows[i].local, local))
                        return &c->subflows[i];
        return NULL;
}

int connection_add_subflow(Connection *c, const Subflow *s, Subflow **ret) {
        if (c->n_subflows >= SUBFLOWS_PER_CONNECTION_MAX)
                return -ENOSPC;
        if (GREEDY_REALLOC(c->subflows, c->n_allocated, c->n_subflows + 1) < 0)
                return -ENOMEM;
        c->subflows[c->n_subflows] = *s;
        if (ret)
                *ret = &c->subflows[c->n_subflows];
        c->n_subflows++;
        return 0;
}

bool connection_remove_subflow(Connection *c, const PmAddr *local, const PmAddr *remote) {
        Subflow *s = connection_find_subflow(c, local, remote);

        if (!s)
                return false;
        *s = c->subflows[--c->n_subflows];
        return true;
}

size_t connection_count_subflows(const Connection *c, SubflowState state) {
        size_t n = 0;

        for (size_t i = 0; i < c->n_subflows; i++)
                n += c->subflows[i].state == state;
        return n;
}
