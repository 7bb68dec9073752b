#!/usr/bin/env python3
"""gen.py OUTDIR - write valid and malformed x86-64 ELF executables for the exec test.

Each file is a variation of one minimal static executable (one PT_LOAD at 0x400000 whose
code calls exit(42)); the exec test runs every file and prints what execve() and the
child did.  Linux defines the expected results.
"""
import os
import struct
import sys

CODE = bytes([0xbf, 42, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05])  # exit(42)
BASE = 0x400000


def elf(ident=None, etype=2, machine=62, entry=None, phoff=64, phentsize=56, phnum=1,
        ehsize=64, phdrs=None, extra_tail=b""):
    ident = ident or b"\x7fELF\x02\x01\x01" + b"\0" * 9
    code_off = 64 + 56 * max(phnum, 1) if phdrs is None else 64 + 56 * len(phdrs)
    entry = BASE + code_off if entry is None else entry
    if phdrs is None:
        phdrs = [dict()]
    body = b""
    for p in phdrs:
        q = dict(type=1, flags=5, offset=0, vaddr=BASE, filesz=code_off + len(CODE),
                 memsz=code_off + len(CODE), align=0x1000)
        q.update(p)
        body += struct.pack("<IIQQQQQQ", q["type"], q["flags"], q["offset"], q["vaddr"],
                            q["vaddr"], q["filesz"], q["memsz"], q["align"])
    hdr = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, 0, 0,
                              ehsize, phentsize, phnum, 64, 0, 0)
    return hdr + body + CODE + extra_tail


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    good = elf()
    files = {
        "00-valid": good,
        "01-empty": b"",
        "02-truncated-header": good[:40],
        "03-bad-magic": b"\x7fELG" + good[4:],
        "04-class32": good[:4] + b"\x01" + good[5:],
        "05-big-endian": good[:5] + b"\x02" + good[6:],
        "06-wrong-machine": elf(machine=183),
        "07-type-rel": elf(etype=1),
        "08-zero-phnum": elf(phnum=0, phdrs=[]),
        "09-bad-phentsize": elf(phentsize=32),
        "10-phoff-past-eof": elf(phoff=1 << 20),
        "11-kernel-half-segment": elf(phdrs=[dict(vaddr=0xffffffff80000000)],
                                      entry=0xffffffff80000000 + 64 + 56),
        "12-huge-memsz": elf(phdrs=[dict(memsz=1 << 62)]),
        "13-misaligned-offset": elf(phdrs=[dict(offset=1)]),
        "14-filesz-gt-memsz": elf(phdrs=[dict(filesz=0x2000, memsz=0x100)]),
        "15-entry-unmapped": elf(entry=0x10000000),
        "16-segment-past-eof": elf(phdrs=[dict(filesz=0x100000, memsz=0x100000)]),
        "17-many-phdrs": elf(phnum=5000, phdrs=[dict()]),
        "18-interp-missing": elf(phdrs=[dict(), dict(type=3, offset=0, filesz=8)]),
        "19-script-missing-interp": b"#!/nonexistent/interp\n",
        "20-script-sh": b"#!/bin/sh\nexit 7\n",
        "21-text-file": b"just some text\n",
        "22-noexec-mode": good,
        "23-overlapping-segments": elf(phdrs=[dict(), dict(offset=0, vaddr=BASE, flags=6)]),
        "24-user-top-segment": elf(phdrs=[dict(vaddr=0x7ffffffff000, memsz=0x2000)]),
    }
    for name, data in files.items():
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o644 if name == "22-noexec-mode" else 0o755)


if __name__ == "__main__":
    main()
