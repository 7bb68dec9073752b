#!/bin/busybox sh
# /init of the bench initramfs (tools/bench/mkinitramfs.sh): the same script on Aegis
# and on Linux. It prints a first line as early as it can (the harness times QEMU start
# to this line), the boot clocks, then the results of /bin/bench prefixed with "BENCH ",
# an end marker, and powers off. Mount failures are ignored: the bench reports what
# it cannot do.
export PATH=/bin
echo "BENCH_INIT"
/bin/bench -p "BENCH " -c
mount -t proc proc /proc 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null
[ -e /dev/null ] || mknod /dev/null c 1 3 2>/dev/null
[ -e /dev/zero ] || mknod /dev/zero c 1 5 2>/dev/null
ifconfig lo 127.0.0.1 up 2>/dev/null	# Linux starts the loopback down; Aegis has it up
[ -f /etc/bench.env ] && . /etc/bench.env
echo "BENCH_START $(uname -sr 2>/dev/null)"
/bin/bench -p "BENCH "
echo "BENCH_END"
poweroff -f
echo "BENCH_POWEROFF_FAILED"
