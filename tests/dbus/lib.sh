# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh — harness of the D-Bus tests: a private system bus (dbus-daemon with the project's bus
# policy), the real polkitd (with the project's actions and test rules), test users, and the
# daemon in the lab on that bus. Sourcing it sources tests/integration/lib.sh (and the lab).
#
#   source "$(dirname "$(readlink -f "$0")")/lib.sh"
#   dbus_test_setup NAME "$@"        # args: DAEMON TRAFFIC MPTCPCTL BUS-HOLDER [--no-lab]
#
# dbus_test_setup re-executes the test under `unshare --mount --propagation private` (once),
# then, inside that mount namespace only:
#   - /etc/passwd and /etc/group: copies that add the users $TEST_USER (no special rights),
#     $TEST_ADMIN (member of $TEST_GROUP) and the group $TEST_GROUP;
#   - /usr/share/polkit-1/actions: the host's actions plus dbus/org.mptcp.policy1.policy;
#   - /etc/polkit-1/rules.d: tests/dbus/40-mptcp-test.rules (grants $TEST_GROUP the action
#     switch-profile, says NO to root for every org.mptcp.policy1.* action, makes $TEST_ADMIN
#     the administrator an agent asks for);
#   - /run/dbus: an empty directory, so nothing reaches a host system bus by accident;
# starts dbus-daemon on unix:path=$work/bus/system_bus_socket (exported as
# DBUS_SYSTEM_BUS_ADDRESS) and polkitd, and waits for org.freedesktop.PolicyKit1. With the lab
# (default) it is lab_test_setup's: $work, the two namespaces, the traffic server.
#
# Helpers (all fail the test on error):
#   policyd_start LOG [ARGS]   the daemon in the lab's client namespace on the test bus, with
#                              --state-dir $POLICYD_STATE_DIR; returns once it is READY and owns
#                              org.mptcp.Policy1
#   policyd_start_nobus LOG [ARGS]  the same without waiting for the name
#   bus_call_as USER CMD...    CMD as USER (root, $TEST_USER, $TEST_ADMIN), on the test bus
#   bus_start / bus_stop [SIG] / restart_bus
#                              the private dbus-daemon and polkitd (restart_bus: both)
#   bus_wait_name NAME [SECS]  wait (gdbus wait) until NAME is on the bus
#   prop NAME [USER]           a property of org.mptcp.Policy1 via busctl, JSON "data" part
#   prop_s NAME [USER]         the same for a string property, bare
#   gcall USER [--interactive] METHOD ARGS...
#                              gdbus call of org.mptcp.Policy1.METHOD as USER
#   expect_error NAME USER [--interactive] METHOD ARGS...
#                              that gdbus call must fail with exactly the error NAME
#   expect_rc RC USER CMD...   CMD as USER must exit with RC; its stdout in $OUT, stderr $ERR
#   monitor_start / monitor_mark / monitor_wait REGEX [SECS]
#                              a `gdbus monitor` of org.mptcp.Policy1 in the background; wait
#                              for a line matching REGEX after the last mark
#   wait_for_line FILE REGEX SECS [FROM-LINE]
#                              wait (tail -f, inotify) for a line matching REGEX in FILE
#   holder_start NAME [--as USER] BUS-HOLDER-ARGS... / holder_cmd / holder_pid / holder_cookie
#                              tests/dbus/bus-holder: holds on live connections
#   agent_call NAME USER [--interactive] METHOD ARGS...
#                              a call with a polkit text agent in a pseudo-terminal
# Everything started here is stopped by PID on every exit path (EXIT trap; HUP, INT and TERM
# exit through it), the mounts are undone, $work and the lab are removed.

_dbus_dir=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
source "$_dbus_dir/../integration/lib.sh"

DBUS_SRC_DIR=$(readlink -f "$_dbus_dir/../../dbus")
POLICY_XML=$DBUS_SRC_DIR/org.mptcp.Policy1.xml
POLICY_CONF=$DBUS_SRC_DIR/org.mptcp.Policy1.conf
POLICY_ACTIONS=$DBUS_SRC_DIR/org.mptcp.policy1.policy
POLKITD=${POLKITD:-/usr/lib/polkit-1/polkitd}
TEST_USER=mptcp-test-user
TEST_ADMIN=mptcp-test-admin
TEST_GROUP=mptcp-test-admins

BUS_NAME=org.mptcp.Policy1
BUS_PATH=/org/mptcp/Policy1
BUS_IFACE=org.mptcp.Policy1

_dbus_mounts=()
_dbus_pids=()

