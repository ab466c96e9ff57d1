#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-retry.sh — subflows that close with an error are re-created, with backoff, while the policy
# wants them (userspace PM, profile aggregate; the in-kernel PM never re-creates them):
#   the server resets the LTE subflow twice mid-transfer (ss -K); each time the daemon opens a new
#   one after its backoff (1 s, then 2 s) and LTE carries traffic again; no reset of the
#   connection, exactly one additional subflow at the end.
# usage: test-retry.sh DAEMON TRAFFIC   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup retry "$@"
daemon_start "$work/daemon.log" --log-level=debug

sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 14 --links wifi,lte --json >"$work/bulk.json" &
bulk=$!
sleep 3
lab_server ss -K -tn dst "$LAB_CLIENT_LTE_ADDR" >/dev/null
sleep 4
lab_server ss -K -tn dst "$LAB_CLIENT_LTE_ADDR" >/dev/null
wait "$bulk" || fail "the transfer failed (reset?)"
sample_links_stop

sample_rates "$work/samples" "$work/rates"
echo "t(s) wifi lte (Mbit/s):"
tr '\n' ';' <"$work/rates"; echo
after_first=$(rate_between "$work/rates" 3 5.5 7)   # 2.5 s after the first reset
after_second=$(rate_between "$work/rates" 3 10.5 14) # 3.5 s after the second
echo "lte Mbit/s: $after_first after the first reset, $after_second after the second"
assert_ge "lte Mbit/s 2.5 s after the first reset" "$after_first" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_ge "lte Mbit/s 3.5 s after the second reset" "$after_second" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_eq "additional subflows at the end" "$(json "$work/bulk.json" .mptcp_info.subflows)" 1

daemon_stop "$work/daemon.log"
resets=$(grep -c "closed: Connection reset by peer; retrying" "$work/daemon.log" || true)
requests=$(grep -c "subflow .* requested" "$work/daemon.log" || true)
assert_eq "subflow resets seen by the daemon" "$resets" 2
assert_eq "subflows requested (1 + 2 re-creations)" "$requests" 3
assert_clean_log "$work/daemon.log"
echo PASS
