#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-bpf-lab.sh — subflow BPF in the lab: LTE caps, live changes, plain TCP untouched, telemetry.
#
# Usage: test-bpf-lab.sh PATH-TO-mptcp-bpfctl-test PATH-TO-mptcp-traffic PATH-TO-lab.sh  (root)
#
# Runs in a private mount namespace (re-executes itself under unshare) with a bpffs of its own
# for the pins, so nothing lands in the machine's /sys/fs/bpf; the bpffs is not under /sys,
# which "ip netns exec" remounts, and the loader CLI enters the client namespace with
# "nsenter --net" anyway. The program is attached to a cgroup of its own under the cgroup2
# mount (never the root cgroup); the traffic processes are started inside it.
set -euo pipefail

if [[ $# -ne 3 ]]; then
        echo "usage: test-bpf-lab.sh PATH-TO-mptcp-bpfctl-test PATH-TO-mptcp-traffic PATH-TO-lab.sh" >&2
        exit 2
fi
BPFCTL=$(readlink -f "$1")
TRAFFIC=$(readlink -f "$2")
LAB_SH=$(readlink -f "$3")
for f in "$BPFCTL" "$TRAFFIC"; do
        [[ -x $f ]] || { echo "not executable: $f" >&2; exit 2; }
done

if [[ -z ${BPF_LAB_PRIVATE_MOUNTS:-} ]]; then
        export BPF_LAB_PRIVATE_MOUNTS=1
        exec unshare --mount --propagation private -- "$0" "$@"
fi

export LAB_PREFIX=${LAB_PREFIX:-mplbpf}
export LAB_TRAFFIC=$TRAFFIC
# shellcheck source=tests/lab/lab.sh
source "$LAB_SH"

CAP_MBIT=5
CAP_BYTES=$((CAP_MBIT * 1000000 / 8)) # 625000 B/s
CUT_MBIT=2
CUT_BYTES=$((CUT_MBIT * 1000000 / 8))
LOWAT=131072 # a capped subflow always gets a small notsent_lowat
DURATION=5

WORK=$(mktemp -d /tmp/test-bpf-lab.XXXXXX)
PINS=$WORK/bpffs/mptcp-policyd
CG=
passed=0
failed=0

cleanup() {
        local rc=$?
        set +e
        lab_down
        if [[ -e $PINS ]]; then
                "$BPFCTL" --pin-root "$PINS" --cgroup "$CG" detach >/dev/null
        fi
        if [[ -n $CG && -d $CG ]]; then
                rmdir "$CG" || { echo "FAIL: cannot remove cgroup $CG" >&2; rc=1; }
        fi
        mountpoint -q "$WORK/bpffs" && umount "$WORK/bpffs"
        rm -rf "$WORK"
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

check() { # check NAME AWK-CONDITION -v name=value...
        local name=$1 expr=$2
        shift 2
        if awk "$@" "BEGIN { exit !($expr) }"; then
                echo "ok: $name ($*)"
                passed=$((passed + 1))
        else
                echo "FAIL: $name: $expr with $*"
                failed=$((failed + 1))
        fi
}

mkdir "$WORK/bpffs"
mount -t bpf bpf "$WORK/bpffs"

cgroot=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' \
        /proc/self/mountinfo)
[[ -n $cgroot ]] || { echo "no cgroup2 mount" >&2; exit 1; }
CG=$cgroot/mptcp-policyd-test-bpf-lab-$$
mkdir "$CG"

lab_up
lab_start_server
echo "lab: client $LAB_CLIENT_NS, wifi $LAB_WIFI_RATE, lte $LAB_LTE_RATE, server $LAB_SERVER_TARGET"
lab_client ip mptcp endpoint add "$LAB_CLIENT_LTE_ADDR" dev lte subflow
LTE_IFINDEX=$(lab_client cat /sys/class/net/lte/ifindex)

# The loader CLI in the client namespace (its netns cookie keys the parameters).
ctl() {
        nsenter --net="/run/netns/$LAB_CLIENT_NS" -- "$BPFCTL" --pin-root "$PINS" --cgroup "$CG" "$@"
}

# CMD in the client namespace, inside the test cgroup (joined before the exec, so CMD and all
# its sockets are charged there).
in_cgroup() {
        # shellcheck disable=SC2016 # expanded by the inner shell
        bash -c 'echo $$ >"$0/cgroup.procs" && exec nsenter --net="/run/netns/$1" -- "${@:2}"' \
                "$CG" "$LAB_CLIENT_NS" "$@"
}

bulk() {
        in_cgroup "$TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$1" --links wifi,lte --json
}

lte_tx() {
        lab_client cat /sys/class/net/lte/statistics/tx_bytes
}

now() {
        date +%s.%N
}

# Checks each client subflow of TOKEN: bytes acked vs. the tx bytes of its link (within 10%).
check_telemetry() {
        local label=$1 json=$2 telemetry=$3 token ifname acked tx
        token=$(jq -r '.mptcp_info.token' <<<"$json")
        [[ $token != null ]] || { check "$label: token in MPTCP_INFO" '0'; return; }
        check "$label: two client subflows in telemetry" 'n == 2' \
                -v n="$(jq --argjson t "$token" '[.[] | select(.token == $t and .passive == false)] | length' <<<"$telemetry")"
        while read -r ifname acked; do
                tx=$(jq -r --arg i "$ifname" '.links[$i].tx_bytes' <<<"$json")
                check "$label: $ifname subflow bytes_acked within 10% of the link's tx bytes" \
                        'acked > 0 && (tx - acked) / tx <= 0.10 && (acked - tx) / tx <= 0.10' \
                        -v acked="$acked" -v tx="$tx"
        done < <(jq -r --argjson t "$token" \
                '.[] | select(.token == $t and .passive == false) | "\(.ifname) \(.bytes_acked)"' <<<"$telemetry")
}

echo "== attach"
attach=$(ctl attach)
echo "$attach"
check "fresh attach" 'r == 0' -v r="$(jq '.reused_maps or .reused_link | if . then 1 else 0 end' <<<"$attach")"
check "scheduler absent, said so" 'ok == 1' \
        -v ok="$(ctl features | jq '(.scheduler == false and (.scheduler_reason | test("bpf_struct_ops_mptcp_sched_ops"))) | if . then 1 else 0 end')"

echo "== no cap"
out=$(bulk "$DURATION")
telemetry=$(ctl telemetry)
lte=$(jq '.links.lte.tx_bytes * 8 / .duration_s / 1e6' <<<"$out")
wifi=$(jq '.links.wifi.tx_bytes * 8 / .duration_s / 1e6' <<<"$out")
echo "uncapped: lte $lte Mbit/s, wifi $wifi Mbit/s, goodput $(jq .mbit_s <<<"$out")"
check "uncapped LTE link >= 8 Mbit/s" 'r >= 8' -v r="$lte"
check_telemetry "uncapped" "$out" "$telemetry"

echo "== cap $CAP_MBIT Mbit/s on lte (ifindex $LTE_IFINDEX), notsent_lowat $LOWAT, cubic"
ctl set "$LTE_IFINDEX" "$CAP_BYTES" "$LOWAT" cubic
out=$(bulk "$DURATION")
telemetry=$(ctl telemetry)
lte=$(jq '.links.lte.tx_bytes * 8 / .duration_s / 1e6' <<<"$out")
wifi=$(jq '.links.wifi.tx_bytes * 8 / .duration_s / 1e6' <<<"$out")
echo "capped: lte $lte Mbit/s, wifi $wifi Mbit/s, goodput $(jq .mbit_s <<<"$out")"
check "capped LTE link <= 5.5 Mbit/s" 'r <= 5.5' -v r="$lte"
check "capped: wifi still carries traffic (>= 20 Mbit/s)" 'r >= 20' -v r="$wifi"
token=$(jq '.mptcp_info.token' <<<"$out")
jq -c --argjson t "$token" '.[] | select(.token == $t) | {ifname, passive, join, srtt_us, bytes_acked,
        retransmits, max_pacing_rate, congestion, generation, state}' <<<"$telemetry"
check "capped: the lte subflow holds the cap and cubic" 'n == 1' \
        -v n="$(jq --argjson t "$token" --argjson c "$CAP_BYTES" \
                '[.[] | select(.token == $t and .ifname == "lte" and .max_pacing_rate == $c and .congestion == "cubic")] | length' <<<"$telemetry")"
check "capped: the wifi subflow is uncapped" 'n == 1' \
        -v n="$(jq --argjson t "$token" \
                '[.[] | select(.token == $t and .ifname == "wifi" and .max_pacing_rate == null)] | length' <<<"$telemetry")"
check_telemetry "capped" "$out" "$telemetry"

echo "== plain TCP over lte, same cgroup, cap in force"
before=$(lte_tx)
t0=$(now)
plain=$(in_cgroup "$BPFCTL" tcp-check "$LAB_SERVER_TARGET" "$LAB_CLIENT_LTE_ADDR" 3)
t1=$(now)
after=$(lte_tx)
echo "$plain"
plain_rate=$(awk -v b="$((after - before))" -v a="$t0" -v z="$t1" 'BEGIN { print b * 8 / (z - a) / 1e6 }')
echo "plain TCP on lte: $plain_rate Mbit/s"
# ~0UL as SO_MAX_PACING_RATE reads it back (jq would round the 64-bit number: grep the text).
check "plain TCP keeps an unlimited pacing rate" 'ok == 1' \
        -v ok="$(grep -c '"max_pacing_rate":18446744073709551615,' <<<"$plain")"
check "plain TCP keeps notsent_lowat 0 and $LAB_CC" 'ok == 1' \
        -v ok="$(jq --arg cc "$LAB_CC" '(.notsent_lowat == 0 and .congestion == $cc) | if . then 1 else 0 end' <<<"$plain")"
check "plain TCP is not in the telemetry" 'n == 0' \
        -v n="$(ctl telemetry | jq --argjson c "$(jq .cookie <<<"$plain")" '[.[] | select(.cookie == $c)] | length')"
check "plain TCP on lte runs uncapped (>= 8 Mbit/s)" 'r >= 8' -v r="$plain_rate"

echo "== changes mid-transfer: cap $CAP_MBIT → $CUT_MBIT Mbit/s, then no cap"
samples=$WORK/samples
log=$WORK/bulk-live.json
in_cgroup "$TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 12 --links wifi,lte --json >"$log" &
bulk_pid=$!
lab_track_pid "$bulk_pid"
: >"$samples"
sample_until() { # sample the lte tx counter every 0.2 s until time $1
        while awk -v n="$(now)" -v u="$1" 'BEGIN { exit !(n < u) }'; do
                echo "$(now) $(lte_tx)" >>"$samples"
                sleep 0.2
        done
}
start=$(now)
sample_until "$(awk -v s="$start" 'BEGIN { printf "%.6f", s + 4 }')"
t_cut=$(now)
ctl set "$LTE_IFINDEX" "$CUT_BYTES" "$LOWAT" cubic >/dev/null
sample_until "$(awk -v s="$t_cut" 'BEGIN { printf "%.6f", s + 3.5 }')"
t_free=$(now)
ctl clear "$LTE_IFINDEX" >/dev/null
sample_until "$(awk -v s="$t_free" 'BEGIN { printf "%.6f", s + 3 }')"
wait "$bulk_pid"
rate_between() { # Mbit/s over [from, to], from the first sample at or after each bound
        awk -v a="$1" -v b="$2" '
                $1 >= a && !ta { ta = $1; ba = $2 }
                $1 >= b && !tb { tb = $1; bb = $2 }
                END { if (!ta || !tb || tb <= ta) print -1; else print (bb - ba) * 8 / (tb - ta) / 1e6 }' "$samples"
}
r_before=$(rate_between "$(awk -v s="$start" 'BEGIN { printf "%.6f", s + 2 }')" "$t_cut")
r_cut=$(rate_between "$(awk -v s="$t_cut" 'BEGIN { printf "%.6f", s + 1 }')" "$(awk -v s="$t_cut" 'BEGIN { printf "%.6f", s + 2 }')")
r_free=$(rate_between "$(awk -v s="$t_free" 'BEGIN { printf "%.6f", s + 1 }')" "$(awk -v s="$t_free" 'BEGIN { printf "%.6f", s + 2 }')")
echo "live: lte $r_before Mbit/s at $CAP_MBIT cap; $r_cut in [1 s, 2 s] after the cut to $CUT_MBIT; $r_free in [1 s, 2 s] after removal"
check "live: before the change, at most 5.5 Mbit/s" 'r >= 0 && r <= 5.5' -v r="$r_before"
check "live: within 2 s of the cut, at most 2.5 Mbit/s" 'r >= 0 && r <= 2.5' -v r="$r_cut"
check "live: within 2 s of removing the cap, at least 8 Mbit/s" 'r >= 8' -v r="$r_free"
check "live: the transfer completed" 'n > 0' -v n="$(jq '.bytes' "$log")"

echo "== restart keeps maps and link"
stats_before=$(ctl stats | jq .subflows)
attach=$(ctl attach)
check "re-attach reuses maps and link" 'r == 1' -v r="$(jq '.reused_maps and .reused_link | if . then 1 else 0 end' <<<"$attach")"
check "counters kept across restarts" 'a >= b && b > 0' -v b="$stats_before" -v a="$(ctl stats | jq .subflows)"
check "no setsockopt errors" 'n == 0' -v n="$(ctl stats | jq .setsockopt_errors)"

echo "== detach"
ctl detach
check "pins removed" 'ok == 1' -v ok="$([[ ! -e $PINS ]] && echo 1 || echo 0)"

echo "passed $passed, failed $failed"
[[ $failed -eq 0 ]]
