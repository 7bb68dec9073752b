#!/bin/bash
# Benchmarks for aegis-init on the host (run from the repository root with
# BUILD=<absolute build dir>). Prints one line per figure:
#     BENCH <name> <value> <unit> [goal]
# Figures: time to load 10,000 unit files; time to start 500 trivial
# services to a target; restart latency after a crash; memory (RSS) of
# aegis-init with 1,000 units. Kills everything it started.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
T=$BUILD/tests/init
INIT=$BUILD/user/aegis-init
CTL=$BUILD/user/aegisctl
H=$T/helper
WORK=$(mktemp -d /tmp/aegis-init-bench.XXXXXX)
IPID=

cleanup() {
	[ -n "$IPID" ] && kill -TERM "$IPID" 2>/dev/null && sleep 2 && kill -KILL "$IPID" 2>/dev/null
	for f in /proc/[0-9]*/environ; do
		grep -qz "^AEGIS_ROOT=$WORK" "$f" 2>/dev/null && { p=${f#/proc/}; kill -KILL "${p%/environ}" 2>/dev/null; }
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkdir -p "$T"
cc=musl-gcc; command -v musl-gcc >/dev/null || cc=gcc
make -C "$REPO/user/init" O="$BUILD" CC=$cc -j2 >/dev/null || { echo "build failed" >&2; exit 1; }
[ -x "$H" ] || gcc -O1 -o "$H" "$REPO/tests/init/helper.c" || exit 1

ms_now() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

start_init() { # ROOT
	"$INIT" --root "$1" >"$1/init.out" 2>&1 &
	IPID=$!
	for _ in $(seq 200); do [ -S "$1/run/aegis/control" ] && return 0; sleep 0.05; done
	return 1
}
stop_init() {
	kill -TERM "$IPID"
	for _ in $(seq 600); do kill -0 "$IPID" 2>/dev/null || break; sleep 0.05; done
	wait "$IPID" 2>/dev/null
	IPID=
}
wait_active() { # ROOT UNIT SECONDS
	local end=$(( $(ms_now) + $3 * 1000 ))
	until [ "$(timeout 5 "$CTL" --root "$1" is-active "$2" 2>/dev/null)" = active ]; do
		[ "$(ms_now)" -gt $end ] && return 1
		sleep 0.02
	done
}

# 1. Load 10,000 unit files (with dependencies between them).
R=$WORK/load; mkdir -p "$R/etc/aegis/units"
for i in $(seq 0 9999); do
	printf '[Unit]\nDescription=Unit %d\nWants=u%d.service\nAfter=u%d.service\n[Service]\nExecStart=/bin/true %d\nRestart=on-failure\n' \
		$i $(( (i + 1) % 10000 )) $(( i / 2 )) $i > "$R/etc/aegis/units/u$i.service"
done
for run in 1 2 3 4 5; do
	"$INIT" --root "$R" --verify 2>&1 | sed -n 's/.*loaded [0-9]* units .* in \([0-9]*\) ms, cpu \([0-9]*\) ms.*/\1 \2/p'
done > "$WORK/load.txt"
echo "BENCH init_load_10000_units $(cut -d' ' -f1 "$WORK/load.txt" | median) ms goal<100 (cpu $(cut -d' ' -f2 "$WORK/load.txt" | median) ms; median of 5)"

# 2. Start 500 trivial services to a target.
R=$WORK/start500; mkdir -p "$R/etc/aegis/units"
wants=""
for i in $(seq 1 500); do
	printf '[Service]\nExecStart=/bin/sleep 1000\n' > "$R/etc/aegis/units/s$i.service"
	wants="$wants s$i.service"
done
printf '[Unit]\nWants=%s\n' "$wants" > "$R/etc/aegis/units/default.target"
t0=$(ms_now)
start_init "$R" && wait_active "$R" default.target 60
boot=$(timeout 10 "$CTL" --root "$R" analyze | sed -n 's/.*took \(.*\)$/\1/p')
echo "BENCH init_start_500_services ${boot:-?} (manager-measured; wall incl. exec+socket wait $(( $(ms_now) - t0 )) ms) goal<1s"
t0=$(ms_now); stop_init
echo "BENCH init_stop_500_services $(( $(ms_now) - t0 )) ms"

# 2b. The same with a static service binary: shows the manager's own cost
# (a dynamic /bin/sleep spends most of the time in ld.so, in the children).
if command -v musl-gcc >/dev/null && musl-gcc -static -O1 -o "$T/helper-static" "$REPO/tests/init/helper.c" 2>/dev/null; then
	R=$WORK/start500s; mkdir -p "$R/etc/aegis/units"
	wants=""
	for i in $(seq 1 500); do
		printf '[Service]\nExecStart=%s hup\n' "$T/helper-static" > "$R/etc/aegis/units/s$i.service"
		wants="$wants s$i.service"
	done
	printf '[Unit]\nWants=%s\n' "$wants" > "$R/etc/aegis/units/default.target"
	start_init "$R" && wait_active "$R" default.target 60
	boot=$(timeout 10 "$CTL" --root "$R" analyze | sed -n 's/.*took \(.*\)$/\1/p')
	echo "BENCH init_start_500_static_services ${boot:-?} goal<1s"
	stop_init
fi

# 3. Restart latency after a crash (SIGKILL to the main process -> new process running).
R=$WORK/restart; mkdir -p "$R/etc/aegis/units"
printf '[Unit]\nWants=r.service\n' > "$R/etc/aegis/units/default.target"
printf '[Service]\nExecStart=%s stamp %s/stamps\nRestart=always\nRestartSec=0\nStartLimitBurst=0\n' "$H" "$R" > "$R/etc/aegis/units/r.service"
start_init "$R" && wait_active "$R" r.service 10
for i in 1 2 3 4 5 6 7; do
	for _ in $(seq 100); do [ "$(wc -l < "$R/stamps" 2>/dev/null)" -ge "$i" ] && break; sleep 0.01; done
	pid=$(timeout 5 "$CTL" --root "$R" status r.service | sed -n 's/^ *Main PID: //p')
	t0=$(date +%s%N)
	kill -KILL "$pid"
	for _ in $(seq 500); do [ "$(wc -l < "$R/stamps")" -gt "$i" ] && break; sleep 0.005; done
	t1=$(tail -1 "$R/stamps")
	echo $(( (t1 - t0) / 1000 ))
done | median | { read -r v; echo "BENCH init_restart_latency ${v:-?} us"; }
stop_init

# 4. Memory of aegis-init with 1,000 units (all started: oneshot, RemainAfterExit).
R=$WORK/mem; mkdir -p "$R/etc/aegis/units"
wants=""
for i in $(seq 1 1000); do
	printf '[Unit]\nDescription=Memory test unit %d\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' $i > "$R/etc/aegis/units/m$i.service"
	wants="$wants m$i.service"
done
printf '[Unit]\nWants=%s\n' "$wants" > "$R/etc/aegis/units/default.target"
start_init "$R" && wait_active "$R" default.target 60
rss=$(awk '/^VmRSS:/{print $2}' /proc/$IPID/status)
hwm=$(awk '/^VmHWM:/{print $2}' /proc/$IPID/status)
boot=$(timeout 10 "$CTL" --root "$R" analyze | sed -n 's/.*took \(.*\)$/\1/p')
echo "BENCH init_rss_1000_units ${rss:-?} KiB (peak ${hwm:-?} KiB; 1000 oneshot units started in ${boot:-?})"
stop_init
