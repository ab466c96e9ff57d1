/* SPDX-License-Identifier: GPL-2.0-or-later */
/* traffic.h — mptcp-traffic's shared types, helpers and the entry points of its three modes. */
#pragma once

#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "macro.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
#ifndef MPTCP_INFO
#define MPTCP_INFO 1
#endif

#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_MSEC UINT64_C(1000)
#define IO_BUF_SIZE (256 * 1024)
#define BULK_MAX_LINKS 8
#define CHURN_MAX 100000

/* struct mptcp_info as the kernel lays it out (uapi linux/mptcp.h), mirrored so that fields newer
 * than this host's header can be read. The kernel copies min(our size, its size) and returns that
 * length: a field counts only if the returned length covers it (INFO_HAS). */
typedef struct MptcpInfo {
        uint8_t subflows;
        uint8_t add_addr_signal;
        uint8_t add_addr_accepted;
        uint8_t subflows_max;
        uint8_t add_addr_signal_max;
        uint8_t add_addr_accepted_max;
        uint32_t flags;
        uint32_t token;
        uint64_t write_seq;
        uint64_t snd_una;
        uint64_t rcv_nxt;
        uint8_t local_addr_used;
        uint8_t local_addr_max;
        uint8_t csum_enabled;
        uint32_t retransmits;
        uint64_t bytes_retrans;
        uint64_t bytes_sent;
        uint64_t bytes_received;
        uint64_t bytes_acked;
        uint8_t subflows_total;
        uint8_t reserved[3];
        uint32_t last_data_sent;
        uint32_t last_data_recv;
        uint32_t last_ack_recv;
} MptcpInfo;

_Static_assert(offsetof(MptcpInfo, token) == 12, "mptcp_info layout");
_Static_assert(offsetof(MptcpInfo, retransmits) == 44, "mptcp_info layout");
_Static_assert(offsetof(MptcpInfo, subflows_total) == 80, "mptcp_info layout");

#define INFO_HAS(len, field) \
        ((size_t) (len) >= offsetof(MptcpInfo, field) + sizeof(((MptcpInfo *) NULL)->field))

typedef union SockaddrUnion {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
        struct sockaddr_storage storage;
} SockaddrUnion;

typedef struct Endpoint {
        SockaddrUnion sa;
        socklen_t len;
        char text[INET6_ADDRSTRLEN + 8];
} Endpoint;

typedef struct LinkCounters {
        uint64_t tx_bytes, rx_bytes;
        bool found;
} LinkCounters;

typedef struct BulkArgs {
        Endpoint to;
        uint64_t duration_sec;
        bool down;
        bool json;
        char *links[BULK_MAX_LINKS];
        size_t n_links;
        uint64_t connect_timeout_usec;
        uint64_t deadline; /* CLOCK_MONOTONIC µs */
} BulkArgs;

typedef struct ChurnArgs {
        Endpoint to;
        uint64_t count, rate, bytes, hold_usec, connect_timeout_usec;
        uint64_t deadline; /* CLOCK_MONOTONIC µs */
        bool burst, json;
} ChurnArgs;

/* The modes; each logs its own errors and returns a negative errno on failure. */
int traffic_server_run(const Endpoint *listen_on, const char *ready_file);
int traffic_bulk_run(const BulkArgs *a);
int traffic_churn_run(const ChurnArgs *a);

/* Helpers (traffic-util.c): no logging, negative errno on failure. */
uint64_t now_usec(void);
int timeout_ms(uint64_t now, uint64_t until);
double mbit_per_s(uint64_t bytes, uint64_t usec);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret);
int endpoint_parse(const char *s, Endpoint *ret);
void endpoint_format(const SockaddrUnion *sa, char *buf, size_t size);
int raise_nofile(rlim_t want, rlim_t *ret_limit);
void json_string(FILE *f, const char *s);
void payload_fill(char *buf, size_t size);

int mptcp_info_get(int fd, MptcpInfo *ret, socklen_t *ret_len);
void mptcp_info_print_json(FILE *f, const MptcpInfo *i, socklen_t len);

int rtnl_open(struct mnl_socket **ret);
int link_counters_get(struct mnl_socket *nl, uint32_t *seq, const char *ifname, LinkCounters *ret);

int mptcp_socket(int family);
int wait_fd(int fd, short events, uint64_t deadline, short *ret_revents);
int socket_error(int fd);
int connect_blocking(const Endpoint *to, uint64_t deadline, int *ret_fd);
int send_all(int fd, const void *data, size_t len, uint64_t deadline);

static inline void mnl_socket_closep(struct mnl_socket **nl) {
        if (*nl)
                (void) mnl_socket_close(*nl);
}
