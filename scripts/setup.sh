#!/bin/bash
# setup.sh — install every Debian package mptcp-policyd needs to build, test and demo.
# Idempotent: when everything is present it only checks (no apt-get update, no install).
set -euo pipefail

PACKAGES=(
        # build
        meson ninja-build pkg-config gcc clang llvm libclang-rt-14-dev
        libsystemd-dev libmnl-dev libbpf-dev bpftool libyaml-dev linux-libc-dev
        # lab, tests, demo
        iproute2 procps util-linux kmod python3 jq
        dbus-daemon dbus-bin polkitd systemd libglib2.0-bin
)

missing=()
for p in "${PACKAGES[@]}"; do
        st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
        echo "setup: all ${#PACKAGES[@]} packages present"
        exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing packages (${missing[*]}); run as root to install them" >&2
        exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
