#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab.sh — the two-link MPTCP lab: a client and a server network namespace joined by "wifi" and "lte".
#
# USAGE
#
# As a library (tests, demo, benchmarks):
#
#     source tests/lab/lab.sh
#     trap lab_down EXIT                 # cleanup on every exit path
#     LAB_TRAFFIC=build/tests/tools/mptcp-traffic
#     lab_up                             # creates everything, exports LAB_* (below)
#     lab_start_server [PORT]            # mptcp-traffic server in the server ns (default 5201)
#     lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 5 --links wifi,lte --json
#     lab_client ip mptcp endpoint add "$LAB_CLIENT_LTE_ADDR" dev lte subflow
#     lab_link_bytes client lte          # tx+rx bytes of that interface
#     lab_down                           # idempotent; also what the trap runs
#
#   Functions (all return non-zero on failure, print errors to stderr, are safe under set -eu):
#     lab_up                    build the lab; on failure removes what it built and returns 1
#     lab_down [STATE_DIR]      stop recorded processes, delete recorded namespaces, remove the
#                               state dir; does nothing when there is no lab
#     lab_client CMD...         run CMD in the client ns (ip netns exec: /sys is the ns's own)
#     lab_server CMD...         run CMD in the server ns
#     lab_link_bytes NS IF      print tx_bytes+rx_bytes of IF; NS is client, server or a ns name
#     lab_start_server [PORT]   start "$LAB_TRAFFIC server --listen 0.0.0.0:PORT" in the server
#                               ns, wait for its ready FIFO (no sleep), record its PID; exports
#                               LAB_SERVER_PORT, LAB_SERVER_TARGET (wifi addr:port), LAB_SERVER_PID
#     lab_spawn [--log FILE] NS CMD...
#                               start CMD in the background in NS (client|server), record its
#                               PID for lab_down, set LAB_SPAWN_PID; output to FILE (default
#                               $LAB_STATE_DIR/spawn.log). Prefer it to "lab_client CMD &",
#                               whose $! is a subshell, not CMD.
#     lab_wait_exit PID SECS    wait (pidfd, no polling) until PID has exited; 1 on timeout
#     lab_track_pid PID         have lab_down stop a process you started (SIGTERM, then SIGKILL
#                               after 5 s); recorded with its start time, so a reused PID is
#                               never killed. Its descendants inside the lab namespaces are
#                               stopped too (so "lab_client CMD & lab_track_pid $!" works)
#     lab_env                   print the lab's variables as "export NAME=value" lines
#
# As a command (a lab that outlives the command; state in LAB_STATE_DIR):
#
#     eval "$(tests/lab/lab.sh up)"      # prints export lines, including LAB_STATE_DIR
#     LAB_TRAFFIC=build/tests/tools/mptcp-traffic tests/lab/lab.sh start-server [PORT]
#     tests/lab/lab.sh exec-client ip mptcp endpoint show
#     tests/lab/lab.sh exec-server ss -M
#     tests/lab/lab.sh link-bytes client wifi
#     tests/lab/lab.sh env [STATE_DIR]
#     tests/lab/lab.sh down [STATE_DIR]
#   Commands other than "up" find the lab through LAB_STATE_DIR or "--state DIR" before the verb.
#
# SETTINGS (environment, read by lab_up)
#     LAB_PREFIX     namespace name prefix (default mpl); names are PREFIX-PID-RAND-cli/-srv
#     LAB_NET        X of the 10.X.1.0/24 (wifi) and 10.X.2.0/24 (lte) subnets (default 71)
#     LAB_WIFI_RATE  TBF rate on both ends of wifi (default 40mbit)
#     LAB_LTE_RATE   TBF rate on both ends of lte (default 10mbit)
#     LAB_CC         default TCP congestion control inside both namespaces (default reno; "kernel"
#                    keeps what the namespace inherits, bbr here). Measured on this lab: with bbr,
#                    two-subflow upload goodput swung between 27 and 43 Mbit/s (seconds at 17);
#                    with reno 43-46 of 50. A child netns may only pick reno or bbr (cubic: EPERM).
#     LAB_TRAFFIC    path of mptcp-traffic (for lab_start_server)
#
# EXPORTED BY lab_up
#     LAB_STATE_DIR, LAB_CLIENT_NS, LAB_SERVER_NS, LAB_NET, LAB_CLIENT_WIFI_ADDR (10.X.1.1),
#     LAB_CLIENT_LTE_ADDR (10.X.2.1), LAB_SERVER_WIFI_ADDR (10.X.1.2), LAB_SERVER_LTE_ADDR
#     (10.X.2.2), LAB_WIFI_RATE, LAB_LTE_RATE, LAB_WIFI_MBIT, LAB_LTE_MBIT (the rates as Mbit/s
#     numbers), LAB_WIFI_TABLE (101), LAB_LTE_TABLE (102), LAB_IFACES ("wifi lte"), LAB_CC.
#
# THE LAB
#     client ns                                      server ns
#       wifi 10.X.1.1/24  <== veth, TBF both ends ==>  wifi 10.X.1.2/24
#       lte  10.X.2.1/24  <== veth, TBF both ends ==>  lte  10.X.2.2/24
#     Client: default via wifi (metric 100) and via lte (metric 200); rules "from 10.X.1.1 table
#     101" and "from 10.X.2.1 table 102", each table a default route over its own link, so a
#     subflow from the LTE address to the server's wifi address really crosses lte. Server: loose
#     rp_filter, 10.X.2.0/24 leaves by lte. Both: IPv6 off, lo up, net.mptcp.enabled=1, LAB_CC,
#     "ip mptcp limits set subflows 8 add_addr_accepted 8", no endpoints, in-kernel PM.
#     Qdisc: tbf rate R burst 32kb latency 20ms (netem does not exist on this kernel).
#     Nothing outside the two namespaces is touched (no root-namespace links, routes, sysctls).

