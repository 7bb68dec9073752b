#!/usr/bin/env bash
# tests/ext2/run.sh - ext2, read-only, on virtio disks.  A directory tree is
# copied into ext2 images by mke2fs -d (1, 2 and 4 KiB blocks); Aegis mounts
# each one and treesum.c must print exactly what it prints for the tree on the
# host (every path, type, mode, owner, size, mtime, content hash, link target).
# Then: the mount is read-only (changes fail, the image is untouched), images
# that are not ext2 or need features this reader lacks (ext4's extents) are
# refused, and corrupted images neither crash nor hang the kernel.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/ext2
rm -rf "$out"
mkdir -p "$out/root/b"
if ! PATH=$PATH:/sbin:/usr/sbin command -v mke2fs >/dev/null; then
	skip "ext2 mke2fs not installed (e2fsprogs)"
	exit 0
fi
mkfs() { PATH=$PATH:/sbin:/usr/sbin mke2fs -q -F "$@" >/dev/null 2>&1; }
if ! gcc -O2 -o "$out/treesum" "$top/tests/ext2/treesum.c" ||
   ! musl-gcc -static -O2 -Wall -o "$out/root/b/treesum" "$top/tests/ext2/treesum.c"; then
	fail "ext2_build treesum does not compile"
	exit 0
fi

# the tree: small and empty files, one past the double-indirect blocks of a
# 1 KiB file system, a sparse one, 600 entries in one directory, fast and slow
# symlinks, a hard link, a FIFO, odd modes and owners
t=$out/tree
mkdir -p "$t/dir/sub" "$t/big" "$t/modes"
echo hello >"$t/hello.txt"
: >"$t/empty"
head -c 5000000 /dev/urandom >"$t/big/five-mb"
truncate -s 3000000 "$t/sparse" && printf tail >>"$t/sparse"
ln -s hello.txt "$t/fast-link"
ln -s "dir/sub/../sub/../../hello.txt.with.a.name.long.enough.to.need.a.block.of.its.own" "$t/slow-link"
for i in $(seq 600); do echo "$i" >"$t/dir/file-number-$i"; done
echo deep >"$t/dir/sub/deep"
ln "$t/hello.txt" "$t/dir/hard-link"
mkfifo "$t/fifo"
mknod "$t/null" c 1 3 2>/dev/null || true	# as root: a device node, read back as one
echo x >"$t/modes/setuid" && chmod 4755 "$t/modes/setuid"
echo x >"$t/modes/private" && chmod 0600 "$t/modes/private"
chmod 0751 "$t/dir/sub"
chown 1000:1000 "$t/modes/private" 2>/dev/null || true
"$out/treesum" "$t" >"$out/tree.want"

for bs in 1024 2048 4096; do
	img=$out/ext2-$bs.img
	if ! mkfs -t ext2 -b "$bs" -d "$t" "$img" 24M; then
		fail "ext2_read_${bs} mke2fs failed"
		continue
	fi
	"$top/tools/aegis-run" --drive "file=$img,if=virtio,format=raw,readonly=on" --extra "$out/root" -- \
		sh -c 'mkdir /m && mount -t ext2 -o ro /dev/vda /m && /b/treesum /m' >"$out/tree.$bs" 2>&1
	rc=$?
	if [ $rc = 0 ] && cmp -s "$out/tree.want" "$out/tree.$bs"; then
		pass "ext2_read_${bs} ($(tail -n 1 "$out/tree.$bs"))"
	else
		diff "$out/tree.want" "$out/tree.$bs" | head -n 10 | sed 's/^/  /'
		fail "ext2_read_${bs} status $rc, or the tree read back differs"
	fi
done

# read-only: busybox mount retries with -o ro after EROFS; no change reaches the image
img=$out/ext2-1024.img
sum=$(md5sum <"$img")
"$top/tools/aegis-run" --drive "file=$img,if=virtio,format=raw" --extra "$out/root" -- sh -c '
	mkdir /m && mount -t ext2 /dev/vda /m || exit 1
	grep -q "^/dev/vda /m ext2 ro " /proc/mounts || exit 2
	touch /m/new 2>/dev/null && exit 3
	mkdir /m/newdir 2>/dev/null && exit 4
	rm /m/hello.txt 2>/dev/null && exit 5
	(echo more >>/m/hello.txt) 2>/dev/null && exit 6
	cat /m/hello.txt' >"$out/ro.out" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(cat "$out/ro.out")" = hello ] && [ "$(md5sum <"$img")" = "$sum" ]; then
	pass "ext2_read_only (changes refused, image unchanged)"
