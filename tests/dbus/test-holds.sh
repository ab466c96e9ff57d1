#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-holds.sh — HoldProfile, ReleaseProfile and ProfileReleased, with holders on live bus
# connections (bus-holder, mptcpctl profile hold):
#   - conflicting holds resolve as documented: the most conservative profile wins whatever the
#     order (metered over low-latency), on a tie the earliest hold (metered before balanced);
#   - a hold ends when its holder is killed (SIGKILL), ActiveProfile follows;
#   - ReleaseProfile ends a hold without ProfileReleased; SetProfile ends every hold and each
#     holder gets ProfileReleased(cookie); ending another caller's hold needs authorization
#     (refused to an unprivileged user, allowed to root) and its holder gets ProfileReleased;
#   - ActiveProfileHolds lists Cookie, Profile, Reason, ApplicationId, Holder in order taken;
#   - mptcpctl profile hold holds while its command runs and exits with the command's code.
# usage: test-holds.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
dbus_test_setup holds "$@"

policyd_start "$work/daemon.log"   # the lab configuration: aggregate
assert_eq "ActiveProfile at start" "$(prop_s ActiveProfile)" aggregate
monitor_start

# wait_active PROFILE — PropertiesChanged(ActiveProfile PROFILE) since the mark, then the property.
wait_active() {
        monitor_wait "PropertiesChanged .*'ActiveProfile': <'$1'>" 5 ||
                fail "no PropertiesChanged(ActiveProfile $1); ActiveProfile is $(prop_s ActiveProfile)"
        assert_eq "ActiveProfile" "$(prop_s ActiveProfile)" "$1"
}
kill_holder() {
        local pid
        pid=$(holder_pid "$1")
        kill -KILL "$pid"
        lab_wait_exit "$pid" 5 || fail "holder $1 survived SIGKILL"
}

echo "== A holds low-latency"
monitor_mark
holder_start A --reason "video call" --app-id org.example.Call low-latency
cookie_a=$(holder_cookie A)
[ -n "$cookie_a" ] || fail "A got no cookie: $(cat "$work/A.out")"
wait_active low-latency
assert_eq "SelectedProfile while held" "$(prop_s SelectedProfile)" aggregate
prop ActiveProfileHolds >"$work/holds.json"
assert_eq "holds" "$(jq length "$work/holds.json")" 1
assert_eq "hold Cookie" "$(jq -r '.[0].Cookie.data' "$work/holds.json")" "$cookie_a"
assert_eq "hold Profile" "$(jq -r '.[0].Profile.data' "$work/holds.json")" low-latency
assert_eq "hold Reason" "$(jq -r '.[0].Reason.data' "$work/holds.json")" "video call"
assert_eq "hold ApplicationId" "$(jq -r '.[0].ApplicationId.data' "$work/holds.json")" org.example.Call
assert_eq "hold Holder (A's unique name)" "$(jq -r '.[0].Holder.data' "$work/holds.json")" \
        "$(awk '$1 == "hold" { print $4; exit }' "$work/A.out")"

echo "== B holds metered (later, more conservative: wins)"
monitor_mark
holder_start B metered
wait_active metered
echo "== C holds balanced (ties with metered, later: metered stays)"
holder_start C balanced
assert_eq "holds in order" "$(hold_profiles)" "low-latency metered balanced"
assert_eq "ActiveProfile with metered, then balanced held" "$(prop_s ActiveProfile)" metered

echo "== B killed: its hold ends; balanced (C) beats low-latency (A)"
monitor_mark
kill_holder B
wait_active balanced
assert_eq "holds in order" "$(hold_profiles)" "low-latency balanced"
echo "== C killed: low-latency (A)"
monitor_mark
kill_holder C
wait_active low-latency
assert_eq "holds" "$(hold_profiles)" "low-latency"

echo "== tie the other way round: D holds balanced, then E metered: balanced (earliest) wins"
monitor_mark
holder_start D balanced
wait_active balanced
holder_start E metered
assert_eq "ActiveProfile with balanced, then metered held" "$(prop_s ActiveProfile)" balanced
monitor_mark
kill_holder D
wait_active metered
monitor_mark
kill_holder E
wait_active low-latency

