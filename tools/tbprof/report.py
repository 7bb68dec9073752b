#!/usr/bin/env python3
"""Instructions per function from tbprof outputs (tools/tbprof/tbprof.c).

    report.py [--base BASE.txt] [--runs N] [--top K] PROF.txt KERNEL.elf [USER.elf]

Addresses in the kernel half go to KERNEL.elf's symbols, the others to USER.elf's
(a static binary: every process of it has the same addresses; other programs'
user code lands in '?').  --base subtracts a run without the workload (boot and
setup), --runs divides by the number of times the workload ran.
"""
import argparse
import bisect
import collections
import subprocess

KERNEL_HALF = 0xffff800000000000


def symbols(elf):
    out = subprocess.run(['nm', '-n', elf], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in 'tTwW':
            syms.append((int(p[0], 16), p[2]))
    return [a for a, _ in syms], [n for _, n in syms]


def profile(path, ksyms, usyms):
    tot = collections.Counter()
    for line in open(path):
        va, n, c = line.split()
        va, ins = int(va, 16), int(n) * int(c)
        kernel = va >= KERNEL_HALF
        tot['<kernel>' if kernel else '<user>'] += ins
        addrs, names = ksyms if kernel else (usyms or ([], []))
        i = bisect.bisect_right(addrs, va) - 1
        tot[('' if kernel else 'user:') + (names[i] if i >= 0 else '?')] += ins
    return tot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('prof')
    ap.add_argument('kernel')
    ap.add_argument('user', nargs='?')
    ap.add_argument('--base')
    ap.add_argument('--runs', type=float, default=1)
    ap.add_argument('--top', type=int, default=40)
    a = ap.parse_args()
    ksyms = symbols(a.kernel)
    usyms = symbols(a.user) if a.user else None
    tot = profile(a.prof, ksyms, usyms)
    if a.base:
        tot.subtract(profile(a.base, ksyms, usyms))
    for name, v in sorted(tot.items(), key=lambda kv: -abs(kv[1]))[:a.top]:
        print(f'{v / a.runs:14.0f} {name}')


if __name__ == '__main__':
    main()
