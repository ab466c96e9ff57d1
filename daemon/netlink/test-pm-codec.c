/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-pm-codec.c — command builder layouts, buffer limits, and reply/family/ack decoding tests. */

#include "test-pm-codec-util.h"

/* ---- command builders ------------------------------------------------------------------------ */

#define FLAGS_ACK (NLM_F_REQUEST | NLM_F_ACK)

static void test_build_subflow_create(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = NULL;
        PmEndpoint local = { .addr = addr4("10.0.2.1", 0), .id = 2, .flags = MPTCP_PM_ADDR_FLAG_BACKUP, .ifindex = 3 };
        PmAddr remote = addr4("10.0.1.2", 5201);

        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 7, 0x11223344, &local, &remote, &nlh), 0);
        CHECK_MSG("subflow_create v4", nlh,
                  PM_HDR(100, FLAGS_ACK, 7, MPTCP_PM_CMD_SUBFLOW_CREATE),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(0x11223344),
                  NEST(44, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(5, MPTCP_PM_ADDR_ATTR_ID), 2, 0, 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_IF_IDX), H32(3),
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(MPTCP_PM_ADDR_FLAG_BACKUP),
                  NEST(28, MPTCP_PM_ATTR_ADDR_REMOTE),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 1, 2,
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(5201), 0, 0);

        /* IPv6, a local port, no id/flags/ifindex. Command ports are host order. */
        local = (PmEndpoint) { .addr = addr6("2001:db8::1", 0x1234) };
        remote = addr6("2001:db8::2", 0x5678);
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 8, 1, &local, &remote, &nlh), 0);
        CHECK_MSG("subflow_create v6", nlh,
                  PM_HDR(108, FLAGS_ACK, 8, MPTCP_PM_CMD_SUBFLOW_CREATE),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(1),
                  NEST(40, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET6), 0, 0,
                          NLA(20, MPTCP_PM_ADDR_ATTR_ADDR6), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(0x1234), 0, 0,
                  NEST(40, MPTCP_PM_ATTR_ADDR_REMOTE),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET6), 0, 0,
                          NLA(20, MPTCP_PM_ADDR_ATTR_ADDR6), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(0x5678), 0, 0);

        /* Refused arguments. */
        local = (PmEndpoint) { .addr = addr4("10.0.2.1", 0), .id = 2 };
        remote = addr4("10.0.1.2", 5201);
        nlh = NULL;
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, NULL, &remote, &nlh), -EINVAL);
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, &local, NULL, &nlh), -EINVAL);
        check_eq(pm_build_subflow_create(NULL, sizeof(buf), FAMILY_ID, 1, 1, &local, &remote, &nlh), -EINVAL);
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, &local, &remote, NULL), -EINVAL);
        remote.port = 0;
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, &local, &remote, &nlh), -EINVAL);
        remote = addr6("::1", 80);
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, &local, &remote, &nlh), -EINVAL);
        remote = addr4("10.0.1.2", 5201);
        local.addr.family = AF_UNSPEC;
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, &local, &remote, &nlh), -EINVAL);
        local = (PmEndpoint) { .addr = addr4("10.0.2.1", 0), .flags = MPTCP_PM_ADDR_FLAG_SIGNAL };
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, &local, &remote, &nlh), -EINVAL);
        remote.family = AF_UNIX;
        local.flags = 0;
        check_eq(pm_build_subflow_create(buf, sizeof(buf), FAMILY_ID, 1, 1, &local, &remote, &nlh), -EINVAL);
        check(nlh == NULL);
}

