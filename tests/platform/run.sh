#!/usr/bin/env bash
# tests/platform/run.sh - boots that exercise the platform code in configurations
# the general self-test run does not: ACPI power-off, the PIT fallback (no HPET)
# and safe mode.  Prints PASS/FAIL lines (docs/BUILDING.md); logs go to stderr.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
qemu=("$top/tools/qemu.sh" --kernel "$build/kernel/aegis.elf" --accel "${QEMU_ACCEL:-tcg}")
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# boot NAME WANT_STATUS APPEND [-- QEMU ARGS]: runs, keeps the log in $log
boot() {
	local name=$1 want=$2 append=$3 rc
	shift 3
	"${qemu[@]}" --timeout 60 --append "$append" "$@" </dev/null >"$log" 2>&1
	rc=$?
	sed 's/^/  /' "$log" | tr -d '\033' | grep -a '^\s*\[' >&2
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name exit status $rc, expected $want"
		return 1
	fi
	return 0
}

# QEMU exits with 0 only when the guest powers the machine off (isa-debug-exit
# gives odd statuses, a timeout 124).
if boot platform_poweroff_s5 0 "poweroff_after_boot"; then
	if grep -aq "power: off by ACPI S5" "$log" && grep -aq "power: powering off" "$log" &&
	   ! grep -aq "ACPI S5 did not power off" "$log"; then
		echo "PASS platform_poweroff_s5"
	else
		echo "FAIL platform_poweroff_s5 powered off, but not by ACPI S5"
	fi
fi

if boot platform_pit_fallback 33 "ktest=time_" -- -machine hpet=off; then
	if grep -aq "tsc: .*from PIT" "$log"; then
		echo "PASS platform_pit_fallback"
	else
		echo "FAIL platform_pit_fallback TSC not calibrated from the PIT"
	fi
fi

if boot platform_safe_mode 33 "mode=safe ktest=time_"; then
	echo "PASS platform_safe_mode"
fi
