/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-polkit.c — asynchronous polkit CheckAuthorization for D-Bus callers, root always allowed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-polkit.h"

typedef struct PolkitQuery PolkitQuery;
struct PolkitQuery {
        PolkitQuery *next;
        PolkitRegistry *registry;
        sd_bus_message *request; /* the call being authorized; dispatched again on the answer */
        sd_bus_slot *slot;       /* the CheckAuthorization in flight */
        char *action;
        bool done;
        bool authorized;
        bool challenge;
        sd_bus_error error; /* CheckAuthorization itself failed */
};

struct PolkitRegistry {
        PolkitQuery *queries;
        size_t n;
};

static PolkitQuery *polkit_query_free(PolkitQuery *q) {
        if (!q)
                return NULL;
        sd_bus_slot_unref(q->slot);
        sd_bus_message_unref(q->request);
        sd_bus_error_free(&q->error);
        free(q->action);
        free(q);
        return NULL;
}

static void registry_unlink(PolkitRegistry *r, PolkitQuery *q) {
        for (PolkitQuery **p = &r->queries; *p; p = &(*p)->next)
                if (*p == q) {
                        *p = q->next;
                        r->n--;
                        return;
                }
}

PolkitRegistry *polkit_registry_free(PolkitRegistry *r) {
        if (!r)
                return NULL;
        while (r->queries) {
                PolkitQuery *q = r->queries;
                r->queries = q->next;
                polkit_query_free(q);
        }
        free(r);
        return NULL;
}

static int on_check_authorization(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PolkitQuery *q = userdata;
        const sd_bus_error *e;
        int authorized = 0, challenge = 0, r;

        q->slot = sd_bus_slot_unref(q->slot);
        q->done = true;

        e = sd_bus_message_get_error(reply);
        if (e)
                (void) sd_bus_error_copy(&q->error, e);
        else {
                r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
                if (r >= 0)
                        r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
                if (r < 0)
                        (void) sd_bus_error_set_errnof(&q->error, r, "Malformed reply from polkit: %m");
                q->authorized = authorized;
                q->challenge = challenge;
        }

        /* Hand the call back to its handler, which now finds the answer. */
        r = sd_bus_enqueue_for_read(sd_bus_message_get_bus(q->request), q->request);
        if (r < 0) {
                _cleanup_(sd_bus_error_free) sd_bus_error err = SD_BUS_ERROR_NULL;

                (void) sd_bus_error_set_errnof(&err, r, "Failed to resume the call after authorization: %m");
                (void) sd_bus_reply_method_error(q->request, &err);
                registry_unlink(q->registry, q);
                polkit_query_free(q);
        }
        return 1;
}

static int sender_is_root(sd_bus_message *call) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        uid_t uid;
        int r;

        r = sd_bus_query_sender_creds(call, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
        if (r < 0)
                return r;
        r = sd_bus_creds_get_euid(creds, &uid);
        if (r < 0)
                return r;
        return uid == 0;
}

static int start_query(sd_bus_message *call, const char *action, bool interactive, PolkitRegistry *registry,
                       sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *check = NULL;
        sd_bus *bus = sd_bus_message_get_bus(call);
        const char *sender = sd_bus_message_get_sender(call);
        PolkitQuery *q;
        int r;

        if (!sender)
                return sd_bus_error_set(error, BUS_ERROR_NOT_AUTHORIZED, "The caller has no bus name.");
        if (registry->n >= POLKIT_QUERIES_MAX)
                return sd_bus_error_set(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                        "Too many authorizations in progress; try again later.");

        r = sd_bus_message_new_method_call(bus, &check, "org.freedesktop.PolicyKit1",
                                           "/org/freedesktop/PolicyKit1/Authority",
                                           "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        if (r >= 0)
                r = sd_bus_message_append(check, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s", sender,
                                          action, 0, (uint32_t) (interactive ? 1 : 0), "");
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to build the polkit query: %m");

        q = calloc(1, sizeof(PolkitQuery));
        if (!q)
                return sd_bus_error_set_errno(error, -ENOMEM);
        q->action = strdup(action);
        if (!q->action) {
                polkit_query_free(q);
                return sd_bus_error_set_errno(error, -ENOMEM);
        }
        q->request = sd_bus_message_ref(call);
        q->registry = registry;

        /* Interactive authentication can take as long as a person needs. */
        r = sd_bus_call_async(bus, &q->slot, check, on_check_authorization, q,
                              interactive ? UINT64_MAX : 0);
        if (r < 0) {
                polkit_query_free(q);
                return sd_bus_error_set_errnof(error, r, "Failed to ask polkit: %m");
        }
        q->next = registry->queries;
        registry->queries = q;
        registry->n++;
        return 0;
}

int bus_verify_polkit_async(sd_bus_message *call, const char *action, bool interactive, PolkitRegistry **registry,
                            sd_bus_error *error) {
        PolkitQuery *q = NULL;
        int r;

        if (*registry)
                for (q = (*registry)->queries; q; q = q->next)
                        if (q->request == call && streq(q->action, action))
                                break;

        if (q) {
                bool authorized = q->authorized, challenge = q->challenge;

                if (!q->done)
                        return 0; /* dispatched again before the answer: keep waiting */
                registry_unlink(*registry, q);
                if (sd_bus_error_is_set(&q->error)) {
                        r = sd_bus_error_has_name(&q->error, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
                                    sd_bus_error_has_name(&q->error, SD_BUS_ERROR_NAME_HAS_NO_OWNER)
                                    ? sd_bus_error_set(error, BUS_ERROR_NOT_AUTHORIZED,
                                                       "Not authorized: polkit is not running, so only root may do this.")
                                    : sd_bus_error_setf(error, BUS_ERROR_NOT_AUTHORIZED, "Not authorized: polkit failed: %s",
                                                        q->error.message ?: q->error.name);
                        polkit_query_free(q);
                        return r;
                }
                polkit_query_free(q);
                if (authorized)
                        return 1;
                /* One error name for every refusal (the API's contract); the message says whether
                 * an administrator's password would have done. */
                if (challenge)
                        return sd_bus_error_setf(error, BUS_ERROR_NOT_AUTHORIZED,
                                                 "Not authorized for %s without authentication (allow "
                                                 "interactive authorization to be asked for a password).",
                                                 action);
                return sd_bus_error_setf(error, BUS_ERROR_NOT_AUTHORIZED, "Not authorized for %s.", action);
        }

        r = sender_is_root(call);
        if (r > 0)
                return 1;
        /* Unknown credentials are not root: polkit decides. */

        if (!*registry) {
                *registry = calloc(1, sizeof(PolkitRegistry));
                if (!*registry)
                        return sd_bus_error_set_errno(error, -ENOMEM);
        }
        return start_query(call, action, interactive, *registry, error);
}
