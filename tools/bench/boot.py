#!/usr/bin/env python3
"""Boots one kernel with the bench initramfs under QEMU and collects its results.

    boot.py --name linux --log L.log --out L.json [--timeout S] [--init-timeout S]
            -- qemu-system-x86_64 ...

Every console line is time-stamped on the host as it arrives. The run ends at the
init's "BENCH_END" line (QEMU then gets a few seconds to power off), when QEMU exits,
or at a timeout: --init-timeout if no "BENCH_INIT" line came by then (a kernel that
cannot start /init), --timeout for the whole run. QEMU is always killed at the end, so
the harness never hangs. After the first line, --idle-timeout ends a run that has
printed nothing for that long (a kernel stuck in one test). Result lines are "BENCH name value unit" anywhere in a line,
so kernel messages on the same serial line do not confuse the parser.
"""
import argparse
import datetime
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time

RESULT = re.compile(rb"BENCH (\S+) (\S+) (\S+)")


def parse_line(line, out):
    """Updates out (results, markers) from one console line (bytes)."""
    m = RESULT.search(line)
    if m:
        name, value, unit = (x.decode("ascii", "replace") for x in m.groups())
        out["results"][name] = {"value": value, "unit": unit}
    if b"BENCH_START" in line:
        out["guest_kernel"] = line.split(b"BENCH_START", 1)[1].strip().decode(
            "ascii", "replace")


def run(cmd, log, timeout, init_timeout, idle_timeout=300.0, end_grace=15.0):
    out = {"status": "timeout", "results": {}, "wall_to_init_s": None,
           "wall_total_s": None, "exit_code": None}
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf = b""
    deadline = start + init_timeout
    seen_init = ended = False
    eof = False
    last = start
    while not eof:
        now = time.monotonic()
        if seen_init and not ended and now - last >= idle_timeout:
            out["status"] = "stalled"
            break
        if now >= deadline:
            if ended:
                out["status"] = "ok"
            elif not seen_init:
                out["status"] = "no-init"
            break
        for _key, _ev in sel.select(timeout=min(1.0, deadline - now)):
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                eof = True
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.rstrip(b"\r")
                last = time.monotonic()
                t = last - start
                log.write(b"[%9.3f] %s\n" % (t, line))
                log.flush()
                if not seen_init and b"BENCH_INIT" in line:
                    seen_init = True
                    out["wall_to_init_s"] = round(t, 3)
                    deadline = start + timeout
                parse_line(line, out)
                if b"BENCH_END" in line:
                    ended = True
                    deadline = min(deadline, time.monotonic() + end_grace)
    if buf:
        log.write(b"[%9.3f] %s\n" % (time.monotonic() - start, buf))
        parse_line(buf, out)
    if eof:
        out["status"] = "ok" if ended else ("exited" if seen_init else "no-init")
    try:
        proc.wait(timeout=0 if not eof else 5)
    except subprocess.TimeoutExpired:
        pass
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    out["exit_code"] = proc.returncode
    out["wall_total_s"] = round(time.monotonic() - start, 3)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--init-timeout", type=float, default=120)
    ap.add_argument("--idle-timeout", type=float, default=300)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    with open(a.log, "wb") as log:
        out = run(cmd, log, a.timeout, a.init_timeout, a.idle_timeout)
    out["name"] = a.name
    out["date"] = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    out["qemu_cmdline"] = cmd
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    n = len(out["results"])
    print("bench: %s: %s, %d results, %.1f s wall (log %s)" %
          (a.name, out["status"], n, out["wall_total_s"], a.log), file=sys.stderr)


if __name__ == "__main__":
    main()
