#!/usr/bin/env python3
"""tally.py — count test results from meson test logs (testlog.json) and print the last line
'N passed, N failed, N skipped'. Under CI=true a skipped test counts as failed. Exit 1 if any
test failed (or was skipped under CI), or if no test ran at all."""
import json
import os
import sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}


def main(paths):
    passed = failed = skipped = 0
    strict = os.environ.get("CI") == "true"
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
        except FileNotFoundError:
            print(f"tally: {path}: missing test log", file=sys.stderr)
            failed += 1
            continue
        for line in lines:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            result = r.get("result")
            if result in PASS:
                passed += 1
            elif result in SKIP:
                if strict:
                    print(f"tally: {r.get('name')}: skipped (counts as failed under CI=true)",
                          file=sys.stderr)
                    failed += 1
                else:
                    skipped += 1
            else:
                print(f"tally: {r.get('name')}: {result}", file=sys.stderr)
                failed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
