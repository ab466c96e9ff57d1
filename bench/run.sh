#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh — the path-manager benchmark: in-kernel PM, mptcpd 0.12 + a minimal plugin and mptcp-policyd, side by side in one lab.
#
# usage: bench/run.sh            (as root; about 6 minutes with the defaults: 4 for the rounds,
#                                 1.5 to 4 for the rate sweep)
#        ROUNDS=0 bench/run.sh   (the rate sweep only)
#
# Installs what it needs (Debian packages, idempotent), builds the project (meson, BUILD dir
# below) and bench's own two programs (mpbench, the mptcpd plugin benchsf), and runs ROUNDS
# rounds; each round measures the three path managers one after the other (the order rotates
# per round), each in a fresh two-link lab (tests/lab/lab.sh, namespaces prefixed "bench"):
#   kernel   in-kernel PM, "ip mptcp endpoint add LTE_ADDR dev lte subflow"
#   mptcpd   mptcpd 0.12 (net.mptcp.pm_type=1) with bench/mptcpd-subflow-plugin.c only
#   policyd  mptcp-policyd --config tests/integration/lab-config.yaml (profile aggregate)
# Each gives the client's connections to the server's Wi-Fi address one extra subflow over LTE.
# Per PM and round: LAT_COUNT sequential connections (mpbench latency), bursts of each size in
# BURSTS (mpbench burst, the PM's CPU and RSS read from /proc), and a BULK_S-second upload
# over both links (mptcp-traffic bulk). Then the rate sweep, once per PM in a fresh lab with
# RATE_LINK links (the 10 Mbit/s LTE link carries only ~4,800 joins per second): mpbench rate
# opens connections at each rate of RATES in turn (open loop, RATE_DURATION seconds, each held
# RATE_HOLD_MS and then checked for its extra subflow), and a PM's sweep stops at the first rate
# that is not clean (a connection without its subflow, one not connected, a generator that fell
# behind, or a PM that stopped serving). Raw results go to OUT/results.jsonl, logs to OUT/, and
# the markdown tables (bench/summarize.py) to stdout and OUT/table.md.
#
# Settings (environment): ROUNDS (5), LAT_COUNT (200), BURSTS ("1000 2000"), BURST_BYTES (100),
# BULK_S (8), RATES ("2000 3000 4000 5000 6000 7000 8000 10000 12000 14000 16000"; "" skips the
# sweep), RATE_DURATION (4), RATE_HOLD_MS (500), RATE_THREADS (2), RATE_BYTES (100),
# RATE_LINK (1gbit), BUILD (REPO/build-bench), OUT (a new /tmp/mptcp-bench.XXXXXX), LAB_NET (lab.sh).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")

ROUNDS=${ROUNDS:-5}
LAT_COUNT=${LAT_COUNT:-200}
BURSTS=${BURSTS:-"1000 2000"}
BURST_BYTES=${BURST_BYTES:-100}
BULK_S=${BULK_S:-8}
RATES=${RATES-"2000 3000 4000 5000 6000 7000 8000 10000 12000 14000 16000"}
RATE_DURATION=${RATE_DURATION:-4}
RATE_HOLD_MS=${RATE_HOLD_MS:-500}
RATE_THREADS=${RATE_THREADS:-2}
RATE_BYTES=${RATE_BYTES:-100}
RATE_LINK=${RATE_LINK:-1gbit}
BUILD=${BUILD:-$repo/build-bench}

# Debian packages the benchmark needs beyond the project's own (scripts/setup.sh).
BENCH_PACKAGES=(mptcpd mptcpd-plugins libmptcpd3-dev mptcpize gcc libc6-dev linux-libc-dev
        iproute2 procps python3 jq)

log() {
        echo "bench: $*" >&2
}

die() {
        echo "bench: error: $*" >&2
        exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces, sysctls in them, apt-get)"

# --- packages, build ----------------------------------------------------------------------
"$repo/scripts/setup.sh" >&2
missing=()
for p in "${BENCH_PACKAGES[@]}"; do
        st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
MPTCPD=/usr/libexec/mptcpd
[ -x "$MPTCPD" ] || die "$MPTCPD not found (package mptcpd)"

if [ ! -f "$BUILD/build.ninja" ]; then
        meson setup "$BUILD" "$repo" >&2
