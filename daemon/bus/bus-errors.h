/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-errors.h — the named D-Bus errors of org.mptcp.Policy1 (documented in dbus/org.mptcp.Policy1.xml). */
#pragma once

#define BUS_ERROR_NO_SUCH_PROFILE "org.mptcp.Policy1.Error.NoSuchProfile"
#define BUS_ERROR_NO_SUCH_HOLD "org.mptcp.Policy1.Error.NoSuchHold"
#define BUS_ERROR_INVALID_CONFIG "org.mptcp.Policy1.Error.InvalidConfig"
#define BUS_ERROR_NOT_AUTHORIZED "org.mptcp.Policy1.Error.NotAuthorized"
#define BUS_ERROR_UNAVAILABLE "org.mptcp.Policy1.Error.Unavailable"
