/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-service.c — the system bus connection: connects, takes the name, reconnects when the bus
 * comes back (watching its socket), and emits PropertiesChanged and the daemon's signals. */
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

#include "bus-polkit.h"
#include "bus-policy1.h"
#include "bus-service.h"
#include "log.h"
#include "manager.h"

#define SYSTEM_BUS_SOCKET_DEFAULT "/run/dbus/system_bus_socket"
/* The socket watch wakes us when the bus comes back; this slow timer covers what a watch cannot
 * see (abstract sockets, a directory that vanished, a socket that was not listening yet). */
#define RECONNECT_RETRY_USEC (5 * 1000 * 1000)
#define RECONNECT_AFTER_WATCH_USEC (50 * 1000)

struct BusService {
        Manager *manager;
        sd_bus *bus;
        bool name_acquired;
        PolkitRegistry *polkit;
        sd_event_source *reconnect_source;
        sd_event_source *watch_source;
        char *socket_path; /* the bus socket to watch; NULL when the address is not a unix:path */
        char *fingerprints[_POLICY1_PROPERTY_MAX]; /* what the bus was last told */
};

static void bus_service_schedule_reconnect(BusService *b, uint64_t usec);

static void reset_fingerprints(BusService *b) {
        for (size_t i = 0; i < _POLICY1_PROPERTY_MAX; i++) {
                free(b->fingerprints[i]);
                b->fingerprints[i] = policy1_property_fingerprint(b->manager, (Policy1Property) i);
        }
}

/* The bus is gone: holds die with their holders' connections, polkit answers will not come. */
static void drop_bus(BusService *b) {
        bool had_holds = b->manager->holds.n > 0;

        if (!b->bus)
                return;
        manager_drop_holds(b->manager, false);
        b->polkit = polkit_registry_free(b->polkit);
        b->bus = sd_bus_flush_close_unref(b->bus);
        b->name_acquired = false;
        if (had_holds) /* the held profile is not in force any more */
                manager_apply(b->manager);
}

static int on_disconnected(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        BusService *b = userdata;

        log_warning("Lost the system bus; still enforcing the policy, reconnecting when it is back.");
        /* Not from within the bus's own dispatch: a moment later. */
        bus_service_schedule_reconnect(b, 0);
        return 0;
}

static int on_name_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        BusService *b = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e) {
                log_error("Failed to take the bus name " BUS_NAME ": %s (is the bus policy "
                          "org.mptcp.Policy1.conf installed?). The policy is enforced without the D-Bus API.",
                          e->message ?: e->name);
                return 0;
        }
        b->name_acquired = true;
        log_info("On the system bus as " BUS_NAME ".");
        return 0;
}

static int bus_connect(BusService *b) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system_with_description(&bus, "mptcp-policyd");
        if (r < 0)
                return r;
        r = sd_bus_set_exit_on_disconnect(bus, false);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(bus, NULL, BUS_PATH, BUS_INTERFACE, policy1_vtable, b->manager);
        if (r < 0)
                return r;
        r = sd_bus_match_signal_async(bus, NULL, "org.freedesktop.DBus.Local", NULL, "org.freedesktop.DBus.Local",
                                      "Disconnected", on_disconnected, NULL, b);
        if (r < 0)
                return r;
        r = sd_bus_request_name_async(bus, NULL, BUS_NAME, 0, on_name_reply, b);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(bus, b->manager->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return r;

        b->bus = TAKE_PTR(bus);
        reset_fingerprints(b);
        return 0;
}

static int on_reconnect(sd_event_source *s, uint64_t usec, void *userdata) {
        BusService *b = userdata;
        int r;

        drop_bus(b);
        r = bus_connect(b);
        if (r < 0) {
                log_debug_errno(r, "System bus not there yet: %m");
                bus_service_schedule_reconnect(b, RECONNECT_RETRY_USEC);
                return 0;
        }
        log_info("Connected to the system bus.");
        return 0;
}

static void bus_service_schedule_reconnect(BusService *b, uint64_t usec) {
        int r;

        if (b->reconnect_source) {
                uint64_t at = 0, now_usec = 0;

                (void) sd_event_now(b->manager->event, CLOCK_MONOTONIC, &now_usec);
                /* Only ever earlier: a watch event must not be postponed by the slow retry. */
                if (sd_event_source_get_time(b->reconnect_source, &at) >= 0 &&
                    sd_event_source_get_enabled(b->reconnect_source, NULL) > 0 && at <= now_usec + usec)
                        return;
                r = sd_event_source_set_time_relative(b->reconnect_source, usec);
                if (r >= 0)
                        r = sd_event_source_set_enabled(b->reconnect_source, SD_EVENT_ONESHOT);
        } else
                r = sd_event_add_time_relative(b->manager->event, &b->reconnect_source, CLOCK_MONOTONIC, usec, 0,
                                               on_reconnect, b);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule reconnecting to the system bus: %m");
}

