/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-bus-util.c — tests of mptcpctl's bus layer without a daemon: the error → exit code mapping,
 * reading a{sv} replies into structs, and D-Bus values as JSON. */
#include <errno.h>
#include <sys/socket.h>

#include "bus-json.h"
#include "bus-util.h"
#include "connection-list.h"
#include "mptcpctl.h"
#include "policy-status.h"
#include "tests.h"

static int exit_code_of(const char *name, int r) {
        sd_bus_error e = SD_BUS_ERROR_MAKE_CONST(name, "message");

        return bus_exit_code(name ? &e : NULL, r, false);
}

TEST(exit_codes) {
        /* Connecting: no socket, a stale one, refused access, anything else. */
        check_eq(exit_code_of(NULL, -ENOENT), MPTCPCTL_EXIT_NOT_RUNNING);
        check_eq(exit_code_of(NULL, -ECONNREFUSED), MPTCPCTL_EXIT_NOT_RUNNING);
        check_eq(exit_code_of(NULL, -EACCES), MPTCPCTL_EXIT_NOT_AUTHORIZED);
        check_eq(exit_code_of(NULL, -EIO), MPTCPCTL_EXIT_FAILURE);

        /* By error name, whatever the errno. */
        check_eq(exit_code_of(SD_BUS_ERROR_SERVICE_UNKNOWN, -EHOSTDOWN), MPTCPCTL_EXIT_NOT_RUNNING);
        check_eq(exit_code_of(SD_BUS_ERROR_NAME_HAS_NO_OWNER, -ENXIO), MPTCPCTL_EXIT_NOT_RUNNING);
        check_eq(
                exit_code_of("org.freedesktop.DBus.Error.Spawn.ChildExited", -EIO),
                MPTCPCTL_EXIT_NOT_RUNNING);
        check_eq(exit_code_of(POLICY_ERROR_NOT_AUTHORIZED, -EIO), MPTCPCTL_EXIT_NOT_AUTHORIZED);
        check_eq(exit_code_of(SD_BUS_ERROR_ACCESS_DENIED, -EACCES), MPTCPCTL_EXIT_NOT_AUTHORIZED);
        check_eq(
                exit_code_of(SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED, -EACCES),
                MPTCPCTL_EXIT_NOT_AUTHORIZED);
        check_eq(exit_code_of(POLICY_ERROR_NO_SUCH_PROFILE, -EIO), MPTCPCTL_EXIT_NO_SUCH_PROFILE);
        check_eq(exit_code_of(POLICY_ERROR_INVALID_CONFIG, -EIO), MPTCPCTL_EXIT_INVALID_CONFIG);
        check_eq(exit_code_of(POLICY_ERROR_NO_SUCH_HOLD, -EIO), MPTCPCTL_EXIT_FAILURE);
        check_eq(exit_code_of(POLICY_ERROR_UNAVAILABLE, -EIO), MPTCPCTL_EXIT_FAILURE);
        check_eq(exit_code_of(SD_BUS_ERROR_INVALID_ARGS, -EINVAL), MPTCPCTL_EXIT_FAILURE);
        check_eq(exit_code_of(SD_BUS_ERROR_LIMITS_EXCEEDED, -ENOBUFS), MPTCPCTL_EXIT_FAILURE);
        /* NoReply is a timeout, unless the daemon's name vanished meanwhile. */
        check_eq(exit_code_of(SD_BUS_ERROR_NO_REPLY, -ETIMEDOUT), MPTCPCTL_EXIT_FAILURE);
        {
                sd_bus_error e = SD_BUS_ERROR_MAKE_CONST(SD_BUS_ERROR_NO_REPLY, "gone");
                sd_bus_error other = SD_BUS_ERROR_MAKE_CONST(POLICY_ERROR_UNAVAILABLE, "no");

                check_eq(bus_exit_code(&e, -ETIMEDOUT, true), MPTCPCTL_EXIT_NOT_RUNNING);
                check_eq(bus_exit_code(&other, -EIO, true), MPTCPCTL_EXIT_FAILURE);
        }
        /* A name that only starts like ours is not ours. */
        check_eq(exit_code_of("org.mptcp.Policy1.Error.NoSuchProfileX", -EIO), MPTCPCTL_EXIT_FAILURE);
}

