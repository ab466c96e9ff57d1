/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-json.h — D-Bus message values as JSON, for --json output that mirrors the D-Bus API. */
#pragma once

#include <systemd/sd-bus.h>

#include "json-out.h"

/* Writes the next complete value of m as JSON: variants unwrapped, a{sv} and other dictionaries as
 * objects (non-string keys as their decimal text), other arrays and structs as arrays, numbers as
 * numbers, strings, object paths and signatures as strings, unix fds as their number. */
int bus_value_to_json(sd_bus_message *m, JsonWriter *w);

/* Writes the entries of the a{sv} (or other dictionary) at m as members of the object that is
 * open in w, so callers can add members of their own. */
int bus_dict_members_to_json(sd_bus_message *m, JsonWriter *w);
