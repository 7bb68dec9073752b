#!/usr/bin/env bash
# tests/unit/run.sh - the host unit suite.
#
# Each tests/unit/test_<name>.c is one test program, compiled alone with ASan and
# UBSan (any report aborts) and linked with nothing else: it #includes the kernel
# .c files it tests (a unity build) and gets host shims for printk, panic, spinlocks
# and arch_* from tests/unit/host.h, force-included.  Kernel headers come from
# kernel/include and kernel/arch/x86_64/include; never include kernel/lib/string.c
# (libc provides those functions).
#
# Reporting: one line per program, from its exit status - "PASS <name>" if it
# exited 0, "FAIL <name> [reason]" otherwise (compile error, non-zero exit,
# sanitizer report, timeout).  Whatever the program prints is log, indented here.
# Run from the repository root; binaries go to $BUILD/unit (default build/unit).
set -u
cd "$(dirname "$0")/../.."
out=${BUILD:-$PWD/build}/unit
mkdir -p "$out"
CC=${HOST_CC:-gcc}
CFLAGS=(-std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter -Wno-unused-function
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
	-Ikernel/include -Ikernel/arch/x86_64/include -include tests/unit/host.h)
status=0
for src in tests/unit/test_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	name=${name#test_}
	if ! "$CC" "${CFLAGS[@]}" "$src" -o "$out/test_$name" >"$out/$name.build.log" 2>&1; then
		sed 's/^/  /' "$out/$name.build.log"
		echo "FAIL $name [does not compile]"
		continue
	fi
	timeout 120 env ASAN_OPTIONS=detect_leaks=1 "$out/test_$name" >"$out/$name.log" 2>&1
	rc=$?
	sed 's/^/  /' "$out/$name.log"
	if [ $rc -eq 0 ]; then
		echo "PASS $name"
	elif [ $rc -eq 124 ]; then
		echo "FAIL $name [timed out]"
	else
		echo "FAIL $name [exit status $rc]"
	fi
done
exit $status
