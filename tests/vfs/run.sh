#!/usr/bin/env bash
# VFS boot tests: the initramfs unpacker with good, concatenated, truncated and
# corrupted archives given as --initrd.  A bad archive must give a clear message
# (entry and byte offset) and the boot must go on; "ktest=none" then exits QEMU
# with 0x10 (status 33) once the kernel is up.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-vfs
mkdir -p "$out/root/etc" "$out/root/bin"
echo hello >"$out/root/etc/motd"
ln -sf ../etc/motd "$out/root/bin/motd-link"
(cd "$out/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/good.cpio"
size=$(stat -c %s "$out/good.cpio")
head -c $((size / 2)) "$out/good.cpio" >"$out/truncated.cpio"
cp "$out/good.cpio" "$out/corrupt.cpio"
printf 'XYZ' | dd of="$out/corrupt.cpio" bs=1 seek=120 conv=notrunc status=none
{ cat "$out/good.cpio"; head -c 1000 /dev/zero; cat "$out/good.cpio"; } >"$out/concat.cpio"
{ printf 'G'; head -c 4095 /dev/urandom; } >"$out/garbage.cpio"	# never starts with padding

run() {	# name initrd regex
	boot "$1" 33 "$out/$1.log" --timeout 60 --initrd "$2" --append "ktest=none" &&
		expect_line "$1" "$out/$1.log" "$3" &&
		expect_line "$1" "$out/$1.log" '^Aegis ready' &&
		pass "$1"
}

run vfs_initrd_good "$out/good.cpio" '^initramfs: module 0: [0-9]+ entries unpacked$'
run vfs_initrd_concatenated "$out/concat.cpio" '^initramfs: module 0: [0-9]+ entries unpacked$'
run vfs_initrd_truncated "$out/truncated.cpio" \
	'^initramfs: module 0: corrupt archive, unpacking stopped: entry .* at byte [0-9]+: '
run vfs_initrd_corrupt "$out/corrupt.cpio" \
	'^initramfs: module 0: corrupt archive, unpacking stopped: entry .* at byte [0-9]+: '
run vfs_initrd_garbage "$out/garbage.cpio" \
	'^initramfs: module 0: corrupt archive, unpacking stopped: entry .* at byte 0: bad magic'

# User space: fsuser as /init drives the syscalls and reports through /dev/kmsg.
if command -v musl-gcc >/dev/null; then
	musl-gcc -static -O2 -o "$out/fsuser" "$top/tests/vfs/fsuser.c" 2>"$out/fsuser.build.log"
	# The same checks must pass on the host Linux (not as PID 1: no /dev/kmsg).
	host=$(cd "$(mktemp -d)" && "$out/fsuser" 2>&1 | grep -c '^FAIL')
	[ "$host" = 0 ] && pass vfs_user_host_linux || fail "vfs_user_host_linux ($host checks fail on Linux)"
	rm -rf "$out/uroot" && mkdir -p "$out/uroot/dev" "$out/uroot/proc"
	cp "$out/fsuser" "$out/uroot/init"
	# Attributes the unpacker must keep: hard links, symlinks, modes, owners, mtimes.
	echo data >"$out/uroot/hl1" && ln -f "$out/uroot/hl1" "$out/uroot/hl2"
	chmod 0640 "$out/uroot/hl1" && chown 12:34 "$out/uroot/hl1"
	touch -d @1000000000 "$out/uroot/hl1"
	ln -sf hl1 "$out/uroot/sym"
	mkfifo "$out/uroot/fifo"
	(cd "$out/uroot" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/fsuser.cpio"
	"$QEMU" --timeout 60 --initrd "$out/fsuser.cpio" </dev/null >"$out/fsuser.log" 2>&1
	if grep -aqE 'syscall [0-9]+ \((arch_prctl|getpid)\) is not implemented' "$out/fsuser.log"; then
		skip "vfs_user (the process core lacks arch_prctl/getpid)"
	else
		strip_serial "$out/fsuser.log" | grep -aE '^(PASS|FAIL) ' |
			sed -E 's/^(PASS|FAIL) ([a-z_0-9]+).*/\1 vfs_user_\2/'
		expect_line vfs_user_all "$out/fsuser.log" '^fsuser: 0 failures' && pass vfs_user_all
	fi
else
	skip "vfs_user (no musl-gcc)"
fi
