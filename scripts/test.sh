#!/bin/bash
# test.sh — set up, build and run every test of mptcp-policyd; ends with "N passed, N failed".
# Run as root on Debian 12 (the lab tests create network namespaces). CI=true makes warnings
# errors and counts a skipped test as failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

BUILD=${BUILD:-build}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}

configure() { # DIR [meson args...]
        local dir=$1; shift
        if [ -f "$dir/build.ninja" ]; then
                meson setup --reconfigure "$dir" "$@" >/dev/null
        else
                meson setup "$dir" "$@" >/dev/null
        fi
}

configure "$BUILD"
ninja -C "$BUILD"

# The parser fuzzer needs clang's libFuzzer and sanitizers: its own build directory, in which
# only the fuzzer is built.
CC=clang configure "$FUZZ_BUILD" -Dfuzz=true -Dbpf=disabled -Db_pie=false
ninja -C "$FUZZ_BUILD" daemon/policy/fuzz-policy

status=0
meson test -C "$BUILD" --print-errorlogs --num-processes 2 || status=$?
# --verbose: the fuzzer's final executions/coverage line goes into the log.
FUZZ_SECONDS=$FUZZ_SECONDS meson test -C "$FUZZ_BUILD" --no-rebuild --suite fuzz --print-errorlogs --verbose ||
        status=$?

python3 scripts/tally.py "$BUILD/meson-logs/testlog.json" "$FUZZ_BUILD/meson-logs/testlog.json" || status=$?
exit $status
