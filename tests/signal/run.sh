#!/usr/bin/env bash
# Signal suite: boots with /bin/sigtest (user/sigtest) as PID 1 and reports its
# "PASS sig_*" / "FAIL sig_*" lines.  The program's last line is "sigtest: N
# failures"; PID 1 then exits, which the kernel reports as a panic by design, so
# the end of the run is that line, not QEMU's exit status.  Skipped while the root
# file system cannot provide /bin/sigtest.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-signal
mkdir -p "$out"
log=$out/sigtest.log
"$QEMU" --timeout 180 --append "init=/bin/sigtest" </dev/null >"$log" 2>&1 &
qemu=$!
for _ in $(seq 360); do	# PID 1 exiting halts the kernel: stop QEMU ourselves
	strip_serial "$log" | grep -aqE 'sigtest: [0-9]+ failures|KERNEL PANIC|cannot run /bin/sigtest' && break
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.5
done
sleep 1
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
if ! strip_serial "$log" | grep -aq 'sigtest: pid'; then
	if strip_serial "$log" | grep -aq 'cannot run /bin/sigtest'; then
		skip "sigtest (no /bin/sigtest in the root file system)"
		exit 0
	fi
	fail "sigtest_started (see $log)"
	exit 0
fi
strip_serial "$log" | grep -aoE '(PASS|FAIL) sig_[a-z0-9_]+( \[.*\])?'
strip_serial "$log" | grep -aqE 'sigtest: [0-9]+ failures' ||
	fail "sigtest_finished (no summary; hung or crashed, see $log)"
exit 0
