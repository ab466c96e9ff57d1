#!/usr/bin/env python3
"""run-notify.py — start a Type=notify service and wait until it says READY=1.

usage: run-notify.py [--timeout SEC] [--pidfile F] -- CMD [ARGS...]

Binds a private NOTIFY_SOCKET, starts CMD with it (stdout/stderr inherited), and exits 0 once
CMD sent READY=1, leaving CMD running (its PID goes to --pidfile and stdout). Exits 1 if CMD
exits or the timeout passes first (CMD is then killed). No sleeping: it waits on the socket."""
import argparse
import os
import select
import socket
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--pidfile")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        ap.error("no command")

    tmp = tempfile.mkdtemp(prefix="notify-")
    path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
    sock.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    # stdout is ours (the caller reads the PID from it): the service writes to stderr instead.
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno())
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(f"{proc.pid}\n")

    deadline = time.monotonic() + args.timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                print(f"run-notify: {cmd[0]} not ready within {args.timeout}s", file=sys.stderr)
                proc.kill()
                return 1
            ready, _, _ = select.select([sock], [], [], min(left, 0.1))
            if ready:
                msg = sock.recv(4096).decode(errors="replace")
                if "READY=1" in msg.split("\n"):
                    print(proc.pid)
                    return 0
            elif proc.poll() is not None:
                print(f"run-notify: {cmd[0]} exited with {proc.returncode} before READY=1",
                      file=sys.stderr)
                return 1
    finally:
        sock.close()
        os.unlink(path)
        os.rmdir(tmp)


if __name__ == "__main__":
    sys.exit(main())
