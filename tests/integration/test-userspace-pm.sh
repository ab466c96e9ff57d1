#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-userspace-pm.sh — the daemon as userspace path manager in the two-link lab:
#   1. without the daemon, a bulk transfer leaves the LTE link idle (so the test can fail);
#   2. with it, the same transfer uses both links (each >= 50% of its shaped rate, total >= 80%);
#   3. 100 churned connections (data, held 50 ms) every one get their second subflow, as the
#      kernel's own SUB_ESTABLISHED events (seen by `ip mptcp monitor`) and MPTCP_INFO say.
# usage: test-userspace-pm.sh DAEMON TRAFFIC   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
DURATION=${DURATION:-10}
lab_test_setup userspace-pm "$@"

echo "== without the daemon (in-kernel PM, no endpoints): ${DURATION}s upload"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$DURATION" --links wifi,lte --json \
        >"$work/baseline.json"
wifi=$(json "$work/baseline.json" .links.wifi.mbit_s)
lte=$(json "$work/baseline.json" .links.lte.mbit_s)
echo "baseline: wifi ${wifi} Mbit/s, lte ${lte} Mbit/s, goodput $(json "$work/baseline.json" .mbit_s) Mbit/s"
assert_le "baseline lte Mbit/s" "$lte" 0.1
assert_ge "baseline wifi Mbit/s" "$wifi" "$(calc "$LAB_WIFI_MBIT * 0.5")"

echo "== with mptcp-policyd as userspace path manager"
daemon_start "$work/daemon.log" --log-level=debug
assert_eq "path manager in the client namespace" "$(lab_client cat /proc/sys/net/mptcp/path_manager)" userspace

lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$DURATION" --links wifi,lte --json \
        >"$work/bulk.json"
wifi=$(json "$work/bulk.json" .links.wifi.mbit_s)
lte=$(json "$work/bulk.json" .links.lte.mbit_s)
goodput=$(json "$work/bulk.json" .mbit_s)
subflows=$(json "$work/bulk.json" .mptcp_info.subflows)
echo "daemon: wifi ${wifi} Mbit/s, lte ${lte} Mbit/s, goodput ${goodput} Mbit/s, additional subflows ${subflows}"
assert_ge "wifi Mbit/s" "$wifi" "$(calc "$LAB_WIFI_MBIT * 0.5")"
assert_ge "lte Mbit/s" "$lte" "$(calc "$LAB_LTE_MBIT * 0.5")"
assert_ge "goodput Mbit/s" "$goodput" "$(calc "($LAB_WIFI_MBIT + $LAB_LTE_MBIT) * 0.8")"
assert_eq "additional subflows" "$subflows" 1

echo "== 100 churned connections, each sending data and held 50 ms"
# The kernel's own record of subflows: ip mptcp monitor in the client namespace. Proven
# subscribed before the churn starts by a probe connection's events.
lab_spawn --log "$work/monitor.log" client ip mptcp monitor
probe_ok=0
for attempt in $(seq 50); do
        lab_client "$LAB_TRAFFIC" churn --to "$LAB_SERVER_TARGET" --count 1 --hold-ms 10 --json >/dev/null
        if grep -q 'SF_ESTABLISHED' "$work/monitor.log"; then
                probe_ok=1
                break
        fi
done
[ "$probe_ok" = 1 ] || fail "ip mptcp monitor saw no event"

lab_client "$LAB_TRAFFIC" churn --to "$LAB_SERVER_TARGET" --count 100 --rate 200 --hold-ms 50 --json \
        >"$work/churn.json"
ok=$(json "$work/churn.json" .ok)
hist=$(json "$work/churn.json" '.subflows_histogram | map(tostring) | join(",")')
echo "churn: ok $ok of 100, subflows histogram [$hist] (index = additional subflows at close)"
assert_eq "churned connections ok" "$ok" 100
assert_eq "connections that ended with exactly 1 additional subflow" \
        "$(json "$work/churn.json" '.subflows_histogram[1] // 0')" 100
assert_eq "tokens reported" "$(json "$work/churn.json" '.tokens | length')" 100

# Every churned token shows SUB_ESTABLISHED in the kernel's event stream. The last events may
# still be in flight: wait (bounded) until the monitor has caught up.
json "$work/churn.json" '.tokens[]' | sort -u >"$work/tokens"
missing=100
for attempt in $(seq 50); do
        grep -o 'SF_ESTABLISHED.*token=[0-9a-f]*' "$work/monitor.log" | sed 's/.*token=//' |
                while read -r t; do printf '%d\n' "0x$t"; done | sort -u >"$work/sf-tokens"
        missing=$(comm -23 "$work/tokens" "$work/sf-tokens" | wc -l)
        [ "$missing" -eq 0 ] && break
        sleep 0.1
done
echo "churn: $(wc -l <"$work/sf-tokens") tokens with SUB_ESTABLISHED in the monitor, $missing churned token(s) without"
assert_eq "churned connections without SUB_ESTABLISHED" "$missing" 0

daemon_stop "$work/daemon.log"
assert_eq "path manager restored" "$(lab_client cat /proc/sys/net/mptcp/path_manager)" kernel
grep -E 'Loaded|Interface (wifi|lte)|Events:|Restored' "$work/daemon.log" || true
assert_clean_log "$work/daemon.log"
echo "PASS"
