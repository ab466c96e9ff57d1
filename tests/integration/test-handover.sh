#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-handover.sh — profile handover (active-standby; wifi active, lte standby), userspace PM:
# the Wi-Fi link goes down mid-transfer → the transfer continues on LTE with no reset and no
# stall longer than 3 s; Wi-Fi back → traffic returns to it.
# usage: test-handover.sh DAEMON TRAFFIC [userspace|kernel]   (as root; default userspace)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup handover "$@"
daemon_config handover "$work/config.yaml"
daemon_start "$work/daemon.log" --config "$work/config.yaml" --log-level=debug

echo "== 16 s upload: wifi down at ~4 s, up again at ~10 s"
sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 16 --links wifi,lte --json >"$work/bulk.json" &
bulk=$!
sleep 4
lab_client ip link set wifi down
sleep 6
lab_client ip link set wifi up
wait "$bulk" || fail "the transfer failed across the handover (reset?)"
sample_links_stop

sample_rates "$work/samples" "$work/rates"
echo "t(s) wifi lte (Mbit/s):"
tr '\n' ';' <"$work/rates"; echo
per_second=$(json "$work/bulk.json" '.per_second_mbit_s | map(tostring) | join(" ")')
echo "goodput per second (Mbit/s): $per_second"

wifi_before=$(rate_between "$work/rates" 2 1 4)
lte_before=$(rate_between "$work/rates" 3 1 4)
lte_down=$(rate_between "$work/rates" 3 5.5 10) # from 1.5 s after wifi went down
wifi_back=$(rate_between "$work/rates" 2 12 16) # from 2 s after wifi came back
lte_back=$(rate_between "$work/rates" 3 12 16)
echo "before: wifi $wifi_before lte $lte_before; wifi down: lte $lte_down; wifi back: wifi $wifi_back lte $lte_back"
assert_ge "wifi Mbit/s before" "$wifi_before" "$(calc "$LAB_WIFI_MBIT * 0.5")"
assert_le "lte Mbit/s before (standby)" "$lte_before" "$(calc "$LAB_LTE_MBIT * 0.05")"
assert_ge "lte Mbit/s with wifi down" "$lte_down" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_ge "wifi Mbit/s once back" "$wifi_back" "$(calc "$LAB_WIFI_MBIT * 0.5")"
assert_le "lte Mbit/s once wifi is back" "$lte_back" "$(calc "$LAB_LTE_MBIT * 0.05")"

# No stall longer than 3 s: never three consecutive seconds without goodput.
longest=$(echo "$per_second" | awk '{ for (i = 1; i <= NF; i++) { run = ($i < 0.5) ? run + 1 : 0; if (run > m) m = run } } END { print m + 0 }')
assert_le "longest stall (seconds below 0.5 Mbit/s)" "$longest" 2

daemon_stop "$work/daemon.log"
assert_clean_log "$work/daemon.log"
echo PASS
