#!/bin/sh
# Fast tests of the benchmark (issue 5), without booting a kernel: the bench program on
# the host, the table formatter on fixed input, the console parser and timeouts of
# boot.py with a fake QEMU, and the initramfs builder. Prints PASS/FAIL/SKIP lines.
set -u
BUILD=${BUILD:-$(pwd)/build}
ROOT=$(pwd)
T=$BUILD/test-bench
[ -n "${KEEP:-}" ] || rm -rf "$T"
mkdir -p "$T"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1 ${2:-}"; }
check() { # name, then a command: PASS if it succeeds
	name=$1
	shift
	if "$@" > "$T/$name.out" 2>&1; then pass "$name"; else
		cat "$T/$name.out"
		fail "$name" "$(tail -n 1 "$T/$name.out")"
	fi
}

if ! make -s -C user/bench O="$BUILD" CC=musl-gcc > "$T/build.out" 2>&1; then
	cat "$T/build.out"
	fail bench-build "make -C user/bench failed"
	exit 0
fi
pass bench-build
BENCH=$BUILD/user/bench

# Every test prints exactly one well-formed line, in order.
host_run() {
	BENCH_QUICK=1 BENCH_ROUNDS=1 BENCH_TMPDIR=$T "$BENCH" -p "BENCH " > "$T/host.txt" &&
		BENCH_QUICK=1 "$BENCH" -l > "$T/names.txt" &&
		sed 's/^BENCH \([^ ]*\) .*/\1/' "$T/host.txt" | cmp - "$T/names.txt" &&
		awk '!/^BENCH [a-z0-9_]+ ([0-9]+(\.[0-9]+)?|n\/a) [A-Za-z\/_-]+$/ {
			print "bad line: " $0; bad = 1 } END { exit bad }' "$T/host.txt"
}
check bench-host-lines host_run
cat "$T/host.txt"
check bench-host-core awk '$2 == "getpid" || $2 == "fork_exit_wait" || $2 == "pipe_pingpong" {
	n++; if ($3 !~ /^[0-9]/) { print "n/a: " $0; exit 1 } } END { exit n != 3 }' "$T/host.txt"
check bench-clocks sh -c "'$BENCH' -c | grep -c '^boot_\(tsc\|monotonic\|boottime\) [0-9]' | grep -qx 3"
check bench-select sh -c "'$BENCH' getpid | grep -q '^getpid [0-9.]* ns\$' && test \$('$BENCH' getpid | wc -l) = 1"

# A test that cannot run says n/a and the others go on.
errs() {
	BENCH_TRUE=/nonexistent BENCH_TMPDIR=/nonexistent "$BENCH" vfork_exec_wait stat getpid > "$T/errs.txt" 2> /dev/null
	cat "$T/errs.txt"
	sed -n 1p "$T/errs.txt" | grep -q '^getpid [0-9.]* ns$' &&
		sed -n 2p "$T/errs.txt" | grep -qx 'vfork_exec_wait n/a failed' &&
		sed -n 3p "$T/errs.txt" | grep -qx 'stat n/a failed'
}
check bench-errors errs

# A syscall the kernel lacks (socketpair failing with ENOSYS under seccomp) gives
# "n/a unsupported".
enosys() {
	python3 - "$BENCH" > "$T/enosys.txt" 2> /dev/null <<'PY'
import ctypes, os, platform, struct, sys
if platform.machine() != "x86_64":
    sys.exit(3)
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
insns = [(0x20, 0, 0, 0),                  # ld [nr]
         (0x15, 0, 1, 53),                 # jeq socketpair
         (0x06, 0, 0, 0x00050000 | 38),    # ret ERRNO(ENOSYS)
         (0x06, 0, 0, 0x7fff0000)]         # ret ALLOW
buf = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in insns))
prog = struct.pack("HxxxxxxQ", len(insns), ctypes.addressof(buf))
pbuf = ctypes.create_string_buffer(prog)
if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.addressof(pbuf), 0, 0):
    sys.exit(3)
os.execv(sys.argv[1], [sys.argv[1], "getpid", "unix_pingpong"])
PY
	rc=$?
	[ $rc = 3 ] && { echo "SKIP bench-unsupported no seccomp here"; return 0; }
	cat "$T/enosys.txt"
	if sed -n 2p "$T/enosys.txt" | grep -qx 'unix_pingpong n/a unsupported'; then
		pass bench-unsupported
	else
		fail bench-unsupported "$(sed -n 2p "$T/enosys.txt")"
	fi
}
enosys

# The table: ratios, n/a, the missing kernel and the boot row.
cat > "$T/linux.json" <<'JSON'
{"name": "linux", "status": "ok", "guest_kernel": "Linux 6.1", "wall_to_init_s": 5.0,
 "wall_total_s": 60, "results": {"getpid": {"value": "344", "unit": "ns"},
 "pipe_bw_1m": {"value": "250", "unit": "MiB/s"},
 "unix_pingpong": {"value": "9000", "unit": "ns"}}}
