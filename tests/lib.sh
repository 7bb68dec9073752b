# tests/lib.sh - helpers shared by the test suites (sourced, not run).
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$top/build}
QEMU=$top/tools/qemu.sh

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
skip() { echo "SKIP $*"; }

# strip_serial FILE: serial output without terminal escapes, CRs or timestamps
strip_serial() {
	tr -d '\r' <"$1" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/^\[ *[0-9]*\.[0-9]*\] //'
}

# boot NAME EXPECTED_STATUS LOGFILE qemu.sh-args... : boots and checks the exit status
boot() {
	local name=$1 want=$2 log=$3
	shift 3
	"$QEMU" "$@" </dev/null >"$log" 2>&1
	local rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name (QEMU exit status $rc, expected $want; log $log)"
		return 1
	fi
	return 0
}

# expect_line NAME LOG REGEX: the stripped serial output has a matching line
expect_line() {
	if strip_serial "$2" | grep -qE -- "$3"; then return 0; fi
	fail "$1 (no line matching '$3' in $2)"
	return 1
}
