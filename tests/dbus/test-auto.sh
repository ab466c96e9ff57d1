#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-auto.sh — auto mode: the configuration's auto rules choose the profile from the default
# route's interface, and follow the default route when it moves (no link or address event); a
# manual choice wins until SetProfileMode auto; the mode is what `mptcpctl status` says.
# usage: test-auto.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup auto "$@"

cat >"$work/config.yaml" <<'YAML'
default-profile: balanced
interfaces:
  wifi: { type: wifi, metered: false }
  lte: { type: cellular, metered: true }
auto:
  - when: { type: cellular, metered: true }
    profile: metered
  - when: { type: wifi }
    profile: aggregate
YAML

# wait_active NAME — ActiveProfile becomes NAME within 3 s (PropertiesChanged, seen by the monitor).
wait_active() {
        monitor_wait "'ActiveProfile': <'$1'>" 3 || fail "ActiveProfile did not become $1 (is $(prop_s ActiveProfile))"
        assert_eq "ActiveProfile" "$(prop_s ActiveProfile)" "$1"
}

policyd_start "$work/daemon.log" --config "$work/config.yaml"
monitor_start
assert_eq "ProfileMode at the first start" "$(prop_s ProfileMode)" auto
# The lab's client has a default route per link: wifi (metric 100) before lte (metric 200).
assert_eq "ActiveProfile with the default route over wifi" "$(prop_s ActiveProfile)" aggregate

echo "== the wifi default route goes (only a route change): lte carries it → metered"
monitor_mark
lab_client ip route del default dev wifi metric 100
wait_active metered
expect_rc 0 root "$MPTCPCTL" status
grep -qE "Active profile: metered \(auto\)" <<<"$OUT" || fail "status does not say auto: $OUT"
echo "ok: status: $(grep 'Active profile' <<<"$OUT")"

echo "== a manual choice wins over the route"
expect_rc 0 root "$MPTCPCTL" profile set roaming
assert_eq "ProfileMode after profile set" "$(prop_s ProfileMode)" manual
lab_client ip route add default via "$LAB_SERVER_WIFI_ADDR" dev wifi metric 100
sleep 1 # a change takes milliseconds (above); make sure none comes
assert_eq "ActiveProfile in manual mode after the route moved" "$(prop_s ActiveProfile)" roaming

echo "== back to auto: the route decides again"
monitor_mark
expect_rc 0 root "$MPTCPCTL" mode set auto
wait_active aggregate
echo "== no default route at all → default-profile"
monitor_mark
lab_client ip route del default dev wifi metric 100
lab_client ip route del default dev lte metric 200
wait_active balanced

daemon_stop "$work/daemon.log"
assert_clean_log "$work/daemon.log"
echo PASS