else
	sed 's/^/  /' "$out/ro.out" | tail -n 5
	fail "ext2_read_only status $rc"
fi

# refused: random bytes, and ext4 with extents
head -c 8388608 /dev/urandom >"$out/random.img"
mkfs -t ext4 -d "$t" "$out/ext4.img" 24M
"$top/tools/aegis-run" --drive "file=$out/random.img,if=virtio,format=raw,readonly=on" \
	--drive "file=$out/ext4.img,if=virtio,format=raw,readonly=on" --extra "$out/root" -- sh -c '
	mkdir /m
	mount -t ext2 -o ro /dev/vda /m 2>/dev/null && exit 1
	mount -t ext2 -o ro /dev/vdb /m 2>/dev/null && exit 2
	mount -t ext2 -o ro /dev/null /m 2>/dev/null && exit 3
	mount -t ext2 -o ro /nonexistent /m 2>/dev/null && exit 4
	dmesg | grep -c "not an ext2 file system this kernel can read"' >"$out/refused.out" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(tail -n 1 "$out/refused.out")" = 2 ]; then
	pass "ext2_refuses (random bytes, ext4 extents, a char device, no such file)"
else
	sed 's/^/  /' "$out/refused.out" | tail -n 5
	fail "ext2_refuses status $rc"
fi

# corrupted copies of the 1 KiB image (bytes changed in its first 300 KiB: the
# superblock, group table, inode tables, directories): mounting and walking
# them (at most 200 KB of each file, 6 levels deep) may fail, but the kernel
# must finish the run (125: panic or hang)
args=()
for k in 1 2 3 4 5 6; do
	c=$out/corrupt-$k.img
	cp "$out/ext2-1024.img" "$c"
	python3 - "$c" "$k" <<'PY'
import random, sys
r = random.Random(int(sys.argv[2]) * 7919)
with open(sys.argv[1], 'r+b') as f:
	for _ in range(40 * int(sys.argv[2])):
		f.seek(r.randrange(1024, 300 * 1024))
		f.write(bytes([r.randrange(256)]))
PY
	args+=(--drive "file=$c,if=virtio,format=raw,readonly=on")
done
"$top/tools/aegis-run" "${args[@]}" --extra "$out/root" -- sh -c '
	for d in a b c d e f; do
		mkdir -p /m$d
		if mount -t ext2 -o ro /dev/vd$d /m$d 2>/dev/null; then
			# bounded: a corrupt size may claim gigabytes (of holes), and a
			# directory entry may point back up the tree
			find /m$d -maxdepth 6 -type f -exec head -c 200000 {} + >/dev/null 2>&1
			ls -lR /m$d 2>/dev/null | head -n 2000 >/dev/null
			echo "vd$d mounted and walked"
		else
			echo "vd$d refused"
		fi
	done' >"$out/corrupt.out" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(grep -c '^vd' "$out/corrupt.out")" = 6 ]; then
	pass "ext2_corrupt_images ($(grep -c mounted "$out/corrupt.out") of 6 mounted; walked without a crash)"
else
	sed 's/^/  /' "$out/corrupt.out" | tail -n 8
	fail "ext2_corrupt_images status $rc"
fi

# a device node and a FIFO on the disk work as such
img=$out/ext2-4096.img
if [ -c "$t/null" ]; then
	"$top/tools/aegis-run" --drive "file=$img,if=virtio,format=raw,readonly=on" --extra "$out/root" -- sh -c '
		mkdir /m && mount -t ext2 -o ro /dev/vda /m || exit 1
		echo gone >/m/null || exit 2
		[ "$(head -c 5 /m/null | wc -c)" = 0 ] || exit 3
		(sleep 1; echo through >/m/fifo) & cat /m/fifo' >"$out/nodes.out" 2>&1
	rc=$?
	if [ $rc = 0 ] && [ "$(cat "$out/nodes.out")" = through ]; then
		pass "ext2_device_nodes (a char device and a FIFO on the disk)"
	else
		sed 's/^/  /' "$out/nodes.out" | tail -n 5
		fail "ext2_device_nodes status $rc"
	fi
else
	skip "ext2_device_nodes mknod needs root on the host"
fi