_lab_err() {
        echo "lab: $*" >&2
}

# Runs a command; on failure says which one.
_lab_do() {
        local rc=0
        "$@" || rc=$?
        if [[ $rc -ne 0 ]]; then
                _lab_err "failed ($rc): $*"
                return 1
        fi
}

_lab_rate_mbit() {
        local rate=$1
        if [[ ! $rate =~ ^([0-9]+(\.[0-9]+)?)(bit|kbit|mbit|gbit)$ ]]; then
                _lab_err "invalid rate '$rate' (expected e.g. 40mbit, 500kbit, 1gbit)"
                return 1
        fi
        awk -v v="${BASH_REMATCH[1]}" -v u="${BASH_REMATCH[3]}" 'BEGIN {
                f = (u == "bit") ? 1e-6 : (u == "kbit") ? 1e-3 : (u == "mbit") ? 1 : 1000
                printf "%g\n", v * f
        }'
}

_lab_vars=(LAB_STATE_DIR LAB_PREFIX LAB_CLIENT_NS LAB_SERVER_NS LAB_NET LAB_CLIENT_WIFI_ADDR
        LAB_CLIENT_LTE_ADDR LAB_SERVER_WIFI_ADDR LAB_SERVER_LTE_ADDR LAB_WIFI_RATE LAB_LTE_RATE
        LAB_WIFI_MBIT LAB_LTE_MBIT LAB_WIFI_TABLE LAB_LTE_TABLE LAB_IFACES LAB_CC LAB_SERVER_PORT
        LAB_SERVER_TARGET LAB_SERVER_PID)

lab_env() {
        local v
        for v in "${_lab_vars[@]}"; do
                [[ -n ${!v:-} ]] && printf 'export %s=%q\n' "$v" "${!v}"
        done
        return 0
}

_lab_save_env() {
        lab_env >"$LAB_STATE_DIR/env"
}

_lab_ns() {
        case $1 in
        client) echo "$LAB_CLIENT_NS" ;;
        server) echo "$LAB_SERVER_NS" ;;
        *) echo "$1" ;;
        esac
}