/* A bus object that can build messages: a client on one end of a socketpair nobody answers. */
static sd_bus *message_factory(void) {
        sd_bus *bus = NULL;
        int fds[2];

        check_ok(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
        check_ok(sd_bus_new(&bus));
        check_ok(sd_bus_set_fd(bus, fds[0], fds[0]));
        check_ok(sd_bus_start(bus));
        close(fds[1]);
        return bus;
}

/* What to_json() makes of m, as compact JSON text (the caller frees it). */
static char *json_of(sd_bus_message *m, int (*to_json)(sd_bus_message *m, JsonWriter *w)) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        JsonWriter w;

        check(f);
        json_writer_init(&w, f, false);
        check_ok(to_json(m, &w));
        check_eq(json_writer_finish(&w), 0);
        check_eq(fclose(f), 0);
        return buf;
}

/* Appends the a{sv} of one profile. */
static void append_profile(sd_bus_message *m, const char *name, bool usable) {
        check_ok(sd_bus_message_open_container(m, 'a', "{sv}"));
        check_ok(sd_bus_message_append(m, "{sv}", "Name", "s", name));
        check_ok(sd_bus_message_append(m, "{sv}", "Description", "s", "Say \"hi\"\n\xe2\x86\x92"));
        check_ok(sd_bus_message_append(m, "{sv}", "Usable", "b", usable));
        check_ok(sd_bus_message_append(m, "{sv}", "FutureKey", "(iu)", -1, 2u)); /* unknown: skipped */
        check_ok(sd_bus_message_close_container(m));
}

/* What GetAll of a daemon with two profiles, one hold and one interface answers. */
static sd_bus_message *get_all_reply(sd_bus *bus) {
        sd_bus_message *m = NULL;

        check_ok(sd_bus_message_new_signal(bus, &m, "/test", "org.test", "Test"));
        check_ok(sd_bus_message_open_container(m, 'a', "{sv}"));
        check_ok(sd_bus_message_append(m, "{sv}", "ActiveProfile", "s", "metered"));
        check_ok(sd_bus_message_append(m, "{sv}", "ProfileMode", "s", "auto"));
        check_ok(sd_bus_message_append(m, "{sv}", "Version", "u", 7u)); /* wrong type: skipped */
        check_ok(sd_bus_message_append(m, "{sv}", "Features", "as", 2, "userspace-pm", "kernel-pm"));
        check_ok(sd_bus_message_open_container(m, 'e', "sv"));
        check_ok(sd_bus_message_append(m, "s", "Profiles"));
        check_ok(sd_bus_message_open_container(m, 'v', "aa{sv}"));
        check_ok(sd_bus_message_open_container(m, 'a', "a{sv}"));
        append_profile(m, "balanced", true);
        append_profile(m, "metered", false);
        check_ok(sd_bus_message_close_container(m));
        check_ok(sd_bus_message_close_container(m));
        check_ok(sd_bus_message_close_container(m));
        check_ok(sd_bus_message_append(
                m, "{sv}", "ActiveProfileHolds", "aa{sv}", 1, 3, "Cookie", "u", 9u, "Profile", "s",
                "metered", "ApplicationId", "s", "org.example.App"));
        check_ok(sd_bus_message_append(
                m, "{sv}", "Interfaces", "aa{sv}", 1, 3, "Name", "s", "wifi", "Index", "i", 2, "Addresses",
                "as", 1, "10.71.1.1"));
        check_ok(sd_bus_message_close_container(m));
        check_ok(sd_bus_message_seal(m, 1, 0));
        return m;
}

TEST(policy_status) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = message_factory();
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = get_all_reply(bus);
        _cleanup_(policy_status_done) PolicyStatus s = {};

        check_ok(policy_status_read(m, &s));
        check_streq(s.active_profile, "metered");
        check_streq(s.profile_mode, "auto");
        check(!s.version); /* it had the wrong type */
        check(!s.selected_profile);
        check_streq(s.features[0], "userspace-pm");
        check_streq(s.features[1], "kernel-pm");
        check(!s.features[2]);
        check_eq(s.n_profiles, 2);
        check_streq(s.profiles[0].name, "balanced");
        check(s.profiles[0].usable);
        check_streq(s.profiles[1].name, "metered");
        check(!s.profiles[1].usable);
        check_streq(s.profiles[1].description, "Say \"hi\"\n\xe2\x86\x92");
        check_eq(s.n_holds, 1);
        check_eq(s.holds[0].cookie, 9);
        check_streq(s.holds[0].application_id, "org.example.App");
        check_eq(s.n_interfaces, 1);
        check_eq(s.interfaces[0].index, 2);
        check_streq(s.interfaces[0].addresses[0], "10.71.1.1");
        check_streq(policy_status_active_reason(&s), "hold");
        check(policy_status_active_hold(&s) == &s.holds[0]);

        /* Read twice: policy_status_read() rewinds. */
        policy_status_done(&s);
        check_ok(policy_status_read(m, &s));
        check_eq(s.n_profiles, 2);
}

