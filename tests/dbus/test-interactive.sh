#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-interactive.sh — the interactive flag reaches polkit: an unprivileged user with a polkit
# authentication agent (pkttyagent in a pseudo-terminal) is asked for a password by
# SetProfile(…, true), SetProfileMode(…, true), Reload(true) and HoldProfile with the
# ALLOW_INTERACTIVE_AUTHORIZATION flag — each for its own action — and not asked with
# interactive=false (the flag unset); a dismissed dialog is NotAuthorized and changes nothing;
# while a check waits for the user, the daemon serves other callers (root reads and switches).
# usage: test-interactive.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup interactive "$@"

daemon_config balanced "$work/config.yaml"
policyd_start "$work/daemon.log" --config "$work/config.yaml"

# asked_begin NAME ACTION METHOD ARGS... — the agent prompts for ACTION (as the test admin,
# whom the test rules name as administrator); asked_end NAME dismisses it (the agent is
# stopped), which must end the call with NotAuthorized.
asked_begin() {
        local name=$1 action=$2
        shift 2
        agent_call "$name" "$TEST_USER" "$@"
        wait_for_line "$work/$name.tty" "AUTHENTICATING FOR $action" 10 ||
                { cat "$work/$name.tty" >&2; fail "$name: the agent was not asked for $action"; }
        wait_for_line "$work/$name.tty" "Authenticating as: .*$TEST_ADMIN" 5 ||
                { cat "$work/$name.tty" >&2; fail "$name: the agent does not ask for $TEST_ADMIN"; }
        echo "ok: $* as $TEST_USER: the agent asks for $action"
}
asked_end() {
        kill -TERM "$AGENT_PID"
        lab_wait_exit "$AGENT_CALL_PID" 10 || fail "$1: the call did not end after the dialog was dismissed"
        grep -q "GDBus.Error:org.mptcp.Policy1.Error.NotAuthorized" "$work/$1.tty" ||
                { cat "$work/$1.tty" >&2; fail "$1: dismissed, but not NotAuthorized"; }
        echo "ok: $1: dismissed -> NotAuthorized"
}
asked() {
        asked_begin "$@"
        asked_end "$1"
}

# not_asked NAME METHOD ARGS... — NotAuthorized at once, the agent never asked.
not_asked() {
        local name=$1
        shift
        agent_call "$name" "$TEST_USER" "$@"
        lab_wait_exit "$AGENT_CALL_PID" 10 || fail "$name: the call did not end"
        if grep -q "AUTHENTICATING FOR" "$work/$name.tty"; then
                cat "$work/$name.tty" >&2
                fail "$name: the agent was asked although the call was not interactive"
        fi
        grep -q "GDBus.Error:org.mptcp.Policy1.Error.NotAuthorized" "$work/$name.tty" ||
                { cat "$work/$name.tty" >&2; fail "$name: not NotAuthorized"; }
        echo "ok: $* as $TEST_USER: NotAuthorized, no password asked"
        kill -TERM "$AGENT_PID" 2>/dev/null || true
}

asked_begin set org.mptcp.policy1.switch-profile SetProfile metered true
grep -q "Authentication is required to change how Multipath TCP uses the networks" "$work/set.tty" ||
        fail "the agent did not show the action's message"
echo "ok: the agent showed the message of org.mptcp.policy1.switch-profile"
# While polkit waits for the user, the daemon serves everyone else (the check is asynchronous).
assert_eq "ActiveProfile read while a check is pending" \
        "$(busctl --timeout=3 --json=short get-property "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" ActiveProfile | jq -r .data)" balanced
busctl --timeout=3 call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb low-latency false ||
        fail "root's SetProfile while a check is pending"
assert_eq "ActiveProfile after root's switch while a check is pending" "$(prop_s ActiveProfile)" low-latency
asked_end set
assert_eq "ActiveProfile after the dismissed SetProfile(metered)" "$(prop_s ActiveProfile)" low-latency
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb balanced false || fail "SetProfile balanced"
asked mode org.mptcp.policy1.switch-profile SetProfileMode auto true
asked reload org.mptcp.policy1.reload Reload true
asked hold org.mptcp.policy1.hold-profile --interactive HoldProfile metered test org.mptcp.test
not_asked set-no SetProfile metered false
not_asked mode-no SetProfileMode auto false
not_asked reload-no Reload false
not_asked hold-no HoldProfile metered test org.mptcp.test
assert_eq "ActiveProfile after all that" "$(prop_s ActiveProfile)" balanced
assert_eq "SelectedProfile after all that" "$(prop_s SelectedProfile)" balanced
assert_eq "holds after all that" "$(prop ActiveProfileHolds)" "[]"

daemon_stop "$work/daemon.log"
echo PASS
