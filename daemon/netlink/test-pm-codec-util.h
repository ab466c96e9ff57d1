/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-pm-codec-util.h — assertions, byte-layout macros and buffer helpers shared by the codec tests. */
#pragma once

#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pm-codec.h"
#include "tests.h"

#define FAMILY_ID 0x1b
#define BUFSZ 4096

/* Bytes of a host-order integer, for expected command layouts (PORT, FLAGS, TOKEN are host order). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define H16(x) (uint8_t) ((x) & 0xff), (uint8_t) (((x) >> 8) & 0xff)
#define H32(x) H16((x) & 0xffff), H16(((x) >> 16) & 0xffff)
#else
#define H16(x) (uint8_t) (((x) >> 8) & 0xff), (uint8_t) ((x) & 0xff)
#define H32(x) H16(((x) >> 16) & 0xffff), H16((x) & 0xffff)
#endif
/* An attribute header: nla_len, nla_type. */
#define NLA(len, type) H16(len), H16(type)
#define NEST(len, type) H16(len), H16((type) | NLA_F_NESTED)
/* nlmsghdr + genlmsghdr of a PM request. */
#define PM_HDR(len, flags, seq, cmd) H32(len), H16(FAMILY_ID), H16(flags), H32(seq), H32(0), cmd, 1, 0, 0

static inline void check_bytes(
        const char *what, const void *got, size_t got_len, const uint8_t *exp, size_t exp_len) {
        const uint8_t *g = got;
        size_t i;

        n_checks++;
        if (got_len == exp_len && memcmp(got, exp, exp_len) == 0)
                return;

        fprintf(stderr, "%s: built message differs (got %zu bytes, expected %zu)\n", what, got_len, exp_len);
        for (i = 0; i < MAX(got_len, exp_len); i++) {
                int gv = i < got_len ? g[i] : -1, ev = i < exp_len ? exp[i] : -1;
                fprintf(stderr, "  %4zu: got %3d expected %3d%s\n", i, gv, ev, gv != ev ? "   <--" : "");
        }
        exit(EXIT_FAILURE);
}

#define CHECK_MSG(what, nlh, ...)                                                                  \
        do {                                                                                       \
                static const uint8_t _exp[] = { __VA_ARGS__ };                                     \
                check_bytes(what, nlh, (nlh)->nlmsg_len, _exp, sizeof(_exp));                      \
        } while (0)

static inline PmAddr addr4(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET, .port = port };
        check(inet_pton(AF_INET, s, &a.in) == 1);
        return a;
}

static inline PmAddr addr6(const char *s, uint16_t port) {
        PmAddr a = { .family = AF_INET6, .port = port };
        check(inet_pton(AF_INET6, s, &a.in6) == 1);
        return a;
}

/* Copies n bytes so that they end at an inaccessible page (start 4-aligned, so up to 3 bytes of
 * slack when n is not a multiple of 4): any read past the end faults, also inside libmnl, which
 * the sanitizer does not instrument. */
static inline void *guard_copy(const void *src, size_t n) {
        static uint8_t *area;
        static size_t page;
        uint8_t *dst;

        if (!area) {
                page = (size_t) sysconf(_SC_PAGESIZE);
                area = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                check(area != MAP_FAILED);
                check(mprotect(area + 2 * page, page, PROT_NONE) == 0);
        }
        check(n <= 2 * page);
        dst = area + 2 * page - ((n + 3) & ~(size_t) 3);
        memset(area, 0xa5, 2 * page);
        memcpy(dst, src, n);
        return dst;
}


/* A generic netlink message of family FAMILY_ID with genl cmd type, in a zeroed buf. */
static inline struct nlmsghdr *ev_start(void *buf, uint8_t type) {
        struct nlmsghdr *nlh;
        struct genlmsghdr *genl;

        memset(buf, 0, BUFSZ);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = FAMILY_ID;
        genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
        genl->cmd = type;
        genl->version = PM_GENL_VERSION;
        return nlh;
}

/* Puts family + saddr/daddr (+ ports in network order) the way mptcp_event_add_subflow() does. */
