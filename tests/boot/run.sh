#!/usr/bin/env bash
# Boot tests: the kernel boots three ways (qemu -kernel through the PVH note, the
# GRUB ISO on SeaBIOS, the GRUB ISO on OVMF/UEFI), honours its command line, and
# reports an unexpected fault with registers and a symbolized backtrace.
# "ktest=none" runs no self-test, so a good boot exits QEMU with 0x10 (status 33).
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-boot
mkdir -p "$out"

check_boot() {	# name log
	expect_line "$1" "$2" '^Aegis [0-9.]+ \(commit [0-9a-f]+' &&
	expect_line "$1" "$2" '^Aegis ready' &&
	expect_line "$1" "$2" '^cpu: protections: NX' &&
	pass "$1"
}

boot boot_pvh 33 "$out/pvh.log" --timeout 60 --append "ktest=none" &&
	check_boot boot_pvh "$out/pvh.log"

# the banner is the kernel's first line on the serial port
first=$(strip_serial "$out/pvh.log" | grep -a -m1 -E '^(Aegis|boot:|cpu:|mm:|acpi:)')
case $first in
Aegis*) pass boot_banner_first ;;
*) fail "boot_banner_first (first kernel line: $first)" ;;
esac

if "$top/tools/mkiso.sh" "$out/test.iso" "console=ttyS0 ktest=none" 2>"$out/mkiso.log"; then
	pass iso_builds
	boot boot_grub_bios 33 "$out/bios.log" --iso "$out/test.iso" --timeout 120 &&
		check_boot boot_grub_bios "$out/bios.log" &&
		expect_line boot_grub_bios_mb2 "$out/bios.log" '^boot: loader multiboot2' &&
		pass boot_grub_bios_mb2
	boot boot_grub_uefi 33 "$out/uefi.log" --iso "$out/test.iso" --uefi --timeout 180 &&
		check_boot boot_grub_uefi "$out/uefi.log" &&
		expect_line boot_grub_uefi_efimap "$out/uefi.log" 'EFI memory map' &&
		pass boot_grub_uefi_efimap
else
	fail "iso_builds (see $out/mkiso.log)"
fi

# command line: loglevel filters the console, mode is reported
boot cmdline_loglevel 33 "$out/loglevel.log" --timeout 60 --append "ktest=none loglevel=3" &&
	if strip_serial "$out/loglevel.log" | grep -q '^Aegis ready'; then
		fail "cmdline_loglevel (info lines shown at loglevel=3)"
	else
		expect_line cmdline_loglevel "$out/loglevel.log" '^Aegis [0-9.]+ \(commit' &&
			pass cmdline_loglevel
	fi
for m in safe recovery; do
	boot cmdline_mode_$m 33 "$out/mode-$m.log" --timeout 60 --append "ktest=none mode=$m" &&
		expect_line cmdline_mode_$m "$out/mode-$m.log" "^boot: mode $m" &&
		pass cmdline_mode_$m
done

# unexpected faults: report, then exit with the failure code 0x11 (status 35)
for kind in ud null divide; do
	log=$out/crash-$kind.log
	boot panic_$kind 35 "$log" --timeout 60 --append "ktest=none crash=$kind" &&
		expect_line panic_$kind "$log" '^KERNEL PANIC: unexpected' &&
		expect_line panic_$kind "$log" '^rip 0008:ffffffff' &&
		expect_line panic_$kind "$log" '^rax [0-9a-f]{16}' &&
		expect_line panic_$kind "$log" "crash_$kind\+0x" &&
		expect_line panic_$kind "$log" 'kernel_main_continue\+0x' &&
		pass panic_$kind
done
# a kernel stack overflow runs into the guard page and is named as such
log=$out/crash-stack.log
boot panic_stack_overflow 35 "$log" --timeout 60 --append "ktest=none crash=stack" &&
	expect_line panic_stack_overflow "$log" '^KERNEL PANIC: kernel stack overflow in thread crasher' &&
	pass panic_stack_overflow
expect_line panic_null_address "$out/crash-null.log" 'cr2 0x8' && pass panic_null_address
exit 0