fi
ninja -C "$BUILD" >&2
POLICYD=$BUILD/daemon/mptcp-policyd
TRAFFIC=$BUILD/tests/tools/mptcp-traffic
[ -x "$POLICYD" ] && [ -x "$TRAFFIC" ] || die "build did not produce $POLICYD and $TRAFFIC"

OUT=${OUT:-$(mktemp -d /tmp/mptcp-bench.XXXXXX)}
mkdir -p "$OUT"
# mptcpd refuses a world-writable plugin directory or plugin file.
plugdir=$OUT/plugins
mkdir -p "$plugdir"
chmod 0755 "$OUT" "$plugdir"
cc -std=gnu11 -O2 -Wall -Wextra -shared -fPIC -o "$plugdir/benchsf.so" \
        "$here/mptcpd-subflow-plugin.c" -lmptcpd
cc -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -pthread -o "$OUT/mpbench" "$here/mpbench.c"
MPBENCH=$OUT/mpbench
RESULTS=$OUT/results.jsonl
: >"$RESULTS"

# --- lab ----------------------------------------------------------------------------------
export LAB_PREFIX=bench
LAB_TRAFFIC=$TRAFFIC
source "$repo/tests/lab/lab.sh"
trap lab_down EXIT

# A fresh lab for every PM measurement, so that each starts from the same state: ~3,200
# connections leave as many TIME_WAIT sockets and reused ports behind. (With one lab for the
# whole run, some in-kernel bursts of 2000 took one SYN retransmission timeout, ~1 s, longer;
# with a fresh lab that did not recur.)
lab_fresh() {
        lab_up
        lab_start_server
        lab_client sysctl -qw net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1
        [ -s "$OUT/lab.txt" ] ||
                echo "lab: wifi $LAB_WIFI_RATE, lte $LAB_LTE_RATE, congestion control $LAB_CC" >"$OUT/lab.txt"
}

# Generic-netlink multicast subscribers in the client namespace (a stray PM distorts everything).
subscribers() {
        lab_client awk 'NR > 1 && $2 == 16 && $4 != "00000000"' /proc/net/netlink | wc -l
}

# The kernel's count of messages dropped on those sockets (a full receive buffer: ENOBUFS).
subscriber_drops() {
        lab_client awk 'NR > 1 && $2 == 16 && $4 != "00000000" { s += $9 } END { print s + 0 }' /proc/net/netlink
}

# Packets the lab's qdiscs dropped (TBF over its rate), both namespaces, all links.
link_drops() {
        { lab_client tc -s qdisc show; lab_server tc -s qdisc show; } |
                awk '{ for (i = 1; i < NF; i++) if ($i == "(dropped") { sub(/,/, "", $(i + 1)); s += $(i + 1) } }
                     END { print s + 0 }'
}

# Sum of TcpExt counters (/proc/net/netstat) in a namespace: tcp_ext client|server NAME...
tcp_ext() {
        local ns=$1
        shift
        "lab_$ns" awk -v names="$*" '
                BEGIN { split(names, w, " "); for (i in w) want[w[i]] = 1 }
                $1 == "TcpExt:" && !hdr { for (i = 2; i <= NF; i++) col[i] = $i; hdr = 1; next }
                $1 == "TcpExt:" { for (i = 2; i <= NF; i++) if (col[i] in want) s += $i }
                END { print s + 0 }' /proc/net/netstat
}

assert_clean() {
        local n pm
        n=$(subscribers)
        [ "$n" -eq 0 ] || die "$n generic netlink subscriber(s) in the client namespace before $1"
        pm=$(lab_client cat /proc/sys/net/mptcp/path_manager)
        [ "$pm" = kernel ] || die "client namespace path manager is '$pm' before $1"
        [ -z "$(lab_client ip mptcp endpoint show)" ] || die "endpoints left before $1"
}

# Cumulative CPU (µs) of a process from /proc/PID/stat: "utime stime".
proc_cpu_us() {
        awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.0f %.0f\n", $12 * 1000000 / hz, $13 * 1000000 / hz }' \
                "/proc/$1/stat"
}

