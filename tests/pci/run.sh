#!/usr/bin/env bash
# tests/pci/run.sh - PCI enumeration and /sys/bus/pci, differential: the same
# program (pcilist.c) runs under Debian's Linux kernel and under Aegis on the same
# QEMU machine, and the two outputs must be identical.  Three machines:
#   pci_diff_ecam     the q35 default (VGA, e1000e, LPC, AHCI, SMBus), config through ECAM
#   pci_diff_ports    the same through the legacy ports (pci=nommconf on both kernels)
#   pci_diff_bridges  plus a PCIe root port and a PCI-PCI bridge with virtio-serial devices
#                     behind them (a 64-bit BAR, a multi-function slot, nested paths)
# Then the first PCI device driver, virtio-rng as /dev/hwrng (hwrng.c checks it
# from user space): transitional on the root bus, modern-only behind a root port,
# a legacy-only device, which the driver must decline (no /dev/hwrng), and a
# rate-limited device, whose answers come only by interrupt.  And the block
# drivers, virtio-blk (/dev/vda read-write, /dev/vdb read-only), AHCI (/dev/sda,
# beside a CD-ROM it must leave alone) and NVMe (/dev/nvme0n1): each disk reads
# back as the host wrote it, and blktest.c's writes are found in the image file
# afterwards, nothing else.
# The in-kernel side (scan, driver binding) is in ktest (pci_*); the scanner's
# handling of bad config space is in tests/unit/test_pci.c, the virtqueue's
# handling of a misbehaving device in tests/unit/test_virtqueue.c.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/pci
rm -rf "$out"
mkdir -p "$out/root/b"
for p in pcilist hwrng blktest; do
	if ! musl-gcc -static -O2 -Wall -o "$out/root/b/$p" "$top/tests/pci/$p.c" 2>"$out/build.log"; then
		sed 's/^/  /' "$out/build.log"
		fail "pci_build $p does not compile"
		exit 0
	fi
done
linux=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)

# diff NAME AEGIS-RUN-ARGS...
diff_case() {
	local name=$1
	shift
	if [ -z "$linux" ]; then
		skip "$name no /boot/vmlinuz-* to compare with (apt-get install linux-image-amd64)"
		return
	fi
	"$top/tools/aegis-run" --linux "$@" --extra "$out/root" -- /b/pcilist >"$out/$name.linux" 2>&1
	local rl=$?
	"$top/tools/aegis-run" "$@" --extra "$out/root" -- /b/pcilist >"$out/$name.aegis" 2>&1
	local ra=$?
	if [ $rl != 0 ]; then
		sed 's/^/  /' "$out/$name.linux" | tail -n 5
		fail "$name pcilist failed under Linux (status $rl)"
	elif [ $ra != 0 ]; then
		sed 's/^/  /' "$out/$name.aegis" | tail -n 5
		fail "$name pcilist failed under Aegis (status $ra)"
	elif ! diff -u "$out/$name.linux" "$out/$name.aegis" >"$out/$name.diff"; then
		sed 's/^/  /' "$out/$name.diff" | head -n 40
		fail "$name Aegis and Linux differ"
	else
		pass "$name ($(head -n 1 "$out/$name.aegis"))"
	fi
}

diff_case pci_diff_ecam
diff_case pci_diff_ports --append pci=nommconf
# (virtio-serial devices: neither kernel has a driver bound to them here)
diff_case pci_diff_bridges --device pcie-root-port,id=rp1,chassis=1,slot=1 \
	--device virtio-serial-pci,bus=rp1 --device pci-bridge,id=br1,chassis_nr=2 \
	--device virtio-serial-pci,bus=br1,addr=3.0,multifunction=on \
	--device virtio-serial-pci,bus=br1,addr=3.1,disable-modern=on

# the self-tests again with config space through the ports (ktest runs them
# through ECAM): QEMU's isa-debug-exit gives 33 when every test passed
log=$out/ktest-ports.log
"$QEMU" --kernel "$BUILD/kernel/aegis.elf" --accel "${QEMU_ACCEL:-tcg}" --timeout 120 \
	--append "ktest=pci_ pci=nommconf" </dev/null >"$log" 2>&1
rc=$?
if [ $rc = 33 ] && grep -aq "through ports" "$log"; then
	pass "pci_ktest_ports ($(grep -a 'ktest: .* passed' "$log" | sed 's/.*ktest: //' | tr -d '\r'))"
else
	tr -d '\r' <"$log" | grep -a "FAIL\|PANIC\|pci:" | sed 's/^/  /' | head -n 20
	fail "pci_ktest_ports QEMU exit status $rc (33 expected), or not through the ports"
