#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# switch.sh — how long a profile switch takes to reach every live connection (issue 4's
# benchmark): N connections held open under profile aggregate (LTE subflows active), then the
# configuration says metered and the daemon gets SIGHUP; measured until the kernel shows the
# backup flag (local "b" in ss's tcp-ulp-mptcp flags) on all N LTE subflows. Also the daemon's own
# figure (its log: "applied to N connection(s) in X ms"). Userspace backend, lab of tests/lab.
# usage: sudo bench/switch.sh   (COUNTS="100 1000 10000" by default; BACKEND=kernel runs the same
# with the in-kernel backend, where the switch is one endpoint flag change; not part of CI)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
source tests/integration/lib.sh

COUNTS=${COUNTS:-"100 1000 10000"}
lab_test_setup switch build/daemon/mptcp-policyd build/tests/tools/mptcp-traffic "${BACKEND:-userspace}" >/dev/null

lte_subflows() {
        lab_client ss -tnH state established src "$LAB_CLIENT_LTE_ADDR" | wc -l
}
lte_backup_subflows() {
        lab_client ss -tniH state established src "$LAB_CLIENT_LTE_ADDR" | grep -c 'tcp-ulp-mptcp flags:[A-Za-z]*b' || true
}
ms_since() { # NANOSECONDS
        echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

rows=()
for n in $COUNTS; do
        daemon_config aggregate "$work/config.yaml"
        daemon_start "$work/daemon-$n.log" --config "$work/config.yaml"
        # Opened at 2,000/s with 100 bytes each; held long enough to switch and measure.
        lab_client "$LAB_TRAFFIC" churn --to "$LAB_SERVER_TARGET" --count "$n" --rate 2000 --bytes 100 \
                --hold-ms $((15000 + n)) --connect-timeout 10000 --json >"$work/churn-$n.json" &
        churn=$!
        deadline=$((SECONDS + 60))
        while [ "$(lte_subflows)" -lt "$n" ]; do
                [ $SECONDS -lt $deadline ] || fail "$n connections: only $(lte_subflows) LTE subflows after 60 s"
                sleep 0.2
        done

        daemon_config metered "$work/config.yaml"
        t0=$(date +%s%N)
        kill -HUP "$DAEMON_PID"
        polls=0
        while [ "$(lte_backup_subflows)" -lt "$n" ]; do
                polls=$((polls + 1))
                [ "$(ms_since "$t0")" -lt 60000 ] || fail "$n connections: backup not everywhere after 60 s"
        done
        seen=$(ms_since "$t0")
        applied=$(grep -oE 'applied to [0-9]+ connection\(s\) in [0-9.]+ ms' "$work/daemon-$n.log" | tail -1)
        echo "$n connections: daemon $applied; all $n LTE subflows flagged backup ${seen} ms after SIGHUP ($polls polls)"
        rows+=("| $n | $(echo "$applied" | grep -oE '[0-9.]+ ms' | cut -d' ' -f1) | $seen |")
        wait "$churn" || true
        daemon_stop "$work/daemon-$n.log"
done

echo
echo "| live connections | daemon: profile applied (ms) | kernel: every LTE subflow backup, after SIGHUP (ms, upper bound) |"
echo "|---|---|---|"
printf '%s\n' "${rows[@]}"