static void test_build_subflow_destroy(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = NULL;
        PmAddr local = addr4("10.0.2.1", 33333), remote = addr4("10.0.1.2", 5201);

        check_eq(pm_build_subflow_destroy(buf, sizeof(buf), FAMILY_ID, 9, 0xa0b0c0d0, &local, &remote, &nlh), 0);
        CHECK_MSG("subflow_destroy", nlh,
                  PM_HDR(84, FLAGS_ACK, 9, MPTCP_PM_CMD_SUBFLOW_DESTROY),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(0xa0b0c0d0),
                  NEST(28, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(33333), 0, 0,
                  NEST(28, MPTCP_PM_ATTR_ADDR_REMOTE),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 1, 2,
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(5201), 0, 0);

        nlh = NULL;
        local.port = 0;
        check_eq(pm_build_subflow_destroy(buf, sizeof(buf), FAMILY_ID, 9, 1, &local, &remote, &nlh), -EINVAL);
        local.port = 1;
        remote.port = 0;
        check_eq(pm_build_subflow_destroy(buf, sizeof(buf), FAMILY_ID, 9, 1, &local, &remote, &nlh), -EINVAL);
        remote = addr6("::1", 1);
        check_eq(pm_build_subflow_destroy(buf, sizeof(buf), FAMILY_ID, 9, 1, &local, &remote, &nlh), -EINVAL);
        check_eq(pm_build_subflow_destroy(buf, sizeof(buf), FAMILY_ID, 9, 1, NULL, &remote, &nlh), -EINVAL);
        check(nlh == NULL);
}

static void test_build_set_flags(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = NULL;
        PmEndpoint local = { .addr = addr4("10.0.2.1", 0), .flags = MPTCP_PM_ADDR_FLAG_BACKUP };
        PmAddr remote = addr4("10.0.1.2", 5201);

        check_eq(pm_build_set_flags(buf, sizeof(buf), FAMILY_ID, 10, 5, &local, &remote, &nlh), 0);
        CHECK_MSG("set_flags backup", nlh,
                  PM_HDR(84, FLAGS_ACK, 10, MPTCP_PM_CMD_SET_FLAGS),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(5),
                  NEST(28, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(MPTCP_PM_ADDR_FLAG_BACKUP),
                  NEST(28, MPTCP_PM_ATTR_ADDR_REMOTE),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 1, 2,
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(5201), 0, 0);

        /* Clearing backup still sends FLAGS = 0; the remote port may be omitted. */
        local.flags = 0;
        remote.port = 0;
        check_eq(pm_build_set_flags(buf, sizeof(buf), FAMILY_ID, 11, 5, &local, &remote, &nlh), 0);
        CHECK_MSG("set_flags clear", nlh,
                  PM_HDR(76, FLAGS_ACK, 11, MPTCP_PM_CMD_SET_FLAGS),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(5),
                  NEST(28, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(0),
                  NEST(20, MPTCP_PM_ATTR_ADDR_REMOTE),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 1, 2);

        nlh = NULL;
        check_eq(pm_build_set_flags(buf, sizeof(buf), FAMILY_ID, 11, 5, &local, NULL, &nlh), -EINVAL);
        remote = addr6("::1", 1);
        check_eq(pm_build_set_flags(buf, sizeof(buf), FAMILY_ID, 11, 5, &local, &remote, &nlh), -EINVAL);
        check(nlh == NULL);
}

static void test_build_announce_remove(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = NULL;
        PmEndpoint local = { .addr = addr4("10.0.2.1", 0), .id = 4 };

        check_eq(pm_build_announce(buf, sizeof(buf), FAMILY_ID, 12, 6, &local, &nlh), 0);
        CHECK_MSG("announce", nlh,
                  PM_HDR(64, FLAGS_ACK, 12, MPTCP_PM_CMD_ANNOUNCE),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(6),
                  NEST(36, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(5, MPTCP_PM_ADDR_ATTR_ID), 4, 0, 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(MPTCP_PM_ADDR_FLAG_SIGNAL));

        local.addr.port = 8080;
        local.flags = MPTCP_PM_ADDR_FLAG_BACKUP;
        check_eq(pm_build_announce(buf, sizeof(buf), FAMILY_ID, 13, 6, &local, &nlh), 0);
        CHECK_MSG("announce port", nlh,
                  PM_HDR(72, FLAGS_ACK, 13, MPTCP_PM_CMD_ANNOUNCE),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(6),
                  NEST(44, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(5, MPTCP_PM_ADDR_ATTR_ID), 4, 0, 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_BACKUP),
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(8080), 0, 0);

        nlh = NULL;
        local.id = 0;
        check_eq(pm_build_announce(buf, sizeof(buf), FAMILY_ID, 13, 6, &local, &nlh), -EINVAL);
        local.id = 4;
        local.flags = MPTCP_PM_ADDR_FLAG_FULLMESH;
        check_eq(pm_build_announce(buf, sizeof(buf), FAMILY_ID, 13, 6, &local, &nlh), -EINVAL);
        local.flags = 0;
        local.addr.family = AF_UNSPEC;
        check_eq(pm_build_announce(buf, sizeof(buf), FAMILY_ID, 13, 6, &local, &nlh), -EINVAL);
        check(nlh == NULL);

        check_eq(pm_build_remove(buf, sizeof(buf), FAMILY_ID, 14, 0x55667788, 4, &nlh), 0);
        CHECK_MSG("remove", nlh,
                  PM_HDR(36, FLAGS_ACK, 14, MPTCP_PM_CMD_REMOVE),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(0x55667788),
                  NLA(5, MPTCP_PM_ATTR_LOC_ID), 4, 0, 0, 0);
}

static void test_build_kernel_pm(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = NULL;
        PmEndpoint ep = { .addr = addr4("10.0.2.1", 0), .flags = MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP,
                          .ifindex = 5 };
        uint32_t token = 0xcafe;

        check_eq(pm_build_add_addr(buf, sizeof(buf), FAMILY_ID, 20, &ep, &nlh), 0);
        CHECK_MSG("add_addr", nlh,
                  PM_HDR(56, FLAGS_ACK, 20, MPTCP_PM_CMD_ADD_ADDR),
                  NEST(36, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(8, MPTCP_PM_ADDR_ATTR_IF_IDX), H32(5),
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP));

        ep = (PmEndpoint) { .addr = addr4("10.0.2.1", 9000), .id = 3, .flags = MPTCP_PM_ADDR_FLAG_SIGNAL };
        check_eq(pm_build_add_addr(buf, sizeof(buf), FAMILY_ID, 21, &ep, &nlh), 0);
        CHECK_MSG("add_addr signal port", nlh,
                  PM_HDR(64, FLAGS_ACK, 21, MPTCP_PM_CMD_ADD_ADDR),
                  NEST(44, MPTCP_PM_ATTR_ADDR),
                          NLA(6, MPTCP_PM_ADDR_ATTR_FAMILY), H16(AF_INET), 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_ADDR4), 10, 0, 2, 1,
                          NLA(5, MPTCP_PM_ADDR_ATTR_ID), 3, 0, 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(MPTCP_PM_ADDR_FLAG_SIGNAL),
                          NLA(6, MPTCP_PM_ADDR_ATTR_PORT), H16(9000), 0, 0);

        nlh = NULL;
        ep.flags = MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_FULLMESH;
        ep.addr.port = 0;
        check_eq(pm_build_add_addr(buf, sizeof(buf), FAMILY_ID, 21, &ep, &nlh), -EINVAL);
        ep.flags = MPTCP_PM_ADDR_FLAG_SUBFLOW;
        ep.addr.port = 9000;
        check_eq(pm_build_add_addr(buf, sizeof(buf), FAMILY_ID, 21, &ep, &nlh), -EINVAL);
        ep.flags = MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_SUBFLOW;
        check_eq(pm_build_add_addr(buf, sizeof(buf), FAMILY_ID, 21, &ep, &nlh), -EINVAL);
        ep.addr.family = AF_UNSPEC;
        ep.addr.port = 0;
        check_eq(pm_build_add_addr(buf, sizeof(buf), FAMILY_ID, 21, &ep, &nlh), -EINVAL);
        check_eq(pm_build_add_addr(buf, sizeof(buf), FAMILY_ID, 21, NULL, &nlh), -EINVAL);
        check_eq(pm_build_del_addr(buf, sizeof(buf), FAMILY_ID, 22, 0, &nlh), -EINVAL);
        check_eq(pm_build_endpoint_set_flags(buf, sizeof(buf), FAMILY_ID, 22, 0, 0, &nlh), -EINVAL);
        check_eq(pm_build_endpoint_set_flags(buf, sizeof(buf), FAMILY_ID, 22, 1,
                                             MPTCP_PM_ADDR_FLAG_SIGNAL | MPTCP_PM_ADDR_FLAG_FULLMESH, &nlh), -EINVAL);
        check(nlh == NULL);

        check_eq(pm_build_del_addr(buf, sizeof(buf), FAMILY_ID, 22, 3, &nlh), 0);
        CHECK_MSG("del_addr", nlh,
                  PM_HDR(32, FLAGS_ACK, 22, MPTCP_PM_CMD_DEL_ADDR),
                  NEST(12, MPTCP_PM_ATTR_ADDR),
                          NLA(5, MPTCP_PM_ADDR_ATTR_ID), 3, 0, 0, 0);

        check_eq(pm_build_endpoint_set_flags(buf, sizeof(buf), FAMILY_ID, 23, 3, MPTCP_PM_ADDR_FLAG_BACKUP, &nlh), 0);
        CHECK_MSG("endpoint_set_flags", nlh,
                  PM_HDR(40, FLAGS_ACK, 23, MPTCP_PM_CMD_SET_FLAGS),
                  NEST(20, MPTCP_PM_ATTR_ADDR),
                          NLA(5, MPTCP_PM_ADDR_ATTR_ID), 3, 0, 0, 0,
                          NLA(8, MPTCP_PM_ADDR_ATTR_FLAGS), H32(MPTCP_PM_ADDR_FLAG_BACKUP));

        check_eq(pm_build_set_limits(buf, sizeof(buf), FAMILY_ID, 24, 4, 2, &nlh), 0);
        CHECK_MSG("set_limits", nlh,
                  PM_HDR(36, FLAGS_ACK, 24, MPTCP_PM_CMD_SET_LIMITS),
                  NLA(8, MPTCP_PM_ATTR_RCV_ADD_ADDRS), H32(2),
                  NLA(8, MPTCP_PM_ATTR_SUBFLOWS), H32(4));

        check_eq(pm_build_get_limits(buf, sizeof(buf), FAMILY_ID, 25, &nlh), 0);
        CHECK_MSG("get_limits", nlh, PM_HDR(20, FLAGS_ACK, 25, MPTCP_PM_CMD_GET_LIMITS));

        check_eq(pm_build_flush_addrs(buf, sizeof(buf), FAMILY_ID, 26, &nlh), 0);
        CHECK_MSG("flush_addrs", nlh, PM_HDR(20, FLAGS_ACK, 26, MPTCP_PM_CMD_FLUSH_ADDRS));

        check_eq(pm_build_dump_addrs(buf, sizeof(buf), FAMILY_ID, 27, NULL, &nlh), 0);
        CHECK_MSG("dump_addrs", nlh, PM_HDR(20, NLM_F_REQUEST | NLM_F_DUMP, 27, MPTCP_PM_CMD_GET_ADDR));

        check_eq(pm_build_dump_addrs(buf, sizeof(buf), FAMILY_ID, 28, &token, &nlh), 0);
        CHECK_MSG("dump_addrs token", nlh,
                  PM_HDR(28, NLM_F_REQUEST | NLM_F_DUMP, 28, MPTCP_PM_CMD_GET_ADDR),
                  NLA(8, MPTCP_PM_ATTR_TOKEN), H32(0xcafe));
}

static void test_build_get_family(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = NULL;

        check_eq(genl_build_get_family(buf, sizeof(buf), 99, PM_GENL_NAME, &nlh), 0);
        CHECK_MSG("get_family", nlh,
                  H32(36), H16(GENL_ID_CTRL), H16(FLAGS_ACK), H32(99), H32(0), CTRL_CMD_GETFAMILY, 1, 0, 0,
                  NLA(13, CTRL_ATTR_FAMILY_NAME), 'm', 'p', 't', 'c', 'p', '_', 'p', 'm', 0, 0, 0, 0);

        nlh = NULL;
        check_eq(genl_build_get_family(buf, sizeof(buf), 99, NULL, &nlh), -EINVAL);
        check_eq(genl_build_get_family(buf, sizeof(buf), 99, "", &nlh), -EINVAL);
        check_eq(genl_build_get_family(buf, sizeof(buf), 99, "0123456789abcdef", &nlh), -EINVAL);
        check(nlh == NULL);
        check_eq(genl_build_get_family(buf, sizeof(buf), 99, "0123456789abcde", &nlh), 0);
}

/* Every builder: each size below the needed one gives -ENOBUFS and leaves ret alone. */
typedef int (*builder_t)(void *buf, size_t size, struct nlmsghdr **ret);

static const PmEndpoint nb_local4 = { .addr = { .family = AF_INET, .in = { 0x0102000a }, .port = 1 }, .id = 2,
                                      .flags = MPTCP_PM_ADDR_FLAG_BACKUP, .ifindex = 3 };
static const PmAddr nb_remote4 = { .family = AF_INET, .in = { 0x0201000a }, .port = 5201 };
static const PmEndpoint nb_local6 = { .addr = { .family = AF_INET6, .in6 = IN6ADDR_LOOPBACK_INIT, .port = 1 }, .id = 2 };
static const PmAddr nb_remote6 = { .family = AF_INET6, .in6 = IN6ADDR_LOOPBACK_INIT, .port = 5201 };
static const uint32_t nb_token = 77;

static int b_create4(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_subflow_create(b, s, FAMILY_ID, 1, 1, &nb_local4, &nb_remote4, r);
}
static int b_create6(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_subflow_create(b, s, FAMILY_ID, 1, 1, &nb_local6, &nb_remote6, r);
}
static int b_destroy(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_subflow_destroy(b, s, FAMILY_ID, 1, 1, &nb_local6.addr, &nb_remote6, r);
}
static int b_set_flags(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_set_flags(b, s, FAMILY_ID, 1, 1, &nb_local4, &nb_remote4, r);
}
static int b_announce(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_announce(b, s, FAMILY_ID, 1, 1, &nb_local4, r);
}
static int b_remove(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_remove(b, s, FAMILY_ID, 1, 1, 2, r);
}
static int b_add_addr(void *b, size_t s, struct nlmsghdr **r) {
        PmEndpoint ep = nb_local6;
        ep.addr.port = 0;
        return pm_build_add_addr(b, s, FAMILY_ID, 1, &ep, r);
}
static int b_del_addr(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_del_addr(b, s, FAMILY_ID, 1, 1, r);
}
static int b_ep_flags(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_endpoint_set_flags(b, s, FAMILY_ID, 1, 1, 0, r);
}
static int b_flush(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_flush_addrs(b, s, FAMILY_ID, 1, r);
}
static int b_set_limits(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_set_limits(b, s, FAMILY_ID, 1, 2, 3, r);
}
static int b_get_limits(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_get_limits(b, s, FAMILY_ID, 1, r);
}
static int b_dump(void *b, size_t s, struct nlmsghdr **r) {
        return pm_build_dump_addrs(b, s, FAMILY_ID, 1, &nb_token, r);
}
static int b_get_family(void *b, size_t s, struct nlmsghdr **r) {
        return genl_build_get_family(b, s, 1, PM_GENL_NAME, r);
}

static void test_build_enobufs(void) {
        static const builder_t builders[] = {
                b_create4, b_create6, b_destroy, b_set_flags, b_announce, b_remove, b_add_addr,
                b_del_addr, b_ep_flags, b_flush, b_set_limits, b_get_limits, b_dump, b_get_family,
        };

        for (size_t i = 0; i < ELEMENTSOF(builders); i++) {
                _Alignas(8) uint8_t buf[BUFSZ];
                struct nlmsghdr *nlh = NULL;
                size_t need;

                memset(buf, 0, sizeof(buf));
                check_eq(builders[i](buf, sizeof(buf), &nlh), 0);
                check(nlh == (struct nlmsghdr *) buf);
                need = nlh->nlmsg_len;
                for (size_t size = 0; size < need; size++) {
                        /* Exactly size bytes of heap, so the sanitizer catches a write past it. */
                        uint8_t *small = malloc(size ?: 1);
                        struct nlmsghdr *untouched = (struct nlmsghdr *) 0x1;

                        check(small);
                        check_eq(builders[i](small, size, &untouched), -ENOBUFS);
                        check(untouched == (struct nlmsghdr *) 0x1);
                        free(small);
                }
                {
                        uint8_t *exact = malloc(need);
                        check(exact);
                        memset(exact, 0xa5, need); /* padding must not keep stale bytes */
                        check_eq(builders[i](exact, need, &nlh), 0);
                        check(memcmp(exact, buf, need) == 0);
                        free(exact);
                }
        }
}

/* ---- replies: GET_ADDR, GET_LIMITS ------------------------------------------------------------ */

static void test_addr_reply(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = ev_start(buf, MPTCP_PM_CMD_ADD_ADDR);
        struct nlattr *nest;
        struct in_addr in = { htonl(0x0a000201) };
        PmEndpoint ep;
        uint32_t subflows = 0, accepted = 0;
        size_t full;

        /* As mptcp_nl_fill_addr() writes it. */
        nest = mnl_attr_nest_start(nlh, MPTCP_PM_ATTR_ADDR);
        mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET);
        mnl_attr_put_u8(nlh, MPTCP_PM_ADDR_ATTR_ID, 3);
        mnl_attr_put_u32(nlh, MPTCP_PM_ADDR_ATTR_FLAGS, MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP);
        mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_PORT, 9000);
        mnl_attr_put(nlh, MPTCP_PM_ADDR_ATTR_ADDR4, 4, &in);
        mnl_attr_put_u32(nlh, MPTCP_PM_ADDR_ATTR_IF_IDX, 5);
        mnl_attr_nest_end(nlh, nest);
        check_eq(pm_addr_reply_parse(nlh, nlh->nlmsg_len, &ep), 0);
        check_eq(ep.addr.family, AF_INET);
        check_eq(ep.addr.in.s_addr, in.s_addr);
        check_eq(ep.addr.port, 9000);
        check_eq(ep.id, 3);
        check_eq(ep.flags, MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP);
        check_eq(ep.ifindex, 5);

        full = nlh->nlmsg_len;
        for (size_t n = 0; n < full; n++) {
                uint8_t *copy = malloc(n ?: 1);
                PmEndpoint e;
                int r;

                check(copy);
                memcpy(copy, buf, n);
                check_eq(pm_addr_reply_parse((struct nlmsghdr *) copy, n, &e), -EBADMSG);
                check_eq(pm_addr_reply_parse(guard_copy(copy, n), n, &e), -EBADMSG);
                if (n >= NLMSG_HDRLEN) {
                        ((struct nlmsghdr *) copy)->nlmsg_len = (uint32_t) n;
                        r = pm_addr_reply_parse((struct nlmsghdr *) copy, n, &e);
                        check(r == -EBADMSG); /* a cut always damages the nest or drops it */
                        check_eq(pm_addr_reply_parse(guard_copy(copy, n), n, &e), -EBADMSG);
                }
                free(copy);
        }

        /* Nested ADDR too short for its contents, wrong sizes inside, missing ADDR. */
        nest->nla_len = 6;
        check_eq(pm_addr_reply_parse(nlh, nlh->nlmsg_len, &ep), -EBADMSG);
        nest->nla_len = 2;
        check_eq(pm_addr_reply_parse(nlh, nlh->nlmsg_len, &ep), -EBADMSG);

        nlh = ev_start(buf, MPTCP_PM_CMD_ADD_ADDR);
        nest = mnl_attr_nest_start(nlh, MPTCP_PM_ATTR_ADDR);
        mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_ID, 3);
        mnl_attr_nest_end(nlh, nest);
        check_eq(pm_addr_reply_parse(nlh, nlh->nlmsg_len, &ep), -EBADMSG);

        nlh = ev_start(buf, MPTCP_PM_CMD_ADD_ADDR);
        nest = mnl_attr_nest_start(nlh, MPTCP_PM_ATTR_ADDR);
        mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET6);
        mnl_attr_put(nlh, MPTCP_PM_ADDR_ATTR_ADDR4, 4, &in);
        mnl_attr_nest_end(nlh, nest);
        check_eq(pm_addr_reply_parse(nlh, nlh->nlmsg_len, &ep), -EBADMSG);

        nlh = ev_start(buf, MPTCP_PM_CMD_ADD_ADDR);
        check_eq(pm_addr_reply_parse(nlh, nlh->nlmsg_len, &ep), -EBADMSG);

        /* GET_LIMITS reply. */
        nlh = ev_start(buf, MPTCP_PM_CMD_GET_LIMITS);
        mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_RCV_ADD_ADDRS, 2);
        check_eq(pm_limits_parse(nlh, nlh->nlmsg_len, &subflows, &accepted), -EBADMSG);
        mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_SUBFLOWS, 4);
        check_eq(pm_limits_parse(nlh, nlh->nlmsg_len, &subflows, &accepted), 0);
        check_eq(subflows, 4);
        check_eq(accepted, 2);
        mnl_attr_put_u16(nlh, MPTCP_PM_ATTR_SUBFLOWS, 4);
        check_eq(pm_limits_parse(nlh, nlh->nlmsg_len, &subflows, &accepted), -EBADMSG);
}

