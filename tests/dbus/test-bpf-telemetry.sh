#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-bpf-telemetry.sh — the BPF read-outs over D-Bus: Features says bpf-sockops when the
# program is attached; during an upload `mptcpctl --json connections` shows SmoothedRtt,
# BytesAcked, BytesReceived, Retransmits and PacingRate per subflow, and each subflow's bytes
# acked match its link's tx counter within 10%; Degraded says why without BPF (bpf-disabled,
# bpffs-unavailable); priority-based steering follows the telemetry (LTE overflows while Wi-Fi's
# srtt exceeds the rule's threshold, and goes back to backup when idle).
# usage: test-bpf-telemetry.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$_dbus_dir/../integration/bpf-lib.sh"
dbus_test_setup bpf-telemetry "$@"
trap 'rc=$?; bpf_lab_cleanup; (exit $rc); _dbus_test_cleanup' EXIT
bpf_lab_setup

bpf_config capped "$work/config.yaml"
policyd_start "$work/daemon.log" --config "$work/config.yaml" --bpf-pin-dir "$BPF_PINS"
echo "Features: $(prop Features); Degraded: $(prop Degraded)"
prop Features | jq -e 'index("bpf-sockops") != null' >/dev/null || fail "Features lacks bpf-sockops"
prop Degraded | jq -e '[.[] | select(startswith("bpf"))] | length == 0' >/dev/null ||
        fail "Degraded has a BPF reason while attached: $(prop Degraded)"
echo "ok: bpf-sockops in Features, no BPF reason in Degraded"
# Mainline kernels have no BPF MPTCP scheduler: the daemon says so (vmlinux BTF decides).
if [ -r /sys/kernel/btf/vmlinux ] && ! bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
        grep -q "STRUCT 'bpf_struct_ops_mptcp_sched_ops'"; then
        prop Degraded | jq -e 'index("no-bpf-scheduler") != null' >/dev/null ||
                fail "this kernel has no BPF MPTCP scheduler, Degraded does not say so: $(prop Degraded)"
        prop Features | jq -e 'index("bpf-scheduler") == null' >/dev/null || fail "Features claims bpf-scheduler"
        echo "ok: Degraded says no-bpf-scheduler (vmlinux BTF has no bpf_struct_ops_mptcp_sched_ops)"
fi

echo "== telemetry during an upload"
tx() { lab_client cat "/sys/class/net/$1/statistics/tx_bytes"; }
wifi0=$(tx wifi)
lte0=$(tx lte)
bulk_in_cgroup 8 >"$work/bulk.json" &
bulk=$!
lab_track_pid "$bulk"
sleep 5
wifi1=$(tx wifi)
lte1=$(tx lte)
"$MPTCPCTL" --json connections >"$work/connections.json" || fail "mptcpctl --json connections failed"
wifi2=$(tx wifi)
lte2=$(tx lte)
"$MPTCPCTL" connections >"$work/connections.txt" || fail "mptcpctl connections failed"
wait "$bulk" || fail "the upload failed"
jq -c '.[] | select(.ServerSide == false) | .Subflows[]' "$work/connections.json"
n=$(jq '[.[] | select(.ServerSide == false) | .Subflows[] | select(.BytesAcked != null)] | length' "$work/connections.json")
assert_eq "client subflows with telemetry" "$n" 2
for link in wifi lte; do
        # The link's tx bytes since the start, at the time of the call (mean of before and after).
        if [ $link = wifi ]; then base=$wifi0 a=$wifi1 b=$wifi2; else base=$lte0 a=$lte1 b=$lte2; fi
        sent=$(calc "($a + $b) / 2 - $base")
        sub=$(jq -c --arg l $link '[.[] | select(.ServerSide == false) | .Subflows[] | select(.Interface == $l)][0]' \
                "$work/connections.json")
        acked=$(jq '.BytesAcked' <<<"$sub")
        srtt=$(jq '.SmoothedRtt' <<<"$sub")
        echo "$link: BytesAcked $acked, link tx $sent, SmoothedRtt $srtt us, PacingRate $(jq .PacingRate <<<"$sub") B/s, Retransmits $(jq .Retransmits <<<"$sub")"
        assert_ge "$link BytesAcked / link tx bytes" "$(calc "$acked / $sent")" 0.90
        assert_le "$link BytesAcked / link tx bytes" "$(calc "$acked / $sent")" 1.10
        assert_ge "$link SmoothedRtt (us)" "$srtt" 1
        assert_le "$link SmoothedRtt (us)" "$srtt" 2000000
        jq -e '.BytesReceived != null and .Retransmits != null' <<<"$sub" >/dev/null || fail "$link: keys missing"
