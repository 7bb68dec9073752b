#!/usr/bin/env bash
# tests/tty/run.sh - the serial console as a user sees it: boot with the
# initramfs, drive the shell on ttyS0 from the host through a pty, and check line
# editing (erase, kill, word erase), ^C interrupting a foreground job, and ^Z
# stopping one that fg resumes.  Needs /init to start an interactive busybox sh;
# until the kernel can do that the cases SKIP with the reason.  "aegis.shell" on
# the command line makes /init start the shell instead of aegis-init.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-tty
mkdir -p "$out"
initrd=$BUILD/initramfs.cpio
if [ ! -s "$initrd" ] || [ ! -s "$BUILD/kernel/aegis.elf" ]; then
	for c in line_editing eof ctrl_c ctrl_z_fg; do
		skip "tty_$c (no kernel or initramfs in $BUILD; run make)"
	done
	exit 0
fi
exec python3 "$(dirname "$0")/interactive.py" "$QEMU" "$initrd" "$out/serial.log"
