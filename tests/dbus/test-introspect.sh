#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-introspect.sh — the live daemon's introspection matches dbus/org.mptcp.Policy1.xml
# (members, argument names/types/directions, property types/access, annotations), read with
# busctl and with gdbus, as root and as an unprivileged user; the standard interfaces are
# there and open to everyone (Peer.Ping, Introspect, Properties.GetAll).
# usage: test-introspect.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup introspect "$@"
compare=$(dirname "$(readlink -f "$0")")/compare-introspection.py

policyd_start "$work/daemon.log"

echo "== busctl introspect (root) against the XML"
busctl introspect --xml-interface "$BUS_NAME" "$BUS_PATH" >"$work/busctl.xml"
/usr/bin/python3 "$compare" "$POLICY_XML" "$work/busctl.xml" "$BUS_IFACE" || fail "busctl: live introspection differs from the XML"

echo "== gdbus introspect ($TEST_USER) against the XML"
bus_call_as "$TEST_USER" gdbus introspect --system --dest "$BUS_NAME" --object-path "$BUS_PATH" --xml \
        >"$work/gdbus.xml"
/usr/bin/python3 "$compare" "$POLICY_XML" "$work/gdbus.xml" "$BUS_IFACE" || fail "gdbus: live introspection differs from the XML"

echo "== standard interfaces, as $TEST_USER"
for i in org.freedesktop.DBus.Peer org.freedesktop.DBus.Introspectable org.freedesktop.DBus.Properties; do
        grep -q "<interface name=\"$i\">" "$work/gdbus.xml" || fail "$i not introspected"
        echo "ok: $i introspected"
done
bus_call_as "$TEST_USER" busctl call "$BUS_NAME" "$BUS_PATH" org.freedesktop.DBus.Peer Ping ||
        fail "Peer.Ping as $TEST_USER"
echo "ok: Peer.Ping as $TEST_USER"
n=$(bus_call_as "$TEST_USER" busctl --json=short call "$BUS_NAME" "$BUS_PATH" org.freedesktop.DBus.Properties \
        GetAll s "$BUS_IFACE" | jq '.data[0] | length')
assert_eq "properties in GetAll as $TEST_USER" "$n" "$(grep -c '<property ' "$POLICY_XML")"
# The object tree: / and /org/mptcp lead to the one object.
assert_eq "objects under /" "$(busctl --list tree "$BUS_NAME" | tr '\n' ' ')" "/ /org /org/mptcp /org/mptcp/Policy1 "

daemon_stop "$work/daemon.log"
echo PASS
