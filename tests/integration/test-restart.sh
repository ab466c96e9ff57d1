#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-restart.sh — kill -9 of the daemon mid-transfer and a restart (userspace path manager):
#   - the live transfer is not reset and keeps (or regains) its LTE subflow, before and after;
#   - a connection opened while the daemon was down is adopted at restart and gets its subflow;
#   - the final clean stop restores the namespace's original path manager (kernel), although the
#     restarted daemon found "userspace" left behind by the killed one.
# usage: test-restart.sh DAEMON TRAFFIC   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup restart "$@"

lte_mbit_over() { # SECONDS: the LTE link's rate over the next SECONDS
        local b0 b1
        b0=$(lab_link_bytes client lte)
        sleep "$1"
        b1=$(lab_link_bytes client lte)
        calc "($b1 - $b0) * 8 / $1 / 1e6"
}

daemon_start "$work/daemon1.log" --log-level=debug
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 14 --links wifi,lte --json >"$work/bulk.json" &
bulk=$!
sleep 1
before=$(lte_mbit_over 2)
echo "lte before the kill: $before Mbit/s"
assert_ge "lte Mbit/s before the kill" "$before" "$(calc "$LAB_LTE_MBIT * 0.5")"

kill -KILL "$DAEMON_PID"
lab_wait_exit "$DAEMON_PID" 5 || fail "daemon survived SIGKILL"
assert_eq "path manager left behind by the killed daemon" "$(lab_client cat /proc/sys/net/mptcp/path_manager)" userspace
down=$(lte_mbit_over 2)
echo "lte while the daemon is down: $down Mbit/s (existing subflows live in the kernel)"
assert_ge "lte Mbit/s while the daemon is down" "$down" "$(calc "$LAB_LTE_MBIT * 0.5")"

# Opened while nobody manages paths: it gets no subflow until the daemon is back.
lab_client "$LAB_TRAFFIC" churn --to "$LAB_SERVER_TARGET" --count 1 --hold-ms 4000 --json >"$work/orphan.json" &
orphan=$!
sleep 1

daemon_start "$work/daemon2.log" --log-level=debug
grep -q "previous instance stopped without restoring" "$work/daemon2.log" || fail "restart did not notice the record"
grep -E "Resynchronized with the kernel: [0-9]+ MPTCP connection" "$work/daemon2.log" || fail "no resync at start"
after=$(lte_mbit_over 2)
echo "lte after the restart: $after Mbit/s"
assert_ge "lte Mbit/s after the restart" "$after" "$(calc "$LAB_LTE_MBIT * 0.5")"

wait "$bulk" || fail "the transfer failed across the restart (reset?)"
wait "$orphan" || fail "the connection opened while the daemon was down failed"
assert_eq "transfer's additional subflows at the end" "$(json "$work/bulk.json" .mptcp_info.subflows)" 1
assert_eq "adopted connection ended with 1 additional subflow" "$(json "$work/orphan.json" '.subflows_histogram[1] // 0')" 1
echo "transfer: $(json "$work/bulk.json" .mbit_s) Mbit/s goodput, wifi $(json "$work/bulk.json" .links.wifi.mbit_s), lte $(json "$work/bulk.json" .links.lte.mbit_s)"

daemon_stop "$work/daemon2.log"
assert_eq "path manager after the clean stop" "$(lab_client cat /proc/sys/net/mptcp/path_manager)" kernel
assert_clean_log "$work/daemon2.log"
echo PASS