echo "== A releases its own hold: no ProfileReleased"
monitor_mark
holder_cmd A "release 0 $cookie_a"
wait_for_line "$work/A.out" "^release-(ok|error) $cookie_a" 5 || fail "A got no answer to ReleaseProfile"
grep -q "^release-ok $cookie_a\$" "$work/A.out" || fail "ReleaseProfile($cookie_a): $(cat "$work/A.out")"
wait_active aggregate
assert_eq "holds after ReleaseProfile" "$(prop ActiveProfileHolds)" "[]"
holder_cmd A "release 0 $cookie_a"
wait_for_line "$work/A.out" "^release-error $cookie_a org.mptcp.Policy1.Error.NoSuchHold\$" 5 ||
        fail "a second ReleaseProfile($cookie_a) did not fail with NoSuchHold: $(cat "$work/A.out")"
echo "ok: a second ReleaseProfile of the same cookie -> NoSuchHold"

echo "== SetProfile ends every hold; each holder gets ProfileReleased"
holder_start F --holds 2 metered
holder_start G roaming
assert_eq "holds" "$(hold_profiles)" "metered metered roaming"
assert_eq "ActiveProfile (roaming never uses a roaming cellular link)" "$(prop_s ActiveProfile)" roaming
monitor_mark
busctl call "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" SetProfile sb balanced false || fail "SetProfile balanced"
for c in "F $(holder_cookie F 1)" "F $(holder_cookie F 2)" "G $(holder_cookie G 1)"; do
        read -r h k <<<"$c"
        wait_for_line "$work/$h.out" "^released 0 $k\$" 5 || fail "holder $h got no ProfileReleased($k): $(cat "$work/$h.out")"
        echo "ok: holder $h got ProfileReleased($k)"
done
assert_eq "holds after SetProfile" "$(prop ActiveProfileHolds)" "[]"
assert_eq "ActiveProfile after SetProfile" "$(prop_s ActiveProfile)" balanced
grep -q '^released' "$work/A.out" && fail "A got ProfileReleased for a hold it released itself"
echo "ok: A got no ProfileReleased"

echo "== another caller's hold: refused to an unprivileged user, ended by root (holder told)"
monitor_mark
holder_start K roaming
cookie_k=$(holder_cookie K)
wait_active roaming
expect_rc 4 "$TEST_USER" "$MPTCPCTL" --no-ask-password profile release "$cookie_k"
assert_eq "holds after the refused release" "$(hold_profiles)" roaming
monitor_mark
expect_rc 0 root "$MPTCPCTL" profile release "$cookie_k"
wait_for_line "$work/K.out" "^released 0 $cookie_k\$" 5 || fail "holder K got no ProfileReleased: $(cat "$work/K.out")"
echo "ok: holder K got ProfileReleased($cookie_k)"
wait_active balanced
expect_rc 1 root "$MPTCPCTL" profile release "$cookie_k"

echo "== mptcpctl profile hold NAME -- CMD"
cat >"$work/check.sh" <<CHECK
#!/bin/bash
# Runs under the hold: exits 7 when ActiveProfile is metered and the hold has its reason.
a=\$(busctl --json=short get-property $BUS_NAME $BUS_PATH $BUS_IFACE ActiveProfile | jq -r .data)
r=\$(busctl --json=short get-property $BUS_NAME $BUS_PATH $BUS_IFACE ActiveProfileHolds | jq -r '.data[0].Reason.data')
echo "under the hold: \$a (\$r)"
[ "\$a" = metered ] && [ "\$r" = "nightly backup" ] && exit 7
exit 1
CHECK
chmod +x "$work/check.sh"
expect_rc 7 root "$MPTCPCTL" profile hold metered --reason "nightly backup" -- "$work/check.sh"
echo "$OUT"
assert_eq "ActiveProfile after mptcpctl's command ended" "$(prop_s ActiveProfile)" balanced
expect_rc 0 root "$MPTCPCTL" profile hold metered -- true
echo "== mptcpctl profile hold killed: the hold ends"
monitor_mark
"$MPTCPCTL" profile hold metered --reason killed -- sleep 60 </dev/null >"$work/hold.out" 2>&1 &
ctl=$!
_dbus_track "$ctl"
wait_active metered
# Its command ("sleep 60") would outlive it: tracked for the cleanup, by PID.
for c in $(cat /proc/"$ctl"/task/*/children); do
        _dbus_track "$c"
done
monitor_mark
kill -KILL "$ctl"
lab_wait_exit "$ctl" 5 || fail "mptcpctl survived SIGKILL"
wait_active balanced
assert_eq "holds after mptcpctl was killed" "$(prop ActiveProfileHolds)" "[]"

daemon_stop "$work/daemon.log"
echo PASS
