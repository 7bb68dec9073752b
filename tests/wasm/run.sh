#!/bin/sh
# aegis-wasm test suite (docs/BUILDING.md conventions): run from the repo
# root with BUILD set.  Prints PASS/FAIL/SKIP lines; everything else is log.
#  - spec: every core .wast file converted with wast2json, one line per file;
#    each runs three times: AEGIS_WASM_JIT=loops (default), off and all
#  - wasi: C programs built for wasm32-wasi, output compared with node:wasi
#  - api: embedding API (1,000 instances, fuel, suspend/resume, limits)
#  - bad input: truncations, hand-made hostile modules, 10^5 mutated
#    modules under ASan (FUZZ_N overrides the count), and 10^5 (JITDIFF_N)
#    run both interpreted and JIT-translated with identical outcomes
#  - aegis: the spec files and WASI programs again, inside Aegis (tests/wasm/aegis.sh),
#    compared with the host; WASM_PHASES="spec aegis" runs only some phases
set -u
ROOT=$(pwd)
BUILD=${BUILD:-$ROOT/build}
SHARED=${SHARED:-$ROOT/../shared}
[ -d "$SHARED/wasm-testsuite" ] || SHARED=/work/shared
SUITE=$SHARED/wasm-testsuite/core
W=$BUILD/tests/wasm
AW=$BUILD/user/aegis-wasm
FUZZ_N=${FUZZ_N:-100000}
T=$ROOT/tests/wasm
CC_MUSL=musl-gcc
command -v musl-gcc >/dev/null 2>&1 || CC_MUSL=cc
mkdir -p "$W"

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
skip() { echo "SKIP $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

echo "building aegis-wasm"
if ! make -C user/wasm O="$BUILD" CC="$CC_MUSL" -j2 >"$W/build.log" 2>&1; then
	cat "$W/build.log"
	fail wasm/build "make -C user/wasm failed"
	exit 1
fi

# ---- spec suite -----------------------------------------------------------
spec() {
	tp=0 tf=0 ts=0
	if ! have wast2json; then
		skip wasm/spec "wast2json (wabt) not installed"
		return
	fi
	# the official suite, then our own .wast files (tests/wasm/wast: cases
	# the suite does not reach, such as the JIT's registers), kept out of
	# the suite's totals
	for f in "$SUITE"/*.wast "$T"/wast/*.wast; do
		name=$(basename "$f" .wast)
		kind=spec
		case $f in "$T"/*) kind=wast ;; esac
		d=$W/$kind/$name
		mkdir -p "$d"
		if ! wast2json "$f" -o "$d/$name.json" >"$d/convert.log" 2>&1; then
			fail "wasm/$kind/$name" "wast2json could not convert it"
			continue
		fi
		# the default (hot loops translated by the JIT), then the pure
		# interpreter and every function body translated: all must pass
		bad=
		for mode in loops off all; do
			out=$(AEGIS_WASM_JIT=$mode "$AW" wast "$d/$name.json" 2>"$d/failures-$mode.log")
			rc=$?
			set -- $(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped/\1 \2 \3/p')
			if [ $# -ne 3 ]; then
				bad="$bad JIT=$mode: runner crashed or printed no summary (rc=$rc);"
				head -5 "$d/failures-$mode.log"
				continue
			fi
			if [ $mode = loops ]; then
				echo "$kind $name: $1 passed, $2 failed, $3 skipped"
				[ $kind = spec ] && tp=$((tp + $1)) tf=$((tf + $2)) ts=$((ts + $3))
			fi
			if [ "$2" -ne 0 ] || [ $rc -ne 0 ]; then
				head -5 "$d/failures-$mode.log"
				bad="$bad JIT=$mode: $2 commands failed;"
			fi
		done
		if [ -z "$bad" ]; then
			pass "wasm/$kind/$name" "(JIT loops, off, all)"
		else
			fail "wasm/$kind/$name" "$bad"
		fi
	done
	echo "spec total: $tp passed, $tf failed, $ts skipped commands (skipped: text-format assert_malformed)"
}

# ---- WASI programs against node:wasi -----------------------------------------
WASI_OK=0
build_wasi() {
	if ! have clang || ! have wasm-ld-14 || [ ! -f /usr/lib/wasm32-wasi/libc.a ]; then
		return 1
	fi
	rt=$(clang --target=wasm32-wasi -print-libgcc-file-name)
	mkdir -p "$W/wasi"
	for src in "$T"/wasi/*.c; do
		p=$(basename "$src" .c)
		out=$W/wasi/$p.wasm
		[ -f "$out" ] && [ "$out" -nt "$src" ] && continue
		clang --target=wasm32-wasi -O2 -c "$src" -o "$W/wasi/$p.o" &&
		wasm-ld-14 "$W/wasi/$p.o" -o "$out" -L/usr/lib/wasm32-wasi \
			/usr/lib/wasm32-wasi/crt1-command.o -lc "$rt" || return 1
	done
	WASI_OK=1
}

# run_both NAME STDIN BOX ARGS...: the same module under aegis-wasm and
# node:wasi; with BOX=1 each gets a fresh copy of a sandbox as /sandbox.
run_both() {
	name=$1 input=$2 box=$3
	shift 3
	prep_sandbox a
	dir_a="" dir_n=""
	[ "$box" = 1 ] && dir_a="--dir $W/wasi/box-a:/sandbox" dir_n="--dir $W/wasi/box-n:/sandbox"
	printf '%s' "$input" | "$AW" run $dir_a "$@" >"$W/wasi/$name.aegis" 2>"$W/wasi/$name.aegis.err"
	ra=$?
	listing_a=$(cd "$W/wasi/box-a" && find . | sort)
	if ! have node; then
		skip "wasm/wasi/$name" "node missing: nothing to compare with"
		return
	fi
	prep_sandbox n
	printf '%s' "$input" | node --no-warnings --experimental-wasi-unstable-preview1 "$T/node-wasi.js" $dir_n "$@" >"$W/wasi/$name.node" 2>"$W/wasi/$name.node.err"
	rn=$?
	listing_n=$(cd "$W/wasi/box-n" && find . | sort)
	if ! cmp -s "$W/wasi/$name.aegis" "$W/wasi/$name.node"; then
		diff "$W/wasi/$name.aegis" "$W/wasi/$name.node" | head -10
		fail "wasm/wasi/$name" "stdout differs from node:wasi"
	elif [ $ra -ne $rn ]; then
		fail "wasm/wasi/$name" "exit code $ra, node:wasi $rn"
	elif [ "$listing_a" != "$listing_n" ]; then
		fail "wasm/wasi/$name" "files left differ from node:wasi"
	else
		pass "wasm/wasi/$name" "(exit $ra, same as node:wasi)"
	fi
}

prep_sandbox() {
	rm -rf "$W/wasi/box-$1"
	mkdir -p "$W/wasi/box-$1"
	echo "input line" >"$W/wasi/box-$1/input.txt"
}

wasi() {
	if ! build_wasi; then
		skip wasm/wasi "clang, wasm-ld-14 or wasi-libc missing"
		return
	fi
	m=$W/wasi
	run_both args_env "" 0 --env GREETING=hello --env EMPTY= "$m/args_env.wasm" one "two words" ""
	run_both exit_0 "" 0 "$m/exit_code.wasm" 0
	run_both exit_42 "" 0 "$m/exit_code.wasm" 42
	run_both exit_return_7 "" 0 "$m/exit_code.wasm" 7 via-return
	run_both clocks "" 0 "$m/clocks.wasm"
	run_both stdin_copy "some input
over two lines" 0 "$m/stdin_copy.wasm"
	run_both files "" 1 "$m/files.wasm"
	run_both poll "ready
" 0 "$m/poll.wasm"
	# the sandbox: symlinks and .. must not lead out (aegis-wasm only)
	rm -rf "$m/esc"
	mkdir -p "$m/esc/box/sub"
	echo secret-free >"$m/esc/box/inside.txt"
	echo outside >"$m/esc/outside.txt"
	ln -s / "$m/esc/box/root_link"
	ln -s .. "$m/esc/box/up_link"
	ln -s inside.txt "$m/esc/box/inside_link"
	if "$AW" --dir "$m/esc/box:/box" "$m/escape.wasm" >"$m/escape.out" 2>&1 &&
	   cmp -s "$m/escape.out" "$T/wasi/escape.expected" && [ ! -e "$m/esc/made" ] &&
	   [ ! -e "$m/esc/moved.txt" ]; then
		pass wasm/wasi/sandbox-escape
	else
		diff "$m/escape.out" "$T/wasi/escape.expected" | head
		fail wasm/wasi/sandbox-escape
	fi
	# CLI behaviour
	"$AW" validate "$m/files.wasm" >/dev/null && pass wasm/cli/validate || fail wasm/cli/validate
	if "$AW" inspect "$m/files.wasm" | grep -q "wasi_snapshot_preview1.path_open"; then
		pass wasm/cli/inspect
	else
		fail wasm/cli/inspect
	fi
	head -c 100 "$m/files.wasm" >"$m/truncated.wasm"
	if "$AW" validate "$m/truncated.wasm" 2>"$m/trunc.err"; then
		fail wasm/cli/error-message "truncated module accepted"
	elif grep -q "truncated.wasm: .* section, offset 0x" "$m/trunc.err"; then
		pass wasm/cli/error-message "($(cat "$m/trunc.err"))"
	else
		fail wasm/cli/error-message "$(cat "$m/trunc.err")"
	fi
}

# ---- embedding API ---------------------------------------------------------------
api() {
	if ! have wat2wasm; then
		skip wasm/api "wat2wasm (wabt) not installed"
		return
	fi
	mkdir -p "$W/api"
	for wat in "$T"/api/*.wat; do
		wat2wasm "$wat" -o "$W/api/$(basename "$wat" .wat).wasm" || { fail wasm/api "wat2wasm $wat"; return; }
	done
	if ! $CC_MUSL -O2 -static -I user/wasm/include -o "$W/api/api_test" "$T/api_test.c" \
		"$BUILD/user/wasm/libaegiswasm.a" -lm -lpthread >"$W/api/build.log" 2>&1; then
		cat "$W/api/build.log"
		fail wasm/api "api_test does not build"
		return
	fi
	"$W/api/api_test" "$W/api"
}

# ---- bad input: truncation, hostile modules, fuzzing under ASan --------------------
badinput() {
	if ! have gcc; then
		skip wasm/fuzz "gcc missing"
		return
	fi
	mkdir -p "$W/fuzz"
	if ! make -s -C "$T" -f fuzz.mk O="$W/fuzz" SRC="$ROOT/user/wasm" >"$W/fuzz/build.log" 2>&1; then
		cat "$W/fuzz/build.log"
		fail wasm/fuzz "ASan build failed"
		return
	fi
	find "$W/spec" "$W/wast" "$W/wasi" "$W/api" -name '*.wasm' 2>/dev/null | sort >"$W/fuzz/seeds.txt"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	"$W/fuzz/fuzz" special
	"$W/fuzz/fuzz" truncate "$W/fuzz/seeds.txt"
	"$W/fuzz/fuzz" mutate "$W/fuzz/seeds.txt" "$FUZZ_N" 1
	"$W/fuzz/fuzz" jitdiff "$W/fuzz/seeds.txt" "${JITDIFF_N:-100000}" 2
}

. "$T/aegis.sh"
for phase in ${WASM_PHASES:-spec wasi api badinput aegis}; do
	case $phase in
	spec) spec ;;
	wasi) wasi ;;
	api) api ;;
	badinput) badinput ;;
	aegis) aegis_phase ;;
	esac
done
exit 0