fi

# rng NAME EXPECT(ok|absent) QEMU-DEVICE...
rng_case() {
	local name=$1 expect=$2 args=() d
	shift 2
	for d in "$@"; do args+=(--device "$d"); done
	# with a device, its completions must come by MSI-X (hwrng's reads fail
	# if an interrupt is lost)
	"$top/tools/aegis-run" "${args[@]}" --extra "$out/root" -- sh -c \
		"/b/hwrng $([ "$expect" = absent ] && echo expect-absent) &&
		 { [ $expect = absent ] || dmesg | grep 'virtio-rng: .*MSI-X'; }" >"$out/$name.out" 2>&1
	local rc=$?
	if [ $rc = 0 ]; then
		pass "$name ($(grep -c '^ok' "$out/$name.out") checks)"
	else
		sed 's/^/  /' "$out/$name.out" | tail -n 12
		fail "$name hwrng exit status $rc"
	fi
}
rng_case pci_virtio_rng ok virtio-rng-pci
rng_case pci_virtio_rng_modern ok pcie-root-port,id=rp1,chassis=1 virtio-rng-pci,bus=rp1
rng_case pci_virtio_rng_legacy_declined absent virtio-rng-pci,disable-modern=on
# at most 64 bytes per 200 ms: reads must sleep until the device's MSI-X
# interrupt (one that only finds its buffer at the 2 s timeout fails)
rng_case pci_virtio_rng_throttled ok virtio-rng-pci,max-bytes=64,period=200

# Block drivers: DEV is the disk blktest writes to (an image of 4 MiB of random
# bytes), checked afterwards in the image file; RO (optional) a read-only disk.
# blk_case NAME DEV RO-DEV-OR-- AEGIS-RUN-ARGS... (the image is $out/disk.img)
blk_case() {
	local name=$1 dev=$2 rodev=$3 img=$out/disk.img
	shift 3
	head -c 4194304 /dev/urandom >"$img"
	cp "$img" "$out/disk.orig"
	head -c 1048576 /dev/urandom >"$out/ro.img"
	local want
	want=$(md5sum <"$img" | cut -d' ' -f1)
	"$top/tools/aegis-run" "$@" --extra "$out/root" -- sh -c \
		"md5sum $dev && /b/blktest $dev 4194304 rw &&
		 { [ $rodev = - ] || /b/blktest $rodev 1048576 ro; } &&
		 dmesg | grep -E '(virtio-blk|nvme): .*MSI-X|ahci: .*/dev/sd.*MSI'" >"$out/$name.out" 2>&1
	local rc=$?
	if [ $rc != 0 ]; then
		sed 's/^/  /' "$out/$name.out" | grep -v '^  ok' | tail -n 12
		fail "$name blktest exit status $rc"
	elif ! grep -q "^$want  $dev" "$out/$name.out"; then
		fail "$name $dev does not read as the image ($want)"
	elif ! python3 - "$out/disk.orig" "$img" <<'PY'
import sys
img = bytearray(open(sys.argv[1], 'rb').read())
def pat(n, seed): return bytes(((i * 7 + seed) ^ (i >> 8)) & 0xff for i in range(n))
img[1000:4000] = pat(3000, 1)
o = (1 << 20) - 512
img[o:o + 66048] = pat(66048, 2)
img[-10:] = pat(3000, 1)[:10]
sys.exit(open(sys.argv[2], 'rb').read() != bytes(img))
PY
	then
		fail "$name the image does not hold exactly what blktest wrote"
	else
		pass "$name ($(grep -c '^ok' "$out/$name.out") checks, image verified)"
	fi
}
# virtio-blk: /dev/vda read-write, /dev/vdb read-only
blk_case pci_virtio_blk /dev/vda /dev/vdb --drive "file=$out/disk.img,if=virtio,format=raw" \
	--drive "file=$out/ro.img,if=virtio,format=raw,readonly=on"
# AHCI: a SATA disk on port 0 of q35's ICH9 controller, a CD-ROM (ATAPI, left
# alone) on port 1
blk_case pci_ahci /dev/sda - --drive "file=$out/disk.img,if=none,id=s0,format=raw" \
	--device ide-hd,drive=s0,bus=ide.0 --drive "file=$out/ro.img,if=none,id=cd,media=cdrom,format=raw" \
	--device ide-cd,drive=cd,bus=ide.1
# NVMe: namespace 1 of a controller
blk_case pci_nvme /dev/nvme0n1 - --drive "file=$out/disk.img,if=none,id=nv,format=raw" \
	--device nvme,serial=aegis0001,drive=nv
