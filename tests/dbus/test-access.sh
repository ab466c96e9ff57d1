#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-access.sh — who may do what on org.mptcp.Policy1:
#   - an unprivileged user reads every property (same values as root) and calls Describe and
#     ListConnections, and is refused every mutating method with exactly NotAuthorized (also
#     with interactive=true: no agent), through gdbus, busctl and mptcpctl (exit 4), and the
#     state stays as it was;
#   - a polkit rule granting switch-profile to a group lets its member switch (busctl, gdbus,
#     mptcpctl) and nothing else (Reload, HoldProfile stay refused);
#   - root is always allowed without polkit (the test rules answer NO to root).
# usage: test-access.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup access "$@"

daemon_config balanced "$work/config.yaml"
policyd_start "$work/daemon.log" --config "$work/config.yaml"

echo "== $TEST_USER reads every property"
mapfile -t props < <(sed -n 's/.*<property name="\([A-Za-z]*\)".*/\1/p' "$POLICY_XML")
assert_eq "properties in the XML" "${#props[@]}" 10
for p in "${props[@]}"; do
        as_user=$(prop "$p" "$TEST_USER") || fail "reading $p as $TEST_USER"
        as_root=$(prop "$p")
        [ "$as_user" = "$as_root" ] || fail "$p: $TEST_USER reads $as_user, root $as_root"
        [ -n "$as_user" ] && [ "$as_user" != null ] || fail "$p is empty"
        echo "ok: $p readable by $TEST_USER: ${as_user:0:100}"
done
assert_eq "ActiveProfile" "$(prop_s ActiveProfile "$TEST_USER")" balanced
assert_eq "SelectedProfile" "$(prop_s SelectedProfile "$TEST_USER")" balanced
assert_eq "PathManager" "$(prop_s PathManager "$TEST_USER")" userspace
assert_eq "Profiles (sorted names)" "$(prop Profiles | jq -r '[.[].Name.data] | join(" ")')" \
        "$(ls "$LAB_PROFILES_DIR"/*.yaml | xargs -n1 basename | sed 's/\.yaml$//' | sort | tr '\n' ' ' | sed 's/ $//')"
assert_eq "Profiles[metered].Source" "$(prop Profiles | jq -r '.[] | select(.Name.data == "metered") | .Source.data')" \
        "$LAB_PROFILES_DIR/metered.yaml"
iface() { prop Interfaces "$TEST_USER" | jq -r --arg n "$1" ".[] | select(.Name.data == \$n) | $2"; }
assert_eq "Interfaces[wifi] type/metered/decision" "$(iface wifi '"\(.Type.data) \(.Metered.data) \(.Decision.data)"')" "wifi no active"
assert_eq "Interfaces[lte] type/metered/decision" "$(iface lte '"\(.Type.data) \(.Metered.data) \(.Decision.data)"')" "cellular yes backup"
addrs=$(iface lte '.Addresses.data[]')
grep -qE "^$LAB_CLIENT_LTE_ADDR(/|$)" <<<"$addrs" || fail "Interfaces[lte].Addresses lacks $LAB_CLIENT_LTE_ADDR: $addrs"
prop Features | jq -e 'index("userspace-pm") != null and index("kernel-pm") != null' >/dev/null ||
        fail "Features lacks userspace-pm or kernel-pm: $(prop Features)"
assert_eq "Version" "$(prop_s Version "$TEST_USER")" "$("$MPTCP_POLICYD" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)"
bus_call_as "$TEST_USER" busctl --json=short call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" Describe |
        jq -r '.data[0]' | jq -e 'type == "object"' >/dev/null || fail "Describe as $TEST_USER: not a JSON object"
