#!/usr/bin/env bash
# lint.sh - cppcheck over the kernel and userland.  Prints findings; fails on any.
#
# Suppressed, because cppcheck does not follow these idioms (each is checked by
# hand where it is used):
#   comparePointers        ranges between linker symbols (__ktest_start..__ktest_end,
#                          __kernel_start.., the embedded vDSO image)
#   assignBoolToPointer    GNU labels-as-values (&&label) in the wasm interpreter
#   internalAstError       the same labels in designated initialisers with a constant
#                          expression index ([OP_I32_IMM + 1] = &&label), which cppcheck 2.10 cannot parse
#   uninitvar (simd.c)     GCC vector types filled element by element
#   null checks in ktests  KT_ASSERT records a failure and goes on, by design
#   ctunullpointer         whole-program guesses about arguments never NULL in practice
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v cppcheck >/dev/null || { echo "lint: cppcheck is not installed"; exit 1; }
cppcheck -q --error-exitcode=1 --enable=warning,portability --inline-suppr \
	-I kernel/include -I kernel/arch/x86_64/include -D__x86_64__ \
	--suppress=missingIncludeSystem \
	--suppress=comparePointers \
	--suppress='assignBoolToPointer:user/wasm/*' \
	--suppress='internalAstError:user/wasm/interp_labels.h' \
	--suppress='uninitvar:user/wasm/simd.c' \
	--suppress='nullPointerRedundantCheck:kernel/*/ktest_*.c' \
	--suppress='nullPointer:kernel/core/ktest.c' \
	--suppress=ctunullpointer \
	kernel user
