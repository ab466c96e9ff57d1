#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-daemon-config.sh — the daemon and its configuration, in a private network namespace:
#   1. an invalid config is refused at start with file:line:column, exit status 1;
#   2. a missing --config file is refused; a broken profile is reported and skipped;
#   3. SIGHUP with a broken config keeps the running profile; with a good one switches profile;
#   4. SIGTERM restores the namespace's path manager.
# usage: test-daemon-config.sh DAEMON   (as root)
set -euo pipefail
MPTCP_POLICYD=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
profiles=$(readlink -f "$here/../../policies")

work=$(mktemp -d /tmp/mptcp-policyd-config.XXXXXX)
ns=mpcfg-$$-$RANDOM
daemon_pid=
cleanup() {
        [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }

fail() {
        echo "FAIL: $*" >&2
        exit 1
}
ok() { echo "ok: $*"; }

# wait_for_log PATTERN — the daemon logs asynchronously to a file: wait (bounded) for a line.
wait_for_log() {
        for _ in $(seq 100); do
                grep -qE "$1" "$work/daemon.log" && return 0
                sleep 0.05
        done
        cat "$work/daemon.log" >&2
        fail "no log line matching: $1"
}

# 1. An invalid configuration: exit 1, the exact position and message.
cat >"$work/bad.yaml" <<'YAML'
default-profile: metered
interfaces:
  wifi: { type: wireless }
YAML
rc=0
in_ns "$MPTCP_POLICYD" --config "$work/bad.yaml" --profiles "$profiles" 2>"$work/bad.log" || rc=$?
[ "$rc" -eq 1 ] || fail "invalid config: exit status $rc, expected 1"
grep -q "^error: $work/bad.yaml:3:17: invalid type 'wireless'; expected one of: ethernet, wifi, cellular, other" "$work/bad.log" ||
        { cat "$work/bad.log" >&2; fail "invalid config: no file:line:column diagnostic"; }
ok "invalid config refused: $(grep -m1 "bad.yaml:3" "$work/bad.log")"
[ "$(in_ns cat /proc/sys/net/mptcp/path_manager)" = kernel ] || fail "a refused start changed the path manager"

# 2. A --config that does not exist is an error, not silently the defaults.
rc=0
in_ns "$MPTCP_POLICYD" --config "$work/missing.yaml" --profiles "$profiles" 2>"$work/missing.log" || rc=$?
[ "$rc" -eq 1 ] || fail "missing config: exit status $rc, expected 1"
ok "missing --config refused: $(grep -m1 missing.yaml "$work/missing.log")"

# 3. A broken profile next to good ones is skipped with its position; the daemon runs.
mkdir "$work/profiles"
cp "$profiles"/*.yaml "$work/profiles/"
printf 'profile: broken\nsteering: fastest\n' >"$work/profiles/broken.yaml"
printf 'default-profile: aggregate\n' >"$work/good.yaml"
cp "$work/good.yaml" "$work/config.yaml"
daemon_pid=$(in_ns python3 "$here/run-notify.py" --timeout 10 -- \
        "$MPTCP_POLICYD" --config "$work/config.yaml" --profiles "$work/profiles" --no-bus --no-bpf --state-dir "$work/state" 2>"$work/daemon.log") ||
        { cat "$work/daemon.log" >&2; fail "daemon did not start"; }
grep -q "^error: $work/profiles/broken.yaml:2:11: " "$work/daemon.log" ||
        { cat "$work/daemon.log" >&2; fail "broken profile not reported with its position"; }
grep -q "active profile: aggregate" "$work/daemon.log" || fail "active profile is not aggregate"
ok "broken profile skipped, daemon running with aggregate"
[ "$(in_ns cat /proc/sys/net/mptcp/path_manager)" = userspace ] || fail "path manager not userspace"

# 4. SIGHUP with an invalid config: the running policy stays.
printf 'default-profile: nosuch\n' >"$work/config.yaml"
kill -HUP "$daemon_pid"
wait_for_log "Reload failed; the running policy \\(profile aggregate\\) stays"
grep -q "config.yaml:1:[0-9]*: .*nosuch" "$work/daemon.log" || fail "reload error without position"
kill -0 "$daemon_pid" || fail "daemon died on a bad reload"
ok "bad reload kept aggregate: $(grep -m1 'config.yaml:1:' "$work/daemon.log")"

# 5. SIGHUP with a good config but a broken profile file: a reload fails on any error.
printf 'default-profile: metered\n' >"$work/config.yaml"
kill -HUP "$daemon_pid"
for _ in $(seq 100); do
        [ "$(grep -c "Reload failed; the running policy (profile aggregate) stays" "$work/daemon.log")" -ge 2 ] && break
        sleep 0.05
done
[ "$(grep -c "Reload failed; the running policy (profile aggregate) stays" "$work/daemon.log")" -ge 2 ] ||
        { cat "$work/daemon.log" >&2; fail "a reload with a broken profile did not fail"; }
ok "reload with broken.yaml still there kept aggregate"

# 6. SIGHUP with a good config and good profiles switches the profile.
rm "$work/profiles/broken.yaml"
kill -HUP "$daemon_pid"
wait_for_log "active profile: metered"
ok "reload switched to metered"

# 7. SIGTERM: clean stop, path manager restored.
kill -TERM "$daemon_pid"
for _ in $(seq 100); do
        [ "$(in_ns cat /proc/sys/net/mptcp/path_manager)" = kernel ] && grep -q "Stopped\.$" "$work/daemon.log" && break
        sleep 0.05
done
grep -q "Stopped\.$" "$work/daemon.log" || fail "daemon did not stop cleanly"
[ "$(in_ns cat /proc/sys/net/mptcp/path_manager)" = kernel ] || fail "path manager not restored"
daemon_pid=
ok "stopped, path manager restored"
echo PASS