echo "ok: Describe as $TEST_USER is a JSON object"
describe=$(busctl --json=short call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" Describe | jq -r '.data[0]')
assert_eq "Describe's features = Features" "$(jq -c .features <<<"$describe")" "$(prop Features)"
assert_eq "Describe's degraded = Degraded" "$(jq -c .degraded <<<"$describe")" "$(prop Degraded)"
assert_eq "Describe's active_profile = ActiveProfile" "$(jq -r .active_profile <<<"$describe")" "$(prop_s ActiveProfile)"
assert_eq "ListConnections as $TEST_USER (none)" \
        "$(bus_call_as "$TEST_USER" gdbus call --system --dest "$BUS_NAME" --object-path "$BUS_PATH" \
                --method "$BUS_IFACE.ListConnections")" "(@a(ubsssaa{sv}) [],)"
expect_rc 0 "$TEST_USER" "$MPTCPCTL" profile get
assert_eq "mptcpctl profile get as $TEST_USER" "$OUT" balanced
expect_rc 0 "$TEST_USER" "$MPTCPCTL" profile list
assert_eq "mptcpctl profile list: the line marked *" "$(grep -c '^\s*\*' <<<"$OUT")" 1
grep -qE '^\s*\*\s*balanced\b' <<<"$OUT" || fail "profile list does not mark balanced: $OUT"
expect_rc 0 "$TEST_USER" "$MPTCPCTL" status
expect_rc 0 "$TEST_USER" "$MPTCPCTL" --json profile list
jq -e . <<<"$OUT" >/dev/null || fail "mptcpctl --json profile list is not JSON"

echo "== $TEST_USER is refused every mutating method"
mode0=$(prop_s ProfileMode)
monitor_start
for i in false true; do
        expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" SetProfile metered "$i"
        expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" SetProfileMode auto "$i"
        expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" Reload "$i"
done
expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" HoldProfile metered test org.mptcp.test
expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" --interactive HoldProfile metered test org.mptcp.test
expect_error org.mptcp.Policy1.Error.NoSuchHold "$TEST_USER" ReleaseProfile 1
if bus_call_as "$TEST_USER" busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb metered false 2>"$work/err"; then
        fail "busctl SetProfile as $TEST_USER succeeded"
fi
echo "ok: busctl SetProfile as $TEST_USER refused: $(cat "$work/err")"
expect_rc 4 "$TEST_USER" "$MPTCPCTL" profile set metered
expect_rc 4 "$TEST_USER" "$MPTCPCTL" mode set auto
expect_rc 4 "$TEST_USER" "$MPTCPCTL" reload
expect_rc 4 "$TEST_USER" "$MPTCPCTL" profile hold metered -- true
# The same mptcpctl hold around a command that must not run.
expect_rc 4 "$TEST_USER" "$MPTCPCTL" profile hold metered -- sh -c "touch $work/ran"
[ ! -e "$work/ran" ] || fail "mptcpctl profile hold ran the command although the hold was refused"
assert_eq "ActiveProfile after the refusals" "$(prop_s ActiveProfile)" balanced
assert_eq "SelectedProfile after the refusals" "$(prop_s SelectedProfile)" balanced
assert_eq "ProfileMode after the refusals" "$(prop_s ProfileMode)" "$mode0"
assert_eq "ActiveProfileHolds after the refusals" "$(prop ActiveProfileHolds)" "[]"
if grep -q "PropertiesChanged" "$work/monitor.log"; then
        grep PropertiesChanged "$work/monitor.log" >&2
        fail "refused calls changed properties"
fi
echo "ok: no PropertiesChanged during the refused calls"

echo "== a polkit rule grants $TEST_GROUP switch-profile: $TEST_ADMIN switches"
bus_call_as "$TEST_ADMIN" busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb metered false ||
        fail "busctl SetProfile as $TEST_ADMIN"
assert_eq "ActiveProfile after $TEST_ADMIN's SetProfile" "$(prop_s ActiveProfile)" metered
assert_eq "SelectedProfile" "$(prop_s SelectedProfile)" metered
assert_eq "ProfileMode" "$(prop_s ProfileMode)" manual
gcall "$TEST_ADMIN" SetProfileMode auto false >/dev/null || fail "gdbus SetProfileMode as $TEST_ADMIN"
assert_eq "ProfileMode after $TEST_ADMIN's SetProfileMode" "$(prop_s ProfileMode)" auto
assert_eq "ActiveProfile in auto mode (no auto rules: default-profile)" "$(prop_s ActiveProfile)" balanced
assert_eq "SelectedProfile in auto mode (kept)" "$(prop_s SelectedProfile)" metered
expect_rc 0 "$TEST_ADMIN" "$MPTCPCTL" profile set aggregate
assert_eq "mptcpctl profile set prints" "$OUT" ""
assert_eq "ActiveProfile after $TEST_ADMIN's mptcpctl profile set" "$(prop_s ActiveProfile)" aggregate
expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_ADMIN" Reload false
expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_ADMIN" HoldProfile metered test org.mptcp.test
expect_rc 4 "$TEST_ADMIN" "$MPTCPCTL" reload
# The user outside the group still may not.
expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" SetProfile balanced false

echo "== root needs no polkit (the test rules say NO to root)"
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb balanced false || fail "busctl SetProfile as root"
assert_eq "ActiveProfile after root's SetProfile" "$(prop_s ActiveProfile)" balanced
gcall root Reload false >/dev/null || fail "gdbus Reload as root"
echo "ok: Reload as root"
holder_start R metered
grep -q '^hold 0 ' "$work/R.out" || fail "HoldProfile as root: $(cat "$work/R.out")"
assert_eq "ActiveProfile while root holds metered" "$(prop_s ActiveProfile)" metered

daemon_stop "$work/daemon.log"
echo PASS
