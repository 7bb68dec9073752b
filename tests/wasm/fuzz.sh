#!/bin/sh
# Long fuzz run of libaegiswasm under ASan/UBSan (the test suite runs 10^5
# mutations; this runs FUZZ_N, default 10^7, in FUZZ_JOBS processes with
# different seeds).  Run from the repo root after tests/wasm/run.sh has
# produced the seed modules under $BUILD/tests/wasm.
set -eu
ROOT=$(pwd)
BUILD=${BUILD:-$ROOT/build}
W=$BUILD/tests/wasm
N=${FUZZ_N:-10000000}
JOBS=${FUZZ_JOBS:-2}
SEED=${FUZZ_SEED:-$(date +%s)}
make -s -C tests/wasm -f fuzz.mk O="$W/fuzz" SRC="$ROOT/user/wasm"
find "$W/spec" "$W/wasi" "$W/api" -name '*.wasm' 2>/dev/null | sort >"$W/fuzz/seeds.txt"
[ -s "$W/fuzz/seeds.txt" ] || { echo "no seeds: run tests/wasm/run.sh first" >&2; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
pids=""
for j in $(seq 1 "$JOBS"); do
	"$W/fuzz/fuzz" mutate "$W/fuzz/seeds.txt" $((N / JOBS)) $((SEED + j)) >"$W/fuzz/long-$j.log" 2>&1 &
	pids="$pids $!"
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
cat "$W"/fuzz/long-*.log
exit $rc
