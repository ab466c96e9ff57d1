#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-mptcpctl-cli.sh — mptcpctl's command line contract: verbs, options and documented exit codes.
#
#   test-mptcpctl-cli.sh MPTCPCTL POLICIES_DIR
set -u
mptcpctl=$1 policies=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# expect CODE DESCRIPTION ARGS... — run mptcpctl, assert the exit code.
expect() {
        local want=$1 what=$2
        shift 2
        "$mptcpctl" "$@" >"$tmp/out" 2>"$tmp/err"
        local rc=$?
        if [ "$rc" -ne "$want" ]; then
                echo "FAIL: $what: mptcpctl $*: exit $rc, expected $want"
                sed 's/^/  | /' "$tmp/out" "$tmp/err"
                failed=1
        else
                echo "ok: $what (exit $rc)"
        fi
}

expect 0 "--version" --version
grep -qx "mptcpctl [0-9.]*" "$tmp/out" || { echo "FAIL: --version printed: $(cat "$tmp/out")"; failed=1; }
expect 0 "version verb" version
expect 0 "--help" --help
grep -q "validate \[FILE...\]" "$tmp/out" || { echo "FAIL: --help does not list validate"; failed=1; }
grep -q "6 invalid configuration" "$tmp/out" || { echo "FAIL: --help does not document exit codes"; failed=1; }
# No verb means status, which needs the daemon: on a bus address where nothing listens, exit 3.
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus-here" expect 3 "no verb: status, no daemon"
grep -q "mptcp-policyd is not running" "$tmp/err" || { echo "FAIL: no verb: no 'not running' message"; failed=1; }
expect 2 "unknown verb" frobnicate
expect 2 "unknown option" --frobnicate validate
expect 2 "extra argument to version" version extra
expect 2 "bad --bpf-scheduler" --bpf-scheduler=maybe validate "$policies/balanced.yaml"

expect 0 "valid profiles" validate "$policies"/*.yaml
expect 0 "profile directory with an empty config" validate --config /dev/null --profiles "$policies"
expect 6 "missing file" validate "$tmp/missing.yaml"
grep -q "missing.yaml: error: cannot open: No such file or directory" "$tmp/err" || { echo "FAIL: missing file message"; failed=1; }

# One broken profile in a directory: reported and exit 6, the others still checked (the broken one
# does not hide an error in a later file).
mkdir -p "$tmp/profiles"
cp "$policies/balanced.yaml" "$tmp/profiles/"
printf 'profile: a\nsteering: sideways\n' >"$tmp/profiles/a.yaml"
printf 'profile: z\nrules:\n  - weight: 2\n' >"$tmp/profiles/z.yaml"
expect 6 "directory with two broken profiles" validate --config /dev/null --profiles "$tmp/profiles"
grep -q "a.yaml:2:11: error: invalid steering 'sideways'" "$tmp/err" || { echo "FAIL: a.yaml not reported"; failed=1; }
grep -q "z.yaml:3:5: error: 'weight' only applies" "$tmp/err" || { echo "FAIL: z.yaml not reported"; failed=1; }
grep -qx "2 errors, 0 warnings." "$tmp/err" || { echo "FAIL: summary line"; failed=1; }

# Precedence: a same-named file in an earlier directory hides the later one (here: a broken copy
# in the later directory is never read).
mkdir -p "$tmp/etc" "$tmp/usr"
printf 'profile: balanced\n' >"$tmp/etc/balanced.yaml"
printf 'profile: balanced\nbroken: yes\n' >"$tmp/usr/balanced.yaml"
expect 0 "earlier directory hides later one" validate --config /dev/null --profiles "$tmp/etc" --profiles "$tmp/usr"
expect 6 "later directory first" validate --config /dev/null --profiles "$tmp/usr" --profiles "$tmp/etc"

# The configured default profile must exist.
printf 'default-profile: nosuch\n' >"$tmp/config.yaml"
expect 6 "unknown default profile" validate --config "$tmp/config.yaml" --profiles "$policies"
grep -q "config.yaml:1:1: error: default-profile 'nosuch' does not exist" "$tmp/err" || { echo "FAIL: default-profile message"; failed=1; }

exit $failed
