#!/usr/bin/env bash
# System tests: the same static programs and busybox scripts run on the host Linux (the
# expected output) and on the target kernel through tools/aegis-run (one boot for all),
# and their outputs must match byte for byte.
#
#   TARGET=aegis (default): the Aegis kernel; only tests listed in aegis-enabled.txt count,
#                           the others are reported as SKIP.
#   TARGET=linux:           Debian's kernel, to validate the tests and the harness.
#   ONLY="a b c":           run only these tests.
#   AEGIS_ENABLED=FILE:     another list of tests enabled on Aegis (to try some out).
source "$(dirname "$0")/../lib.sh"
here=$top/tests/system
target=${TARGET:-aegis}
out=$BUILD/systest
mkdir -p "$out/bin" "$out/expected" "$out/actual"
stage=$out/root/systest
rm -rf "$out/root" "$out/expected" "$out/actual"
mkdir -p "$stage/bin" "$stage/busybox" "$out/expected" "$out/actual"

# build: every progs/*.c, two at a time, only when older than its sources
build_one() {
	local src=$1 bin=$2
	if [ "$bin" -nt "$src" ] && [ "$bin" -nt "$here/progs/t.h" ]; then return 0; fi
	rm -f "$bin"
	musl-gcc -static -O2 -pthread -Wall -Wno-unused-result -Wno-unused-function -Wno-infinite-recursion -o "$bin" "$src" 2>"$bin.log" ||
		{ echo "systest: cannot build $src:"; head -n 20 "$bin.log"; return 1; }
}
export -f build_one
export here
ls "$here"/progs/*.c | xargs -P 2 -I{} bash -c \
	'build_one "$1" "'"$out"'/bin/$(basename "$1" .c)"' _ {}
python3 "$here/elf/gen.py" "$stage/elf"

# the test list: programs, the ELF loader test, busybox scenarios, then the fuzzer and
# the sanity check that must still pass after it
tests=()
for f in "$here"/progs/*.c; do
	n=$(basename "$f" .c)
	case $n in fuzz | sanity) continue ;; esac
	tests+=("$n")
done
for f in "$here"/busybox/*.sh; do
	[ -f "$f" ] && tests+=("bb_$(basename "$f" .sh)")
done
tests+=(fuzz sanity)
if [ -n "${ONLY:-}" ]; then tests=($ONLY); fi

enabled() {
	[ "$target" = linux ] && return 0
	grep -qxF "$1" "${AEGIS_ENABLED:-$here/aegis-enabled.txt}" 2>/dev/null
}
run_list=()
for t in "${tests[@]}"; do
	enabled "$t" && run_list+=("$t")
done

for t in "${tests[@]}"; do
	case $t in
	bb_*) ;;
	*) [ -x "$out/bin/$t" ] && cp "$out/bin/$t" "$stage/bin/" ;;
	esac
done
cp "$here"/busybox/*.sh "$stage/busybox/" 2>/dev/null
cp "$here/driver.sh" "$stage/driver.sh"
printf '%s\n' "${run_list[@]}" >"$stage/list"

# split FILE DIR: the driver's output into DIR/<name>.out (output + "exit N")
split() {
	awk -v dir="$2" '
		/^@@@BEGIN / { name = $2; f = dir "/" name ".out"; printf "" > f; next }
		/^@@@END / { if (name != "") { print "exit " $3 > f; close(f) }; name = ""; next }
		name != "" { print > f }' "$1"
}

if [ ${#run_list[@]} -gt 0 ]; then
	# host: busybox applets first in PATH, private mount/uts/ipc namespaces
	bbpath=$out/bbpath
	if [ ! -x "$bbpath/sh" ]; then
		mkdir -p "$bbpath"
		for a in $(busybox --list); do ln -sf /bin/busybox "$bbpath/$a"; done
	fi
	echo "systest: running ${#run_list[@]} tests on the host"
	env -i PATH="$bbpath:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/root TERM=vt100 \
		unshare --mount --uts --ipc --propagation private \
		"$bbpath/sh" "$stage/driver.sh" >"$out/host.txt" 2>"$out/host.err"
	split "$out/host.txt" "$out/expected"

	echo "systest: running ${#run_list[@]} tests on $target"
	kargs=()
	[ "$target" = linux ] && kargs=(--linux)
	t0=$(date +%s)
	"$top/tools/aegis-run" "${kargs[@]}" --extra "$out/root" --timeout "${SYSTEST_TIMEOUT:-280}" \
		--keep-log -- env -i PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=vt100 \
		sh /systest/driver.sh >"$out/guest.txt" 2>"$out/guest.err"
	rc=$?
	echo "systest: guest run took $(($(date +%s) - t0))s, aegis-run status $rc"
	[ $rc = 0 ] || sed 's/^/  guest: /' "$out/guest.err" | tail -n 60
	split "$out/guest.txt" "$out/actual"
fi

for t in "${tests[@]}"; do
	if [ "${t#bb_}" = "$t" ] && [ ! -x "$out/bin/$t" ]; then
		fail "$t (does not build; see $out/bin/$t.log)"
	elif ! enabled "$t"; then
		skip "$t (not yet enabled on Aegis)"
	elif [ ! -f "$out/expected/$t.out" ]; then
		fail "$t (no host result; see $out/host.txt)"
	elif [ ! -f "$out/actual/$t.out" ]; then
		fail "$t (no result from $target; aegis-run status $rc)"
	elif cmp -s "$out/expected/$t.out" "$out/actual/$t.out"; then
		pass "$t"
	elif [ "$t" = fuzz ] && grep -qx survived "$out/actual/$t.out"; then
		pass "$t"
	else
		fail "$t (output differs from Linux; diff below)"
		diff -u "$out/expected/$t.out" "$out/actual/$t.out" | head -n 30 | sed 's/^/  | /'
	fi
done
exit 0
