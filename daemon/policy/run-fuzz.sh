#!/bin/bash
# run-fuzz.sh FUZZER DICT SEED_DIR... — run the policy parser fuzzer for $FUZZ_SECONDS (default 60)
# on a scratch corpus grown from the seeds; fail on any finding (crash, leak, timeout, OOM).
# Prints libFuzzer's final "#N DONE cov: ..." line: executions and coverage for the record.
set -euo pipefail
fuzzer=$1 dict=$2
shift 2
seconds=${FUZZ_SECONDS:-60}
work=$(mktemp -d /tmp/fuzz-policy.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"

rc=0
"$fuzzer" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -dict="$dict" \
        -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "$@" >"$work/log" 2>&1 || rc=$?
# The last status line (executions, coverage, corpus), then the totals.
grep -E '^#[0-9]+' "$work/log" | tail -1 || true
grep -E '^Done [0-9]+ runs|^stat::number_of_executed_units|^stat::peak_rss_mb' "$work/log" || true
if [ "$rc" -ne 0 ] || ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* >/dev/null 2>&1; then
        tail -50 "$work/log" >&2
        echo "fuzz-policy: finding (exit $rc)" >&2
        exit 1
fi
echo "fuzz-policy: ${seconds}s, no finding"
