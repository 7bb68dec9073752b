#!/usr/bin/env python3
"""newc.py - write a newc cpio archive from a manifest, without root.

Reads a manifest on stdin (or the file named by the first argument) and writes the archive
to stdout.  One entry per line, fields separated by single spaces; the last field of
f and l lines may contain spaces:

    d PATH MODE UID GID                 directory
    f PATH MODE UID GID SOURCE          regular file copied from SOURCE on the host
    l PATH MODE UID GID TARGET          symbolic link
    c PATH MODE UID GID MAJOR MINOR     character device
    b PATH MODE UID GID MAJOR MINOR     block device
    p PATH MODE UID GID                 fifo

MODE is octal permission bits.  Entries are written sorted by path with mtime 0 and
sequential inode numbers, so the same manifest always gives the same bytes.  Later lines
for the same path replace earlier ones.
"""
import os
import stat
import sys

TYPES = {"d": stat.S_IFDIR, "f": stat.S_IFREG, "l": stat.S_IFLNK,
         "c": stat.S_IFCHR, "b": stat.S_IFBLK, "p": stat.S_IFIFO}


def header(ino, mode, uid, gid, nlink, size, rmaj, rmin, name):
    fields = [ino, mode, uid, gid, nlink, 0, size, 0, 0, rmaj, rmin, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % v for v in fields) + name + b"\0"


def pad(out, n):
    out.write(b"\0" * (-n % 4))


def main():
    src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    entries = {}
    for line in src:
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        kind, rest = line.split(" ", 1)
        if kind in "flcb":
            path, mode, uid, gid, arg = rest.split(" ", 4)
        else:
            path, mode, uid, gid = rest.split(" ")[:4]
            arg = ""
        path = path.strip("/") or "."
        entries[path] = (kind, int(mode, 8), int(uid), int(gid), arg)
    out = sys.stdout.buffer
    for ino, path in enumerate(sorted(entries), 1):
        kind, mode, uid, gid, arg = entries[path]
        data, rmaj, rmin = b"", 0, 0
        if kind == "f":
            with open(arg, "rb") as f:
                data = f.read()
        elif kind == "l":
            data = os.fsencode(arg)
        elif kind in "cb":
            rmaj, rmin = (int(x) for x in arg.split())
        nlink = 2 if kind == "d" else 1
        h = header(ino, TYPES[kind] | mode, uid, gid, nlink, len(data), rmaj, rmin,
                   os.fsencode(path))
        out.write(h)
        pad(out, len(h))
        out.write(data)
        pad(out, len(data))
    h = header(0, 0, 0, 0, 1, 0, 0, 0, b"TRAILER!!!")
    out.write(h)
    pad(out, len(h))


if __name__ == "__main__":
    main()
