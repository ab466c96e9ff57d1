#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# check-examples.py — extract every example marked in a man page and validate it with mptcpctl.
#
#   check-examples.py MPTCPCTL MANPAGE POLICIES_DIR
#
# Examples sit between '.\" example-begin KIND NAME' and '.\" example-end' comment lines, KIND being
# "profile" or "config". Each must validate with exit 0 and print nothing (no warnings either).
import os
import re
import subprocess
import sys
import tempfile

ESCAPES = {r"\-": "-", r"\(aq": "'", r"\(dq": '"', r"\e": "\\", r"\&": ""}


def unroff(line):
    def repl(m):
        if m.group(0) not in ESCAPES:
            # A roff escape this script does not know: refuse rather than validate something else.
            raise ValueError("unknown roff escape " + m.group(0) + " in example line: " + line)
        return ESCAPES[m.group(0)]

    return re.sub(r"\\\(..|\\.", repl, line)


def extract(path):
    examples, current = [], None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            m = re.match(r'^\.\\" example-begin (profile|config) ([A-Za-z0-9_-]+)$', line)
            if m:
                if current:
                    raise ValueError(f"{path}:{n}: example-begin inside example {current['name']}")
                current = {"kind": m.group(1), "name": m.group(2), "line": n, "text": []}
                continue
            if line == '.\\" example-end':
                if not current:
                    raise ValueError(f"{path}:{n}: example-end without example-begin")
                examples.append(current)
                current = None
                continue
            if current is not None:
                if line in (".EX", ".EE", ".nf", ".fi") or line.startswith('.\\"'):
                    continue
                if line.startswith("."):
                    raise ValueError(f"{path}:{n}: roff request inside example: {line}")
                current["text"].append(unroff(line))
    if current:
        raise ValueError(f"{path}: example {current['name']} never ends")
    return examples


def main():
    mptcpctl, manpage, policies = sys.argv[1:4]
    examples = extract(manpage)
    kinds = {e["kind"] for e in examples}
    if len(examples) < 3 or kinds != {"profile", "config"}:
        print(f"expected several profile and config examples, found {len(examples)}: {sorted(kinds)}")
        return 1

    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for e in examples:
            path = os.path.join(tmp, e["name"] + ".yaml")
            with open(path, "w") as f:
                f.write("\n".join(e["text"]) + "\n")
            if e["kind"] == "profile":
                args = [mptcpctl, "validate", "--bpf-scheduler=yes", path]
            else:
                args = [mptcpctl, "validate", "--bpf-scheduler=yes", "--config", path, "--profiles", policies]
            p = subprocess.run(args, capture_output=True, text=True)
            ok = p.returncode == 0 and p.stderr == ""
            print(f"{'ok' if ok else 'FAIL'}: {e['kind']} example '{e['name']}' (man page line {e['line']}): "
                  f"exit {p.returncode}")
            if not ok:
                print(p.stderr, end="")
                failed += 1
    print(f"{len(examples)} examples, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
