#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-bpf-policy.sh — the daemon turns the active profile into BPF parameters (sock_ops):
#   1. a profile with `pacing-cap: 5Mbit` on cellular: the LTE link carries at most 5.5 Mbit/s;
#      the same profile without the cap: at least 8 Mbit/s;
#   2. a plain TCP connection over LTE in the same cgroup keeps an unlimited pacing rate;
#   3. a profile switch mid-transfer changes the LTE rate within 2 s, each way;
#   4. SIGTERM keeps the program and the parameters: a connection made while the daemon is down
#      is capped all the same; the next start reuses maps and link; --bpf-detach-on-exit removes
#      both.
# The program is attached to a cgroup of the test's own (bpf.cgroup), the pins are on a bpffs of
# its own (--bpf-pin-dir), both in a private mount namespace.
# usage: test-bpf-policy.sh DAEMON TRAFFIC BPFCTL   (as root; BPFCTL: daemon/bpf/mptcp-bpfctl-test)
set -euo pipefail
if [ -z "${BPF_POLICY_PRIVATE_MOUNTS:-}" ]; then
        export BPF_POLICY_PRIVATE_MOUNTS=1
        exec unshare --mount --propagation private -- "$0" "$@"
fi
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/bpf-lib.sh"
BPFCTL=$(readlink -f "$3")
export LAB_PREFIX=${LAB_PREFIX:-mplbpfd}
lab_test_setup bpf-policy "$1" "$2"
trap 'lab_down; bpf_lab_cleanup; rm -rf "$work"' EXIT
bpf_lab_setup
bpf_args=(--bpf-pin-dir "$BPF_PINS" --log-level=debug)

bpf_config capped "$work/config.yaml"
daemon_start "$work/daemon.log" --config "$work/config.yaml" "${bpf_args[@]}"
grep -q "BPF sock_ops program attached to cgroup $BPF_CG" "$work/daemon.log" || { cat "$work/daemon.log"; fail "BPF not attached"; }
grep -q "BPF subflow parameters for 1 interface(s) in force" "$work/daemon.log" || fail "parameters not written"
echo "ok: attached to $BPF_CG, parameters for one interface"

echo "== capped: 5 s upload"
out=$(bulk_in_cgroup 5)
echo "capped: lte $(lte_mbit "$out") Mbit/s, wifi $(jq '.links.wifi.tx_bytes * 8 / .duration_s / 1e6' <<<"$out") Mbit/s"
assert_le "capped LTE Mbit/s" "$(lte_mbit "$out")" 5.5
assert_ge "capped LTE Mbit/s (the subflow is there)" "$(lte_mbit "$out")" 1

echo "== plain TCP over lte in the same cgroup, cap in force"
plain=$(in_cgroup "$BPFCTL" tcp-check "$LAB_SERVER_TARGET" "$LAB_CLIENT_LTE_ADDR" 3)
echo "$plain"
# ~0UL as SO_MAX_PACING_RATE reads it back (jq would round it: grep the text).
grep -q '"max_pacing_rate":18446744073709551615,' <<<"$plain" || fail "plain TCP got a pacing cap"
echo "ok: plain TCP keeps an unlimited pacing rate"
assert_eq "plain TCP notsent_lowat" "$(jq .notsent_lowat <<<"$plain")" 0

echo "== uncapped: 5 s upload"
bpf_config uncapped "$work/config.yaml"
kill -HUP "$DAEMON_PID"
for _ in $(seq 100); do grep -q "active profile: uncapped" "$work/daemon.log" && break; sleep 0.05; done
out=$(bulk_in_cgroup 5)
echo "uncapped: lte $(lte_mbit "$out") Mbit/s"
assert_ge "uncapped LTE Mbit/s" "$(lte_mbit "$out")" 8

