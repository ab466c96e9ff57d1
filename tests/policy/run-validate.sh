#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-validate.sh — run `mptcpctl validate` on one test input; assert its exit code and first line.
#
#   run-validate.sh MPTCPCTL KIND FILE [POLICIES_DIR]
#
# KIND profile: FILE is a profile expected to be rejected (exit 6);
#      warn:    FILE is a profile expected to be accepted with a warning (exit 0);
#      config:  FILE is a daemon configuration, validated with --profiles POLICIES_DIR (exit 6);
#      large:   FILE is generated here, one byte over the 1 MiB limit (exit 6).
# The expected first line of stderr is the first line of FILE with .yaml replaced by .expected.
# Files listed in FILE.before (one per line, without .yaml) are validated before FILE.
set -u
mptcpctl=$(realpath "$1") kind=$2 file=$3 policies=${4:-}

dir=$(cd "$(dirname "$file")" && pwd)
base=$(basename "$file")
expected_file="$dir/${base%.yaml}.expected"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$dir" || exit 1
args=(validate --bpf-scheduler=no)
want_rc=6
case $kind in
profile)
        if [ -f "${base%.yaml}.before" ]; then
                while read -r before; do args+=("$before"); done <"${base%.yaml}.before"
        fi
        args+=("$base")
        ;;
warn)
        args+=("$base")
        want_rc=0
        ;;
config)
        args=(validate --bpf-scheduler=yes --config "$base" --profiles "$policies")
        ;;
large)
        # A valid start, then comment bytes up to one past the limit: only the size is wrong.
        { echo "profile: large"; head -c 1048576 /dev/zero | tr '\0' '#'; } >"$tmp/$base"
        cd "$tmp" || exit 1
        args+=("$base")
        ;;
*)
        echo "unknown kind $kind" >&2
        exit 2
        ;;
esac

"$mptcpctl" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
want=$(head -n 1 "$expected_file")
got=$(head -n 1 "$tmp/stderr")

fail=0
if [ "$rc" -ne "$want_rc" ]; then
        echo "FAIL: mptcpctl ${args[*]}: exit $rc, expected $want_rc"
        fail=1
fi
if [ "$got" != "$want" ]; then
        echo "FAIL: first line differs"
        echo "  expected: $want"
        echo "  got:      $got"
        fail=1
fi
echo "--- stderr of mptcpctl ${args[*]} (exit $rc):"
cat "$tmp/stderr"
exit $fail
