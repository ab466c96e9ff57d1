#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-switch.sh — root switches profiles over D-Bus and the kernel follows: during one 14 s
# upload, metered → aggregate (busctl) → metered (gdbus) changes the per-link split (LTE from
# backup to carrying traffic and back) within 2 s each way, without resetting the connection;
# every switch emits PropertiesChanged with the new values; then mptcpctl profile set / get /
# list.
# usage: test-switch.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup switch "$@"

daemon_config metered "$work/config.yaml"
policyd_start "$work/daemon.log" --config "$work/config.yaml"
assert_eq "ActiveProfile at start" "$(prop_s ActiveProfile)" metered
assert_eq "SelectedProfile at start (the config's default-profile)" "$(prop_s SelectedProfile)" metered
decision() { prop Interfaces | jq -r --arg n "$1" '.[] | select(.Name.data == $n) | .Decision.data'; }
assert_eq "lte decision under metered" "$(decision lte)" backup
monitor_start

echo "== one upload: metered (0-4 s) → aggregate (busctl, 4-9 s) → metered (gdbus, 9-14 s)"
sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 14 --links wifi,lte --json \
        >"$work/bulk.json" &
bulk=$!
sleep 4
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb aggregate false || fail "busctl SetProfile aggregate"
monitor_wait "PropertiesChanged .*'ActiveProfile': <'aggregate'>" 2 || fail "no PropertiesChanged(ActiveProfile aggregate)"
echo "ok: PropertiesChanged with ActiveProfile aggregate"
assert_eq "lte decision under aggregate" "$(decision lte)" active
monitor_mark
sleep 5
gcall root SetProfile metered false >/dev/null || fail "gdbus SetProfile metered"
monitor_wait "PropertiesChanged .*'ActiveProfile': <'metered'>" 2 || fail "no PropertiesChanged(ActiveProfile metered)"
echo "ok: PropertiesChanged with ActiveProfile metered"
wait "$bulk" || fail "the transfer failed across the switches (reset?)"
sample_links_stop
echo "transfer: $(json "$work/bulk.json" .mbit_s) Mbit/s goodput over $(json "$work/bulk.json" .duration_s) s, no reset"

sample_rates "$work/samples" "$work/rates"
echo "t(s) wifi lte (Mbit/s):"
tr '\n' ';' <"$work/rates"; echo
before=$(rate_between "$work/rates" 3 1 4)
during=$(rate_between "$work/rates" 3 6 9)   # from 2 s after the switch to aggregate
after=$(rate_between "$work/rates" 3 11 13.5) # from 2 s after the switch back
echo "lte Mbit/s: metered $before, aggregate $during, metered again $after"
assert_le "lte Mbit/s while metered" "$before" "$(calc "$LAB_LTE_MBIT * 0.05")"
assert_ge "lte Mbit/s within 2 s of SetProfile aggregate" "$during" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_le "lte Mbit/s within 2 s of SetProfile metered" "$after" "$(calc "$LAB_LTE_MBIT * 0.05")"

echo "== mptcpctl"
expect_rc 0 root "$MPTCPCTL" profile set low-latency
assert_eq "mptcpctl profile set prints" "$OUT" ""
expect_rc 0 root "$MPTCPCTL" profile get
assert_eq "mptcpctl profile get" "$OUT" low-latency
assert_eq "ActiveProfile (busctl)" "$(prop_s ActiveProfile)" low-latency
assert_eq "ProfileMode" "$(prop_s ProfileMode)" manual
expect_rc 0 root "$MPTCPCTL" profile list
grep -qE '^\s*\*\s*low-latency\b' <<<"$OUT" || fail "profile list does not mark low-latency: $OUT"
assert_eq "profile list: lines marked *" "$(grep -c '^\s*\*' <<<"$OUT")" 1
for p in $(ls "$LAB_PROFILES_DIR"/*.yaml | xargs -n1 basename | sed 's/\.yaml$//'); do
        grep -qw -- "$p" <<<"$OUT" || fail "profile list lacks $p"
done
echo "ok: profile list names every profile"
# SetProfile of the profile already active succeeds and changes nothing.
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb low-latency false || fail "SetProfile to the same profile"
assert_eq "ActiveProfile" "$(prop_s ActiveProfile)" low-latency

daemon_stop "$work/daemon.log"
assert_clean_log "$work/daemon.log"
echo PASS
