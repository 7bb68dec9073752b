#!/usr/bin/env bash
# fbshot.sh OUT.png [SECONDS] [CMDLINE] - boot the GRUB ISO (BIOS, so GRUB sets up
# a framebuffer) with a VGA display, wait, and save a screenshot of the screen
# (QEMU monitor screendump) as PNG, to check the framebuffer console by eye.
# FBSHOT_KEYS="h i ret" types those keys (QEMU sendkey names) first.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
out=$1 wait=${2:-8} cmdline=${3:-console=ttyS0}
tmp=$(mktemp -d)
trap 'kill $qpid 2>/dev/null || true; rm -rf "$tmp"' EXIT
BUILD=$build "$top/tools/mkiso.sh" "$tmp/a.iso" "$cmdline"
qemu-system-x86_64 -machine q35 -m 512M -accel tcg -cpu max -cdrom "$tmp/a.iso" \
	-vga std -display none -serial "file:$tmp/serial.log" -no-reboot \
	-monitor "unix:$tmp/mon,server,nowait" &
qpid=$!
sleep "$wait"
python3 - "$tmp/mon" "$tmp/shot.ppm" "$out" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
for key in os.environ.get("FBSHOT_KEYS", "").split():
    s.sendall(("sendkey %s\n" % key).encode())
    time.sleep(0.2)
time.sleep(1)
s.sendall(("screendump %s\n" % sys.argv[2]).encode())
time.sleep(1.5)
data = open(sys.argv[2], "rb").read()
# P6 header: magic, width, height, maxval
parts, i = [], 0
while len(parts) < 4:
    while data[i:i+1].isspace(): i += 1
    j = i
    while not data[j:j+1].isspace(): j += 1
    parts.append(data[i:j]); i = j
w, h = int(parts[1]), int(parts[2])
pix = data[i+1:i+1+w*h*3]
import zlib, struct
raw = b"".join(b"\0" + pix[y*w*3:(y+1)*w*3] for y in range(h))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[3], "wb").write(png)
print("fbshot: %dx%d -> %s" % (w, h, sys.argv[3]))
PY
cp "$tmp/serial.log" "${out%.png}.serial.log"
tail -5 "$tmp/serial.log"