JSON
cat > "$T/aegis.json" <<'JSON'
{"name": "aegis", "status": "ok", "wall_to_init_s": 1.0, "wall_total_s": 30,
 "results": {"getpid": {"value": "172", "unit": "ns"},
 "pipe_bw_1m": {"value": "500", "unit": "MiB/s"},
 "unix_pingpong": {"value": "n/a", "unit": "unsupported"},
 "aegis_only": {"value": "7", "unit": "ns"}}}
JSON
python3 tools/bench/table.py --mode icount --smp 1 --aegis "$T/aegis.json" \
	--linux "$T/linux.json" --json "$T/rec.json" > "$T/table.txt"
cat "$T/table.txt"
row() { grep "^$1 " "$T/table.txt" | tr -s ' '; }
check table-ratio test "$(row getpid)" = "getpid ns 172 344 0.50"
check table-bandwidth test "$(row pipe_bw_1m)" = "pipe_bw_1m MiB/s 500 250 2.00"
check table-na test "$(row unix_pingpong)" = "unix_pingpong ns n/a 9000 n/a"
check table-one-side test "$(row aegis_only)" = "aegis_only ns 7.0 n/a n/a"
check table-boot test "$(row boot_wall_to_init)" = "boot_wall_to_init ms 1000 5000 0.20"
check table-mode grep -q "mode: icount" "$T/table.txt"
check table-json python3 -c "import json,sys; r=json.load(open(sys.argv[1]));
t={x['test']: x for x in r['table']}
assert r['mode']=='icount' and t['getpid']['ratio']==0.5 and t['unix_pingpong']['ratio'] is None
assert 'runs' in r and 'date' in r and 'commit' in r" "$T/rec.json"
echo '{"name": "aegis", "status": "missing", "kernel": "/x/aegis.elf", "results": {}}' \
	> "$T/missing.json"
python3 tools/bench/table.py --aegis "$T/missing.json" --linux "$T/linux.json" \
	> "$T/table2.txt"
check table-missing grep -q "^Aegis: n/a, no kernel at /x/aegis.elf" "$T/table2.txt"
check table-missing-na test "$(grep '^getpid ' "$T/table2.txt" | tr -s ' ')" = "getpid ns n/a 344 n/a"

# boot.py with fake QEMUs: kernel noise around results, a hang, an early exit.
cat > "$T/fake-ok.sh" <<'EOF2'
#!/bin/sh
echo "[    0.1] kernel booting"
printf 'BENCH_INIT\r\n'
echo "BENCH getpid 344 ns"
echo "[    1.0] some kernel message BENCH stat 7000 ns"
echo "BENCH unix_pingpong n/a unsupported"
echo "BENCH_END"
sleep 30
EOF2
printf '#!/bin/sh\necho "kernel: no init found"\nsleep 60\n' > "$T/fake-hang.sh"
printf '#!/bin/sh\necho BENCH_INIT\necho "BENCH getpid 1 ns"\nexit 1\n' > "$T/fake-exit.sh"
printf '#!/bin/sh\necho BENCH_INIT\necho "BENCH getpid 1 ns"\nsleep 60\n' > "$T/fake-stall.sh"
chmod +x "$T"/fake-*.sh
boot() { # name, init timeout, then the fake
	python3 tools/bench/boot.py --name "$1" --log "$T/$1.log" --out "$T/$1.json" \
		--timeout 20 --init-timeout "$2" --idle-timeout 2 -- "$3" 2> /dev/null
}
jget() { python3 -c "import json,sys; print(eval(sys.argv[2], {}, json.load(open(sys.argv[1]))))" "$@"; }
start=$(date +%s)
boot ok 10 "$T/fake-ok.sh"
check boot-parse test "$(jget "$T/ok.json" "status, results['getpid']['value'], results['stat']['value'], results['unix_pingpong']['unit']")" = "('ok', '344', '7000', 'unsupported')"
boot hang 2 "$T/fake-hang.sh"
check boot-hang test "$(jget "$T/hang.json" "status, len(results)")" = "('no-init', 0)"
boot exit 10 "$T/fake-exit.sh"
check boot-exit test "$(jget "$T/exit.json" "status, results['getpid']['value']")" = "('exited', '1')"
boot stall 10 "$T/fake-stall.sh"
check boot-stall test "$(jget "$T/stall.json" "status, results['getpid']['value']")" = "('stalled', '1')"
check boot-no-hang test $(($(date +%s) - start)) -lt 40

# The initramfs.
if [ -x /bin/busybox ] && command -v cpio > /dev/null; then
	check initramfs tools/bench/mkinitramfs.sh "$BUILD" "$T/initramfs.cpio"
	cpio -it < "$T/initramfs.cpio" > "$T/cpio.txt" 2> /dev/null
	check initramfs-contents sh -c "for f in init bin/bench bin/bench-true bin/busybox bin/sh bin/poweroff bin/mount etc/bench.env tmp proc dev; do grep -qx \"\$f\" '$T/cpio.txt' || { echo \"missing \$f\"; exit 1; }; done"
	check initramfs-init sh -c "cpio -i --to-stdout init < '$T/initramfs.cpio' 2>/dev/null | head -n 1 | grep -qx '#!/bin/busybox sh'"
else
	echo "SKIP initramfs no /bin/busybox (busybox-static) or cpio"
fi
[ -n "${KEEP:-}" ] || rm -rf "$T"
