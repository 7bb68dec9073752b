# aegis-driver.sh - the aegis-wasm cases of the Aegis phase (tests/wasm/aegis.sh).
# Runs the same way on the host (to get the expected output) and in Aegis (busybox sh,
# one boot):  sh aegis-driver.sh AEGIS_WASM SCRATCH_DIR
# The staging directory (this script's) holds spec/<name>/{<name>.json,*.wasm},
# spec.list, wasi/*.wasm.  Each case prints
#   @@@BEGIN name / stdout and stderr / @@@END name status / @@@TIME name seconds
cd "$(dirname "$0")" || exit 1
here=$(pwd)
self=$here/$(basename "$0")
AW=$1 TMP=$2
umask 022
export LC_ALL=C
ulimit -s 8192 2>/dev/null
mkdir -p "$TMP" || exit 1
out=$TMP/driver.out

# case NAME COMMAND...: run it with a 120 s limit, print the delimited output;
# "fn F ARGS" runs the driver's function F (timeout cannot run a shell function)
case_() {
	name=$1; shift
	t0=$(date +%s)
	timeout 120 "$@" >"$out" 2>&1 </dev/null
	st=$?
	cd "$here"
	echo "@@@BEGIN $name"
	cat "$out"
	echo "@@@END $name $st"
	echo "@@@TIME $name $(($(date +%s) - t0))"
}
# the same with a string on stdin
case_in() {
	name=$1 input=$2; shift 2
	t0=$(date +%s)
	printf '%s' "$input" | timeout 120 "$@" >"$out" 2>&1
	st=$?
	cd "$here"
	echo "@@@BEGIN $name"
	cat "$out"
	echo "@@@END $name $st"
	echo "@@@TIME $name $(($(date +%s) - t0))"
}
spec() { cd "spec/$1" && "$AW" wast "$1.json"; }
# the JIT's test mode: every function body translated (exercises executable
# memory, mprotect and the translated code inside Aegis)
specall() { cd "spec/$1" && AEGIS_WASM_JIT=all "$AW" wast "$1.json"; }
box() { rm -rf "$TMP/box"; mkdir -p "$TMP/box"; echo "input line" >"$TMP/box/input.txt"; }
files() {
	box
	"$AW" run --dir "$TMP/box:/sandbox" wasi/files.wasm
	st=$?
	echo "left: $(cd "$TMP/box" && find . | sort | tr '\n' ' ')"
	return $st
}
escape() {
	rm -rf "$TMP/esc"
	mkdir -p "$TMP/esc/box/sub"
	echo secret-free >"$TMP/esc/box/inside.txt"
	echo outside >"$TMP/esc/outside.txt"
	ln -s / "$TMP/esc/box/root_link"
	ln -s .. "$TMP/esc/box/up_link"
	ln -s inside.txt "$TMP/esc/box/inside_link"
	"$AW" --dir "$TMP/esc/box:/box" wasi/escape.wasm
	st=$?
	[ -e "$TMP/esc/made" ] && echo "escaped: made"
	[ -e "$TMP/esc/moved.txt" ] && echo "escaped: moved.txt"
	return $st
}
inspect() { "$AW" inspect wasi/files.wasm | grep -c "wasi_snapshot_preview1.path_open"; }
# the same loops translated as on the host: the JIT works in Aegis too
jitstats() { "$AW" inspect wasi/files.wasm | grep "translated by the JIT"; }
truncated() { head -c 100 wasi/files.wasm >"$TMP/truncated.wasm"; cd "$TMP" && "$AW" validate truncated.wasm; }
if [ "${3:-}" = fn ]; then	# sh driver.sh AW TMP fn FUNCTION ARGS...
	shift 3
	"$@"
	exit
fi

for n in $(cat spec.list); do case_ "spec_$n" sh "$self" "$AW" "$TMP" fn spec "$n"; done
for n in i32 i64 int_exprs address load store memory_trap br_table loop br_if select \
	conversions left-to-right fac call_indirect endianness labels local_tee traps jit-regs; do
	[ -d "spec/$n" ] && case_ "jitall_$n" sh "$self" "$AW" "$TMP" fn specall "$n"
done
if [ -f wasi/files.wasm ]; then
	case_ wasi_args_env "$AW" run --env GREETING=hello --env EMPTY= wasi/args_env.wasm one "two words" ""
	case_ wasi_exit_0 "$AW" run wasi/exit_code.wasm 0
	case_ wasi_exit_42 "$AW" run wasi/exit_code.wasm 42
	case_ wasi_exit_return_7 "$AW" run wasi/exit_code.wasm 7 via-return
	case_ wasi_clocks "$AW" run wasi/clocks.wasm
	case_in wasi_stdin_copy "some input
over two lines" "$AW" run wasi/stdin_copy.wasm
	case_ wasi_files sh "$self" "$AW" "$TMP" fn files
	case_in wasi_poll "ready
" "$AW" run wasi/poll.wasm
	case_ wasi_sandbox_escape sh "$self" "$AW" "$TMP" fn escape
	case_ cli_validate "$AW" validate wasi/files.wasm
	case_ cli_inspect sh "$self" "$AW" "$TMP" fn inspect
	case_ cli_jit_stats sh "$self" "$AW" "$TMP" fn jitstats
	case_ cli_error_message sh "$self" "$AW" "$TMP" fn truncated
fi
rm -rf "$TMP/box" "$TMP/esc" "$TMP/truncated.wasm" "$out"
