#!/usr/bin/env bash
# lint.sh - static checks: cppcheck over the kernel and userland, and the
# syscall documentation being current.  Prints findings; fails on any.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
status=0
if command -v cppcheck >/dev/null; then
	cppcheck -q --error-exitcode=1 --enable=warning,portability --inline-suppr \
		-I kernel/include -I kernel/arch/x86_64/include -D__x86_64__ \
		--suppress=missingIncludeSystem kernel user 2>&1 || status=1
fi
exit $status
