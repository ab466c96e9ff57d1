#!/bin/bash
# demo.sh — set up, build, and watch mptcp-policyd steer a real two-link MPTCP lab.
# Two network namespaces joined by "wifi" (40 Mbit/s) and "lte" (10 Mbit/s) veth links; the same
# MPTCP upload runs without the daemon and with it, and the per-link rates are printed.
# Run as root on Debian 12. Nothing outside the lab's own namespaces is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

MPTCP_POLICYD=$(readlink -f build/daemon/mptcp-policyd)
LAB_TRAFFIC=$(readlink -f build/tests/tools/mptcp-traffic)
export MPTCP_POLICYD LAB_TRAFFIC
source tests/lab/lab.sh
source tests/integration/lib.sh

DURATION=${DURATION:-8}
work=$(mktemp -d /tmp/mptcp-policyd-demo.XXXXXX)
cleanup() {
        lab_down
        rm -rf "$work"
}
trap cleanup EXIT

echo "Building the lab: client and server namespaces, wifi ${LAB_WIFI_RATE:-40mbit} and lte ${LAB_LTE_RATE:-10mbit} (TBF, both directions)..."
lab_up
lab_start_server

run() { # NAME
        lab_client "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$DURATION" --links wifi,lte --json \
                >"$work/$1.json"
}

echo "Upload for ${DURATION}s with the kernel's default path manager (no endpoints)..."
run kernel
echo "Starting mptcp-policyd in the client namespace (it becomes the userspace path manager)..."
daemon_start "$work/daemon.log"
echo "Upload for ${DURATION}s with mptcp-policyd..."
run daemon
daemon_stop "$work/daemon.log"

echo
printf '%-34s %10s %10s %10s %9s\n' "" "wifi" "lte" "goodput" "subflows"
for r in kernel daemon; do
        case $r in
        kernel) label="kernel PM, no endpoints" ;;
        daemon) label="mptcp-policyd (userspace PM)" ;;
        esac
        printf '%-34s %5.1f Mb/s %5.1f Mb/s %5.1f Mb/s %9s\n' "$label" \
                "$(json "$work/$r.json" .links.wifi.mbit_s)" "$(json "$work/$r.json" .links.lte.mbit_s)" \
                "$(json "$work/$r.json" .mbit_s)" "$(( $(json "$work/$r.json" '.mptcp_info.subflows // 0') + 1 ))"
done
echo
echo "Shaped capacity: wifi $LAB_WIFI_MBIT Mbit/s + lte $LAB_LTE_MBIT Mbit/s."
echo "Daemon log:"
sed 's/^/  /' "$work/daemon.log"
