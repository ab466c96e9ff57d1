# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2154 # $work, fail, daemon_config: from lib.sh
# bpf-lib.sh — what the daemon's BPF lab tests share: a bpffs and a cgroup2 of their own, a
# daemon configuration with bpf.cgroup, traffic inside that cgroup, the test profiles.
#
# Source after tests/integration/lib.sh (or tests/dbus/lib.sh), inside a private mount namespace
# (the caller re-executes itself under unshare, or the D-Bus harness does). Both mounts are
# outside /sys, which "ip netns exec" remounts: the daemon in the client namespace sees them.
#   bpf_lab_setup         mounts $work/bpffs and $work/cgroup2, makes the cgroup $BPF_CG, writes
#                         $work/profiles (capped: 5 Mbit/s on cellular; uncapped; overflow:
#                         priority-based, cellular backup with rtt 5ms), sets
#                         LAB_PROFILES_DIR to it; cleanup with bpf_lab_cleanup.
#   bpf_config PROFILE F  a lab configuration selecting PROFILE, with bpf.cgroup = $BPF_CG.
#   in_cgroup CMD...      CMD in the client namespace, inside $BPF_CG.

BPF_CAP_MBIT=5

bpf_lab_setup() {
        [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
                fail "bpf_lab_setup: not in a private mount namespace"
        mkdir "$work/bpffs" "$work/cgroup2"
        mount -t bpf bpf "$work/bpffs"
        mount -t cgroup2 cgroup2 "$work/cgroup2"
        BPF_PINS=$work/bpffs/mptcp-policyd
        BPF_CG=$work/cgroup2/mptcp-policyd-test-$$
        mkdir "$BPF_CG"
        mkdir -p "$work/profiles"
        local cap
        for cap in capped uncapped; do
                {
                        echo "profile: $cap"
                        echo "description: test profile ($cap LTE)"
                        echo "path-manager: userspace"
                        echo "steering: smallest-delay"
                        echo "limits: { subflows: 4, add-addr-accepted: 2 }"
                        echo "rules:"
                        echo "  - match: { type: wifi }"
                        echo "    use: active"
                        echo "  - match: { type: cellular }"
                        echo "    use: active"
                        [ $cap = uncapped ] || echo "    pacing-cap: ${BPF_CAP_MBIT}Mbit"
                } >"$work/profiles/$cap.yaml"
        done
        # priority-based: LTE is the backup until Wi-Fi's srtt (telemetry) exceeds 5 ms.
        cat >"$work/profiles/overflow.yaml" <<-EOF2
		profile: overflow
		description: test profile (LTE joins in when Wi-Fi is slow)
		path-manager: userspace
		steering: priority-based
		limits: { subflows: 4, add-addr-accepted: 2 }
		rules:
		  - match: { type: wifi }
		    use: active
		  - match: { type: cellular }
		    use: backup
		    rtt: 5ms
		EOF2
        LAB_PROFILES_DIR=$work/profiles
        export BPF_PINS BPF_CG LAB_PROFILES_DIR
}

# Called from the test's EXIT trap: ends what still runs in the cgroup, removes it, unmounts
# (lazily when a live daemon still holds them). Never fails: the caller's cleanup must go on.
bpf_lab_cleanup() {
        set +e
        if [ -n "${BPF_CG:-}" ] && [ -d "$BPF_CG" ]; then
                [ -e "$BPF_CG/cgroup.kill" ] && echo 1 >"$BPF_CG/cgroup.kill"
                for _ in $(seq 50); do
                        rmdir "$BPF_CG" 2>/dev/null && break
                        sleep 0.1
                done
                [ ! -d "$BPF_CG" ] || echo "warning: cannot remove cgroup $BPF_CG" >&2
        fi
        local m
        for m in "$work/cgroup2" "$work/bpffs"; do
                if mountpoint -q "$m" 2>/dev/null; then
                        umount "$m" 2>/dev/null || umount -l "$m"
                fi
        done
        return 0
}

bpf_config() {
        daemon_config "$1" "$2"
        printf 'bpf: { cgroup: %s }\n' "$BPF_CG" >>"$2"
}

in_cgroup() {
        # shellcheck disable=SC2016 # expanded by the inner shell
        bash -c 'echo $$ >"$0/cgroup.procs" && exec ip netns exec "$1" "${@:2}"' "$BPF_CG" "$LAB_CLIENT_NS" "$@"
}

# bulk_in_cgroup SECONDS — an upload over both links from inside the cgroup, JSON report.
bulk_in_cgroup() {
        in_cgroup "$LAB_TRAFFIC" bulk --to "$LAB_SERVER_TARGET" --duration "$1" --links wifi,lte --json
}

# lte_mbit REPORT — the LTE link's tx rate in a bulk report.
lte_mbit() {
        jq '.links.lte.tx_bytes * 8 / .duration_s / 1e6' <<<"$1"
}
