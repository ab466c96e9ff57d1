#!/bin/bash
# demo.sh — set up, build, and watch mptcp-policyd steer a real two-link MPTCP lab.
# Two network namespaces joined by "wifi" (40 Mbit/s) and "lte" (10 Mbit/s, metered) veth links.
# The same MPTCP upload runs without the daemon, then under the shipped profiles metered,
# aggregate and handover (with the Wi-Fi link dropped and restored), each switched live with
# `mptcpctl profile set` over a private D-Bus system bus (with the project's bus policy and the
# real polkitd); `mptcpctl status` and `mptcpctl connections` show what the daemon sees, and the
# per-link rates end up in one table. Run as root on Debian 12. Nothing outside the demo's own
# namespaces (network and mount) is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

# The D-Bus harness runs this script again inside a private mount namespace: build only once.
if [ -z "${_DEMO_BUILT:-}" ]; then
        bash scripts/setup.sh
        [ -f build/build.ninja ] || meson setup build >/dev/null
        ninja -C build >/dev/null
        export _DEMO_BUILT=1
        echo "Building the lab: client and server namespaces, wifi ${LAB_WIFI_RATE:-40mbit} and lte ${LAB_LTE_RATE:-10mbit} (TBF, both directions), a private system bus and polkitd..."
fi

source tests/dbus/lib.sh
DURATION=${DURATION:-6}
dbus_test_setup demo build/daemon/mptcp-policyd build/tests/tools/mptcp-traffic build/cli/mptcpctl \
        build/tests/dbus/bus-holder

rows=()
row() { # LABEL WIFI LTE GOODPUT
        rows+=("$(printf '%-40s %6.1f %6.1f %8.1f' "$1" "$2" "$3" "$4")")
}
bulk() { # NAME SECONDS
        lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$2" --links wifi,lte --json >"$work/$1.json"
        row "$3" "$(json "$work/$1.json" .links.wifi.mbit_s)" "$(json "$work/$1.json" .links.lte.mbit_s)" \
                "$(json "$work/$1.json" .mbit_s)"
}
ctl() { # what a user types, shown and run
        echo "\$ mptcpctl $*"
        "$MPTCPCTL" "$@" | sed 's/^/    /'
}
use_profile() { # NAME: `mptcpctl profile set` prints nothing; the daemon has applied it on return
        ctl profile set "$1"
        [ "$("$MPTCPCTL" profile get)" = "$1" ] || fail "profile $1 did not become active"
}

echo "Upload for ${DURATION}s with the kernel's default path manager and no daemon..."
bulk kernel "$DURATION" "no daemon (kernel PM, no endpoints)"

echo "Starting mptcp-policyd in the client namespace (wifi: Wi-Fi, lte: metered cellular) on the bus..."
policyd_start "$work/daemon.log"
echo
use_profile metered
ctl status
echo
echo "Profile metered: LTE only as a standby. Upload for ${DURATION}s..."
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$DURATION" --links wifi,lte --json \
        >"$work/metered.json" &
bulk_pid=$!
sleep 2
ctl connections # mid-transfer: the connection, its Wi-Fi subflow and its LTE backup subflow
wait "$bulk_pid"
row "metered (LTE backup)" "$(json "$work/metered.json" .links.wifi.mbit_s)" \
        "$(json "$work/metered.json" .links.lte.mbit_s)" "$(json "$work/metered.json" .mbit_s)"
echo
echo "Profile aggregate: both links carry traffic (switched live)..."
use_profile aggregate
bulk aggregate "$DURATION" "aggregate (both active)"

echo "Profile handover: 12 s upload, Wi-Fi dropped at 4 s and restored at 8 s..."
use_profile handover
sample_links_start "$work/samples"
lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration 12 --links wifi,lte --json >"$work/handover.json" &
bulk_pid=$!
sleep 4
lab_client ip link set wifi down
sleep 4
lab_client ip link set wifi up
wait "$bulk_pid"
sample_links_stop
sample_rates "$work/samples" "$work/rates"
goodput_between() { # A B: mean per-second goodput over seconds (A, B]
        json "$work/handover.json" ".per_second_mbit_s[$1:$2] | add / length"
}
row "handover: Wi-Fi up (0-4 s)" "$(rate_between "$work/rates" 2 0.5 4)" "$(rate_between "$work/rates" 3 0.5 4)" \
        "$(goodput_between 0 4)"
row "handover: Wi-Fi down (5-8 s)" "$(rate_between "$work/rates" 2 5 8)" "$(rate_between "$work/rates" 3 5 8)" \
        "$(goodput_between 5 8)"
row "handover: Wi-Fi back (10-12 s)" "$(rate_between "$work/rates" 2 10 12)" \
        "$(rate_between "$work/rates" 3 10 12)" "$(goodput_between 10 12)"
ctl profile list
daemon_stop "$work/daemon.log"

echo
printf '%-40s %6s %6s %8s\n' "Mbit/s" "wifi" "lte" "goodput"
printf '%s\n' "${rows[@]}"
echo
echo "Shaped capacity: wifi $LAB_WIFI_MBIT Mbit/s + lte $LAB_LTE_MBIT Mbit/s (link rates include headers)."
echo "The connection of the handover run was never reset: one MPTCP connection moved between links."