proc_rss_kb() {
        awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

PM_PID=
PM_LOG=

pm_start() {
        local pm=$1 round=$2 i
        PM_PID=
        PM_LOG=$OUT/$pm-round$round.log
        case $pm in
        kernel)
                lab_client ip mptcp endpoint add "$LAB_CLIENT_LTE_ADDR" dev lte subflow
                ;;
        mptcpd)
                lab_client sysctl -qw net.mptcp.pm_type=1
                BENCH_SUBFLOW_ADDR=$LAB_CLIENT_LTE_ADDR lab_spawn --log "$PM_LOG" client \
                        "$MPTCPD" --plugin-dir="$plugdir" --path-manager=benchsf \
                        --load-plugins=benchsf --log=stderr
                PM_PID=$LAB_SPAWN_PID
                # mptcpd has no readiness notification: its event subscription is the sign.
                for i in $(seq 100); do
                        [ "$(subscribers)" -ge 1 ] && break
                        kill -0 "$PM_PID" 2>/dev/null || break
                        sleep 0.05
                done
                ;;
        policyd)
                PM_PID=$(lab_client python3 "$repo/tests/integration/run-notify.py" --timeout 10 -- \
                        "$POLICYD" --config "$repo/tests/integration/lab-config.yaml" \
                        --profiles "$repo/policies" --no-bus --no-bpf --state-dir "$OUT/policyd-state" 2>>"$PM_LOG") ||
                        { cat "$PM_LOG" >&2; die "mptcp-policyd did not start"; }
                lab_track_pid "$PM_PID"
                ;;
        esac
        if [ -n "$PM_PID" ]; then
                kill -0 "$PM_PID" 2>/dev/null || { cat "$PM_LOG" >&2; die "$pm exited at start"; }
                [ "$(subscribers)" -eq 1 ] || die "expected exactly 1 event subscriber with $pm, found $(subscribers)"
        else
                [ "$(subscribers)" -eq 0 ] || die "event subscriber present with the in-kernel PM"
        fi
        # Ready when a probe connection gets its extra subflow (bounded).
        PROBES=0
        for i in $(seq 50); do
                PROBES=$((PROBES + 1))
                if lab_client "$MPBENCH" latency --to "$LAB_SERVER_TARGET" --count 1 --timeout-ms 500 |
                        jq -e '.ok == 1' >/dev/null; then
                        return 0
                fi
        done
        die "$pm: no probe connection got its extra subflow"
}

pm_stop() {
        local pm=$1
        case $pm in
        kernel)
                lab_client ip mptcp endpoint flush
                ;;
        mptcpd | policyd)
                kill -TERM "$PM_PID"
                lab_wait_exit "$PM_PID" 5 || die "$pm ($PM_PID) did not stop within 5 s of SIGTERM"
                if [ "$pm" = mptcpd ]; then
                        lab_client sysctl -qw net.mptcp.pm_type=0
                        # It may leave in-kernel state behind; none is expected from benchsf.
                        lab_client ip mptcp endpoint flush
                fi
                ;;
        esac
        PM_PID=
}

emit() { # emit PM ROUND KIND [JQ-EXPR] < JSON
        jq -c --arg pm "$1" --argjson round "$2" --arg kind "$3" \
                ". + {pm: \$pm, round: \$round, kind: \$kind} ${4:++ $4}" >>"$RESULTS"
}

# Is the PM still serving? A probe connection gets its extra subflow (3 tries, 300 ms each).
pm_alive() {
        local i
        for i in 1 2 3; do
                SESSION_CONNS=$((SESSION_CONNS + 1))
                if lab_client "$MPBENCH" latency --to "$LAB_SERVER_TARGET" --count 1 --timeout-ms 300 |
                        jq -e '.ok == 1' >/dev/null; then
                        return 0
                fi
        done
        return 1
}

SESSION_CONNS=0
SESSION_CPU0=
SESSION_RSS0=

# A PM session: start, measurements, stop; for a PM process its whole-session CPU (/proc stat).
session_begin() {
        pm_start "$1" "$2"
        SESSION_CONNS=$PROBES
        if [ -n "$PM_PID" ]; then
                SESSION_CPU0=$(proc_cpu_us "$PM_PID")
                SESSION_RSS0=$(proc_rss_kb "$PM_PID")
        fi
}