# Start time of a process (field 22 of /proc/PID/stat), to tell a reused PID apart.
_lab_proc_start() {
        local line rest
        local -a f
        read -r line 2>/dev/null <"/proc/$1/stat" || return 1
        rest=${line##*) }
        read -r -a f <<<"$rest"
        echo "${f[19]}"
}

_lab_proc_state() {
        local line rest
        read -r line 2>/dev/null <"/proc/$1/stat" || return 1
        rest=${line##*) }
        echo "${rest%% *}"
}

lab_track_pid() {
        local pid=$1 start
        if [[ -z ${LAB_STATE_DIR:-} || ! -d $LAB_STATE_DIR ]]; then
                _lab_err "lab_track_pid: no lab is up"
                return 1
        fi
        start=$(_lab_proc_start "$pid") || { _lab_err "lab_track_pid: no process $pid"; return 1; }
        echo "$pid $start" >>"$LAB_STATE_DIR/pids"
}

# Starts CMD in the background in a lab namespace, records its PID for lab_down and sets
# LAB_SPAWN_PID. stdin is /dev/null; stdout and stderr go to FILE (default: spawn.log in the state
# dir). "lab_client CMD &" would give the PID of a subshell instead; use this.
lab_spawn() {
        local log ns
        if [[ -z ${LAB_STATE_DIR:-} || ! -d $LAB_STATE_DIR ]]; then
                _lab_err "lab_spawn: no lab is up"
                return 1
        fi
        log=$LAB_STATE_DIR/spawn.log
        if [[ ${1:-} == --log ]]; then
                log=${2:?lab_spawn: --log needs a file}
                shift 2
        fi
        if [[ $# -lt 2 ]]; then
                _lab_err "usage: lab_spawn [--log FILE] client|server CMD..."
                return 1
        fi
        ns=$(_lab_ns "$1")
        shift
        ip netns exec "$ns" "$@" </dev/null >>"$log" 2>&1 &
        LAB_SPAWN_PID=$!
        lab_track_pid "$LAB_SPAWN_PID" || return 1
}

# Waits (event-driven, via a pidfd) until a process has exited, at most $2 seconds.
lab_wait_exit() {
        local pid=$1 secs=$2
        if command -v python3 >/dev/null 2>&1; then
                python3 - "$pid" "$secs" <<'EOF' 2>/dev/null && return 0
import os, select, sys
try:
    fd = os.pidfd_open(int(sys.argv[1]))
except ProcessLookupError:
    sys.exit(0)
r, _, _ = select.select([fd], [], [], float(sys.argv[2]))
sys.exit(0 if r else 1)
EOF
                return 1
        fi
        timeout "$secs" tail --pid="$pid" -f /dev/null 2>/dev/null
}

_lab_stop_pid() {
        local pid=$1 start=$2 now state
        now=$(_lab_proc_start "$pid") || return 0
        [[ $now == "$start" ]] || return 0
        state=$(_lab_proc_state "$pid") || return 0
        if [[ $state != Z ]]; then
                kill -TERM "$pid" 2>/dev/null || true
                if ! lab_wait_exit "$pid" 5; then
                        _lab_err "process $pid ignored SIGTERM, killing it"
                        kill -KILL "$pid" 2>/dev/null || true
                        lab_wait_exit "$pid" 5 || true
                fi
        fi
        # Reap it when it is a child of this shell (not an error otherwise).
        wait "$pid" 2>/dev/null || true
}

# Descendants of a process that live in one of the given network namespaces (by inode): the
# command behind "lab_client CMD &", whose $! is a subshell, is found this way.
_lab_ns_descendants() {
        local pid=$1 t c inode i
        shift
        for t in /proc/"$pid"/task/*/children; do
                [[ -r $t ]] || continue
                for c in $(<"$t"); do
                        inode=$(stat -L -c %i "/proc/$c/ns/net" 2>/dev/null) || continue
                        for i in "$@"; do
                                if [[ $inode == "$i" ]]; then
                                        echo "$c"
                                        break
                                fi
                        done
                        _lab_ns_descendants "$c" "$@"
                done
        done
}

lab_down() {
        local dir=${1:-${LAB_STATE_DIR:-}} pid start ns left v d
        local -a nss=() inodes=() desc=()
        [[ -n $dir && -d $dir ]] || return 0
        if [[ ! -f $dir/.lab-state ]]; then
                _lab_err "lab_down: $dir is not a lab state directory, leaving it alone"
                return 1
        fi
        [[ -f $dir/namespaces ]] && mapfile -t nss <"$dir/namespaces"
        for ns in "${nss[@]}"; do
                [[ -n $ns ]] && inodes+=("$(stat -L -c %i "/run/netns/$ns" 2>/dev/null || echo none)")
        done
        if [[ -f $dir/pids ]]; then
                while read -r pid start; do
                        [[ -n $pid && $(_lab_proc_start "$pid" || true) == "$start" ]] || continue
                        desc=()
                        ((${#inodes[@]} > 0)) && mapfile -t desc < <(_lab_ns_descendants "$pid" "${inodes[@]}")
                        for d in "${desc[@]}"; do
                                _lab_stop_pid "$d" "$(_lab_proc_start "$d" || echo gone)"
                        done
                        _lab_stop_pid "$pid" "$start"
                done <"$dir/pids"
        fi
        if ((${#nss[@]} > 0)); then
                for ns in "${nss[@]}"; do
                        [[ -n $ns && -e /run/netns/$ns ]] || continue
                        left=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ' || true)
                        [[ -n $left ]] && _lab_err "processes not started by the lab still in $ns: $left"
                        ip netns del "$ns" || _lab_err "could not delete namespace $ns"
                done
        fi
        rm -rf -- "$dir"
        if [[ $dir == "${LAB_STATE_DIR:-}" ]]; then
                for v in "${_lab_vars[@]}"; do
                        [[ $v == LAB_PREFIX ]] && continue
                        unset "$v"
                done
        fi
        return 0
}

_lab_sysctl() {
        local ns=$1
        shift
        _lab_do ip netns exec "$ns" sysctl -q -w "$@"
}

_lab_build() {
        local c=$LAB_CLIENT_NS s=$LAB_SERVER_NS ns dev rate

        for ns in "$c" "$s"; do
                _lab_do ip netns add "$ns" || return 1
                echo "$ns" >>"$LAB_STATE_DIR/namespaces"
                # IPv6 off before any interface exists, so none gets an address or sends ND.
                _lab_sysctl "$ns" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
                        net.mptcp.enabled=1 || return 1
                _lab_do ip -n "$ns" link set lo up || return 1
                if [[ $LAB_CC != kernel ]]; then
                        _lab_sysctl "$ns" net.ipv4.tcp_congestion_control="$LAB_CC" || return 1
                fi
        done

        _lab_do ip -n "$c" link add wifi type veth peer name wifi netns "$s" || return 1
        _lab_do ip -n "$c" link add lte type veth peer name lte netns "$s" || return 1

        _lab_do ip -n "$c" addr add "$LAB_CLIENT_WIFI_ADDR/24" dev wifi || return 1
        _lab_do ip -n "$c" addr add "$LAB_CLIENT_LTE_ADDR/24" dev lte || return 1
        _lab_do ip -n "$s" addr add "$LAB_SERVER_WIFI_ADDR/24" dev wifi || return 1
        _lab_do ip -n "$s" addr add "$LAB_SERVER_LTE_ADDR/24" dev lte || return 1

        for ns in "$c" "$s"; do
                for dev in wifi lte; do
                        rate=$LAB_WIFI_RATE
                        [[ $dev == lte ]] && rate=$LAB_LTE_RATE
                        _lab_do ip -n "$ns" link set "$dev" up || return 1
                        _lab_do tc -n "$ns" qdisc replace dev "$dev" root \
                                tbf rate "$rate" burst 32kb latency 20ms || return 1
                done
        done

        # Client: what a laptop has — a default route per link and source-address rules.
        local sw=$LAB_SERVER_WIFI_ADDR sl=$LAB_SERVER_LTE_ADDR tw=$LAB_WIFI_TABLE tl=$LAB_LTE_TABLE
        _lab_do ip -n "$c" route add default via "$sw" dev wifi metric 100 || return 1
        _lab_do ip -n "$c" route add default via "$sl" dev lte metric 200 || return 1
        _lab_do ip -n "$c" route add default via "$sw" dev wifi table "$tw" || return 1
        _lab_do ip -n "$c" route add default via "$sl" dev lte table "$tl" || return 1
        _lab_do ip -n "$c" rule add from "$LAB_CLIENT_WIFI_ADDR" table "$tw" pref 1000 || return 1
        _lab_do ip -n "$c" rule add from "$LAB_CLIENT_LTE_ADDR" table "$tl" pref 1001 || return 1

        # Server: joins arrive on lte for the wifi address; answer them over lte.
        _lab_sysctl "$s" net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2 \
                net.ipv4.conf.wifi.rp_filter=2 net.ipv4.conf.lte.rp_filter=2 \
                net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192 || return 1
        _lab_do ip -n "$s" route replace "10.$LAB_NET.2.0/24" dev lte src "$LAB_SERVER_LTE_ADDR" || return 1

        for ns in "$c" "$s"; do
                _lab_do ip -n "$ns" mptcp limits set subflows 8 add_addr_accepted 8 || return 1
        done
        return 0
}

lab_up() {
        local rand
        if [[ -n ${LAB_STATE_DIR:-} && -d $LAB_STATE_DIR ]]; then
                _lab_err "a lab is already up ($LAB_STATE_DIR); lab_down first"
                return 1
        fi
        if [[ $(id -u) -ne 0 ]]; then
                _lab_err "must run as root"
                return 1
        fi
        LAB_PREFIX=${LAB_PREFIX:-mpl}
        LAB_NET=${LAB_NET:-71}
        LAB_WIFI_RATE=${LAB_WIFI_RATE:-40mbit}
        LAB_LTE_RATE=${LAB_LTE_RATE:-10mbit}
        LAB_CC=${LAB_CC:-reno}
        if [[ ! $LAB_CC =~ ^[a-z0-9_]{1,15}$ ]]; then
                _lab_err "invalid LAB_CC '$LAB_CC'"
                return 1
        fi
        if [[ ! $LAB_PREFIX =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{0,31}$ ]]; then
                _lab_err "invalid LAB_PREFIX '$LAB_PREFIX' (letters, digits, _ and -, at most 32)"
                return 1
        fi
        if [[ ! $LAB_NET =~ ^[0-9]{1,3}$ ]] || ((LAB_NET > 255)); then
                _lab_err "invalid LAB_NET '$LAB_NET' (0..255)"
                return 1
        fi
        # shellcheck disable=SC2034 # exported below, with all of _lab_vars
        LAB_WIFI_MBIT=$(_lab_rate_mbit "$LAB_WIFI_RATE") || return 1
        # shellcheck disable=SC2034
        LAB_LTE_MBIT=$(_lab_rate_mbit "$LAB_LTE_RATE") || return 1

        LAB_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lab-state.XXXXXX") || return 1
        : >"$LAB_STATE_DIR/.lab-state"
        rand=$(printf '%04x' $((RANDOM ^ (RANDOM << 1) & 0xffff)))
        LAB_CLIENT_NS="$LAB_PREFIX-$$-$rand-cli"
        LAB_SERVER_NS="$LAB_PREFIX-$$-$rand-srv"
        LAB_CLIENT_WIFI_ADDR="10.$LAB_NET.1.1"
        LAB_CLIENT_LTE_ADDR="10.$LAB_NET.2.1"
        LAB_SERVER_WIFI_ADDR="10.$LAB_NET.1.2"
        LAB_SERVER_LTE_ADDR="10.$LAB_NET.2.2"
        LAB_WIFI_TABLE=101
        LAB_LTE_TABLE=102
        # shellcheck disable=SC2034
        LAB_IFACES="wifi lte"
        unset LAB_SERVER_PORT LAB_SERVER_TARGET LAB_SERVER_PID
        export "${_lab_vars[@]}"

        if ! _lab_build; then
                _lab_err "lab_up failed, removing what was built"
                lab_down
                return 1
        fi
        _lab_save_env
        return 0
}

lab_client() {
        ip netns exec "$LAB_CLIENT_NS" "$@"
}

lab_server() {
        ip netns exec "$LAB_SERVER_NS" "$@"
}

lab_link_bytes() {
        local ns dev=$2 tx rx
        ns=$(_lab_ns "$1")
        if [[ ! $dev =~ ^[A-Za-z0-9_.-]{1,15}$ ]]; then
                _lab_err "invalid interface name '$dev'"
                return 1
        fi
        read -r tx rx < <(ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/tx_bytes" \
                "/sys/class/net/$dev/statistics/rx_bytes" 2>/dev/null | tr '\n' ' ') || true
        if [[ -z ${tx:-} || -z ${rx:-} ]]; then
                _lab_err "no counters for $dev in $ns"
                return 1
        fi
        echo $((tx + rx))
}

lab_start_server() {
        local port=${1:-5201} bin=${LAB_TRAFFIC:-} fifo fd pid word rpid raddr
        if [[ -z ${LAB_STATE_DIR:-} || ! -d $LAB_STATE_DIR ]]; then
                _lab_err "lab_start_server: no lab is up"
                return 1
        fi
        if [[ -z $bin ]]; then
                bin=$(command -v mptcp-traffic || true)
        fi
        if [[ -z $bin || ! -x $bin ]]; then
                _lab_err "lab_start_server: set LAB_TRAFFIC to the mptcp-traffic executable"
                return 1
        fi
        if [[ ! $port =~ ^[0-9]{1,5}$ ]] || ((port > 65535)); then
                _lab_err "lab_start_server: invalid port '$port'"
                return 1
        fi
        fifo=$(mktemp -u "$LAB_STATE_DIR/ready.XXXXXX")
        _lab_do mkfifo -m 600 "$fifo" || return 1
        # Read-write open: never blocks, and keeps the FIFO open for the server's write.
        exec {fd}<>"$fifo"
        ip netns exec "$LAB_SERVER_NS" "$bin" server --listen "0.0.0.0:$port" --ready-file "$fifo" \
                </dev/null >>"$LAB_STATE_DIR/server.log" 2>&1 {fd}<&- &
        pid=$!
        # Recorded at once, so lab_down stops it even if it never gets ready.
        lab_track_pid "$pid" 2>/dev/null || true
        if ! read -r -t 10 -u "$fd" word rpid raddr || [[ $word != READY ]]; then
                exec {fd}<&-
                rm -f "$fifo"
                _lab_err "mptcp-traffic server did not get ready; its log:"
                cat "$LAB_STATE_DIR/server.log" >&2 || true
                return 1
        fi
        exec {fd}<&-
        rm -f "$fifo"
        if [[ $rpid != "$pid" ]]; then
                _lab_err "server reported PID $rpid, started $pid"
                return 1
        fi
        LAB_SERVER_PID=$pid
        LAB_SERVER_PORT=${raddr##*:}
        LAB_SERVER_TARGET="$LAB_SERVER_WIFI_ADDR:$LAB_SERVER_PORT"
        export LAB_SERVER_PID LAB_SERVER_PORT LAB_SERVER_TARGET
        _lab_save_env
        return 0
}

# ---------------------------------------------------------------- command line

_lab_load() {
        local dir=${1:-${LAB_STATE_DIR:-}}
        if [[ -z $dir || ! -f $dir/.lab-state || ! -f $dir/env ]]; then
                _lab_err "no lab state (set LAB_STATE_DIR, pass --state DIR, or run 'lab.sh up')"
                return 1
        fi
        # shellcheck disable=SC1091
        source "$dir/env"
}

_lab_usage() {
        cat <<'EOF'
Usage: lab.sh [--state DIR] COMMAND [ARGS...]
  up                    build a lab; prints "export LAB_...=..." lines (eval them)
  down [STATE_DIR]      remove the lab (processes it started, its namespaces, its state)
  env [STATE_DIR]       print the lab's export lines
  exec-client CMD...    run CMD in the client namespace
  exec-server CMD...    run CMD in the server namespace
  start-server [PORT]   start $LAB_TRAFFIC server in the server namespace (default port 5201)
  link-bytes NS IF      tx+rx bytes of IF in NS (client|server)
Without --state, the lab is found through $LAB_STATE_DIR.
EOF
}

_lab_main() {
        local state=
        if [[ ${1:-} == --state ]]; then
                state=${2:-}
                shift 2 || { _lab_usage >&2; return 2; }
        fi
        local cmd=${1:-}
        shift || true
        case $cmd in
        up)
                unset LAB_STATE_DIR
                lab_up || return 1
                lab_env
                ;;
        down)
                lab_down "${1:-${state:-${LAB_STATE_DIR:-}}}"
                ;;
        env)
                _lab_load "${1:-$state}" && lab_env
                ;;
        exec-client | exec-server)
                [[ ${1:-} == -- ]] && shift
                if [[ $# -eq 0 ]]; then
                        _lab_usage >&2
                        return 2
                fi
                _lab_load "$state" || return 1
                if [[ $cmd == exec-client ]]; then
                        lab_client "$@"
                else
                        lab_server "$@"
                fi
                ;;
        start-server)
                _lab_load "$state" || return 1
                lab_start_server "$@" || return 1
                lab_env
                ;;
        link-bytes)
                if [[ $# -ne 2 ]]; then
                        _lab_usage >&2
                        return 2
                fi
                _lab_load "$state" && lab_link_bytes "$1" "$2"
                ;;
        -h | --help | help)
                _lab_usage
                ;;
        *)
                _lab_usage >&2
                return 2
                ;;
        esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
        _lab_main "$@"
        exit $?
fi
