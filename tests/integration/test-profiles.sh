#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-profiles.sh — the daemon applies profiles to live connections (userspace path manager):
#   1. metered: a 20 s upload puts at most 1% of the bytes on the LTE link (backup subflow);
#   2. a switch metered → aggregate → metered (config + SIGHUP) during one transfer changes the
#      per-link split within 2 s each way, without resetting the connection.
#   3. aggregate: goodput at least 85% of the sum of the shaped rates.
# usage: test-profiles.sh DAEMON TRAFFIC [userspace|kernel]   (as root; default userspace)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup profiles "$@"

daemon_config metered "$work/config.yaml"
daemon_start "$work/daemon.log" --config "$work/config.yaml" --log-level=debug
grep -q "active profile: metered ($BACKEND," "$work/daemon.log" || fail "profile metered ($BACKEND) not active"

echo "== metered: 20 s upload"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 20 --links wifi,lte --json >"$work/metered.json"
wifi=$(json "$work/metered.json" .links.wifi.bytes)
lte=$(json "$work/metered.json" .links.lte.bytes)
share=$(calc "100 * $lte / ($wifi + $lte)")
echo "metered: wifi $(json "$work/metered.json" .links.wifi.mbit_s) Mbit/s, lte $(json "$work/metered.json" .links.lte.mbit_s) Mbit/s, lte share ${share}% of bytes, subflows $(json "$work/metered.json" .mptcp_info.subflows)"
assert_eq "additional (backup) subflows" "$(json "$work/metered.json" .mptcp_info.subflows)" 1
assert_le "lte share of bytes (%)" "$share" 1

echo "== switch during one transfer: metered (0-5 s) → aggregate (5-10 s) → metered (10-16 s)"
sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 16 --links wifi,lte --json \
        >"$work/switch.json" &
bulk=$!
sleep 5
daemon_config aggregate "$work/config.yaml"
kill -HUP "$DAEMON_PID"
sleep 5
daemon_config metered "$work/config.yaml"
kill -HUP "$DAEMON_PID"
wait "$bulk" || fail "the transfer failed across the switches (reset?)"
sample_links_stop
echo "transfer: $(json "$work/switch.json" .mbit_s) Mbit/s goodput over $(json "$work/switch.json" .duration_s) s, no reset"
grep -c "active profile" "$work/daemon.log" | grep -q '^3$' || fail "expected three profile activations"

sample_rates "$work/samples" "$work/rates"
echo "t(s) wifi lte (Mbit/s):"
tr '\n' ';' <"$work/rates"; echo
# The switches happened at ~5 s and ~10 s after the first sample.
before=$(rate_between "$work/rates" 3 1 5)
during=$(rate_between "$work/rates" 3 7 10)   # from 2 s after the switch to aggregate
after=$(rate_between "$work/rates" 3 12 15.5) # from 2 s after the switch back
echo "lte Mbit/s: metered $before, aggregate (from 2 s after the switch) $during, metered again $after"
assert_le "lte Mbit/s while metered" "$before" "$(calc "$LAB_LTE_MBIT * 0.05")"
assert_ge "lte Mbit/s within 2 s of aggregate" "$during" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_le "lte Mbit/s within 2 s of metered again" "$after" "$(calc "$LAB_LTE_MBIT * 0.05")"

echo "== aggregate: 10 s upload"
daemon_config aggregate "$work/config.yaml"
kill -HUP "$DAEMON_PID"
for _ in $(seq 100); do
        [ "$(grep -c "active profile" "$work/daemon.log")" -ge 4 ] && break
        sleep 0.05
done
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 10 --links wifi,lte --json >"$work/aggregate.json"
goodput=$(json "$work/aggregate.json" .mbit_s)
echo "aggregate: wifi $(json "$work/aggregate.json" .links.wifi.mbit_s) Mbit/s, lte $(json "$work/aggregate.json" .links.lte.mbit_s) Mbit/s, goodput $goodput Mbit/s"
assert_ge "aggregate goodput Mbit/s" "$goodput" "$(calc "($LAB_WIFI_MBIT + $LAB_LTE_MBIT) * 0.85")"

daemon_stop "$work/daemon.log"
assert_clean_log "$work/daemon.log"
echo PASS
