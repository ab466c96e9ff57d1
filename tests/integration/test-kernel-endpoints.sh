#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-kernel-endpoints.sh — the daemon configuration's `kernel-endpoints:` reaches the kernel. The
# daemon runs on the server side with the shipped `server` profile (path-manager: kernel); the
# client runs the kernel's own path manager without endpoints, so its only extra subflows are joins
# to addresses the server announces:
#   1. started with `kernel-endpoints: server`: the server's endpoints are `signal`, none `subflow`,
#      and a download gets its second subflow through the announced LTE address;
#   2. reloaded with `both`: the endpoints become `signal subflow`;
#   3. reloaded without the key (the default, `client`): `subflow fullmesh`, no `signal`;
#   4. a clean stop removes the daemon's endpoints.
# usage: test-kernel-endpoints.sh DAEMON TRAFFIC   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
lab_test_setup kernel-endpoints "$@"

# write_config [ROLE] — the lab configuration with the `server` profile and, given ROLE,
# `kernel-endpoints: ROLE`.
write_config() {
        daemon_config server "$work/config.yaml"
        if [ $# -gt 0 ]; then
                echo "kernel-endpoints: $1" >>"$work/config.yaml"
        fi
}

# server_endpoints — `ip mptcp endpoint show` of the server namespace.
server_endpoints() {
        ip -n "$LAB_SERVER_NS" mptcp endpoint show
}

# wait_endpoints WANT_FLAGS UNWANTED_FLAG — waits (at most 5 s) until the server has exactly one
# endpoint for each of its two addresses, each with dev, the flags WANT_FLAGS ("signal",
# "signal subflow", ...) and not UNWANTED_FLAG; prints the table and fails otherwise.
wait_endpoints() {
        local want=$1 unwanted=$2 table
        for _ in $(seq 100); do
                table=$(server_endpoints)
                if endpoints_match "$table" "$want" "$unwanted"; then
                        echo "$table" | sed 's/^/  /'
                        echo "ok: the server's endpoints are '$want' without '$unwanted'"
                        return 0
                fi
                sleep 0.05
        done
        echo "$table" | sed 's/^/  /' >&2
        fail "the server's endpoints are not '$want' without '$unwanted' after 5 s"
}

endpoints_match() {
        local table=$1 want=$2 unwanted=$3 addr dev line f
        [ "$(echo "$table" | grep -c .)" -eq 2 ] || return 1
        for addr in "$LAB_SERVER_WIFI_ADDR wifi" "$LAB_SERVER_LTE_ADDR lte"; do
                dev=${addr#* }
                addr=${addr% *}
                line=$(echo "$table" | grep -E "^$addr id [0-9]+ ") || return 1
                echo " $line " | grep -q " dev $dev " || return 1
                for f in $want; do
                        echo " $line " | grep -q " $f " || return 1
                done
                echo " $line " | grep -q " $unwanted " && return 1
        done
        return 0
}

# reload ROLE... — rewrites the configuration, sends SIGHUP and waits for the reload to be applied.
reload() {
        local before
        before=$(grep -c "Profile server applied" "$work/daemon.log" || true)
        write_config "$@"
        kill -HUP "$DAEMON_PID"
        for _ in $(seq 100); do
                [ "$(grep -c "Profile server applied" "$work/daemon.log" || true)" -gt "$before" ] && return 0
                sleep 0.05
        done
        cat "$work/daemon.log" >&2
        fail "the daemon did not apply the reloaded configuration"
}

[ -z "$(server_endpoints)" ] || fail "the lab's server namespace has endpoints before the daemon starts"

echo "== kernel-endpoints: server"
write_config server
DAEMON_SIDE=server daemon_start "$work/daemon.log" --config "$work/config.yaml"
wait_endpoints signal subflow
limits=$(ip -n "$LAB_SERVER_NS" mptcp limits show)
echo "server limits: $limits"
echo " $limits " | grep -q " subflows 8 " || fail "server limits: expected the profile's subflows 8"

lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 4 --direction down --links wifi,lte --json \
        >"$work/down.json"
echo "download: wifi $(json "$work/down.json" .links.wifi.mbit_s) Mbit/s, lte $(json "$work/down.json" .links.lte.mbit_s) Mbit/s, subflows $(json "$work/down.json" .mptcp_info.subflows), add_addr_accepted $(json "$work/down.json" .mptcp_info.add_addr_accepted)"
assert_ge "announced addresses the client accepted" "$(json "$work/down.json" .mptcp_info.add_addr_accepted)" 1
assert_ge "client's additional subflows" "$(json "$work/down.json" .mptcp_info.subflows)" 1
assert_ge "lte Mbit/s (the join to the announced address)" "$(json "$work/down.json" .links.lte.mbit_s)" \
        "$(calc "$LAB_LTE_MBIT * 0.5")"

echo "== kernel-endpoints: both (SIGHUP)"
reload both
wait_endpoints "signal subflow" fullmesh

echo "== no kernel-endpoints: the default, client (SIGHUP)"
reload
wait_endpoints "subflow fullmesh" signal

echo "== stop"
daemon_stop "$work/daemon.log"
[ -z "$(server_endpoints)" ] || { server_endpoints >&2; fail "endpoints left after a clean stop"; }
echo "ok: no endpoint left after the stop"
assert_clean_log "$work/daemon.log"
echo PASS
