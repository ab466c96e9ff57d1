# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh — helpers for the lab integration tests: setup, assertions, the daemon in the client
# namespace. Sourcing it sources tests/lab/lab.sh too.

_it_dir=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
source "$_it_dir/../lab/lab.sh"

# lab_test_setup NAME DAEMON TRAFFIC [BACKEND] — the common start of a lab test: exports
# MPTCP_POLICYD and LAB_TRAFFIC, makes $work (removed on exit, with the lab), selects the backend
# (use_backend, default userspace), brings the lab up with its server, and checks that no other
# path manager listens in the client namespace.
lab_test_setup() {
        [ $# -ge 3 ] || { echo "usage: $1 DAEMON TRAFFIC [userspace|kernel]" >&2; exit 2; }
        MPTCP_POLICYD=$(readlink -f "$2")
        LAB_TRAFFIC=$(readlink -f "$3")
        export MPTCP_POLICYD LAB_TRAFFIC
        work=$(mktemp -d "/tmp/mptcp-policyd-$1.XXXXXX")
        trap '_lab_test_cleanup' EXIT
        use_backend "${4:-userspace}" "$work/profiles"
        lab_up
        lab_start_server
        assert_no_stray_pm
}

_lab_test_cleanup() {
        lab_down
        rm -rf "$work"
}

fail() {
        echo "FAIL: $*" >&2
        exit 1
}

# assert_ge NAME VALUE MIN — numeric (float) comparison, printed either way.
assert_ge() {
        if python3 -c "import sys; sys.exit(0 if float('$2') >= float('$3') else 1)"; then
                echo "ok: $1 = $2 (>= $3)"
        else
                fail "$1 = $2, expected >= $3"
        fi
}

assert_le() {
        if python3 -c "import sys; sys.exit(0 if float('$2') <= float('$3') else 1)"; then
                echo "ok: $1 = $2 (<= $3)"
        else
                fail "$1 = $2, expected <= $3"
        fi
}

assert_eq() {
        if [ "$2" = "$3" ]; then
                echo "ok: $1 = $2"
        else
                fail "$1 = $2, expected $3"
        fi
}

# The client namespace must have no other mptcp_pm event subscriber (a stray daemon distorts
# everything): netlink protocol 16 (generic) sockets with a group bitmap other than 0.
assert_no_stray_pm() {
        local n
        n=$(lab_client awk 'NR > 1 && $2 == 16 && $4 != "00000000"' /proc/net/netlink | wc -l)
        [ "$n" -eq 0 ] || fail "$n generic netlink multicast subscriber(s) already in the client namespace"
}

# The shipped profiles and the lab's configuration (its veths typed as Wi-Fi and cellular).
LAB_PROFILES_DIR=$(readlink -f "$_it_dir/../../policies")

# use_backend userspace|kernel DIR — run the shipped profiles with that path manager: for
# "kernel", copies of them with `path-manager: kernel` are written to DIR and used instead.
use_backend() {
        case $1 in
        userspace) ;;
        kernel)
                mkdir -p "$2"
                for f in "$_it_dir"/../../policies/*.yaml; do
                        sed 's/^path-manager: .*/path-manager: kernel/' "$f" >"$2/$(basename "$f")"
                done
                LAB_PROFILES_DIR=$(readlink -f "$2")
                ;;
        *) fail "unknown backend $1" ;;
        esac
        BACKEND=$1
        echo "backend: $1"
}
LAB_CONFIG_TEMPLATE=$(readlink -f "$_it_dir/lab-config.yaml")

# daemon_config PROFILE FILE — writes a lab configuration selecting PROFILE to FILE.
daemon_config() {
        sed "s/^default-profile: .*/default-profile: $1/" "$LAB_CONFIG_TEMPLATE" >"$2"
}

