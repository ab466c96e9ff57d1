#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-kernel-pm-traffic.sh — lab: backup flags set by the kernel backend move a live connection's traffic off lte.
#
# Usage: test-kernel-pm-traffic.sh KPM_APPLY MPTCP_TRAFFIC POLICIES_DIR   (root)
#
# Two-link lab (tests/lab/lab.sh), in-kernel PM. The client gets `aggregate` through kpm-apply
# (subflow endpoints with dev on wifi and lte), a 14 s bulk upload starts, and mid-transfer the
# client switches to `metered` (lte backup): the applier changes the lte endpoint's flags in place,
# which the kernel sends to the peer as MP_PRIO on the live connection. Checked: lte carries
# traffic before the switch, (almost) none after it, wifi carries on, and the transfer completes
# without a reset. Phase windows are timed (this measures rates); nothing waits by sleeping for an
# event that could be awaited.
set -euo pipefail

if [[ $# -ne 3 ]]; then
        echo "usage: $0 KPM_APPLY MPTCP_TRAFFIC POLICIES_DIR" >&2
        exit 2
fi
KPM_APPLY=$(readlink -f "$1")
export LAB_TRAFFIC
LAB_TRAFFIC=$(readlink -f "$2")
POLICIES=$(readlink -f "$3")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LAB_PREFIX=${LAB_PREFIX:-kpm}

# shellcheck source=tests/lab/lab.sh
source "$HERE/../../tests/lab/lab.sh"
trap lab_down EXIT

failed=0
check() { # check NAME AWK-EXPR -v ...
        local name=$1 expr=$2
        shift 2
        if awk "$@" "BEGIN { exit !($expr) }"; then
                echo "ok: $name"
        else
                echo "FAIL: $name ($expr with $*)"
                failed=$((failed + 1))
        fi
}

now() { date +%s.%N; }
mbit() { # mbit BYTES0 BYTES1 T0 T1
        awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" 'BEGIN { printf "%.2f", (b - a) * 8 / 1e6 / (t1 - t0) }'
}
sample() { # sample → "T WIFI LTE"
        echo "$(now) $(lab_link_bytes client wifi) $(lab_link_bytes client lte)"
}

lab_up
lab_start_server
echo "lab: client $LAB_CLIENT_NS, wifi $LAB_WIFI_RATE, lte $LAB_LTE_RATE"

echo "--- kpm-apply aggregate"
lab_client "$KPM_APPLY" "$POLICIES/aggregate.yaml" wifi=wifi lte=cellular | tee "$LAB_STATE_DIR/apply1.log"
grep -q "dev lte subflow" "$LAB_STATE_DIR/apply1.log" || { echo "FAIL: no lte endpoint added"; exit 1; }

lab_spawn --log "$LAB_STATE_DIR/bulk.log" client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 14 \
        --links wifi,lte --json
bulk=$LAB_SPAWN_PID

sleep 3 # warm-up: connection, join, TBF queues
read -r t1 w1 l1 < <(sample)
sleep 4
read -r t2 w2 l2 < <(sample)

echo "--- kpm-apply metered (lte backup), mid-transfer"
lab_client "$KPM_APPLY" "$POLICIES/metered.yaml" wifi=wifi lte=cellular:metered | tee "$LAB_STATE_DIR/apply2.log"
read -r ts _ _ < <(sample)

sleep 1 # settle: data already queued on lte drains
read -r t3 w3 l3 < <(sample)
sleep 4
read -r t4 w4 l4 < <(sample)

rc=0
lab_wait_exit "$bulk" 20 || { echo "FAIL: bulk transfer did not end"; failed=$((failed + 1)); }
wait "$bulk" || rc=$?

lte_before=$(mbit "$l1" "$l2" "$t1" "$t2")
wifi_before=$(mbit "$w1" "$w2" "$t1" "$t2")
lte_after=$(mbit "$l3" "$l4" "$t3" "$t4")
wifi_after=$(mbit "$w3" "$w4" "$t3" "$t4")
printf '%-22s %10s %10s\n' "phase (Mbit/s)" wifi lte
printf '%-22s %10s %10s\n' "aggregate" "$wifi_before" "$lte_before"
printf '%-22s %10s %10s\n' "metered (1 s after)" "$wifi_after" "$lte_after"
echo "switch applied $(awk -v a="$t2" -v b="$ts" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms after the first window"
echo "bulk: $(cat "$LAB_STATE_DIR/bulk.log")"

check "bulk transfer completed without a reset (exit $rc)" "rc == 0" -v rc="$rc"
check "only a flag change on the switch (no endpoint deleted or added)" "s == 1 && d == 0 && a == 0" \
        -v s="$(grep -c 'op: set-flags .*dev lte subflow backup' "$LAB_STATE_DIR/apply2.log" || true)" \
        -v d="$(grep -c 'op: delete' "$LAB_STATE_DIR/apply2.log" || true)" \
        -v a="$(grep -c 'op: add' "$LAB_STATE_DIR/apply2.log" || true)"
check "lte carries traffic under aggregate (> 50% of its rate)" "l > r * 0.5" -v l="$lte_before" -v r="$LAB_LTE_MBIT"
check "lte (almost) idle under metered (< 0.2 Mbit/s)" "l < 0.2" -v l="$lte_after"
check "wifi carries the transfer under metered (> 50% of its rate)" "w > r * 0.5" -v w="$wifi_after" -v r="$LAB_WIFI_MBIT"
lab_client ip mptcp endpoint show

[[ $failed -eq 0 ]] || { echo "$failed check(s) failed"; exit 1; }
echo "all checks passed"
