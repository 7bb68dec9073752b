#!/usr/bin/env bash
# In-kernel self-tests: one boot with "ktest" runs every registered KTEST; each
# prints PASS/FAIL, and the kernel exits QEMU with 0x10 (status 33) if all passed.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-ktest
mkdir -p "$out"
log=$out/ktest.log
"$QEMU" --timeout 600 --append "ktest" </dev/null >"$log" 2>&1
rc=$?
strip_serial "$log" | grep -aE '^(PASS|FAIL) [a-z0-9_]+ '
summary=$(strip_serial "$log" | grep -a '^ktest: [0-9]* passed')
[ -n "$summary" ] || fail "ktest_run (no summary; QEMU status $rc; log $log)"
if strip_serial "$log" | grep -q '^KERNEL PANIC'; then
	fail "ktest_no_panic (see $log)"
	strip_serial "$log" | grep -A20 '^KERNEL PANIC' >&2
fi
[ "$rc" = 33 ] || [ "$rc" = 35 ] || fail "ktest_exit_status (QEMU status $rc)"
exit 0