session_end() { # session_end PM ROUND DEAF(true|false) [KIND (session)]
        local pm=$1 round=$2 deaf=$3 kind=${4:-session} cpu1 events=null overflows=null resyncs=null stats ev conns u0 s0 u1 s1
        if [ -z "$PM_PID" ]; then
                pm_stop "$pm"
                return 0
        fi
        cpu1=$(proc_cpu_us "$PM_PID")
        pm_stop "$pm"
        if [ "$pm" = policyd ]; then
                # At exit: "Events: N handled, I invalid, O overflows; connections: M ...; R resync(s)."
                stats=$(grep 'Events: ' "$PM_LOG" | tail -1)
                ev=$(grep -o 'Events: [0-9]*' <<<"$stats" | grep -o '[0-9]*$' || true)
                conns=$(grep -o 'connections: [0-9]*' <<<"$stats" | grep -o '[0-9]*$' || true)
                overflows=$(grep -o '[0-9]* overflows' <<<"$stats" | grep -o '^[0-9]*' || echo null)
                resyncs=$(grep -o '[0-9]* resync' <<<"$stats" | grep -o '^[0-9]*' || echo null)
                if [ -n "$ev" ] && [ -n "$conns" ] && [ "$conns" -gt 0 ]; then
                        events=$(awk -v e="$ev" -v c="$conns" 'BEGIN { printf "%.3f", e / c }')
                fi
        fi
        read -r u0 s0 <<<"$SESSION_CPU0"
        read -r u1 s1 <<<"$cpu1"
        jq -nc --argjson conns "$SESSION_CONNS" --argjson user $((u1 - u0)) --argjson sys $((s1 - s0)) \
                --argjson rss "$SESSION_RSS0" --argjson epc "$events" --argjson deaf "$deaf" \
                --argjson overflows "$overflows" --argjson resyncs "$resyncs" \
                '{connections: $conns, cpu_us: ($user + $sys), cpu_us_per_conn: (($user + $sys) / $conns),
                  user_us_per_conn: ($user / $conns), sys_us_per_conn: ($sys / $conns), rss_kb_start: $rss,
                  events_per_conn: $epc, stopped_serving: $deaf, overflows: $overflows, resyncs: $resyncs}' |
                emit "$pm" "$round" "$kind"
}

measure() {
        local pm=$1 round=$2 n pid_arg alive drops0 drops1 ld0 ld1 syn0 syn1
        log "round $round: $pm"
        lab_fresh
        assert_clean "$pm"
        session_begin "$pm" "$round"

        lab_client "$MPBENCH" latency --to "$LAB_SERVER_TARGET" --count "$LAT_COUNT" |
                emit "$pm" "$round" latency
        SESSION_CONNS=$((SESSION_CONNS + LAT_COUNT))

        for n in $BURSTS; do
                pid_arg=()
                [ -n "$PM_PID" ] && pid_arg=(--pm-pid "$PM_PID")
                drops0=$(subscriber_drops)
                ld0=$(link_drops)
                syn0=$(tcp_ext client TCPSynRetrans)
                lab_client "$MPBENCH" burst --to "$LAB_SERVER_TARGET" --count "$n" \
                        --bytes "$BURST_BYTES" "${pid_arg[@]}" >"$OUT/burst.json"
                drops1=$(subscriber_drops)
                ld1=$(link_drops)
                syn1=$(tcp_ext client TCPSynRetrans)
                SESSION_CONNS=$((SESSION_CONNS + n))
                alive=true
                pm_alive || alive=false
                emit "$pm" "$round" burst "{serving_after: $alive, netlink_drops: $((drops1 - drops0)),
                        link_drops: $((ld1 - ld0)), syn_retrans: $((syn1 - syn0))}" <"$OUT/burst.json"
                if [ "$alive" = false ]; then
                        # Measured as it is, then restarted so the next measurement means something.
                        log "round $round: $pm stopped serving connections after a burst of $n; restarting it"
                        session_end "$pm" "$round" true
                        assert_clean "$pm (restart)"
                        session_begin "$pm" "$round"
                fi
        done

        lab_client "$TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$BULK_S" \
                --links wifi,lte --json | emit "$pm" "$round" bulk
        SESSION_CONNS=$((SESSION_CONNS + 1))

        session_end "$pm" "$round" false
        lab_down
}

