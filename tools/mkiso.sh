#!/usr/bin/env bash
# mkiso.sh OUT.iso "CMDLINE" - a GRUB rescue ISO that boots Aegis with the
# initramfs as a Multiboot2 module, on BIOS and UEFI alike.  The console is the
# serial port; GRUB waits no time.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
out=$1 cmdline=${2:-console=ttyS0}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$build/kernel/aegis.elf" "$stage/boot/aegis.elf"
[ -f "$build/initramfs.cpio" ] && cp "$build/initramfs.cpio" "$stage/boot/initramfs.cpio"
{
	echo 'serial --unit=0 --speed=115200'
	echo 'terminal_input serial console'
	echo 'terminal_output serial console'
	echo 'set timeout=0'
	echo 'menuentry "Aegis" {'
	echo "	multiboot2 /boot/aegis.elf $cmdline"
	[ -f "$build/initramfs.cpio" ] && echo '	module2 /boot/initramfs.cpio initramfs'
	echo '	boot'
	echo '}'
} > "$stage/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$stage" >/dev/null 2>"$stage.log" || {
	cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