/* ---- generic netlink controller reply ----------------------------------------------------------- */

static struct nlmsghdr *build_family_reply(void *buf, bool with_events, bool with_id) {
        struct nlmsghdr *nlh;
        struct genlmsghdr *genl;
        struct nlattr *groups, *grp, *ops, *op;

        memset(buf, 0, BUFSZ);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = GENL_ID_CTRL;
        genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
        genl->cmd = CTRL_CMD_NEWFAMILY;
        genl->version = 2;
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PM_GENL_NAME);
        if (with_id)
                mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1b);
        mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
        mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
        mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, 6);
        ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
        op = mnl_attr_nest_start(nlh, 1);
        mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, 1);
        mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, 0xa);
        mnl_attr_nest_end(nlh, op);
        mnl_attr_nest_end(nlh, ops);
        groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
        grp = mnl_attr_nest_start(nlh, 1);
        mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 5);
        mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, PM_GENL_CMDS_GROUP);
        mnl_attr_nest_end(nlh, grp);
        if (with_events) {
                grp = mnl_attr_nest_start(nlh, 2);
                mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, PM_GENL_EVENTS_GROUP);
                mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 6);
                mnl_attr_nest_end(nlh, grp);
        }
        mnl_attr_nest_end(nlh, groups);
        return nlh;
}