# The rate sweep of one PM: one lab with RATE_LINK links and one PM process for all rates, up
# to the first rate that is not clean.
sweep() {
        local pm=$1 r pid_arg alive clean drops0 drops1 ld0 ld1 syn0 syn1 lo0 lo1 deaf=false
        log "rate sweep: $pm"
        LAB_WIFI_RATE=$RATE_LINK
        LAB_LTE_RATE=$RATE_LINK
        lab_fresh
        assert_clean "$pm (sweep)"
        session_begin "$pm" 0
        for r in $RATES; do
                pid_arg=()
                [ -n "$PM_PID" ] && pid_arg=(--pm-pid "$PM_PID")
                drops0=$(subscriber_drops)
                ld0=$(link_drops)
                syn0=$(tcp_ext client TCPSynRetrans)
                lo0=$(tcp_ext server ListenOverflows ListenDrops)
                lab_client "$MPBENCH" rate --to "$LAB_SERVER_TARGET" --rate "$r" \
                        --duration "$RATE_DURATION" --hold-ms "$RATE_HOLD_MS" --threads "$RATE_THREADS" \
                        --bytes "$RATE_BYTES" --server-pid "$LAB_SERVER_PID" "${pid_arg[@]}" >"$OUT/rate.json"
                drops1=$(subscriber_drops)
                ld1=$(link_drops)
                syn1=$(tcp_ext client TCPSynRetrans)
                lo1=$(tcp_ext server ListenOverflows ListenDrops)
                SESSION_CONNS=$((SESSION_CONNS + $(jq .opened "$OUT/rate.json")))
                alive=true
                pm_alive || alive=false
                emit "$pm" 0 rate "{serving_after: $alive, netlink_drops: $((drops1 - drops0)),
                        link_drops: $((ld1 - ld0)), syn_retrans: $((syn1 - syn0)),
                        listen_drops: $((lo1 - lo0))}" <"$OUT/rate.json"
                tail -1 "$RESULTS" | jq -r '"bench: \(.pm) \(.target_rate)/s: \(.achieved_rate|round)/s opened, \(.served) served, \(.missed) missed, \(.unconnected + .failed) not connected, machine busy \(.machine_cpu.busy * 100 | round)%, PM \(if .pm_process then "\(.pm_process.busy * 100 | round)%" else "-" end)"' >&2
                clean=$(tail -1 "$RESULTS" | jq '.missed == 0 and .unconnected == 0 and .failed == 0 and
                        .fallback == 0 and .kept_up and .serving_after')
                if [ "$alive" = false ]; then
                        deaf=true
                        log "rate sweep: $pm stopped serving connections after $r/s"
                fi
                [ "$clean" = true ] || break
        done
        session_end "$pm" 0 "$deaf" sweep-session
        lab_down
}

# --- run ----------------------------------------------------------------------------------
started=$(date +%s)
{
        echo "machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r)"
        echo "mptcpd: $("$MPTCPD" --version 2>&1 | head -1)"
        echo "project: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
        echo "settings: ROUNDS=$ROUNDS LAT_COUNT=$LAT_COUNT BURSTS=\"$BURSTS\" BURST_BYTES=$BURST_BYTES BULK_S=$BULK_S"
        echo "sweep: RATES=\"$RATES\" RATE_DURATION=$RATE_DURATION RATE_HOLD_MS=$RATE_HOLD_MS RATE_THREADS=$RATE_THREADS RATE_BYTES=$RATE_BYTES RATE_LINK=$RATE_LINK"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

pms=(kernel mptcpd policyd)
for round in $(seq "$ROUNDS"); do
        for k in 0 1 2; do
                measure "${pms[$(((round - 1 + k) % 3))]}" "$round"
        done
done
if [ -n "$RATES" ]; then
        echo "load average at the start of the rate sweep: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
        sweep_started=$(date +%s)
        for pm in "${pms[@]}"; do
                sweep "$pm"
        done
        echo "rate sweep: lab links $RATE_LINK both ways; wall time $(($(date +%s) - sweep_started)) s" \
                >>"$OUT/machine.txt"
fi

cat "$OUT/lab.txt" >>"$OUT/machine.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); wall time $(($(date +%s) - started)) s" \
        >>"$OUT/machine.txt"
python3 "$here/summarize.py" "$RESULTS" >"$OUT/table.md"
echo
cat "$OUT/machine.txt"
echo
cat "$OUT/table.md"
echo
echo "raw results and logs: $OUT"
