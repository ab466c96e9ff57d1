#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-burst.sh — bursts and short flows (userspace path manager, profile aggregate):
#   1. 1,000 connections opened in under 100 ms, each sending data and held open: every one ends
#      with exactly the one additional subflow its policy asks for; no event lost;
#   2. the same with a 16 KiB event buffer: the kernel drops events (ENOBUFS), the daemon
#      resynchronizes from sock_diag, and still every connection gets its subflow;
#   3. 500 short flows (closed within 1 ms): no warning or error in the log, nothing left tracked.
# usage: test-burst.sh DAEMON TRAFFIC [userspace|kernel]   (as root; default userspace)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup burst "$@"

# 1,000 simultaneous sends overflow the lab's TBF queues: some handshakes and first data wait for
# TCP retransmissions (1 s, then 2 s). A connection becomes ESTABLISHED for the path manager only
# once its data got through, so each sends 1 KiB and stays open 6 s: time for two rounds.
burst() { # NAME
        lab_client "$LAB_TRAFFIC" churn --to "$LAB_SERVER_TARGET" --count 1000 --burst --bytes 1024 \
                --hold-ms 6000 --connect-timeout 10000 --json >"$work/$1.json" || true
        echo "$1: $(jq -c '{ok, failed, open_s, subflows_histogram}' "$work/$1.json")"
        assert_eq "$1: connections ok" "$(json "$work/$1.json" .ok)" 1000
        assert_le "$1: open phase (s)" "$(json "$work/$1.json" .open_s)" 0.1
        assert_eq "$1: connections with exactly 1 additional subflow" \
                "$(json "$work/$1.json" '.subflows_histogram[1] // 0')" 1000
}

summary() { # LOG: the daemon's closing counters
        grep -oE 'Events: .*' "$1"
}

echo "== 1,000-connection burst, default event buffer"
daemon_start "$work/default.log"
burst default
daemon_stop "$work/default.log"
summary "$work/default.log"
grep -q ' 0 overflows;' "$work/default.log" || fail "events were lost with the default buffer"

echo "== the same burst, 16 KiB event buffer (forces ENOBUFS)"
daemon_start "$work/small.log" --event-buffer=16384
burst small
daemon_stop "$work/small.log"
summary "$work/small.log"
grep -q 'overflowed: events were lost; resynchronizing' "$work/small.log" ||
        fail "no overflow with a 16 KiB buffer: the recovery path was not exercised"
grep -qE 'Events: .* [1-9][0-9]* resync' "$work/small.log" || fail "no resync after the overflow"

echo "== 500 short flows (closed within 1 ms)"
daemon_start "$work/short.log"
lab_client "$LAB_TRAFFIC" churn --to "$LAB_SERVER_TARGET" --count 500 --rate 1000 --bytes 1000 --hold-ms 1 \
        --json >"$work/short.json" || true
echo "short: $(jq -c '{ok, failed, subflows_histogram}' "$work/short.json")"
assert_eq "short flows ok" "$(json "$work/short.json" .ok)" 500
# Their CLOSED events follow the close at once: wait (bounded) until the daemon saw them all.
for _ in $(seq 50); do
        [ "$(lab_client ss -HM state all 2>/dev/null | grep -c ESTAB)" -eq 0 ] && break
        sleep 0.1
done
daemon_stop "$work/short.log"
summary "$work/short.log"
grep -qE '\(0 still tracked\)' "$work/short.log" || fail "short flows left connections tracked"
for log in default small short; do
        assert_clean_log "$work/$log.log" "$log"
done
echo PASS
