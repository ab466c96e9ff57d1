/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm-socket.h — the two mptcp_pm generic netlink sockets: multicast events in, commands out. */
#pragma once

#include <systemd/sd-event.h>

#include "macro.h"
#include "pm-codec.h"

typedef struct PmSocket PmSocket;

/* Called for every valid event, in order. */
typedef void (*pm_event_handler_t)(PmSocket *s, const PmEvent *ev, void *userdata);
/* Called when the kernel dropped events because our receive buffer was full (ENOBUFS). */
typedef void (*pm_overflow_handler_t)(PmSocket *s, void *userdata);

typedef struct PmSocketStats {
        uint64_t events;          /* decoded and delivered */
        uint64_t events_invalid;  /* malformed or missing mandatory attributes: dropped */
        uint64_t overflows;       /* ENOBUFS seen on the event socket */
        uint64_t requests;
        uint64_t requests_failed;
} PmSocketStats;

/* The event socket's receive buffer: the default holds ~256 events and a burst of connects
 * overflows it silently; 8 MiB holds tens of thousands (kernel-notes: 4 MiB lost nothing at
 * 1,000 connects). */
#define PM_EVENT_RCVBUF_DEFAULT (8 * 1024 * 1024)

/* Resolves the family and its event group by name, subscribes, and hooks the event socket into
 * the loop; rcvbuf 0 means PM_EVENT_RCVBUF_DEFAULT. -EPROTONOSUPPORT when the kernel has no
 * mptcp_pm family (MPTCP off or missing). */
int pm_socket_new(
        sd_event *event,
        int rcvbuf,
        pm_event_handler_t on_event,
        pm_overflow_handler_t on_overflow,
        void *userdata,
        PmSocket **ret);
PmSocket *pm_socket_free(PmSocket *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(PmSocket *, pm_socket_free);

uint16_t pm_socket_family_id(const PmSocket *s);
const PmSocketStats *pm_socket_stats(const PmSocket *s);

/* Scratch space for one request, valid until the next pm_socket_request(). */
void *pm_socket_request_buffer(PmSocket *s, size_t *ret_size);
uint32_t pm_socket_next_seq(PmSocket *s);

/* Sends a request built in the request buffer and waits for its acknowledgement; the kernel
 * handles genl requests inside sendmsg(), so the ack is already queued and this does not block
 * the loop. Returns 0 or the kernel's negative errno; *ret_extack (if not NULL) then points at
 * the kernel's explanation ("" if none), valid until the next request. */
int pm_socket_request(PmSocket *s, const struct nlmsghdr *req, const char **ret_extack);

/* Called for each data message of a query's answer; a negative return is kept and returned. */
typedef int (*pm_reply_handler_t)(const struct nlmsghdr *nlh, size_t len, void *userdata);

/* Sends a request answered with data (a dump with NLM_F_DUMP, or a doit with a reply and
 * NLM_F_ACK) and hands each answer message to on_reply until NLMSG_DONE or the ack. Returns 0,
 * on_reply's first error, or the kernel's negative errno (*ret_extack as for requests). */
int pm_socket_query(PmSocket *s, const struct nlmsghdr *req, pm_reply_handler_t on_reply, void *userdata,
                    const char **ret_extack);