static void test_family_reply(void) {
        _Alignas(8) uint8_t buf[BUFSZ];
        struct nlmsghdr *nlh = build_family_reply(buf, true, true);
        uint16_t id = 0;
        uint32_t grp = 0;
        size_t full = nlh->nlmsg_len;
        struct nlmsgerr *err;

        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), 0);
        check_eq(id, 0x1b);
        check_eq(grp, 6);
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_CMDS_GROUP, &id, &grp), 0);
        check_eq(grp, 5);
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, "nope", &id, &grp), 0);
        check_eq(grp, 0);
        grp = 1;
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, NULL, &id, &grp), 0);
        check_eq(grp, 0);

        /* Truncated at every length: an error, never a read past the buffer. */
        for (size_t n = 0; n < full; n++) {
                uint8_t *copy = malloc(n ?: 1);
                int r;

                check(copy);
                memcpy(copy, buf, n);
                id = 0;
                check_eq(genl_parse_family((struct nlmsghdr *) copy, n, PM_GENL_EVENTS_GROUP, &id, &grp), -EBADMSG);
                check_eq(genl_parse_family(guard_copy(copy, n), n, PM_GENL_EVENTS_GROUP, &id, &grp), -EBADMSG);
                check_eq(id, 0);
                if (n >= NLMSG_HDRLEN) {
                        ((struct nlmsghdr *) copy)->nlmsg_len = (uint32_t) n;
                        grp = 99;
                        r = genl_parse_family((struct nlmsghdr *) copy, n, PM_GENL_EVENTS_GROUP, &id, &grp);
                        check(r == 0 || r == -EBADMSG);
                        check_eq(genl_parse_family(guard_copy(copy, n), n, PM_GENL_EVENTS_GROUP, &id, &grp), r);
                        if (r == 0) {
                                check_eq(id, 0x1b);
                                check(grp == 0 || grp == 6);
                        }
                }
                free(copy);
        }

        /* The events group missing (an old kernel): id 0. */
        nlh = build_family_reply(buf, false, true);
        grp = 99;
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), 0);
        check_eq(grp, 0);

        /* No family id. */
        nlh = build_family_reply(buf, true, false);
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), -EBADMSG);

        /* Group name not NUL-terminated (last byte of the events group's name). */
        nlh = build_family_reply(buf, true, true);
        {
                uint8_t *p = memmem(buf, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, sizeof(PM_GENL_EVENTS_GROUP));
                check(p);
                p[sizeof(PM_GENL_EVENTS_GROUP) - 1] = 'x';
                check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), -EBADMSG);
        }

        /* Not a controller message; a controller message that is not NEWFAMILY. */
        nlh = build_family_reply(buf, true, true);
        nlh->nlmsg_type = FAMILY_ID;
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), -ENOMSG);
        nlh->nlmsg_type = GENL_ID_CTRL;
        ((struct genlmsghdr *) mnl_nlmsg_get_payload(nlh))->cmd = CTRL_CMD_DELFAMILY;
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), -ENOMSG);

        /* The kernel's answer for an unknown family: NLMSG_ERROR -ENOENT. */
        memset(buf, 0, BUFSZ);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = NLMSG_ERROR;
        nlh->nlmsg_flags = NLM_F_CAPPED;
        err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
        err->error = -ENOENT;
        err->msg.nlmsg_len = 32;
        err->msg.nlmsg_type = GENL_ID_CTRL;
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), -ENOENT);
        err->error = 0;
        check_eq(genl_parse_family(nlh, nlh->nlmsg_len, PM_GENL_EVENTS_GROUP, &id, &grp), -ENOMSG);
}

