#!/bin/sh
# aegis-wasm benchmarks: the CoreMark-like tests/wasm/bench/cmark.c run
# natively, under aegis-wasm (loop JIT, the default, and AEGIS_WASM_JIT=off,
# the interpreter alone) and under Node.js (V8's JIT, as a reference),
# plus load/instantiate time and memory per instance.  Run from the repo
# root; BUILD defaults to ./build.  ITER sets the iteration count.
set -eu
ROOT=$(pwd)
BUILD=${BUILD:-$ROOT/build}
ITER=${ITER:-3000}
B=$BUILD/tests/wasm/bench
T=$ROOT/tests/wasm
CC_MUSL=musl-gcc
command -v musl-gcc >/dev/null 2>&1 || CC_MUSL=cc
mkdir -p "$B"
make -s -C user/wasm O="$BUILD" CC="$CC_MUSL" -j2
rt=$(clang --target=wasm32-wasi -print-libgcc-file-name)
clang --target=wasm32-wasi -O2 -c "$T/bench/cmark.c" -o "$B/cmark.o"
wasm-ld-14 "$B/cmark.o" -o "$B/cmark.wasm" -L/usr/lib/wasm32-wasi \
	/usr/lib/wasm32-wasi/crt1-command.o -lc "$rt"
$CC_MUSL -O2 -static -o "$B/cmark.native" "$T/bench/cmark.c"
# the same without GCC's auto-vectorisation: the module is scalar code (no
# -msimd128), so this is the like-for-like reference for the interpreter
$CC_MUSL -O2 -fno-tree-vectorize -static -o "$B/cmark.native-scalar" "$T/bench/cmark.c"
# and with the compiler that built the module (clang -O2, x86-64 instead of
# wasm32): the like-for-like native build of the same code generator
clang -O2 -static -o "$B/cmark.native-clang" "$T/bench/cmark.c"
$CC_MUSL -O2 -static -I user/wasm/include -o "$B/instantiate" "$T/bench/instantiate.c" \
	"$BUILD/user/wasm/libaegiswasm.a" -lm

rate() { sed -n 's/.*iterations\/s \([0-9.]*\).*/\1/p'; }
native=$("$B/cmark.native" $((ITER * 20)) | tee /dev/stderr | rate)
scalar=$("$B/cmark.native-scalar" $((ITER * 12)) | tee /dev/stderr | rate)
clangn=$("$B/cmark.native-clang" $((ITER * 12)) | tee /dev/stderr | rate)
# the default (loop JIT) and the interpreter alone
jit=$("$BUILD/user/aegis-wasm" run "$B/cmark.wasm" $((ITER * 4)) | tee /dev/stderr | rate)
interp=$(AEGIS_WASM_JIT=off "$BUILD/user/aegis-wasm" run "$B/cmark.wasm" "$ITER" | tee /dev/stderr | rate)
ratio() { echo "$1 $2" | awk '{printf "1/%.1f", $2 / $1}'; }
echo "native:                   $native iterations/s (gcc -O2: the matrix kernel vectorised with SSE)"
echo "native, scalar:           $scalar iterations/s (gcc -O2 -fno-tree-vectorize)"
echo "native, clang:            $clangn iterations/s (clang -O2, the compiler that built the module)"
echo "aegis-wasm (loop JIT):    $jit iterations/s ($(ratio "$jit" "$native") of native, $(ratio "$jit" "$scalar") of scalar native, $(ratio "$jit" "$clangn") of clang native)"
echo "aegis-wasm (interpreter): $interp iterations/s ($(ratio "$interp" "$native") of native, $(ratio "$interp" "$scalar") of scalar native, $(ratio "$interp" "$clangn") of clang native)"
if command -v node >/dev/null 2>&1; then
	node=$(node --no-warnings --experimental-wasi-unstable-preview1 "$T/node-wasi.js" "$B/cmark.wasm" $((ITER * 10)) | tee /dev/stderr | rate)
	echo "node:                     $node iterations/s ($(echo "$node $native" | awk '{printf "%.2f", $1 / $2}') x native)"
fi
"$B/instantiate" "$B/cmark.wasm" 200