dbus_test_setup() {
        local name=$1 lab=yes
        shift
        if [ $# -lt 4 ]; then
                echo "usage: $0 DAEMON TRAFFIC MPTCPCTL BUS-HOLDER" >&2
                exit 2
        fi
        [ "${5:-}" = --no-lab ] && lab=no
        # A private mount namespace for the whole test: the bind mounts below exist only there
        # and disappear with it, whatever happens to this shell.
        if [ -z "${_DBUS_TEST_PARENT_MNTNS:-}" ]; then
                _DBUS_TEST_PARENT_MNTNS=$(readlink /proc/self/ns/mnt)
                export _DBUS_TEST_PARENT_MNTNS
                exec unshare --mount --propagation private -- "$BASH" "$0" "$@"
        fi
        [ "$(readlink /proc/self/ns/mnt)" != "$_DBUS_TEST_PARENT_MNTNS" ] ||
                { echo "FAIL: not in a private mount namespace" >&2; exit 1; }
        unset _DBUS_TEST_PARENT_MNTNS
        [ "$(id -u)" -eq 0 ] || { echo "FAIL: must run as root" >&2; exit 1; }
        local t missing=()
        for t in dbus-daemon:dbus-daemon busctl:systemd gdbus:libglib2.0-bin pkaction:polkitd \
                pkttyagent:polkitd setpriv:util-linux script:bsdutils jq:jq; do
                command -v "${t%%:*}" >/dev/null || missing+=("${t%%:*} (package ${t#*:})")
        done
        [ -x "$POLKITD" ] || missing+=("$POLKITD (package polkitd)")
        if [ ${#missing[@]} -gt 0 ]; then
                echo "FAIL: missing: ${missing[*]}" >&2
                exit 1
        fi
        # Lab namespaces of these tests are easy to tell apart: mpdbus-PID-RAND-cli/-srv.
        LAB_PREFIX=${LAB_PREFIX:-mpdbus}

        MPTCPCTL=$(readlink -f "$3")
        BUS_HOLDER=$(readlink -f "$4")
        export MPTCPCTL BUS_HOLDER
        if [ $lab = yes ]; then
                lab_test_setup "$name" "$1" "$2"
        else
                MPTCP_POLICYD=$(readlink -f "$1")
                export MPTCP_POLICYD
                work=$(mktemp -d "/tmp/mptcp-policyd-$name.XXXXXX")
        fi
        trap '_dbus_test_cleanup' EXIT
        # A signal (meson's timeout, ^C) ends the test through the EXIT trap too.
        trap 'exit 129' HUP
        trap 'exit 130' INT
        trap 'exit 143' TERM
        # Unprivileged test users reach the bus socket in $work/bus (not the rest: 0711).
        chmod 0711 "$work"
        mkdir -m 0755 "$work/bus"
        mkdir -m 0700 "$work/state"
        POLICYD_STATE_DIR=$work/state

        _dbus_users
        _dbus_dir_new "$work/actions" 0755 root
        cp -a /usr/share/polkit-1/actions/. "$work/actions/"
        install -m 0644 "$POLICY_ACTIONS" "$work/actions/"
        _dbus_bind "$work/actions" /usr/share/polkit-1/actions
        _dbus_dir_new "$work/rules" 0700 polkitd
        install -m 0644 -o polkitd "$_dbus_dir/40-mptcp-test.rules" "$work/rules/"
        _dbus_bind "$work/rules" /etc/polkit-1/rules.d
        if [ -d /run/dbus ]; then
                _dbus_dir_new "$work/run-dbus" 0755 root
                _dbus_bind "$work/run-dbus" /run/dbus
        fi

        DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/bus/system_bus_socket
        export DBUS_SYSTEM_BUS_ADDRESS
        _dbus_bus_config >"$work/bus.conf"
        bus_start
}

# The test users and group, in copies of /etc/passwd and /etc/group bound over the originals.
_dbus_users() {
        local uid=61000 gid
        for n in "$TEST_USER" "$TEST_ADMIN" "$TEST_GROUP"; do
                if getent passwd "$n" >/dev/null || getent group "$n" >/dev/null; then
                        fail "user or group $n exists already on this host"
                fi
        done
        while getent passwd "$uid" >/dev/null || getent passwd $((uid + 1)) >/dev/null ||
                getent group "$uid" >/dev/null || getent group $((uid + 1)) >/dev/null ||
                getent group $((uid + 2)) >/dev/null; do
                uid=$((uid + 3))
        done
        gid=$((uid + 2))
        mkdir -m 0755 "$work/etc"
        cp /etc/passwd "$work/etc/passwd"
        cp /etc/group "$work/etc/group"
        cat >>"$work/etc/passwd" <<EOF
$TEST_USER:x:$uid:$uid:mptcp-policyd test user:/nonexistent:/usr/sbin/nologin
$TEST_ADMIN:x:$((uid + 1)):$((uid + 1)):mptcp-policyd test admin:/nonexistent:/usr/sbin/nologin
EOF
        cat >>"$work/etc/group" <<EOF
$TEST_USER:x:$uid:
$TEST_ADMIN:x:$((uid + 1)):
$TEST_GROUP:x:$gid:$TEST_ADMIN
EOF
        chmod 0644 "$work/etc/passwd" "$work/etc/group"
        _dbus_bind "$work/etc/passwd" /etc/passwd
        _dbus_bind "$work/etc/group" /etc/group
        [ "$(id -u "$TEST_USER")" = "$uid" ] || fail "test user not visible after the bind mount"
        id -nG "$TEST_ADMIN" | grep -qw "$TEST_GROUP" || fail "$TEST_ADMIN is not in $TEST_GROUP"
}

_dbus_bind() {
        mount --bind "$1" "$2" || fail "mount --bind $1 $2"
        _dbus_mounts+=("$2")
}

_dbus_dir_new() { # DIR MODE OWNER
        mkdir -m "$2" "$1"
        chown "$3" "$1"
}

# What the host's system.conf has, minus everything not needed here: no activation, no host
# services, only our policy and polkitd's. Root may monitor (busctl monitor) for debugging.
_dbus_bus_config() {
        cat <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/bus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
  <include>$POLICY_CONF</include>
  <include>/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf</include>
</busconfig>
EOF
}

# Stops what bus_start, holder_start and monitor_start started, newest first; a PID is only
# signalled while it still is the process that was started (same start time).
_dbus_cleanup_pids() {
        local i pid start
        for ((i = ${#_dbus_pids[@]} - 1; i >= 0; i--)); do
                read -r pid start <<<"${_dbus_pids[$i]}"
                _lab_stop_pid "$pid" "$start"
        done
}

_dbus_test_cleanup() {
        local rc=$? m i
        set +e
        # Processes first (the daemon, holders, polkitd, the bus), then the mounts, then the lab.
        if [ -n "${LAB_STATE_DIR:-}" ]; then
                lab_down
        fi
        _dbus_cleanup_pids
        for ((i = ${#_dbus_mounts[@]} - 1; i >= 0; i--)); do
                m=${_dbus_mounts[$i]}
                umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
                        echo "cleanup: could not unmount $m" >&2
        done
        if [ "$rc" -ne 0 ] && [ -n "${work:-}" ]; then
                for f in "$work"/*.log; do
                        [ -s "$f" ] || continue
                        echo "---- $(basename "$f") (last 30 lines)" >&2
                        tail -n 30 "$f" | cut -c1-300 >&2
                done
        fi
        [ -n "${work:-}" ] && rm -rf "$work"
        exit "$rc"
}

# _dbus_track PID — stop PID at the cleanup (only while it is the same process: start time).
# Disowned: bash does not report "Killed" when a test kills it on purpose.
_dbus_track() {
        local start
        start=$(_lab_proc_start "$1") || return 0
        _dbus_pids+=("$1 $start")
        disown "$1" 2>/dev/null || true
}

# bus_start — dbus-daemon (ready once it printed its address) and polkitd (ready once its name
# is on the bus).
bus_start() {
        local fifo fd addr
        fifo=$work/bus-ready.fifo
        rm -f "$fifo"
        mkfifo -m 0600 "$fifo"
        exec {fd}<>"$fifo"
        dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile --nosyslog \
                --print-address=3 3>"$fifo" {fd}<&- </dev/null >>"$work/dbus-daemon.log" 2>&1 &
        BUS_PID=$!
        _dbus_track "$BUS_PID"
        if ! read -r -t 10 -u "$fd" addr; then
                exec {fd}<&-
                fail "dbus-daemon did not start"
        fi
        exec {fd}<&-
        rm -f "$fifo"
        [[ $addr == unix:path=$work/bus/system_bus_socket,* ]] || fail "dbus-daemon listens on $addr"
        "$POLKITD" --no-debug </dev/null >>"$work/polkitd.log" 2>&1 &
        POLKITD_PID=$!
        _dbus_track "$POLKITD_PID"
        bus_wait_name org.freedesktop.PolicyKit1 10 || fail "polkitd did not take its name"
        export BUS_PID POLKITD_PID
}

# bus_stop [SIGNAL] — stop polkitd and the bus (default SIGTERM; SIGKILL leaves the socket).
bus_stop() {
        local sig=${1:-TERM}
        kill -TERM "$POLKITD_PID" 2>/dev/null || true
        lab_wait_exit "$POLKITD_PID" 5 || fail "polkitd did not stop"
        wait "$POLKITD_PID" 2>/dev/null || true
        kill -"$sig" "$BUS_PID"
        lab_wait_exit "$BUS_PID" 5 || fail "dbus-daemon did not stop"
        wait "$BUS_PID" 2>/dev/null || true
}

restart_bus() {
        bus_stop "${1:-TERM}"
        bus_start
}

bus_wait_name() {
        gdbus wait --system --timeout "${2:-10}" "$1" 2>/dev/null
}

# bus_call_as USER CMD... — CMD with USER's uid, gid and groups (no PAM, no session: polkit
# sees a process outside any login session).
bus_call_as() {
        local user=$1
        shift
        if [ "$user" = root ]; then
                "$@"
        else
                setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- \
                        env HOME=/nonexistent "$@"
        fi
}

policyd_start_nobus() {
        local log=$1
        shift
        daemon_start "$log" --state-dir "$POLICYD_STATE_DIR" "$@"
}

policyd_start() {
        policyd_start_nobus "$@"
        bus_wait_name "$BUS_NAME" 10 || { cat "$1" >&2; fail "the daemon did not take $BUS_NAME"; }
}

# prop NAME [USER] — busctl --json's "data" of a property (compact JSON).
prop() {
        bus_call_as "${2:-root}" busctl --json=short get-property "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" "$1" |
                jq -c .data
}

prop_s() {
        bus_call_as "${2:-root}" busctl --json=short get-property "$BUS_NAME" "$BUS_PATH" "$BUS_IFACE" "$1" |
                jq -r .data
}

# gcall USER [--interactive] METHOD ARGS... — gdbus call of org.mptcp.Policy1.METHOD as USER;
# --interactive sets the message's ALLOW_INTERACTIVE_AUTHORIZATION flag.
gcall() {
        local user=$1 flags=()
        shift
        if [ "$1" = --interactive ]; then
                flags=(--interactive)
                shift
        fi
        local method=$1
        shift
        bus_call_as "$user" gdbus call --system "${flags[@]}" --dest "$BUS_NAME" --object-path "$BUS_PATH" \
                --method "$BUS_IFACE.$method" "$@"
}

# expect_error NAME USER [--interactive] METHOD ARGS... — the gdbus call must fail with exactly
# error NAME; its message in $ERROR_MESSAGE.
expect_error() {
        local want=$1 out rc=0 what
        shift
        what="${*:2:2} as $1"
        out=$(gcall "$@" 2>&1) || rc=$?
        if [ $rc -eq 0 ]; then
                fail "$what succeeded ($out), expected $want"
        fi
        if [[ $out != *"GDBus.Error:$want:"* ]]; then
                fail "$what: got '$out', expected $want"
        fi
        ERROR_MESSAGE=${out#*"GDBus.Error:$want: "}
        echo "ok: ${what:0:80} -> $want"
}

# expect_rc RC USER CMD... — exit code of CMD as USER; output in $OUT and $ERR.
expect_rc() {
        local want=$1 user=$2 rc=0
        shift 2
        bus_call_as "$user" "$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
        OUT=$(cat "$work/out")
        ERR=$(cat "$work/err")
        if [ "$rc" -ne "$want" ]; then
                echo "stdout: $OUT" >&2
                echo "stderr: $ERR" >&2
                fail "'${*##*/}' as $user exited $rc, expected $want"
        fi
        echo "ok: ${*##*/} as $user -> exit $rc"
}

# wait_for_line FILE REGEX SECS [FROM] — a line matching REGEX (ERE) at line FROM (default 1)
# or later appears in FILE within SECS; tail -f waits on inotify, no polling here.
wait_for_line() {
        local file=$1 re=$2 secs=$3 from=${4:-1} fd pid rc=0
        exec {fd}< <(exec timeout "$secs" tail -n "+$from" -f "$file")
        pid=$!
        grep -m1 -qE -- "$re" <&"$fd" || rc=1
        exec {fd}<&-
        kill "$pid" 2>/dev/null || true
        return $rc
}

# A gdbus monitor of the daemon's signals, one line per signal, in $work/monitor.log.
monitor_start() {
        : >"$work/monitor.log"
        gdbus monitor --system --dest "$BUS_NAME" >>"$work/monitor.log" 2>&1 &
        MONITOR_PID=$!
        _dbus_track "$MONITOR_PID"
        # Its match rule is in place before it asks who owns the name (one connection, in order).
        wait_for_line "$work/monitor.log" "is owned by" 10 || fail "gdbus monitor did not start"
        monitor_mark
}

monitor_mark() {
        MONITOR_MARK=$(($(wc -l <"$work/monitor.log") + 1))
}

monitor_wait() {
        wait_for_line "$work/monitor.log" "$1" "${2:-5}" "$MONITOR_MARK"
}

# holder_start NAME [--as USER] ARGS... — bus-holder ARGS in the background (as root or USER), its stdin a FIFO
# (holder_cmd NAME LINE writes to it), its stdout in $work/NAME.out; waits for "ready" and
# sets HOLDER_PID. holder_cookie NAME [N] is the cookie of its N-th granted hold (default 1).
holder_start() {
        local name=$1 fd
        local -a as=()
        shift
        [[ $name =~ ^[A-Za-z0-9_]+$ ]] || fail "holder_start: invalid name '$name' (letters, digits, _)"
        if [ "$1" = --as ]; then
                as=(setpriv --reuid="$2" --regid="$(id -g "$2")" --init-groups -- env HOME=/nonexistent)
                shift 2
        fi
        rm -f "$work/$name.in"
        mkfifo -m 0600 "$work/$name.in"
        exec {fd}<>"$work/$name.in"
        eval "_holder_fd_$name=$fd"
        : >"$work/$name.out"
        # Not through bus_call_as (a function: $! would be a subshell, not the holder).
        "${as[@]}" "$BUS_HOLDER" "$@" <"$work/$name.in" >"$work/$name.out" 2>&1 {fd}<&- &
        HOLDER_PID=$!
        _dbus_track "$HOLDER_PID"
        eval "_holder_pid_$name=$HOLDER_PID"
        wait_for_line "$work/$name.out" '^ready$' 30 || { cat "$work/$name.out" >&2; fail "holder $name not ready"; }
}

holder_cmd() {
        local v=_holder_fd_$1
        echo "$2" >&"${!v}"
}

holder_pid() {
        local v=_holder_pid_$1
        echo "${!v}"
}

holder_cookie() {
        awk -v n="${2:-1}" '$1 == "hold" && ++i == n { print $3 }' "$work/$1.out"
}

# hold_profiles — the Profile of every live hold, in order, space-separated.
hold_profiles() {
        prop ActiveProfileHolds | jq -r '[.[].Profile.data] | join(" ")'
}

# agent_call NAME USER [--interactive] METHOD ARGS... — in the background, a gdbus call of METHOD as USER with
# a polkit text agent (pkttyagent) registered for the calling process, in a pseudo-terminal
# (script): what a user at a terminal has. The terminal's output goes to $work/NAME.tty;
# AGENT_PID is the agent's PID, AGENT_CALL_PID script's.
agent_call() {
        local name=$1 user=$2 flag= method cmd
        shift 2
        if [ "$1" = --interactive ]; then
                flag=--interactive
                shift
        fi
        method=$1
        shift
        rm -f "$work/$name.fifo"
        mkfifo -m 0666 "$work/$name.fifo"
        # The shell execs gdbus, so the agent's --process is the caller of the method; the
        # agent closes its --notify-fd once registered (EOF on the FIFO).
        printf '%s\n' '#!/bin/bash' \
                "pkttyagent --process \$\$ --notify-fd 3 3>$work/$name.fifo &" \
                "echo \$! >$work/$name.agent" \
                "read -r -t 5 _ <$work/$name.fifo" \
                "exec gdbus call --system $flag --dest $BUS_NAME --object-path $BUS_PATH --method $BUS_IFACE.$method \"\$@\"" \
                >"$work/$name.sh"
        chmod 0755 "$work/$name.sh"
        : >"$work/$name.agent"
        chmod 0666 "$work/$name.agent"
        cmd=$(printf '%q ' "$work/$name.sh" "$@")
        setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- env HOME=/nonexistent \
                script -qec "$cmd" /dev/null </dev/null >"$work/$name.tty" 2>&1 &
        AGENT_CALL_PID=$!
        _dbus_track "$AGENT_CALL_PID"
        wait_for_line "$work/$name.agent" '^[0-9]+$' 5 || fail "$name: pkttyagent did not start"
        AGENT_PID=$(cat "$work/$name.agent")
        _dbus_track "$AGENT_PID"
}
