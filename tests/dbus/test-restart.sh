#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-restart.sh — the selected profile and the mode survive daemon restarts (--state-dir):
# after SIGKILL (so the state is on disk when the call returns, not only at a clean stop) and
# after a clean stop; holds do not survive; another state directory starts fresh.
# usage: test-restart.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup restart "$@"

decision() { prop Interfaces | jq -r --arg n "$1" '.[] | select(.Name.data == $n) | .Decision.data'; }
restart_killed() {
        kill -KILL "$DAEMON_PID"
        lab_wait_exit "$DAEMON_PID" 5 || fail "daemon survived SIGKILL"
        policyd_start "$work/$1.log" --config "$work/config.yaml"
}

daemon_config balanced "$work/config.yaml"
policyd_start "$work/daemon1.log" --config "$work/config.yaml"
assert_eq "SelectedProfile at the first start" "$(prop_s SelectedProfile)" balanced
mode0=$(prop_s ProfileMode)
echo "ProfileMode at the first start: $mode0"

echo "== SetProfile low-latency (mptcpctl), then SIGKILL and restart"
expect_rc 0 root "$MPTCPCTL" profile set low-latency
holder_start H metered
assert_eq "ActiveProfile while held" "$(prop_s ActiveProfile)" metered
restart_killed daemon2
assert_eq "SelectedProfile after SIGKILL + restart" "$(prop_s SelectedProfile)" low-latency
assert_eq "ProfileMode after SIGKILL + restart" "$(prop_s ProfileMode)" manual
assert_eq "ActiveProfile after SIGKILL + restart (the hold did not survive)" "$(prop_s ActiveProfile)" low-latency
assert_eq "holds after restart" "$(prop ActiveProfileHolds)" "[]"
assert_eq "lte decision (low-latency: active)" "$(decision lte)" active
[ -n "$(ls -A "$POLICYD_STATE_DIR")" ] || fail "nothing in --state-dir $POLICYD_STATE_DIR"
echo "ok: state in $POLICYD_STATE_DIR: $(ls "$POLICYD_STATE_DIR" | tr '\n' ' ')"

echo "== SetProfileMode auto (gdbus), then a clean stop and start"
gcall root SetProfileMode auto false >/dev/null || fail "SetProfileMode auto"
assert_eq "ActiveProfile in auto mode (no auto rules: default-profile)" "$(prop_s ActiveProfile)" balanced
daemon_stop "$work/daemon2.log"
policyd_start "$work/daemon3.log" --config "$work/config.yaml"
assert_eq "ProfileMode after a clean restart" "$(prop_s ProfileMode)" auto
assert_eq "SelectedProfile after a clean restart" "$(prop_s SelectedProfile)" low-latency
assert_eq "ActiveProfile after a clean restart" "$(prop_s ActiveProfile)" balanced
assert_eq "lte decision (balanced: backup)" "$(decision lte)" backup

echo "== back to manual (busctl), SIGKILL and restart"
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfileMode sb manual false || fail "SetProfileMode manual"
assert_eq "ActiveProfile in manual mode" "$(prop_s ActiveProfile)" low-latency
restart_killed daemon4
assert_eq "ProfileMode after SIGKILL + restart" "$(prop_s ProfileMode)" manual
assert_eq "ActiveProfile after SIGKILL + restart" "$(prop_s ActiveProfile)" low-latency

echo "== another --state-dir starts fresh"
daemon_stop "$work/daemon4.log"
mkdir -m 0700 "$work/state2"
POLICYD_STATE_DIR=$work/state2 policyd_start "$work/daemon5.log" --config "$work/config.yaml"
assert_eq "SelectedProfile with an empty state dir" "$(prop_s SelectedProfile)" balanced
assert_eq "ProfileMode with an empty state dir" "$(prop_s ProfileMode)" "$mode0"
daemon_stop "$work/daemon5.log"
echo PASS
