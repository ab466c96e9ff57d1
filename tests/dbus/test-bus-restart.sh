#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-bus-restart.sh — the bus is not a single point of failure:
#   - with no system bus at start the daemon gets READY and enforces its profile (metered: the
#     LTE link carries at most 2% of an upload); mptcpctl says "daemon not running" (3);
#   - when the bus appears, the daemon takes org.mptcp.Policy1 (within 10 s);
#   - the bus restarts twice (SIGTERM, then SIGKILL) during an upload under aggregate: the
#     daemon stays up, the split stays aggregate throughout, the name comes back each time, and
#     switching (root, and a polkit-authorized user through the new polkitd) works afterwards.
# usage: test-bus-restart.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup bus-restart "$@"

now() { date +%s.%N; }
wait_name_timed() { # WHAT
        local t0
        t0=$(now)
        bus_wait_name "$BUS_NAME" 10 || { tail -20 "$work/daemon.log" >&2; fail "$BUS_NAME not back after $1"; }
        echo "ok: $BUS_NAME on the bus $(calc "$(now) - $t0") s after $1"
}
alive() {
        kill -0 "$DAEMON_PID" 2>/dev/null || fail "the daemon died ($1)"
}

echo "== no system bus at start"
bus_stop
[ ! -e "$work/bus/system_bus_socket" ] || fail "the bus socket is still there"
daemon_config metered "$work/config.yaml"
policyd_start_nobus "$work/daemon.log" --config "$work/config.yaml"
echo "ok: READY without a bus"
expect_rc 3 root "$MPTCPCTL" profile get
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 4 --links wifi,lte --json >"$work/nobus.json"
share=$(calc "100 * $(json "$work/nobus.json" .links.lte.bytes) / ($(json "$work/nobus.json" .links.wifi.bytes) + $(json "$work/nobus.json" .links.lte.bytes))")
echo "without a bus: wifi $(json "$work/nobus.json" .links.wifi.mbit_s) Mbit/s, lte $(json "$work/nobus.json" .links.lte.mbit_s) Mbit/s, lte share $share%"
assert_eq "backup subflows without a bus (metered)" "$(json "$work/nobus.json" .mptcp_info.subflows)" 1
assert_le "lte share of bytes without a bus (%)" "$share" 2
alive "no bus"

echo "== the bus appears"
bus_start
wait_name_timed "the bus appeared"
assert_eq "ActiveProfile" "$(prop_s ActiveProfile)" metered
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb aggregate false || fail "SetProfile aggregate"
assert_eq "ActiveProfile" "$(prop_s ActiveProfile)" aggregate

echo "== two bus restarts during an upload under aggregate"
sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 14 --links wifi,lte --json >"$work/bulk.json" &
bulk=$!
sleep 3
restart_bus TERM
wait_name_timed "a bus restart (SIGTERM)"
alive "bus restart (SIGTERM)"
sleep 3
restart_bus KILL
wait_name_timed "a bus restart (SIGKILL)"
alive "bus restart (SIGKILL)"
wait "$bulk" || fail "the transfer failed across the bus restarts"
sample_links_stop
sample_rates "$work/samples" "$work/rates"
echo "t(s) wifi lte (Mbit/s):"
tr '\n' ';' <"$work/rates"; echo
lte=$(rate_between "$work/rates" 3 1 13.5)
min=$(awk '$1 > 1 && $1 <= 13.5 { if (m == "" || $3 < m) m = $3 } END { print m }' "$work/rates")
echo "lte Mbit/s across the restarts: mean $lte, lowest 0.5 s window $min"
assert_ge "lte Mbit/s (mean) across the bus restarts" "$lte" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_ge "lte Mbit/s (lowest window) across the bus restarts" "$min" "$(calc "$LAB_LTE_MBIT * 0.25")"

echo "== after the restarts"
assert_eq "ActiveProfile" "$(prop_s ActiveProfile)" aggregate
assert_eq "SelectedProfile" "$(prop_s SelectedProfile)" aggregate
gcall root SetProfile metered false >/dev/null || fail "SetProfile metered after the restarts"
assert_eq "ActiveProfile" "$(prop_s ActiveProfile)" metered
bus_call_as "$TEST_ADMIN" busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb balanced false ||
        fail "SetProfile as $TEST_ADMIN (polkit, restarted) after the restarts"
assert_eq "ActiveProfile after $TEST_ADMIN's switch" "$(prop_s ActiveProfile)" balanced
expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" SetProfile metered false
expect_rc 0 root "$MPTCPCTL" profile get
assert_eq "mptcpctl profile get" "$OUT" balanced

daemon_stop "$work/daemon.log"
echo PASS