done
assert_eq "lte PacingRate (B/s, the 5 Mbit/s cap)" \
        "$(jq '[.[] | select(.ServerSide == false) | .Subflows[] | select(.Interface == "lte")][0].PacingRate' "$work/connections.json")" 625000
assert_eq "wifi PacingRate (0 = none)" \
        "$(jq '[.[] | select(.ServerSide == false) | .Subflows[] | select(.Interface == "wifi")][0].PacingRate' "$work/connections.json")" 0
echo "human output:"
cat "$work/connections.txt"

echo "== priority-based steering from telemetry: LTE overflows while Wi-Fi's srtt > 5 ms"
decision() { prop Interfaces | jq -r --arg n "$1" '.[] | select(.Name.data == $n) | .Decision.data'; }
wait_decision() { # IFACE DECISION SECONDS
        for _ in $(seq $(($3 * 10))); do
                [ "$(decision "$1")" = "$2" ] && return 0
                sleep 0.1
        done
        return 1
}
bpf_config overflow "$work/config.yaml"
kill -HUP "$DAEMON_PID"
wait_decision lte backup 3 || fail "lte is not backup under overflow while idle: $(decision lte)"
echo "ok: idle: lte backup"
bulk_in_cgroup 6 >"$work/overflow.json" &
bulk=$!
lab_track_pid "$bulk"
t0=$(date +%s.%N)
wait_decision lte "active (overflow)" 4 || fail "lte did not overflow under load: $(decision lte)"
echo "ok: under load lte overflowed after $(calc "$(date +%s.%N) - $t0") s ($(grep -m1 "telemetry changes its decision" "$work/daemon.log"))"
wait "$bulk" || fail "the upload failed"
echo "overflow upload: lte $(lte_mbit "$(cat "$work/overflow.json")") Mbit/s"
assert_ge "LTE Mbit/s after the overflow" "$(lte_mbit "$(cat "$work/overflow.json")")" 1
wait_decision lte backup 4 || fail "lte did not go back to backup once idle: $(decision lte)"
echo "ok: idle again: lte backup"

echo "== without BPF: Degraded says why"
daemon_stop "$work/daemon.log"
policyd_start "$work/daemon-nobpf.log" --config "$work/config.yaml"
echo "--no-bpf: Features $(prop Features); Degraded $(prop Degraded)"
prop Degraded | jq -e 'index("bpf-disabled") != null' >/dev/null || fail "Degraded lacks bpf-disabled"
prop Features | jq -e 'index("bpf-sockops") == null' >/dev/null || fail "Features has bpf-sockops without BPF"
daemon_stop "$work/daemon-nobpf.log"
mkdir "$work/not-bpffs"
policyd_start "$work/daemon-nobpffs.log" --config "$work/config.yaml" --bpf-pin-dir "$work/not-bpffs/mptcp-policyd"
echo "pins not on a bpffs: Features $(prop Features); Degraded $(prop Degraded)"
prop Degraded | jq -e 'index("bpffs-unavailable") != null' >/dev/null || fail "Degraded lacks bpffs-unavailable"
grep -q "BPF subflow parameters and telemetry unavailable" "$work/daemon-nobpffs.log" || fail "the daemon did not say so"
daemon_stop "$work/daemon-nobpffs.log"
echo "PASS"
