#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test-files.sh — the files in dbus/ on their own (no daemon): well-formed XML; the bus policy
# loads into a real dbus-daemon and lets only root own org.mptcp.Policy1; polkitd loads the
# three actions with the documented defaults; meson installs each file where the bus and
# polkit look.
# usage: test-files.sh DAEMON TRAFFIC MPTCPCTL BUS-HOLDER --no-lab BUILD-ROOT   (as root)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
build_root=$(readlink -f "${6:?usage: $0 DAEMON TRAFFIC MPTCPCTL BUS-HOLDER --no-lab BUILD-ROOT}")
dbus_test_setup files "$@"

echo "== well-formed XML"
for f in "$POLICY_XML" "$POLICY_CONF" "$POLICY_ACTIONS"; do
        /usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$f" ||
                fail "$(basename "$f") is not well-formed XML"
        if command -v xmllint >/dev/null; then
                xmllint --noout --nonet "$f" || fail "xmllint: $(basename "$f")"
        fi
        echo "ok: $(basename "$f") is well-formed"
done

echo "== bus policy (the private dbus-daemon loaded it)"
own() { # USER — RequestName(org.mptcp.Policy1, DO_NOT_QUEUE) as USER through gdbus
        bus_call_as "$1" gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
                --method org.freedesktop.DBus.RequestName "$BUS_NAME" 4 2>&1 || true
}
for u in "$TEST_USER" "$TEST_ADMIN"; do
        out=$(own "$u")
        [[ $out == *"GDBus.Error:org.freedesktop.DBus.Error.AccessDenied:"* ]] ||
                fail "$u may own $BUS_NAME: $out"
        echo "ok: $u may not own $BUS_NAME"
done
# busctl exits as soon as it has the reply, which releases the name again.
assert_eq "RequestName($BUS_NAME) as root (1 = primary owner)" \
        "$(busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus RequestName su "$BUS_NAME" 4)" "u 1"

echo "== polkit actions (polkitd loaded them)"
for a in switch-profile hold-profile reload; do
        id=org.mptcp.policy1.$a
        out=$(pkaction --action-id "$id" --verbose) || fail "polkitd does not know $id"
        grep -qE '^  description: +[A-Z].{10,}' <<<"$out" || fail "$id: no description"
        grep -qE '^  message: +Authentication is required .{10,}' <<<"$out" || fail "$id: no message"
        assert_eq "$id implicit any" "$(awk '/implicit any:/ { print $3 }' <<<"$out")" auth_admin_keep
        assert_eq "$id implicit inactive" "$(awk '/implicit inactive:/ { print $3 }' <<<"$out")" auth_admin_keep
        assert_eq "$id implicit active" "$(awk '/implicit active:/ { print $3 }' <<<"$out")" yes
done
assert_eq "org.mptcp.policy1.* actions" "$(pkaction | grep -c '^org\.mptcp\.policy1\.')" 3

echo "== install locations"
meson introspect "$build_root" --installed >"$work/installed.json" || fail "meson introspect --installed"
installed() { jq -r --arg src "$1" '.[$src] // "missing"' "$work/installed.json"; }
prefix=$(meson introspect "$build_root" --buildoptions | jq -r '.[] | select(.name == "prefix") | .value')
datadir=$(meson introspect "$build_root" --buildoptions | jq -r '.[] | select(.name == "datadir") | .value')
share=$prefix/$datadir
assert_eq "bus policy installed to" "$(installed "$POLICY_CONF")" "$share/dbus-1/system.d/org.mptcp.Policy1.conf"
assert_eq "polkit actions installed to" "$(installed "$POLICY_ACTIONS")" "$share/polkit-1/actions/org.mptcp.policy1.policy"
assert_eq "interface XML installed to" "$(installed "$POLICY_XML")" "$share/dbus-1/interfaces/org.mptcp.Policy1.xml"
echo PASS
