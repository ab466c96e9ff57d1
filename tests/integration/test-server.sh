#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-server.sh — the daemon on the accepting side (server namespace, userspace PM, aggregate);
# the client runs the kernel's own path manager, which joins announced addresses:
#   1. the daemon announces the server's LTE address on each accepted connection: the client
#      joins it and a 10 s download uses both links;
#   2. an application listening on the Wi-Fi address only: joins to the announced LTE address
#      reach the listener the daemon opens for them;
#   3. the server's LTE address goes away mid-transfer: the daemon withdraws it (REMOVE, seen by
#      the client's own event monitor), and the transfer carries on over Wi-Fi.
# usage: test-server.sh DAEMON TRAFFIC   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup server "$@"

lab_spawn --log "$work/monitor.log" client ip mptcp monitor
DAEMON_SIDE=server daemon_start "$work/daemon.log" --log-level=debug

echo "== 10 s download from the server"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 10 --direction down --links wifi,lte --json \
        >"$work/down.json"
wifi=$(json "$work/down.json" .links.wifi.mbit_s)
lte=$(json "$work/down.json" .links.lte.mbit_s)
echo "download: wifi $wifi Mbit/s, lte $lte Mbit/s, goodput $(json "$work/down.json" .mbit_s) Mbit/s, add_addr_accepted $(json "$work/down.json" .mptcp_info.add_addr_accepted)"
assert_eq "announced addresses the client accepted" "$(json "$work/down.json" .mptcp_info.add_addr_accepted)" 1
assert_ge "wifi Mbit/s" "$wifi" "$(calc "$LAB_WIFI_MBIT * 0.5")"
assert_ge "lte Mbit/s (the join to the announced address)" "$lte" "$(calc "$LAB_LTE_MBIT * 0.5")"
grep -q "ANNOUNCED" "$work/monitor.log" || fail "the client saw no ANNOUNCED event"

echo "== an application bound to the Wi-Fi address only (port 5202)"
lab_spawn server "$LAB_TRAFFIC" server --listen "$LAB_SERVER_WIFI_ADDR:5202" --ready-file "$work/ready-5202"
for _ in $(seq 100); do
        [ -s "$work/ready-5202" ] && break
        sleep 0.05
done
[ -s "$work/ready-5202" ] || fail "the second server did not start"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_WIFI_ADDR:5202" --duration 6 --direction down --links wifi,lte --json \
        >"$work/bound.json"
echo "bound listener: wifi $(json "$work/bound.json" .links.wifi.mbit_s) Mbit/s, lte $(json "$work/bound.json" .links.lte.mbit_s) Mbit/s"
assert_ge "lte Mbit/s through the daemon's listener" "$(json "$work/bound.json" .links.lte.mbit_s)" "$(calc "$LAB_LTE_MBIT * 0.5")"
lab_server ss -HMl | grep -q "$LAB_SERVER_LTE_ADDR:5202" || fail "no MPTCP listener on the announced address"
echo "ok: the daemon listens on $LAB_SERVER_LTE_ADDR:5202 for joins"

echo "== the server's LTE address goes away mid-transfer"
sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 10 --direction down --links wifi,lte --json \
        >"$work/remove.json" &
bulk=$!
sleep 4
lab_server ip addr del "$LAB_SERVER_LTE_ADDR/24" dev lte
wait "$bulk" || fail "the transfer failed when the address went away (reset?)"
sample_links_stop
sample_rates "$work/samples" "$work/rates"
before=$(rate_between "$work/rates" 3 1 4)
after=$(rate_between "$work/rates" 3 6 10)
wifi_after=$(rate_between "$work/rates" 2 6 10)
echo "lte Mbit/s: $before before, $after from 2 s after the removal (wifi $wifi_after)"
assert_ge "lte Mbit/s before the removal" "$before" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_le "lte Mbit/s after the removal" "$after" "$(calc "$LAB_LTE_MBIT * 0.05")"
assert_ge "wifi Mbit/s after the removal" "$wifi_after" "$(calc "$LAB_WIFI_MBIT * 0.5")"
grep -q "announcement of id .* withdrawn" "$work/daemon.log" || fail "the daemon withdrew nothing"
grep -q "REMOVED" "$work/monitor.log" || fail "the client saw no REMOVED event"
echo "client events: $(grep -oE 'ANNOUNCED|REMOVED' "$work/monitor.log" | sort | uniq -c | tr -s ' \n' ' ')"

daemon_stop "$work/daemon.log"
assert_clean_log "$work/daemon.log"
echo PASS
