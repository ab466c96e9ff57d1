#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-lab.sh — lab self-test: links shaped and routed as meant, joins cross lte, churn, full cleanup.
#
# Usage: test-lab.sh PATH-TO-mptcp-traffic   (root; meson passes the built tool)
set -euo pipefail

TRAFFIC=${1:-${LAB_TRAFFIC:-}}
if [[ -z $TRAFFIC || ! -x $TRAFFIC ]]; then
        echo "usage: test-lab.sh PATH-TO-mptcp-traffic" >&2
        exit 2
fi
TRAFFIC=$(readlink -f "$TRAFFIC")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LAB_PREFIX=${LAB_PREFIX:-mpllab}
export LAB_TRAFFIC=$TRAFFIC
DURATION=${LAB_TEST_DURATION:-5}

# shellcheck source=tests/lab/lab.sh
source "$HERE/lab.sh"
trap lab_down EXIT

passed=0
failed=0
check() { # check NAME CONDITION-AS-AWK-EXPR (evaluated with numbers passed as -v)
        local name=$1 expr=$2
        shift 2
        if awk "$@" "BEGIN { exit !($expr) }"; then
                echo "ok: $name"
                passed=$((passed + 1))
        else
                echo "FAIL: $name ($expr with $*)"
                failed=$((failed + 1))
        fi
}

lab_up
echo "lab: client $LAB_CLIENT_NS, server $LAB_SERVER_NS, wifi $LAB_WIFI_RATE, lte $LAB_LTE_RATE"
client_ns=$LAB_CLIENT_NS
server_ns=$LAB_SERVER_NS
run_prefix="$LAB_PREFIX-$$-"

# The lab is what it claims: routes, rules, qdiscs, no IPv6, no endpoints, no PM event listener.
check "client has no MPTCP endpoints" 'n == 0' -v n="$(lab_client ip mptcp endpoint show | wc -l)"
check "join route: from lte addr goes via lte" 'ok == 1' \
        -v ok="$(lab_client ip route get "$LAB_SERVER_WIFI_ADDR" from "$LAB_CLIENT_LTE_ADDR" |
                grep -c ' dev lte ')"
check "default route prefers wifi" 'ok == 1' \
        -v ok="$(lab_client ip route get "$LAB_SERVER_WIFI_ADDR" | grep -c ' dev wifi ')"
check "tbf on both ends of both links" 'n == 4' \
        -v n="$( (lab_client tc qdisc show; lab_server tc qdisc show) | grep -c '^qdisc tbf')"
check "congestion control is LAB_CC in the server" 'ok == 1' \
        -v ok="$(lab_server sysctl -n net.ipv4.tcp_congestion_control | grep -cx "$LAB_CC")"
check "IPv6 disabled in the client" 'v == 1' -v v="$(lab_client sysctl -n net.ipv6.conf.all.disable_ipv6)"
# shellcheck disable=SC2016 # an awk program
check "no generic-netlink subscribers in the client" 'n == 0' \
        -v n="$(lab_client awk 'NR > 1 && $2 == 16 && $4 != 0' /proc/net/netlink | wc -l)"

lab_start_server
echo "server: pid $LAB_SERVER_PID on $LAB_SERVER_TARGET"
server_pid=$LAB_SERVER_PID

bulk() {
        lab_client "$TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$DURATION" --links wifi,lte --json
}
report() { # label json
        jq -r --arg l "$1" '"\($l): goodput \(.mbit_s) Mbit/s, wifi \(.links.wifi.mbit_s) Mbit/s, " +
                "lte \(.links.lte.mbit_s) Mbit/s, subflows \(.mptcp_info.subflows), " +
                "per second \(.per_second_mbit_s)"' <<<"$2"
}

# 1. No path manager creating subflows: everything on wifi, lte idle.
j1=$(bulk)
report "single path (no endpoints)" "$j1"
check "single path: lte idle (< 1% of link bytes)" 'lte * 100 < (lte + wifi)' \
        -v lte="$(jq .links.lte.bytes <<<"$j1")" -v wifi="$(jq .links.wifi.bytes <<<"$j1")"
check "single path: wifi >= 70% of its rate" 'w >= 0.7 * r' \
        -v w="$(jq .links.wifi.mbit_s <<<"$j1")" -v r="$LAB_WIFI_MBIT"
check "single path: no additional subflow" 's == 0' -v s="$(jq .mptcp_info.subflows <<<"$j1")"
check "single path: goodput > 0" 'g > 0' -v g="$(jq .mbit_s <<<"$j1")"

# 2. In-kernel subflow endpoint on the client's lte address: the join must really cross lte.
lab_client ip mptcp endpoint add "$LAB_CLIENT_LTE_ADDR" dev lte subflow
j2=$(bulk)
report "two paths (lte subflow endpoint)" "$j2"
check "two paths: lte >= 50% of its rate" 'l >= 0.5 * r' \
        -v l="$(jq .links.lte.mbit_s <<<"$j2")" -v r="$LAB_LTE_MBIT"
check "two paths: goodput >= 70% of both rates together" 'g >= 0.7 * (w + l)' \
        -v g="$(jq .mbit_s <<<"$j2")" -v w="$LAB_WIFI_MBIT" -v l="$LAB_LTE_MBIT"
check "two paths: one additional subflow" 's == 1' -v s="$(jq .mptcp_info.subflows <<<"$j2")"

# lab_link_bytes agrees with the tool's rtnetlink counters being non-zero on both links now.
check "lab_link_bytes sees lte traffic" 'b > 0' -v b="$(lab_link_bytes client lte)"

# 3. Churn: 20 short connections, all succeed, all MPTCP.
j3=$(lab_client "$TRAFFIC" churn --to "$LAB_SERVER_TARGET" --count 20 --rate 200 --json)
jq -c '{ok, failed, fallback, subflows_histogram, tokens_available, n_tokens: (.tokens | length)}' <<<"$j3"
check "churn: 20 ok" 'ok == 20' -v ok="$(jq .ok <<<"$j3")"
check "churn: none failed" 'f == 0' -v f="$(jq .failed <<<"$j3")"
check "churn: no TCP fallback" 'f == 0' -v f="$(jq .fallback <<<"$j3")"
check "churn: 20 distinct tokens" 'n == 20' -v n="$(jq '.tokens | unique | length' <<<"$j3")"

# 4. Cleanup removes exactly what was built.
lab_down
check "client namespace removed" 'e == 0' -v e="$([[ -e /run/netns/$client_ns ]] && echo 1 || echo 0)"
check "server namespace removed" 'e == 0' -v e="$([[ -e /run/netns/$server_ns ]] && echo 1 || echo 0)"
check "no namespace with this run's prefix remains" 'n == 0' \
        -v n="$(ip netns list | awk -v p="$run_prefix" 'index($1, p) == 1' | wc -l)"
check "server process stopped" 'alive == 0' \
        -v alive="$(kill -0 "$server_pid" 2>/dev/null && echo 1 || echo 0)"
check "lab_down is idempotent" 'rc == 0' -v rc="$(lab_down && echo 0 || echo 1)"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
