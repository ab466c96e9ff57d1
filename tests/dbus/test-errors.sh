#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-errors.sh — every named error of org.mptcp.Policy1 (exact names through gdbus) and every
# mptcpctl exit code, each provoked at least once:
#   NoSuchProfile, NoSuchHold, Unavailable, NotAuthorized, InvalidArgs (unknown mode, 256-byte
#   strings; 255 bytes pass), LimitsExceeded (17th hold of one caller, 65th in all), and
#   InvalidConfig from Reload with a broken configuration and a broken profile: the message
#   starts with file:line:column, the running policy stays, a fixed Reload then works;
#   mptcpctl: 0 ok, 1 failure, 2 usage, 3 daemon not running, 4 not authorized, 5 no such
#   profile, 6 invalid config.
# usage: test-errors.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup errors "$@"

# Profiles and configuration the test can break.
cp -r "$LAB_PROFILES_DIR" "$work/profiles"
LAB_PROFILES_DIR=$work/profiles
daemon_config balanced "$work/config.yaml"
policyd_start "$work/daemon.log" --config "$work/config.yaml"
expect_rc 0 root "$MPTCPCTL" profile get
assert_eq "mptcpctl profile get" "$OUT" balanced

echo "== NoSuchProfile (mptcpctl: 5)"
expect_error org.mptcp.Policy1.Error.NoSuchProfile root SetProfile no-such-profile false
expect_error org.mptcp.Policy1.Error.NoSuchProfile root HoldProfile no-such-profile test org.mptcp.test
# Validation comes before authorization: an unprivileged caller learns the same.
expect_error org.mptcp.Policy1.Error.NoSuchProfile "$TEST_USER" SetProfile no-such-profile false
expect_rc 5 root "$MPTCPCTL" profile set no-such-profile
expect_rc 5 root "$MPTCPCTL" profile hold no-such-profile -- true
if busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb no-such-profile false 2>"$work/err"; then
        fail "busctl SetProfile no-such-profile succeeded"
fi
grep -q "no-such-profile" "$work/err" || fail "busctl's error does not name the profile: $(cat "$work/err")"
echo "ok: busctl SetProfile no-such-profile: $(cat "$work/err")"

echo "== NoSuchHold (mptcpctl: 1)"
expect_error org.mptcp.Policy1.Error.NoSuchHold root ReleaseProfile 4242
expect_rc 1 root "$MPTCPCTL" profile release 4242

echo "== Unavailable (mptcpctl: 1)"
if prop Features | jq -e 'index("bpf-scheduler")' >/dev/null; then
        echo "SKIP: this kernel has the BPF MPTCP scheduler; redundant is usable here"
else
        assert_eq "Profiles[redundant].Usable" \
                "$(prop Profiles | jq -r '.[] | select(.Name.data == "redundant") | .Usable.data')" false
        expect_error org.mptcp.Policy1.Error.Unavailable root SetProfile redundant false
        echo "   message: $ERROR_MESSAGE"
        expect_error org.mptcp.Policy1.Error.Unavailable root HoldProfile redundant test org.mptcp.test
        expect_rc 1 root "$MPTCPCTL" profile set redundant
        assert_eq "ActiveProfile after the refused switch" "$(prop_s ActiveProfile)" balanced
fi

echo "== NotAuthorized (mptcpctl: 4)"
expect_error org.mptcp.Policy1.Error.NotAuthorized "$TEST_USER" SetProfile metered false
expect_rc 4 "$TEST_USER" "$MPTCPCTL" profile set metered

echo "== InvalidArgs"
long=$(printf 'x%.0s' {1..256})
expect_error org.freedesktop.DBus.Error.InvalidArgs root SetProfileMode sideways false
expect_error org.freedesktop.DBus.Error.InvalidArgs root SetProfile "$long" false
expect_error org.freedesktop.DBus.Error.InvalidArgs root HoldProfile metered "$long" org.mptcp.test
expect_error org.freedesktop.DBus.Error.InvalidArgs root HoldProfile metered test "$long"
monitor_start
holder_start long --reason "${long:1}" --app-id "${long:1}" metered
grep -q '^hold 0 ' "$work/long.out" || fail "a hold with a 255-byte reason and id was refused: $(cat "$work/long.out")"
echo "ok: 255-byte reason and application id accepted"
monitor_mark
kill -KILL "$(holder_pid long)"
monitor_wait "PropertiesChanged .*'ActiveProfile': <'balanced'>" 5 || fail "the killed holder's hold stayed"

