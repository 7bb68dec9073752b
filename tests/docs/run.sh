#!/usr/bin/env bash
# Generated documentation is current: docs/SYSCALLS.md says what the built kernel
# implements (regenerate with `make syscall-docs`).
source "$(dirname "$0")/../lib.sh"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if ! "$top/tools/gen-syscalls.py" docs "$top/kernel/sys/syscalls.tbl" "$BUILD/kernel/aegis.elf" "$tmp"; then
	fail "syscall_docs_generate"
elif diff -u "$top/docs/SYSCALLS.md" "$tmp" >/dev/null; then
	pass syscall_docs_current
else
	fail "syscall_docs_current (docs/SYSCALLS.md is stale: run make syscall-docs)"
	diff -u "$top/docs/SYSCALLS.md" "$tmp" | head -20
fi
exit 0