/* ---- acks ---------------------------------------------------------------------------------------- */

/* An NLMSG_ERROR as netlink_ack() writes it: capped or with the request echoed, extack optional. */
static struct nlmsghdr *build_ack(void *buf, int error, bool capped, const char *msg, const struct nlmsghdr *req) {
        struct nlmsghdr *nlh;
        struct nlmsgerr *err;

        memset(buf, 0, BUFSZ);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = NLMSG_ERROR;
        nlh->nlmsg_seq = req->nlmsg_seq;
        err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
        err->error = error;
        err->msg = *req;
        if (capped)
                nlh->nlmsg_flags |= NLM_F_CAPPED;
        else {
                void *p = mnl_nlmsg_put_extra_header(nlh, req->nlmsg_len - NLMSG_HDRLEN);
                memcpy(p, (const uint8_t *) req + NLMSG_HDRLEN, req->nlmsg_len - NLMSG_HDRLEN);
        }
        if (msg) {
                nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
                mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
                mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
        }
        return nlh;
}

static void test_ack(void) {
        _Alignas(8) uint8_t buf[BUFSZ], reqbuf[BUFSZ];
        struct nlmsghdr *req, *nlh;
        PmEndpoint local = { .addr = addr4("10.0.2.1", 0), .id = 2 };
        PmAddr remote = addr4("10.0.1.2", 5201);
        const char *msg = (const char *) 0x1;
        int error = 1;

        check_eq(pm_build_subflow_create(reqbuf, sizeof(reqbuf), FAMILY_ID, 42, 0xbad, &local, &remote, &req), 0);

        /* Success: capped, no TLVs. */
        nlh = build_ack(buf, 0, true, NULL, req);
        check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), 0);
        check_eq(error, 0);
        check(msg == NULL);

        /* Error with extack, capped and uncapped. */
        for (int capped = 0; capped <= 1; capped++) {
                size_t full;

                nlh = build_ack(buf, -EINVAL, capped, "invalid token", req);
                check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), 0);
                check_eq(error, -EINVAL);
                check_streq(msg, "invalid token");
                check((const uint8_t *) msg > buf && (const uint8_t *) msg < buf + nlh->nlmsg_len);
                check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, NULL, NULL), 0);

                full = nlh->nlmsg_len;
                for (size_t n = 0; n < full; n++) {
                        uint8_t *copy = malloc(n ?: 1);
                        int r;

                        check(copy);
                        memcpy(copy, buf, n);
                        error = 1;
                        check_eq(nl_parse_ack((struct nlmsghdr *) copy, n, &error, &msg), -EBADMSG);
                        check_eq(nl_parse_ack(guard_copy(copy, n), n, &error, &msg), -EBADMSG);
                        check_eq(error, 1);
                        if (n >= NLMSG_HDRLEN) {
                                ((struct nlmsghdr *) copy)->nlmsg_len = (uint32_t) n;
                                msg = NULL;
                                r = nl_parse_ack((struct nlmsghdr *) copy, n, &error, &msg);
                                check(r == 0 || r == -EBADMSG);
                                check_eq(nl_parse_ack(guard_copy(copy, n), n, NULL, NULL), r);
                                if (r == 0) {
                                        check_eq(error, -EINVAL);
                                        check(msg == NULL || streq(msg, "invalid token"));
                                }
                        }
                        free(copy);
                }
        }

        /* Error without extack, uncapped (request echoed) and capped. */
        nlh = build_ack(buf, -ENOTCONN, false, NULL, req);
        check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), 0);
        check_eq(error, -ENOTCONN);
        check(msg == NULL);
        nlh = build_ack(buf, -ESRCH, true, NULL, req);
        check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), 0);
        check_eq(error, -ESRCH);

        /* Echoed request whose length overruns the ack. */
        nlh = build_ack(buf, -EINVAL, false, "invalid token", req);
        ((struct nlmsgerr *) mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 4000;
        check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), -EBADMSG);
        ((struct nlmsgerr *) mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;
        check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), -EBADMSG);

        /* Extack message without its NUL. */
        nlh = build_ack(buf, -EINVAL, true, "invalid token", req);
        {
                uint8_t *p = memmem(buf, nlh->nlmsg_len, "invalid token", 14);
                check(p);
                p[13] = '!';
                check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), -EBADMSG);
        }

        /* Not an error message; positive or absurd error codes. */
        check_eq(nl_parse_ack(req, req->nlmsg_len, &error, &msg), -ENOMSG);
        nlh = build_ack(buf, 5, true, NULL, req);
        check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), -EBADMSG);
        nlh = build_ack(buf, -100000, true, NULL, req);
        check_eq(nl_parse_ack(nlh, nlh->nlmsg_len, &error, &msg), -EBADMSG);
        check_eq(nl_parse_ack(NULL, 100, &error, &msg), -EBADMSG);
}

