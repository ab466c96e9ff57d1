/* SPDX-License-Identifier: GPL-2.0-or-later */
/* route-watch.h — tells when a default route comes, goes or changes (the auto rules follow the
 * default route's interface). */
#pragma once

#include <systemd/sd-event.h>

#include "macro.h"

typedef struct RouteWatch RouteWatch;
typedef void (*RouteWatchHandler)(RouteWatch *w, void *userdata);

/* Subscribes to IPv4 and IPv6 route changes; handler runs once per batch of messages that
 * touched a default route of the main table (or after lost messages). */
int route_watch_new(sd_event *event, RouteWatchHandler handler, void *userdata, RouteWatch **ret);
RouteWatch *route_watch_free(RouteWatch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(RouteWatch *, route_watch_free);