echo "== switches mid-transfer: uncapped (0-3 s) → capped (3-6.5 s) → uncapped"
samples=$work/lte-samples
in_cgroup "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 10 --links wifi,lte --json >"$work/live.json" &
bulk=$!
lab_track_pid "$bulk"
now() { date +%s.%N; }
lte_tx() { lab_client cat /sys/class/net/lte/statistics/tx_bytes; }
sample_until() {
        while awk -v n="$(now)" -v u="$1" 'BEGIN { exit !(n < u) }'; do
                echo "$(now) $(lte_tx)" >>"$samples"
                sleep 0.2
        done
}
plus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }
lte_rate() { # Mbit/s between two times, from the first samples at or after each
        awk -v a="$1" -v b="$2" '$1 >= a && !ta { ta = $1; ba = $2 } $1 >= b && !tb { tb = $1; bb = $2 }
                END { if (!ta || !tb || tb <= ta) print -1; else print (bb - ba) * 8 / (tb - ta) / 1e6 }' "$samples"
}
: >"$samples"
start=$(now)
sample_until "$(plus "$start" 3)"
t_cap=$(now)
bpf_config capped "$work/config.yaml"
kill -HUP "$DAEMON_PID"
sample_until "$(plus "$t_cap" 3.5)"
t_free=$(now)
bpf_config uncapped "$work/config.yaml"
kill -HUP "$DAEMON_PID"
sample_until "$(plus "$t_free" 2.5)"
wait "$bulk" || fail "the transfer failed across the switches"
r_before=$(lte_rate "$(plus "$start" 1)" "$t_cap")
r_cap=$(lte_rate "$(plus "$t_cap" 1)" "$(plus "$t_cap" 2)")
r_free=$(lte_rate "$(plus "$t_free" 1)" "$(plus "$t_free" 2)")
echo "live: lte $r_before Mbit/s uncapped; $r_cap in [1 s, 2 s] after capping; $r_free in [1 s, 2 s] after uncapping"
assert_ge "LTE Mbit/s before the switch" "$r_before" 8
assert_le "LTE Mbit/s within 2 s of capping" "$r_cap" 5.5
assert_ge "LTE Mbit/s within 2 s of uncapping" "$r_free" 8

echo "== restart: SIGTERM keeps program and parameters"
bpf_config capped "$work/config.yaml"
kill -HUP "$DAEMON_PID"
for _ in $(seq 100); do [ "$(grep -c "active profile: capped" "$work/daemon.log")" -ge 3 ] && break; sleep 0.05; done
sleep 0.2
daemon_stop "$work/daemon.log"
grep -q "BPF program stays attached" "$work/daemon.log" || fail "the daemon did not say the program stays"
if [ ! -e "$BPF_PINS/subflow_sockops_link" ] || [ ! -e "$BPF_PINS/subflow_params" ]; then
        fail "pins gone after SIGTERM"
fi
bpftool cgroup show "$BPF_CG" | grep -q sock_ops || fail "no sock_ops program on $BPF_CG while the daemon is down"
echo "ok: pins and the attached sock_ops program kept while the daemon is down"
# Without the daemon the kernel's path manager is back: an endpoint of the test's own gives new
# connections their LTE subflow, which the program still caps.
lab_client ip mptcp endpoint add "$LAB_CLIENT_LTE_ADDR" dev lte subflow
out=$(bulk_in_cgroup 4)
lab_client ip mptcp endpoint flush
echo "daemon down: lte $(lte_mbit "$out") Mbit/s"
assert_le "LTE Mbit/s while the daemon is down" "$(lte_mbit "$out")" 5.5
assert_ge "LTE Mbit/s while the daemon is down (the subflow is there)" "$(lte_mbit "$out")" 1

daemon_start "$work/daemon2.log" --config "$work/config.yaml" "${bpf_args[@]}" --bpf-detach-on-exit
grep -q "BPF sock_ops program attached .*(reused maps, updated link)" "$work/daemon2.log" ||
        { cat "$work/daemon2.log"; fail "the restart did not reuse maps and link"; }
echo "ok: restart reused maps and link"
daemon_stop "$work/daemon2.log"
grep -q "BPF program detached, pins removed" "$work/daemon2.log" || fail "no detach with --bpf-detach-on-exit"
[ ! -e "$BPF_PINS" ] || fail "pins left after --bpf-detach-on-exit: $(ls "$BPF_PINS")"
! bpftool cgroup show "$BPF_CG" | grep -q sock_ops || fail "sock_ops still attached after --bpf-detach-on-exit"
echo "ok: --bpf-detach-on-exit detached and unpinned"
assert_clean_log "$work/daemon.log"
assert_clean_log "$work/daemon2.log" "restarted daemon"
echo "PASS"
