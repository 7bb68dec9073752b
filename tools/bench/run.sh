#!/bin/sh
# make bench: boots Aegis and then Debian's Linux with the same bench initramfs in the
# same QEMU configuration, and prints the table test / Aegis / Linux / Aegis/Linux.
# Run from the repository root. Environment:
#   BUILD               absolute build directory (default ./build)
#   BENCH_MODE          icount (default: TCG -icount shift=0,sleep=off), wall (TCG), kvm
#   BENCH_SMP           vCPUs (default 1)
#   BENCH_KERNELS       which kernels to boot, in order (default "aegis linux"); the
#                       table takes the other kernel from its last run in this mode
#   BENCH_AEGIS_KERNEL  default $BUILD/kernel/aegis.elf
#   BENCH_LINUX_KERNEL  default the newest /boot/vmlinuz-*
#   BENCH_TIMEOUT       wall seconds for a whole run (default 1800)
#   BENCH_INIT_TIMEOUT  wall seconds until the init's first line (default 90)
#   BENCH_IDLE_TIMEOUT  wall seconds without output that end a run (default 300)
#   BENCH_QUICK=1, BENCH_ROUNDS=N   passed to the bench through the initramfs
# Outputs in $BUILD/bench/, with TAG = the mode (plus -smpN when BENCH_SMP > 1):
# <kernel>-TAG.log (console, host time-stamped), <kernel>-TAG.json,
# results-<date>-TAG.json and latest-TAG.json (the record with date, commit and QEMU
# command lines) and table-TAG.txt.
set -eu
BUILD=${BUILD:-$(pwd)/build}
MODE=${BENCH_MODE:-icount}
SMP=${BENCH_SMP:-1}
KERNELS=${BENCH_KERNELS:-aegis linux}
TIMEOUT=${BENCH_TIMEOUT:-1800}
INIT_TIMEOUT=${BENCH_INIT_TIMEOUT:-90}
IDLE_TIMEOUT=${BENCH_IDLE_TIMEOUT:-300}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$BUILD/bench
TAG=$MODE
[ "$SMP" = 1 ] || TAG=$MODE-smp$SMP

case $MODE in
icount) ACCEL="-icount shift=0,sleep=off" ;;
wall) ACCEL="" ;;
kvm) ACCEL="-accel kvm" ;;
*) echo "bench: BENCH_MODE must be icount, wall or kvm" >&2; exit 2 ;;
esac

if [ "$MODE" = icount ] && [ "$SMP" != 1 ]; then
	echo "bench: warning: with -icount, QEMU 7.2 hangs Linux 6.1 at secondary CPU" \
		"bring-up; use BENCH_MODE=wall for BENCH_SMP>1" >&2
fi

make -s -C "$HERE/../../user/bench" O="$BUILD" CC=musl-gcc
mkdir -p "$OUT"

AEGIS_KERNEL=${BENCH_AEGIS_KERNEL:-$BUILD/kernel/aegis.elf}
LINUX_KERNEL=${BENCH_LINUX_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}

for k in $KERNELS; do
	case $k in
	aegis) kernel=$AEGIS_KERNEL; append="console=ttyS0 init=/init quiet" ;;
	linux) kernel=$LINUX_KERNEL; append="console=ttyS0 rdinit=/init quiet panic=-1" ;;
	*) echo "bench: unknown kernel $k" >&2; exit 2 ;;
	esac
	json=$OUT/$k-$TAG.json
	rm -f "$json"
	if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
		echo "bench: $k: no kernel at '${kernel:-/boot/vmlinuz-*}', column n/a" >&2
		printf '{"name": "%s", "status": "missing", "kernel": "%s", "results": {}}\n' \
			"$k" "$kernel" > "$json"
		continue
	fi
	cpio=$OUT/initramfs-$k.cpio
	"$HERE/mkinitramfs.sh" "$BUILD" "$cpio"
	echo "bench: booting $k ($kernel), mode $MODE, $SMP vCPU" >&2
	# shellcheck disable=SC2086 # ACCEL is a list of words
	python3 "$HERE/boot.py" --name "$k" --log "$OUT/$k-$TAG.log" --out "$json" \
		--timeout "$TIMEOUT" --init-timeout "$INIT_TIMEOUT" \
		--idle-timeout "$IDLE_TIMEOUT" -- \
		qemu-system-x86_64 -machine q35 -cpu max -m 512M -smp "$SMP" \
		-nographic -no-reboot -serial stdio -monitor none $ACCEL \
		-kernel "$kernel" -initrd "$cpio" -append "$append"
done

commit=$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$HERE" status --porcelain 2>/dev/null)" ] || commit="$commit-dirty"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
record=$OUT/results-$stamp-$TAG.json
python3 "$HERE/table.py" --mode "$MODE" --smp "$SMP" --commit "$commit" \
	--aegis "$OUT/aegis-$TAG.json" --linux "$OUT/linux-$TAG.json" \
	--json "$record" | tee "$OUT/table-$TAG.txt"
cp "$record" "$OUT/latest-$TAG.json"
echo "bench: record $record" >&2