TEST(value_to_json) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = message_factory();
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = get_all_reply(bus);
        _cleanup_free_ char *buf = NULL;

        check_ok(sd_bus_message_rewind(m, true));
        buf = json_of(m, bus_value_to_json);
        check_streq(
                buf,
                "{\"ActiveProfile\":\"metered\",\"ProfileMode\":\"auto\",\"Version\":7,"
                "\"Features\":[\"userspace-pm\",\"kernel-pm\"],"
                "\"Profiles\":[{\"Name\":\"balanced\",\"Description\":\"Say \\\"hi\\\"\\n\xe2\x86\x92\","
                "\"Usable\":true,\"FutureKey\":[-1,2]},"
                "{\"Name\":\"metered\",\"Description\":\"Say \\\"hi\\\"\\n\xe2\x86\x92\","
                "\"Usable\":false,\"FutureKey\":[-1,2]}],"
                "\"ActiveProfileHolds\":[{\"Cookie\":9,\"Profile\":\"metered\","
                "\"ApplicationId\":\"org.example.App\"}],"
                "\"Interfaces\":[{\"Name\":\"wifi\",\"Index\":2,\"Addresses\":[\"10.71.1.1\"]}]}\n");

        /* One key's value, found by name. */
        check_ok(sd_bus_message_rewind(m, true));
        check_eq(bus_dict_enter_key(m, "ProfileMode"), 1);
        {
                const char *mode;

                check_ok(sd_bus_message_read_basic(m, 's', &mode));
                check_streq(mode, "auto");
        }
        check_ok(sd_bus_message_rewind(m, true));
        check_eq(bus_dict_enter_key(m, "NoSuchKey"), 0);
}

TEST(connection_list) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = message_factory();
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(connection_list_done) ConnectionList l = {};
        _cleanup_free_ char *buf = NULL;

        check_ok(sd_bus_message_new_signal(bus, &m, "/test", "org.test", "Test"));
        check_ok(sd_bus_message_open_container(m, 'a', "(ubsssaa{sv})"));
        check_ok(sd_bus_message_append(
                m, "(ubsssaa{sv})", 0xdeadbeefu, 0, "userspace", "10.71.1.1:1000", "10.71.1.2:5201", 2, 3,
                "Interface", "s", "wifi", "Initial", "b", 1, "State", "s", "established", 2, "Interface",
                "s", "lte", "Backup", "b", 1));
        check_ok(sd_bus_message_append(m, "(ubsssaa{sv})", 7u, 1, "kernel", "a", "b", 0));
        check_ok(sd_bus_message_close_container(m));
        check_ok(sd_bus_message_seal(m, 1, 0));

        check_ok(connection_list_read(m, &l));
        check_eq(l.n_connections, 2);
        check_eq(l.connections[0].token, 0xdeadbeefu);
        check(!l.connections[0].server_side);
        check_streq(l.connections[0].remote, "10.71.1.2:5201");
        check_eq(l.connections[0].n_subflows, 2);
        check_streq(l.connections[0].subflows[0].interface, "wifi");
        check(l.connections[0].subflows[0].initial);
        check(!l.connections[0].subflows[0].backup);
        check_streq(l.connections[0].subflows[1].interface, "lte");
        check(l.connections[0].subflows[1].backup);
        check(!l.connections[0].subflows[1].state);
        check(l.connections[1].server_side);
        check_eq(l.connections[1].n_subflows, 0);

        buf = json_of(m, connection_list_to_json);
        check_streq(
                buf, "[{\"Token\":3735928559,\"ServerSide\":false,\"PathManager\":\"userspace\","
                     "\"Local\":\"10.71.1.1:1000\",\"Remote\":\"10.71.1.2:5201\",\"Subflows\":["
                     "{\"Interface\":\"wifi\",\"Initial\":true,\"State\":\"established\"},"
                     "{\"Interface\":\"lte\",\"Backup\":true}]},"
                     "{\"Token\":7,\"ServerSide\":true,\"PathManager\":\"kernel\",\"Local\":\"a\","
                     "\"Remote\":\"b\",\"Subflows\":[]}]\n");
}

int main(void) {
        RUN(exit_codes);
        RUN(policy_status);
        RUN(value_to_json);
        RUN(connection_list);
        printf("%u checks passed\n", n_checks);
        return 0;
}
