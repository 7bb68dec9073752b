#!/usr/bin/env bash
# run-tests.sh - run every test suite (tests/*/run.sh) and count the results.
#
# Each suite prints "PASS name" / "FAIL name [why]" / "SKIP name [why]" lines; other
# lines go to build/test-logs/<suite>.log only.  Suites run one after another (they
# use QEMU, and the machine has 2 cores).  TESTS="boot ktest" runs only those suites.
# The last line is "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export BUILD=${BUILD:-$top/build}
export QEMU_ACCEL=${QEMU_ACCEL:-tcg}
logs=$BUILD/test-logs
mkdir -p "$logs"
pass=0 fail=0 skip=0
suites=${TESTS:-$(for f in tests/*/run.sh; do basename "$(dirname "$f")"; done)}
for s in $suites; do
	script=tests/$s/run.sh
	[ -x "$script" ] || { echo "FAIL $s (no executable $script)"; fail=$((fail + 1)); continue; }
	echo "== $s"
	start=$(date +%s)
	out=$logs/$s.log
	"$script" >"$out" 2>&1
	rc=$?
	p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out"); k=$(grep -c '^SKIP ' "$out")
	grep -E '^(FAIL|SKIP) ' "$out" | sed 's/^/   /'
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "   FAIL $s: the suite exited with status $rc without reporting a failure"
		tail -5 "$out" | sed 's/^/      /'
		f=1
	fi
	echo "   $p passed, $f failed, $k skipped ($(( $(date +%s) - start )) s; log: $out)"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + k))
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
