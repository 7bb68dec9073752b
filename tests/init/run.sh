#!/bin/bash
# Test suite for aegis-init and aegisctl (see docs/INIT.md).
# Run from the repository root with BUILD=<absolute build dir>. Prints one
# PASS/FAIL/SKIP line per case. Builds what it needs; kills everything it
# started, even on failure (every service gets AEGIS_ROOT=<test root> in its
# environment, which is how leftovers are found).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
T=$BUILD/tests/init
mkdir -p "$T"
WORK=$(mktemp -d /tmp/aegis-init-test.XXXXXX)
INIT=$BUILD/user/aegis-init
CTL=$BUILD/user/aegisctl
H=$T/helper
INIT_PIDS=()

log() { echo "# $*"; }
PREFIX=""   # "asan." while the scenarios run against the sanitizer build
pass() { echo "PASS $PREFIX$1"; }
fail() { echo "FAIL $PREFIX$1 ${2:-}"; }
skip() { echo "SKIP $PREFIX$1 ${2:-}"; }

leftovers() { # pids of processes whose environment has AEGIS_ROOT=$1
	local f p
	for f in /proc/[0-9]*/environ; do
		p=${f#/proc/}; p=${p%/environ}
		grep -qzx "AEGIS_ROOT=$1" "$f" 2>/dev/null && echo "$p"
	done
}

kill_leftovers() {
	local p
	for p in $(leftovers "$1"); do kill -KILL "$p" 2>/dev/null; done
}

cleanup() {
	local p r
	for p in "${INIT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${INIT_PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	for r in "$WORK"/*/; do kill_leftovers "${r%/}"; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	local end=$(( $(date +%s%N) / 1000000 + ${1%.*} * 1000 )); shift
	while ! "$@" >/dev/null 2>&1; do
		(( $(date +%s%N) / 1000000 > end )) && return 1
		sleep 0.05
	done
}

mkroot() { mkdir -p "$WORK/$PREFIX$1/etc/aegis/units"; echo "$WORK/$PREFIX$1"; }
unit() { cat > "$1/etc/aegis/units/$2"; } # unit ROOT NAME <<EOF
ctl() { local r=$1; shift; timeout 30 "$CTL" --root "$r" "$@"; }

start_init() { # start_init ROOT [args]: sets IPID
	local r=$1; shift
	"$INIT" --root "$r" "$@" >"$r/init.out" 2>&1 &
	IPID=$!
	INIT_PIDS+=("$IPID")
	wait_for 5 test -S "$r/run/aegis/control"
}

stop_init() { # stop_init ROOT: SIGTERM, must exit within 20 s and leave nothing
	local r=$1
	kill -TERM "$IPID" 2>/dev/null
	for _ in $(seq 200); do kill -0 "$IPID" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$IPID" 2>/dev/null; then
		kill -KILL "$IPID"; kill_leftovers "$r"; return 1
	fi
	wait "$IPID" 2>/dev/null
	local left; left=$(leftovers "$r")
	if [ -n "$left" ]; then kill_leftovers "$r"; return 1; fi
	return 0
}

active() { ctl "$1" is-active "$2" >/dev/null; }
state_is() { [ "$(ctl "$1" is-active "$2" 2>/dev/null)" = "$3" ]; }
status_has() { ctl "$1" status "$2" 2>/dev/null | grep -q -- "$3"; }
restarts() { ctl "$1" status "$2" 2>/dev/null | sed -n 's/^ *Restarts: //p'; }
logs_have() { ctl "$1" logs "$2" 2>/dev/null | grep -q -- "$3"; }
mainpid() { ctl "$1" status "$2" 2>/dev/null | sed -n 's/^ *Main PID: //p'; }

# ---------------------------------------------------------------- build
build() {
	local cc=musl-gcc
	command -v musl-gcc >/dev/null || cc=gcc
	if ! make -C "$REPO/user/init" O="$BUILD" CC=$cc -j2 >"$T/build.log" 2>&1; then
		fail init.build "see $T/build.log"; cat "$T/build.log"; exit 1
	fi
	# A static binary has no program interpreter (PT_INTERP).
	if ! readelf -l "$INIT" >/dev/null 2>&1; then
		fail init.build "readelf cannot read $INIT"
	elif readelf -l "$INIT" "$CTL" | grep -q INTERP; then
		fail init.build "aegis-init or aegisctl is not static"
	else
		pass init.build
	fi
	gcc -O1 -Wall -o "$H" "$REPO/tests/init/helper.c" || { fail init.helper_build; exit 1; }
	gcc -O1 -Wall -o "$T/sockfuzz" "$REPO/tests/init/sockfuzz.c" || { fail init.sockfuzz_build; exit 1; }
}

unit_tests() {
	local src="$REPO/user/init"
	local cc="gcc -std=c11 -g -O1 -Wall -Wextra -fsanitize=address,undefined -fno-sanitize-recover=all -I$src"
	local pure="$src/util.c $src/arena.c $src/unit_parse.c $src/unit_directives.c $src/exec_line.c $src/table.c"
	local t
	for t in parse txn backoff; do
		if ! $cc -o "$T/test_$t" "$REPO/tests/init/test_$t.c" $pure "$src/txn.c" "$src/backoff.c" -lm 2>"$T/test_$t.build.log"; then
			fail "unit.$t.build" "see $T/test_$t.build.log"; continue
		fi
		timeout 120 "$T/test_$t" || log "test_$t exited with $?"
	done
	if $cc -o "$T/fuzz_parse" "$REPO/tests/init/fuzz_parse.c" $pure -lm 2>"$T/fuzz.build.log"; then
		timeout 120 "$T/fuzz_parse" 100000 "$RANDOM" || log "fuzz_parse exited with $?"
	else
		fail parse.fuzz "build failed"
	fi
}

# The same scenarios against aegis-init built with gcc and ASan/UBSan: any
# sanitizer report in its output fails the case (see finish in e2e.sh).
asan_e2e() {
	local src="$REPO/user/init" out="$T/asan"
	mkdir -p "$out"
	if ! gcc -std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-o "$out/aegis-init" "$src"/{main,manager,svc,spawn,proc,notify,log,ctl,shutdown,unit_parse,unit_directives,exec_line,table,txn,backoff,util,arena}.c \
		-lm 2>"$out/build.log"; then
		fail asan.build "see $out/build.log"; return
	fi
	local saved=$INIT
	INIT=$out/aegis-init PREFIX=asan.
	export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
	run_e2e
	INIT=$saved PREFIX=""
}

. "$REPO/tests/init/e2e.sh"

build
unit_tests
run_e2e
asan_e2e
exit 0