/* ---- address helpers --------------------------------------------------------------------------- */

static void test_addr_helpers(void) {
        char s[PM_ADDR_STRLEN], tiny[6];
        PmAddr a = addr4("10.0.1.2", 5201), b = addr4("10.0.1.2", 80), c = addr6("2001:db8::1", 443);
        PmAddr none = { .family = AF_UNSPEC }, none2 = { .family = AF_UNSPEC, .port = 3 };

        check_streq(pm_addr_to_string(&a, s, sizeof(s)), "10.0.1.2:5201");
        check_streq(pm_addr_to_string(&c, s, sizeof(s)), "[2001:db8::1]:443");
        c.port = 0;
        check_streq(pm_addr_to_string(&c, s, sizeof(s)), "2001:db8::1");
        b.port = 0;
        check_streq(pm_addr_to_string(&b, s, sizeof(s)), "10.0.1.2");
        check_streq(pm_addr_to_string(&none, s, sizeof(s)), "(none)");
        check_streq(pm_addr_to_string(&a, tiny, sizeof(tiny)), "10.0.");
        check(pm_addr_to_string(&a, s, 0) == NULL);

        check(pm_addr_equal(&a, &b)); /* ports do not matter */
        check(!pm_addr_equal(&a, &c));
        b.in.s_addr ^= htonl(1);
        check(!pm_addr_equal(&a, &b));
        check(pm_addr_equal(&none, &none2));
        check(!pm_addr_equal(&a, &none));
        check(pm_addr_equal(&c, &c));
        check(!pm_addr_equal(&c, &(PmAddr) { .family = AF_INET6, .in6 = IN6ADDR_LOOPBACK_INIT }));
        check(!pm_addr_equal(&a, NULL));
        check(pm_addr_equal(NULL, NULL));
}

int main(void) {
        test_build_subflow_create();
        test_build_subflow_destroy();
        test_build_set_flags();
        test_build_announce_remove();
        test_build_kernel_pm();
        test_build_get_family();
        test_build_enobufs();
        test_addr_reply();
        test_family_reply();
        test_ack();
        test_addr_helpers();

        printf("test-pm-codec: %u checks passed\n", n_checks);
        return EXIT_SUCCESS;
}
