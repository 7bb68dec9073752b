#!/usr/bin/env python3
"""Prints the side-by-side table of a bench run and writes its JSON record.

    table.py --mode icount --smp 1 --aegis A.json --linux L.json [--json OUT.json]
             [--commit C] [--markdown]

A.json and L.json come from boot.py (a missing file means that kernel was not run).
Rows follow the order in which the Linux run printed them (then any others); a value
that is missing or "n/a" on either side gives the ratio "n/a". The ratio is always
Aegis/Linux: below 1 is better for times, above 1 is better for MiB/s.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

MODES = {
    "icount": "TCG -icount shift=0,sleep=off: 1 ns = 1 guest instruction",
    "wall": "TCG on wall-clock time",
    "kvm": "KVM",
}
KERNELS = ("aegis", "linux")


def load(path):
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def number(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v):
    if v is None:
        return "n/a"
    return "%.0f" % v if abs(v) >= 100 or v == 0 else "%.1f" % v


def boot_rows(run):
    """Boot-time rows derived from a run: the host's wall time to the init's first line."""
    rows = {}
    if run and run.get("wall_to_init_s") is not None:
        rows["boot_wall_to_init"] = {"value": "%.0f" % (run["wall_to_init_s"] * 1000),
                                     "unit": "ms"}
    return rows


def merge(runs):
    """Returns [(name, unit, {kernel: value or None})] in display order."""
    names, units, values = [], {}, {}
    order = [runs.get("linux"), runs.get("aegis")]
    for run in order:
        if not run:
            continue
        res = dict(boot_rows(run))
        res.update(run.get("results", {}))
        for name, r in res.items():
            if name not in units:
                names.append(name)
                units[name] = r["unit"]
            if number(r["value"]) is not None:
                units[name] = r["unit"]
    for k in KERNELS:
        run = runs.get(k)
        res = dict(boot_rows(run)) if run else {}
        if run:
            res.update(run.get("results", {}))
        for name in names:
            values.setdefault(name, {})[k] = number(res.get(name, {}).get("value"))
    boot = [n for n in names if n.startswith("boot_")]
    rest = [n for n in names if not n.startswith("boot_")]
    return [(n, units[n], values[n]) for n in boot + rest]


def ratio(a, l):
    if a is None or l is None or l == 0:
        return None
    return a / l


def status_note(name, run):
    if run is None:
        return "%s: not run" % name
    st = run.get("status")
    if st == "ok":
        return "%s: ok (%s), %.0f s wall, run %s" % (
            name, run.get("guest_kernel") or "?", run.get("wall_total_s") or 0,
            run.get("date") or "?")
    if st == "missing":
        return "%s: n/a, no kernel at %s" % (name, run.get("kernel") or "?")
    why = {"no-init": "never reached /init", "timeout": "timed out",
           "exited": "QEMU exited before the end marker",
           "stalled": "stalled (no output for the idle timeout)"}.get(st, st)
    return "%s: n/a, %s after %.0f s wall (%d results), run %s" % (
        name, why, run.get("wall_total_s") or 0, len(run.get("results", {})),
        run.get("date") or "?")


def render(rows, runs, mode, smp, markdown=False):
    lines = []
    head = ("test", "unit", "Aegis", "Linux", "Aegis/Linux")
    body = []
    for name, unit, v in rows:
        r = ratio(v.get("aegis"), v.get("linux"))
        body.append((name, unit, fmt(v.get("aegis")), fmt(v.get("linux")),
                     "n/a" if r is None else "%.2f" % r))
    title = "mode: %s (%s), %s vCPU" % (mode, MODES.get(mode, mode), smp)
    if markdown:
        lines.append(title + "\n")
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * 2 + "---:|" * 3)
        for b in body:
            lines.append("| " + " | ".join(b) + " |")
        lines.append("")
        for k in KERNELS:
            lines.append("- " + status_note(k.capitalize(), runs.get(k)))
    else:
        lines.append("bench " + title)
        w = [max(len(r[i]) for r in [head] + body) for i in range(5)]
        fmt_row = "%-*s  %-*s  %*s  %*s  %*s"
        for r in [head] + body:
            lines.append(fmt_row % (w[0], r[0], w[1], r[1], w[2], r[2], w[3], r[3],
                                    w[4], r[4]))
        for k in KERNELS:
            lines.append(status_note(k.capitalize(), runs.get(k)))
    return "\n".join(lines) + "\n"


def qemu_version():
    try:
        out = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                             text=True, timeout=10).stdout
        return out.splitlines()[0] if out else None
    except (OSError, subprocess.SubprocessError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="icount")
    ap.add_argument("--smp", default="1")
    ap.add_argument("--aegis")
    ap.add_argument("--linux")
    ap.add_argument("--json")
    ap.add_argument("--commit", default="")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    runs = {"aegis": load(a.aegis), "linux": load(a.linux)}
    rows = merge(runs)
    sys.stdout.write(render(rows, runs, a.mode, a.smp, a.markdown))
    if a.json:
        rec = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"),
            "commit": a.commit,
            "mode": a.mode,
            "smp": a.smp,
            "host": platform.platform(),
            "qemu": qemu_version(),
            "table": [{"test": n, "unit": u, "aegis": v.get("aegis"),
                       "linux": v.get("linux"),
                       "ratio": ratio(v.get("aegis"), v.get("linux"))}
                      for n, u, v in rows],
            "runs": runs,
        }
        with open(a.json, "w") as f:
            json.dump(rec, f, indent=1)


if __name__ == "__main__":
    main()