echo "== LimitsExceeded: 16 per caller, 64 in all"
holder_start X --holds 17 metered
assert_eq "X's holds granted" "$(grep -c '^hold ' "$work/X.out")" 16
grep -q '^error 0 org.freedesktop.DBus.Error.LimitsExceeded ' "$work/X.out" ||
        fail "X's 17th hold: $(tail -1 "$work/X.out")"
echo "ok: the 17th hold of one caller -> LimitsExceeded"
holder_start Y --connections 3 --holds 16 metered
assert_eq "Y's holds granted (3 callers)" "$(grep -c '^hold ' "$work/Y.out")" 48
assert_eq "live holds" "$(prop ActiveProfileHolds | jq length)" 64
holder_start Z metered
grep -q '^error 0 org.freedesktop.DBus.Error.LimitsExceeded ' "$work/Z.out" ||
        fail "the 65th hold: $(cat "$work/Z.out")"
echo "ok: the 65th hold in all -> LimitsExceeded"
monitor_mark
for h in X Y; do
        kill -KILL "$(holder_pid "$h")"
done
monitor_wait "PropertiesChanged .*'ActiveProfile': <'balanced'>" 5 || fail "holds of killed holders stayed"
assert_eq "live holds after X and Y were killed" "$(prop ActiveProfileHolds | jq length)" 0

echo "== InvalidConfig from a broken configuration (mptcpctl: 6); the running policy stays"
before_profiles=$(prop Profiles)
before_ifaces=$(prop Interfaces)
cp "$work/config.yaml" "$work/config.good"
line=$(($(wc -l <"$work/config.yaml") + 1))
echo "bogus-key: 1" >>"$work/config.yaml"
expect_error org.mptcp.Policy1.Error.InvalidConfig root Reload false
[[ $ERROR_MESSAGE == "$work/config.yaml:$line:1: "* ]] ||
        fail "InvalidConfig message '$ERROR_MESSAGE' does not start with $work/config.yaml:$line:1:"
echo "ok: message: $ERROR_MESSAGE"
expect_rc 6 root "$MPTCPCTL" reload
grep -qF "$work/config.yaml:$line:1:" <<<"$ERR" || fail "mptcpctl reload does not say where: $ERR"
assert_eq "ActiveProfile after the failed Reload" "$(prop_s ActiveProfile)" balanced
assert_eq "Profiles unchanged" "$(prop Profiles)" "$before_profiles"
assert_eq "Interfaces unchanged" "$(prop Interfaces)" "$before_ifaces"
assert_eq "path manager of the namespace" "$(lab_client cat /proc/sys/net/mptcp/path_manager)" userspace
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb metered false || fail "SetProfile after a failed Reload"
assert_eq "ActiveProfile: the daemon still switches" "$(prop_s ActiveProfile)" metered

echo "== InvalidConfig from a broken profile"
cp "$work/config.good" "$work/config.yaml"
pline=$(grep -n '^steering:' "$work/profiles/low-latency.yaml" | cut -d: -f1)
sed -i 's/^steering: .*/steering: sideways/' "$work/profiles/low-latency.yaml"
expect_error org.mptcp.Policy1.Error.InvalidConfig root Reload false
[[ $ERROR_MESSAGE == "$work/profiles/low-latency.yaml:$pline:11: "* ]] ||
        fail "InvalidConfig message '$ERROR_MESSAGE' does not start with $work/profiles/low-latency.yaml:$pline:11:"
echo "ok: message: $ERROR_MESSAGE"
assert_eq "ActiveProfile after the failed Reload" "$(prop_s ActiveProfile)" metered
assert_eq "Profiles unchanged" "$(prop Profiles)" "$before_profiles"

echo "== fixed: Reload works (mptcpctl: 0)"
sed -i 's/^steering: .*/steering: smallest-delay/' "$work/profiles/low-latency.yaml"
expect_rc 0 root "$MPTCPCTL" reload
gcall root Reload false >/dev/null || fail "Reload of the fixed configuration"
echo "ok: Reload"

echo "== usage (mptcpctl: 2)"
expect_rc 2 root "$MPTCPCTL" profile set
expect_rc 2 root "$MPTCPCTL" no-such-verb
expect_rc 2 root "$MPTCPCTL" profile hold metered

echo "== daemon not running (mptcpctl: 3)"
daemon_stop "$work/daemon.log"
expect_rc 3 root "$MPTCPCTL" profile get
expect_rc 3 "$TEST_USER" "$MPTCPCTL" status
if busctl get-property "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" ActiveProfile 2>"$work/err"; then
        fail "busctl still reaches $BUS_NAME after the daemon stopped"
fi
echo "ok: busctl after the stop: $(cat "$work/err")"
echo PASS
