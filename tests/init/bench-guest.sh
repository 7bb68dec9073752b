#!/bin/sh
# The aegis-init benchmarks of tests/init/bench.sh, for a busybox shell inside Aegis
# (tests/init/bench-aegis.sh runs it through tools/aegis-run; it also runs on any
# Linux with busybox: sh tests/init/bench-guest.sh DIR).  Needs aegis-init and
# aegisctl on PATH and tests/init/helper.c built static as $HELPER (default
# /bin/helper-static).  The unit files are generated here with one awk process.
# Prints BENCH <name> <value> <unit> ... lines, the same names as bench.sh.
# busybox's date has no %N: times come from "helper now" (CLOCK_REALTIME ns).
W=${1:-/tmp/ib}
H=${HELPER:-/bin/helper-static}
LOADRUNS=${LOADRUNS:-3}
RESTARTS=${RESTARTS:-5}
IPID=
rm -rf "$W"; mkdir -p "$W" || { echo "BENCH_ERROR cannot create $W"; exit 1; }

ms_now() { echo $(( $("$H" now) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
start_init() { # ROOT
	aegis-init --root "$1" >"$1/init.out" 2>&1 &
	IPID=$!
	i=0
	while [ $i -lt 600 ]; do [ -S "$1/run/aegis/control" ] && return 0; sleep 0.1; i=$((i + 1)); done
	echo "BENCH_ERROR no control socket in $1/run/aegis: $(tail -3 "$1/init.out")"
	return 1
}
stop_init() {
	kill -TERM "$IPID"
	i=0
	while [ $i -lt 1200 ]; do kill -0 "$IPID" 2>/dev/null || break; sleep 0.05; i=$((i + 1)); done
	wait "$IPID" 2>/dev/null
	IPID=
}
wait_active() { # ROOT UNIT SECONDS
	end=$(( $(ms_now) + $3 * 1000 ))
	until [ "$(aegisctl --root "$1" is-active "$2" 2>/dev/null)" = active ]; do
		[ "$(ms_now)" -gt $end ] && { echo "BENCH_ERROR $2 not active after $3 s"; return 1; }
		sleep 0.05
	done
}
analyze_took() { aegisctl --root "$1" analyze 2>&1 | sed -n 's/.*took \(.*\)$/\1/p'; }
# gen DIR PREFIX FIRST LAST FORMAT: unit files PREFIX<i>.service for i in FIRST..LAST;
# awk's printf FORMAT gets i, (i+1) % (LAST+1), int(i/2)
gen() { # DIR PREFIX FIRST LAST FORMAT
	awk -v d="$1" -v p="$2" -v a="$3" -v b="$4" -v fmt="$5" -v n="$4" 'BEGIN {
		for (i = a; i <= b; i++) { f = d "/" p i ".service"
			printf fmt, i, (i + 1) % (n + 1), int(i / 2) > f; close(f) } }'
}
wants() { awk -v p="$1" -v a="$2" -v b="$3" 'BEGIN { printf "[Unit]\nWants="
	for (i = a; i <= b; i++) printf " %s%d.service", p, i; printf "\n" }'; }

echo "BENCH_START $(uname -sr)"
# 1. Load 10,000 unit files (with dependencies between them).
R=$W/load; mkdir -p "$R/etc/aegis/units"
t0=$(ms_now)
gen "$R/etc/aegis/units" u 0 9999 '[Unit]\nDescription=Unit %d\nWants=u%d.service\nAfter=u%d.service\n[Service]\nExecStart=/bin/true\nRestart=on-failure\n'
echo "# generated $(ls "$R/etc/aegis/units" | wc -l) unit files in $(( $(ms_now) - t0 )) ms"
i=0
while [ $i -lt "$LOADRUNS" ]; do
	aegis-init --root "$R" --verify 2>&1 | tee "$W/verify.out" | sed -n 's/.*loaded [0-9]* units .* in \([0-9]*\) ms, cpu \([0-9]*\) ms.*/\1 \2/p'
	i=$((i + 1))
done >"$W/load.txt"
[ -s "$W/load.txt" ] || echo "BENCH_ERROR --verify: $(tail -3 "$W/verify.out")"
echo "BENCH init_load_10000_units $(cut -d' ' -f1 "$W/load.txt" | median) ms goal<100 (cpu $(cut -d' ' -f2 "$W/load.txt" | median) ms; median of $LOADRUNS)"
rm -rf "$R"

# 2. Start 500 trivial services to a target (busybox sleep: a static binary here).
R=$W/start500; mkdir -p "$R/etc/aegis/units"
gen "$R/etc/aegis/units" s 1 500 '[Service]\nExecStart=/bin/sleep 1000\n'
wants s 1 500 >"$R/etc/aegis/units/default.target"
t0=$(ms_now)
if start_init "$R" && wait_active "$R" default.target 300; then
	echo "BENCH init_start_500_services $(analyze_took "$R") (manager-measured; wall incl. exec+socket wait $(( $(ms_now) - t0 )) ms) goal<1s"
fi
t0=$(ms_now); stop_init
echo "BENCH init_stop_500_services $(( $(ms_now) - t0 )) ms"
rm -rf "$R"

# 2b. The same with the static helper.
R=$W/start500s; mkdir -p "$R/etc/aegis/units"
gen "$R/etc/aegis/units" s 1 500 "[Service]\\nExecStart=$H hup\\n"
wants s 1 500 >"$R/etc/aegis/units/default.target"
if start_init "$R" && wait_active "$R" default.target 300; then
	echo "BENCH init_start_500_static_services $(analyze_took "$R") goal<1s"
fi
stop_init
rm -rf "$R"

# 3. Restart latency after a crash (SIGKILL to the main process -> new process running).
R=$W/restart; mkdir -p "$R/etc/aegis/units"
printf '[Unit]\nWants=r.service\n' >"$R/etc/aegis/units/default.target"
printf '[Service]\nExecStart=%s stamp %s/stamps\nRestart=always\nRestartSec=0\nStartLimitBurst=0\n' "$H" "$R" >"$R/etc/aegis/units/r.service"
if start_init "$R" && wait_active "$R" r.service 60; then
	i=1
	while [ $i -le "$RESTARTS" ]; do
		j=0
		while [ $j -lt 300 ] && [ "$(wc -l <"$R/stamps" 2>/dev/null || echo 0)" -lt $i ]; do sleep 0.05; j=$((j + 1)); done
		pid=$(aegisctl --root "$R" status r.service | sed -n 's/^ *Main PID: //p')
		t0=$("$H" kill "$pid")
		j=0
		while [ $j -lt 600 ] && [ "$(wc -l <"$R/stamps")" -le $i ]; do sleep 0.01; j=$((j + 1)); done
		t1=$(tail -n 1 "$R/stamps")
		echo $(( (t1 - t0) / 1000 ))
		i=$((i + 1))
	done | median | { read -r v; echo "BENCH init_restart_latency ${v:-?} us (median of $RESTARTS)"; }
fi
stop_init
rm -rf "$R"

# 4. Memory of aegis-init with 1,000 units (all started: oneshot, RemainAfterExit).
R=$W/mem; mkdir -p "$R/etc/aegis/units"
gen "$R/etc/aegis/units" m 1 1000 '[Unit]\nDescription=Memory test unit %d\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n'
wants m 1 1000 >"$R/etc/aegis/units/default.target"
if start_init "$R" && wait_active "$R" default.target 300; then
	rss=$(awk '/^VmRSS:/{print $2}' /proc/$IPID/status 2>/dev/null)
	hwm=$(awk '/^VmHWM:/{print $2}' /proc/$IPID/status 2>/dev/null)
	[ -n "$rss" ] || echo "# /proc/$IPID/status: $(head -c 300 /proc/$IPID/status 2>&1 | tr '\n' ' ')"
	echo "BENCH init_rss_1000_units ${rss:-?} KiB (peak ${hwm:-?} KiB; 1000 oneshot units started in $(analyze_took "$R"))"
fi
stop_init
rm -rf "$W"
echo "BENCH_END"
