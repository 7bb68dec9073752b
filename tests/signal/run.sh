#!/usr/bin/env bash
# Signal suite: boots with /bin/sigtest (user/sigtest) as PID 1 and reports its
# "PASS sig_*" / "FAIL sig_*" lines.  Its last line is "sigtest: N failures" and
# its exit status is N; PID 1 exiting then halts the kernel (a panic by design),
# so the run ends there and we stop QEMU.  Without a console the exit status alone
# says whether everything passed.  The root file system is build/initramfs.cpio
# when it exists, else a small one made here with just /bin/sigtest.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-signal
mkdir -p "$out"
log=$out/sigtest.log
cpio_img=$BUILD/initramfs.cpio
if [ ! -e "$cpio_img" ]; then
	if [ ! -x "$BUILD/user/sigtest" ] || ! command -v cpio >/dev/null; then
		skip "sigtest (no build/user/sigtest or no cpio tool)"
		exit 0
	fi
	rm -rf "$out/root" && mkdir -p "$out/root/bin" && cp "$BUILD/user/sigtest" "$out/root/bin/"
	(cd "$out/root" && find . | cpio -o -H newc >"$out/root.cpio" 2>/dev/null)
	cpio_img=$out/root.cpio
fi
"$QEMU" --timeout 180 --initrd "$cpio_img" --append "init=/bin/sigtest" </dev/null >"$log" 2>&1 &
qemu=$!
for _ in $(seq 360); do
	strip_serial "$log" | grep -aqE 'sigtest: [0-9]+ failures|KERNEL PANIC' && break
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.5
done
sleep 1
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
strip_serial "$log" | grep -aoE '(PASS|FAIL) sig_[a-z0-9_]+( \[.*\])?'
status=$(strip_serial "$log" | grep -aoE 'init \(pid 1\) exited with status [0-9a-fx]+' | awk '{print $NF}')
if strip_serial "$log" | grep -aqE 'sigtest: [0-9]+ failures'; then
	:
elif [ -n "$status" ]; then	# no console: the exit status is the failure count
	if [ "$status" = 0 ]; then pass "sig_all (no console; exit status 0)"
	else fail "sig_all (no console; wait status $status: failures << 8)"; fi
elif strip_serial "$log" | grep -aq 'cannot run /bin/sigtest'; then
	skip "sigtest (no /bin/sigtest in the root file system)"
else
	fail "sigtest_finished (no summary; hung or crashed, see $log)"
fi
exit 0
