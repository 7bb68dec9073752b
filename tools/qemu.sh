#!/usr/bin/env bash
# qemu.sh - boot Aegis in QEMU with the serial console on this terminal.
#
#   tools/qemu.sh [--kernel ELF] [--initrd CPIO] [--append CMDLINE] [--iso ISO]
#                 [--uefi] [--mem MiB] [--smp N] [--accel tcg|kvm] [--icount]
#                 [--timeout SECONDS] [-- extra qemu args]
#
# Without --iso the kernel is booted directly (qemu -kernel, PVH entry).  The machine
# is q35 with the isa-debug-exit device, so a test kernel can end QEMU with a status:
# the kernel writes v to port 0xf4 and QEMU exits with 2*v+1.  The TCG accelerator is
# the default (see docs/BUILDING.md for why KVM is never chosen automatically).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
kernel=$build/kernel/aegis.elf
initrd= append= iso= uefi= mem=512 smp=1 accel=${QEMU_ACCEL:-tcg} icount= timeout=
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--iso) iso=$2; shift 2 ;;
	--uefi) uefi=1; shift ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

args=(-machine q35 -m "${mem}M" -smp "$smp" -nographic -no-reboot
      -serial mon:stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04)
case $accel in
# KVM: "-cpu max" passes host MSRs this nested KVM refuses; name the features instead
kvm) args+=(-accel kvm -cpu qemu64,+x2apic,+tsc-deadline,+invtsc,+smep,+smap,+fsgsbase,+xsave,+avx) ;;
tcg) args+=(-accel tcg -cpu max) ;;
*) echo "qemu.sh: --accel must be tcg or kvm" >&2; exit 2 ;;
esac
[ -n "$icount" ] && args+=(-icount shift=0,sleep=off)
if [ -n "$uefi" ]; then
	fw=
	for f in /usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF.fd /usr/share/qemu/OVMF.fd; do
		[ -f "$f" ] && { fw=$f; break; }
	done
	[ -n "$fw" ] || { echo "qemu.sh: OVMF not found (apt-get install ovmf)" >&2; exit 2; }
	args+=(-bios "$fw")
fi
if [ -n "$iso" ]; then
	args+=(-cdrom "$iso" -boot d)
else
	args+=(-kernel "$kernel")
	[ -n "$initrd" ] && args+=(-initrd "$initrd")
	args+=(-append "console=ttyS0 $append")
fi
if [ -n "$timeout" ]; then
	exec timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" "${extra[@]}"
fi
exec qemu-system-x86_64 "${args[@]}" "${extra[@]}"
