/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-describe.c — Describe(): the daemon's whole state as one JSON object, for bug reports and
 * scripts that want everything at once. */
#include <stdio.h>
#include <stdlib.h>

#include "bus-policy1.h"
#include "config.h"
#include "json-out.h"
#include "manager.h"

static void describe_connection(Connection *c, void *userdata) {
        JsonWriter *w = userdata;
        char l[PM_ADDR_STRLEN], r[PM_ADDR_STRLEN];

        json_begin_object(w);
        json_key_uint(w, "token", c->token);
        json_key_bool(w, "server_side", c->server_side);
        json_key_string(w, "path_manager", c->userspace_pm ? "userspace" : "kernel");
        json_key_string(w, "local", pm_addr_to_string(&c->local, l, sizeof(l)));
        json_key_string(w, "remote", pm_addr_to_string(&c->remote, r, sizeof(r)));
        json_key_uint(w, "subflows", c->n_subflows);
        json_key_uint(w, "failures", c->failures);
        json_end_object(w);
}

static void describe_tokens(JsonWriter *w, const char *key, const char *const *v, size_t n) {
        json_key(w, key);
        json_begin_array(w);
        for (size_t i = 0; i < n; i++)
                json_string(w, v[i]);
        json_end_array(w);
}

int manager_describe_json(Manager *m, char **ret) {
        const char *features[POLICY1_TOKENS_MAX], *degraded[POLICY1_TOKENS_MAX];
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, n_features, n_degraded;
        JsonWriter w;
        FILE *f;
        int r;

        n_features = policy1_features(m, features);
        n_degraded = policy1_degraded(m, degraded);

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        json_writer_init(&w, f, false);
        json_begin_object(&w);
        json_key_string(&w, "version", PACKAGE_VERSION);
        json_key_string(&w, "active_profile", m->profile ? m->profile->name : NULL);
        json_key_string(&w, "active_reason", active_reason_to_string(m->active_reason));
        json_key_string(&w, "selected_profile", manager_selected_profile(m));
        json_key_string(&w, "mode", profile_mode_to_string(m->mode));
        json_key_string(&w, "path_manager", pm_kind_to_string(m->pm_kind));
        describe_tokens(&w, "features", features, n_features);
        describe_tokens(&w, "degraded", degraded, n_degraded);
        json_key_string(&w, "state_dir", manager_state_dir(m));

        json_key(&w, "profiles");
        json_begin_array(&w);
        for (size_t i = 0; i < m->settings->profiles->n_profiles; i++) {
                const Profile *p = m->settings->profiles->profiles[i];
                const char *why = manager_profile_unusable_reason(m, p);

                json_begin_object(&w);
                json_key_string(&w, "name", p->name);
                json_key_string(&w, "description", p->description);
                json_key_string(&w, "path_manager", path_manager_to_string(p->path_manager));
                json_key_string(&w, "steering", steering_mode_to_string(p->steering));
                json_key_string(&w, "source", p->path);
                json_key_bool(&w, "usable", !why);
                if (why)
                        json_key_string(&w, "reason", why);
                json_end_object(&w);
        }
        json_end_array(&w);

        json_key(&w, "holds");
        json_begin_array(&w);
        for (size_t i = 0; i < m->holds.n; i++) {
                const ProfileHold *h = &m->holds.holds[i];

                json_begin_object(&w);
                json_key_uint(&w, "cookie", h->cookie);
                json_key_string(&w, "profile", h->profile);
                json_key_string(&w, "reason", h->reason);
                json_key_string(&w, "application_id", h->application_id);
                json_key_string(&w, "holder", h->holder);
                json_end_object(&w);
        }
        json_end_array(&w);

        json_key(&w, "interfaces");
        json_begin_array(&w);
        for (size_t i = 0; i < m->interfaces.n; i++) {
                const InterfaceFacts *fa = &m->interfaces.facts[i];
                const InterfaceDecision *d = &m->interfaces.decisions[i];

                json_begin_object(&w);
                json_key_string(&w, "name", fa->name);
                json_key_int(&w, "index", fa->ifindex);
                json_key_string(&w, "type", interface_type_to_string(fa->type));
                json_key_string(&w, "metered", tristate_to_string(fa->metered));
                json_key_bool(&w, "up", fa->up);
                json_key_uint(&w, "addresses", fa->n_addresses);
                json_key_string(&w, "decision", interface_decision_to_string(d));
                json_key_uint(&w, "subflows", d->subflows);
                json_key_uint(&w, "pacing_cap_bps", d->pacing_cap_bps);
                json_end_object(&w);
        }
        json_end_array(&w);

        json_key(&w, "stats");
        json_begin_object(&w);
        json_key_uint(&w, "connections_tracked", connection_table_size(m->connections));
        json_key_uint(&w, "connections_seen", m->stats.connections_seen);
        json_key_uint(&w, "subflows_requested", m->stats.subflows_requested);
        json_key_uint(&w, "subflows_request_failed", m->stats.subflows_request_failed);
        json_key_uint(&w, "subflows_established", m->stats.subflows_established);
        json_key_uint(&w, "subflows_closed_error", m->stats.subflows_closed_error);
        json_key_uint(&w, "resyncs", m->stats.resyncs);
        json_end_object(&w);

        /* Connections last: there may be many. */
        json_key(&w, "connections");
        json_begin_array(&w);
        connection_table_foreach(m->connections, describe_connection, &w);
        json_end_array(&w);
        json_end_object(&w);

        r = json_writer_finish(&w);
        if (fclose(f) != 0 && r >= 0)
                r = -EIO;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(buf);
        return 0;
}
