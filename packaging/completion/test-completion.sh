#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-completion.sh — the mptcpctl bash completion, driven as bash drives it (COMP_WORDS,
# COMP_CWORD), without the bash-completion package; profile names from a stub mptcpctl.
#
#   test-completion.sh COMPLETION-FILE MPTCPCTL
set -u
completion=$1 mptcpctl=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# The completion asks the mptcpctl being completed for the names: a stub that knows two.
cat >"$tmp/mptcpctl" <<'STUB'
#!/bin/sh
[ "$*" = "--no-ask-password profile list --names" ] && printf 'balanced\nmetered\n' && exit 0
exit 3
STUB
chmod +x "$tmp/mptcpctl"

source "$completion"
complete -p mptcpctl >/dev/null || { echo "FAIL: no completion registered for mptcpctl"; exit 1; }

# complete "WORDS" — sets $got to the sorted replies; the last word is the one being completed
# ("" = a new one).
complete_words() {
        local -a words
        read -r -a words <<<"$1"
        [[ $1 == *' ' ]] && words+=("")
        COMP_WORDS=("$tmp/mptcpctl" "${words[@]:1}")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _mptcpctl
        got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
        got=${got% }
}

# expect "WORDS" "EXPECTED REPLIES"
expect() {
        complete_words "$1"
        if [ "$got" = "$2" ]; then
                echo "ok: '$1' -> $got"
        else
                echo "FAIL: '$1' -> '$got', expected '$2'"
                failed=1
        fi
}

expect "mptcpctl " "connections help interfaces mode monitor profile reload status validate version"
expect "mptcpctl pro" "profile"
expect "mptcpctl profile " "get hold list release set"
expect "mptcpctl mode " "get set"
expect "mptcpctl mode set a" "auto"
expect "mptcpctl profile set " "balanced metered"
expect "mptcpctl --no-ask-password profile set m" "metered"
expect "mptcpctl profile set metered " ""
expect "mptcpctl profile hold " "balanced metered"
expect "mptcpctl profile hold --reason nav metered " "--"
# After "--" it completes commands: bash is one of them.
complete_words "mptcpctl profile hold metered -- bas"
if [[ " $got " == *" bash "* && " $got " != *" bash bash "* ]]; then
        echo "ok: 'mptcpctl profile hold metered -- bas' -> ... bash ..."
else
        echo "FAIL: 'mptcpctl profile hold metered -- bas' -> '$got', expected bash once among them"
        failed=1
fi
expect "mptcpctl --no-a" "--no-ask-password"
expect "mptcpctl --js" "--json --json="
expect "mptcpctl --json = " "off pretty short"
expect "mptcpctl --json = p" "pretty"
expect "mptcpctl --bpf-scheduler = " "auto no yes"
expect "mptcpctl profile list --na" "--names"

# The machine form the completion relies on exists: with no bus it is "not running" (3), not a
# usage error (2).
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/no-bus "$mptcpctl" --no-ask-password profile list --names \
        >/dev/null 2>&1
rc=$?
if [ $rc -eq 3 ]; then
        echo "ok: mptcpctl profile list --names without a bus exits 3"
else
        echo "FAIL: mptcpctl profile list --names without a bus exited $rc, expected 3"
        failed=1
fi
exit $failed
