#!/bin/sh
# Builds the bench initramfs: a newc cpio of busybox (Debian's busybox-static, with
# a symlink per applet), /bin/bench, /bin/bench-true, /init (init.sh) and /etc/bench.env
# (the BENCH_QUICK and BENCH_ROUNDS settings, so both kernels run the same bench).
#   mkinitramfs.sh <build dir> <output cpio>
set -eu
BUILD=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
BUSYBOX=${BENCH_BUSYBOX_BIN:-/bin/busybox}
STAGE=$OUT.root

for f in "$BUILD/user/bench" "$BUILD/user/bench-true" "$BUSYBOX"; do
	[ -x "$f" ] || { echo "mkinitramfs: missing $f" >&2; exit 1; }
done
file -L "$BUSYBOX" 2>/dev/null | grep -q 'dynamically linked' &&
	{ echo "mkinitramfs: $BUSYBOX is not static (install busybox-static)" >&2; exit 1; }

rm -rf "$STAGE"
mkdir -p "$STAGE/bin" "$STAGE/dev" "$STAGE/proc" "$STAGE/sys" "$STAGE/tmp" "$STAGE/etc"
chmod 1777 "$STAGE/tmp"
cp "$BUSYBOX" "$STAGE/bin/busybox"
for app in $("$BUSYBOX" --list); do
	[ -e "$STAGE/bin/$app" ] || ln -s busybox "$STAGE/bin/$app"
done
cp "$BUILD/user/bench" "$BUILD/user/bench-true" "$STAGE/bin/"
cp "$HERE/init.sh" "$STAGE/init"
chmod 755 "$STAGE/init"
: > "$STAGE/etc/bench.env"
for v in BENCH_QUICK BENCH_ROUNDS; do
	eval "val=\${$v:-}"
	[ -z "$val" ] || echo "export $v=$val" >> "$STAGE/etc/bench.env"
done
# Device nodes need root; without them init mounts devtmpfs or makes them itself.
mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$STAGE/dev/null" c 1 3 2>/dev/null || true
mknod -m 666 "$STAGE/dev/zero" c 1 5 2>/dev/null || true

(cd "$STAGE" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
rm -rf "$STAGE"