static int on_socket_watch(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        BusService *b = userdata;
        const char *base = strrchr(b->socket_path, '/');

        if (b->bus || !ev->len || !streq(ev->name, base ? base + 1 : b->socket_path))
                return 0;
        bus_service_schedule_reconnect(b, RECONNECT_AFTER_WATCH_USEC);
        return 0;
}

/* The unix socket path of the system bus address, NULL for anything else. */
static char *system_bus_socket_path(void) {
        const char *a = getenv("DBUS_SYSTEM_BUS_ADDRESS");
        size_t n;

        if (!a)
                return strdup(SYSTEM_BUS_SOCKET_DEFAULT);
        if (strncmp(a, "unix:path=", 10) != 0)
                return NULL;
        a += 10;
        n = strcspn(a, ",;");
        return n > 0 && a[0] == '/' ? strndup(a, n) : NULL;
}

static void watch_socket_directory(BusService *b) {
        _cleanup_free_ char *dir = NULL;
        char *slash;
        int r;

        b->socket_path = system_bus_socket_path();
        if (!b->socket_path)
                return;
        dir = strdup(b->socket_path);
        if (!dir)
                return;
        slash = strrchr(dir, '/');
        if (slash == dir)
                slash[1] = '\0';
        else
                *slash = '\0';
        r = sd_event_add_inotify(b->manager->event, &b->watch_source, dir, IN_CREATE | IN_MOVED_TO | IN_ATTRIB,
                                 on_socket_watch, b);
        if (r < 0)
                log_debug_errno(r, "Cannot watch %s for the bus socket (retrying every %us instead): %m", dir,
                                (unsigned) (RECONNECT_RETRY_USEC / 1000000));
}

int bus_service_new(Manager *m, BusService **ret) {
        _cleanup_(bus_service_freep) BusService *b = NULL;
        int r;

        b = calloc(1, sizeof(BusService));
        if (!b)
                return -ENOMEM;
        b->manager = m;
        watch_socket_directory(b);

        r = bus_connect(b);
        if (r < 0) {
                log_notice_errno(r, "No system bus (%m); enforcing the policy without the D-Bus API until it appears.");
                bus_service_schedule_reconnect(b, RECONNECT_RETRY_USEC);
        }
        *ret = TAKE_PTR(b);
        return 0;
}

BusService *bus_service_free(BusService *b) {
        if (!b)
                return NULL;
        b->polkit = polkit_registry_free(b->polkit);
        if (b->bus) /* holds are the manager's; their trackers are unref'd by manager_drop_holds() */
                b->bus = sd_bus_flush_close_unref(b->bus);
        sd_event_source_disable_unref(b->reconnect_source);
        sd_event_source_disable_unref(b->watch_source);
        for (size_t i = 0; i < _POLICY1_PROPERTY_MAX; i++)
                free(b->fingerprints[i]);
        free(b->socket_path);
        free(b);
        return NULL;
}

PolkitRegistry **bus_service_polkit(BusService *b) {
        return &b->polkit;
}

void bus_service_emit_changes(BusService *b) {
        const char *changed[_POLICY1_PROPERTY_MAX + 1];
        size_t n = 0;
        int r;

        if (!b || !b->bus)
                return;
        for (size_t i = 0; i < _POLICY1_PROPERTY_MAX; i++) {
                char *fp = policy1_property_fingerprint(b->manager, (Policy1Property) i);

                if (!fp || streq_ptr(fp, b->fingerprints[i])) {
                        free(fp);
                        continue;
                }
                free(b->fingerprints[i]);
                b->fingerprints[i] = fp;
                changed[n++] = policy1_property_name((Policy1Property) i);
        }
        if (n == 0 || !b->name_acquired)
                return;
        changed[n] = NULL;
        r = sd_bus_emit_properties_changed_strv(b->bus, BUS_PATH, BUS_INTERFACE, (char **) changed);
        if (r < 0)
                log_debug_errno(r, "Failed to emit PropertiesChanged: %m");
}

void bus_service_emit_connection_event(BusService *b, const PmEvent *ev) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *sig = NULL;
        int r;

        if (!b || !b->bus || !b->name_acquired)
                return;
        r = policy1_new_connection_event(b->manager, b->bus, ev, &sig);
        if (r <= 0)
                return;
        r = sd_bus_send(b->bus, sig, NULL);
        if (r < 0)
                log_debug_errno(r, "Failed to emit ConnectionEvent: %m");
}

void bus_service_send_profile_released(BusService *b, const char *holder, uint32_t cookie) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *sig = NULL;
        int r;

        if (!b || !b->bus)
                return;
        r = sd_bus_message_new_signal(b->bus, &sig, BUS_PATH, BUS_INTERFACE, "ProfileReleased");
        if (r >= 0)
                r = sd_bus_message_set_destination(sig, holder);
        if (r >= 0)
                r = sd_bus_message_append(sig, "u", cookie);
        if (r >= 0)
                r = sd_bus_send(b->bus, sig, NULL);
        if (r < 0)
                log_debug_errno(r, "Failed to send ProfileReleased(%u) to %s: %m", cookie, holder);
}

void bus_service_hold_removed(BusService *b, void *hold_userdata) {
        policy1_hold_tracker_free(hold_userdata);
}
