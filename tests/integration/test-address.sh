#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-address.sh — address and link changes on the client (userspace PM, profile aggregate):
#   1. the LTE address goes away mid-transfer: its subflow is destroyed, the connection carries on
#      over Wi-Fi;
#   2. the address comes back: the live connection gets a new LTE subflow;
#   3. the LTE link flaps five times: no subflow leaks (one additional subflow at the end, the
#      daemon tracks exactly what the kernel has).
# usage: test-address.sh DAEMON TRAFFIC   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup address "$@"
daemon_start "$work/daemon.log" --log-level=debug

sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 20 --links wifi,lte --json >"$work/bulk.json" &
bulk=$!
sleep 3
lab_client ip addr del "$LAB_CLIENT_LTE_ADDR/24" dev lte
sleep 4
lab_client ip addr add "$LAB_CLIENT_LTE_ADDR/24" dev lte
# A deleted address takes its routes: put back the LTE source route the lab had.
lab_client ip route replace default via "$LAB_SERVER_LTE_ADDR" dev lte table "$LAB_LTE_TABLE"
sleep 4
for _ in 1 2 3 4 5; do
        lab_client ip link set lte down
        sleep 0.3
        lab_client ip link set lte up
        sleep 0.3
done
lab_client ip route replace default via "$LAB_SERVER_LTE_ADDR" dev lte table "$LAB_LTE_TABLE"
wait "$bulk" || fail "the transfer failed (reset?)"
sample_links_stop

sample_rates "$work/samples" "$work/rates"
echo "t(s) wifi lte (Mbit/s):"
tr '\n' ';' <"$work/rates"; echo
before=$(rate_between "$work/rates" 3 1 3)
gone=$(rate_between "$work/rates" 3 4.5 7)
back=$(rate_between "$work/rates" 3 9 11)
after_flaps=$(rate_between "$work/rates" 3 17 20)
wifi_gone=$(rate_between "$work/rates" 2 4.5 7)
echo "lte Mbit/s: $before before, $gone without its address (wifi $wifi_gone), $back with it back, $after_flaps after the flaps"
assert_ge "lte Mbit/s before" "$before" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_le "lte Mbit/s without its address" "$gone" "$(calc "$LAB_LTE_MBIT * 0.05")"
assert_ge "wifi Mbit/s meanwhile" "$wifi_gone" "$(calc "$LAB_WIFI_MBIT * 0.5")"
assert_ge "lte Mbit/s with the address back" "$back" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_ge "lte Mbit/s after the flaps" "$after_flaps" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_eq "additional subflows at the end" "$(json "$work/bulk.json" .mptcp_info.subflows)" 1

daemon_stop "$work/daemon.log"
assert_clean_log "$work/daemon.log"
echo PASS
