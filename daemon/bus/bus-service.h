/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-service.h — the daemon on the system bus: connects, takes org.mptcp.Policy1, survives the
 * bus going away and coming back, and tells the bus what changed. */
#pragma once

#include <systemd/sd-bus.h>

#include "pm-codec.h"

#define BUS_NAME "org.mptcp.Policy1"
#define BUS_PATH "/org/mptcp/Policy1"
#define BUS_INTERFACE "org.mptcp.Policy1"

typedef struct Manager Manager;
typedef struct BusService BusService;

/* Starts connecting. A missing bus is not an error: the service connects when the bus appears. */
int bus_service_new(Manager *m, BusService **ret);
BusService *bus_service_free(BusService *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(BusService *, bus_service_free);

/* After any change of state: PropertiesChanged for every property whose value changed. */
void bus_service_emit_changes(BusService *b);
/* A kernel event about a connection or subflow, for monitors. */
void bus_service_emit_connection_event(BusService *b, const PmEvent *ev);
/* Tells a holder that its hold ended (not by its own ReleaseProfile). */
void bus_service_send_profile_released(BusService *b, const char *holder, uint32_t cookie);
typedef struct PolkitRegistry PolkitRegistry;
/* The authorizations in flight on the current connection. */
PolkitRegistry **bus_service_polkit(BusService *b);
/* Forgets the holder tracking of a hold that is going away. */
void bus_service_hold_removed(BusService *b, void *hold_userdata);