# daemon_start LOGFILE [ARGS...] — starts mptcp-policyd in the client namespace (the server's with
# DAEMON_SIDE=server) with the shipped
# profiles and returns once it said READY=1; exports DAEMON_PID (also tracked for lab_down).
# Without --config in ARGS it runs the lab configuration as is (profile aggregate); without
# --bpf-pin-dir in ARGS it runs with --no-bpf.
daemon_start() {
        local log=$1; shift
        local config=() extra=()
        [[ " $* " == *" --config"* ]] || config=(--config "$LAB_CONFIG_TEMPLATE")
        # The persisted profile choice stays in the lab, never in the machine's /var/lib.
        [[ " $* " == *" --state-dir"* ]] || extra+=(--state-dir "$LAB_STATE_DIR/daemon-state")
        # Only a test's private bus, never the machine's system bus: no bus unless one is set.
        [ -n "${DBUS_SYSTEM_BUS_ADDRESS:-}" ] || extra+=(--no-bus)
        # BPF only where a test asks for it (--bpf-pin-dir on its own bpffs, and bpf.cgroup in its
        # config): never the machine's /sys/fs/bpf and root cgroup.
        [[ " $* " == *" --bpf-pin-dir"* ]] || extra+=(--no-bpf)
        DAEMON_PID=$("lab_${DAEMON_SIDE:-client}" python3 "$_it_dir/run-notify.py" --timeout 10 -- \
                "$MPTCP_POLICYD" "${config[@]}" --profiles "$LAB_PROFILES_DIR" "${extra[@]}" "$@" 2>>"$log") ||
                { cat "$log" >&2; fail "daemon did not start"; }
        lab_track_pid "$DAEMON_PID"
        export DAEMON_PID
}

# daemon_stop LOGFILE — SIGTERM, wait for the exit, and check the daemon said it stopped cleanly
# (it is a child of run-notify.py, not of this shell, so its exit status cannot be collected).
daemon_stop() {
        kill -TERM "$DAEMON_PID"
        lab_wait_exit "$DAEMON_PID" 5 || fail "daemon did not stop within 5 s of SIGTERM"
        grep -qE '(^|: )Stopped\.$' "$1" ||
                fail "daemon did not log a clean stop"
}

# calc EXPR — floating-point arithmetic (bc is not on a minimal system; awk is).
calc() {
        awk "BEGIN { print $1 }"
}

# json FILE EXPR — jq -r on a JSON report.
json() {
        jq -r "$2" "$1"
}

# sample_links_start FILE — samples the client's wifi and lte byte counters every 0.5 s in the
# background ("seconds-since-start wifi-bytes lte-bytes" lines); sample_links_stop ends it.
sample_links_start() {
        local out=$1
        (
                t0=$(date +%s.%N)
                while :; do
                        echo "$(calc "$(date +%s.%N) - $t0") $(lab_link_bytes client wifi) $(lab_link_bytes client lte)"
                        sleep 0.5
                done
        ) >"$out" &
        SAMPLER_PID=$!
        lab_track_pid "$SAMPLER_PID"
}

sample_links_stop() {
        kill "$SAMPLER_PID" 2>/dev/null || true
}

# sample_rates SAMPLES RATES — per-window Mbit/s: "window-end-seconds wifi lte" lines.
sample_rates() {
        awk 'NR > 1 { printf "%.1f %.2f %.2f\n", $1, ($2 - pw) * 8 / ($1 - pt) / 1e6, ($3 - pl) * 8 / ($1 - pt) / 1e6 }
             { pt = $1; pw = $2; pl = $3 }' "$1" >"$2"
}

# rate_between RATES COLUMN A B — mean Mbit/s of COLUMN (2 wifi, 3 lte) over windows ending in (A, B].
rate_between() {
        awk -v c="$2" -v a="$3" -v b="$4" '$1 > a && $1 <= b { s += $c; n++ } END { printf "%.2f", n ? s / n : -1 }' "$1"
}

# assert_clean_log LOG [NAME] — the daemon logged no warning, error or critical line.
assert_clean_log() {
        if grep -qE '^(warning|error|critical): ' "$1"; then
                grep -E '^(warning|error|critical): ' "$1" | head -5 >&2
                fail "${2:-daemon}: the daemon logged warnings or errors"
        fi
        echo "ok: ${2:-daemon}: no warning or error in the log"
}
