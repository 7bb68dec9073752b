#!/bin/bash
# aegis-init in Aegis (docs/INIT.md, "Tests in Aegis").  Two boots of the normal image
# (tools/aegis-run --boot: no command, /init execs /bin/aegis-init as PID 1):
# 1. only the built-in units, stopped as soon as the console shows
#    "aegis-init: default.target: started" (builtin.* cases);
# 2. the built-in units plus test units merged into /etc/aegis/units from units/ (all in
# default.target.wants/) and check.sh as /aegis-test/check.sh.  The console log
# (aegis-init as PID 1 prints every state change there) is checked afterwards:
#   boot, default.target and the built-in units, crash/restart/start limit, growing
#   back-off, a double-forking daemon, ordering, stop order and SIGKILL at shutdown,
#   poweroff by reboot(2);
# and the aegisctl cases run by t-check.service ("AEGIS-TEST <case> ok|fail|nosock"
# lines) are reported; without AF_UNIX sockets in the kernel they SKIP.  The boot ends
# when t-check.service powers off (aegisctl poweroff, else SIGUSR2 to PID 1);
# INIT_AEGIS_TIMEOUT (default 150 s) bounds it.  TARGET=linux boots Debian's kernel
# instead (aegis-run --linux), to check the test itself: there every case must pass.
set -u
KOPT=()
[ "${TARGET:-aegis}" = linux ] && KOPT=(--linux)
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
T=$BUILD/tests/init-aegis
pass() { echo "PASS init_aegis.$1"; }
fail() { echo "FAIL init_aegis.$1 ${2:-}"; }
skip() { echo "SKIP init_aegis.$1 ${2:-}"; }
# check NAME WHY PATTERN...: PASS if every pattern (grep -E) is in the console log
check() {
	local name=$1 why=$2 p; shift 2
	for p in "$@"; do
		grep -qE -- "$p" "$LOG" || { fail "$name" "$why (no line matching: $p)"; return 1; }
	done
	pass "$name"
}

rm -rf "$T"
mkdir -p "$T/extra/etc/aegis" "$T/extra/aegis-test"
cp -a "$REPO/tests/init-aegis/units" "$T/extra/etc/aegis/units"
cp "$REPO/tests/init-aegis/check.sh" "$T/extra/aegis-test/check.sh"
if [ ! -f "$BUILD/kernel/aegis.elf" ] || [ ! -x "$BUILD/user/aegis-init" ]; then
	make -C "$REPO" --no-print-directory all >"$T/build.log" 2>&1 || { fail build "see $T/build.log"; exit 1; }
fi
# the console of the getty shell may put its prompt or an escape sequence before a
# line: the checks look at a copy where everything before the marker is cut
normalise() { sed -E 's/.*(aegis-init: |AEGIS-TEST |t-daemon: SIGTERM)/\1/' "$1" >"$2"; }
A='aegis-init: '

# ---- 1: built-in units only
t0=$(date +%s)
"$REPO/tools/aegis-run" "${KOPT[@]}" --boot --until "${A}default.target: started" --timeout 90 \
	>"$T/builtin.txt" 2>"$T/builtin.err"
st=$?
echo "# built-in boot took $(( $(date +%s) - t0 )) s, aegis-run status $st; console log $T/builtin.txt"
normalise "$T/builtin.txt" "$T/builtin.norm"
LOG=$T/builtin.norm
if [ $st -eq 0 ]; then pass builtin.default_target
else
	fail builtin.default_target "aegis-run status $st: $(head -c 300 "$T/builtin.err")"
	tail -30 "$T/builtin.txt" | sed 's/^/# | /'
fi
check builtin.pid1 "aegis-init is not PID 1" "^${A}aegis-init starting \(pid 1,"
check builtin.units "built-in units did not start" "^${A}booting default.target" \
	"^${A}getty.service: started" "^${A}multi-user.target: started" "^${A}default.target: started"
if grep -qE "^${A}.*(error|warning): " "$LOG"; then
	fail builtin.units_load "$(grep -m1 -E "^${A}.*(error|warning): " "$LOG")"
else pass builtin.units_load
fi
if grep -q "^${A}syslog.service: started" "$LOG"; then pass builtin.syslog_service
elif grep -qE "^${A}control socket: .*(not implemented|not supported)" "$LOG"; then
	skip builtin.syslog_service "needs AF_UNIX sockets (aegisctl log): $(grep -m1 "^${A}control socket" "$LOG")"
else fail builtin.syslog_service "syslog.service did not start"
fi

# ---- 2: the scenarios
LOG=$T/console.txt
t0=$(date +%s)
"$REPO/tools/aegis-run" "${KOPT[@]}" --boot --extra "$T/extra" --timeout "${INIT_AEGIS_TIMEOUT:-150}" \
	>"$LOG" 2>"$T/aegis-run.err"
st=$?
echo "# boot took $(( $(date +%s) - t0 )) s, aegis-run status $st; console log $LOG"
if [ $st -eq 0 ]; then
	pass boot_and_poweroff
else
	fail boot_and_poweroff "aegis-run status $st: $(head -c 300 "$T/aegis-run.err")"
	tail -30 "$LOG" | sed 's/^/# | /'
fi
# the getty shell shares the console: a line may begin after its prompt or an escape
# sequence, so checks look at a copy where everything before the marker is cut
sed -E 's/.*(aegis-init: |AEGIS-TEST |t-daemon: SIGTERM)/\1/' "$T/console.txt" >"$T/console.norm"
LOG=$T/console.norm
A='aegis-init: '
check pid1 "aegis-init is not PID 1" "^${A}aegis-init starting \(pid 1,"
check default_target "default.target not reached with the test units" "^${A}default.target: started"

# t-crash: exits 3 at once; RestartSec=200ms, StartLimitBurst=3: three restarts are
# announced, the third start is refused
check crash_restart "restart or start limit missing" \
	"^${A}t-crash.service: exit-code; restarting in 200 ms \(restart 1\)" \
	"^${A}t-crash.service: exit-code; restarting in 200 ms \(restart 2\)" \
	"^${A}t-crash.service: start request repeated too quickly" \
	"^${A}t-crash.service: failed \(result: start-limit-hit\)"
n=$(grep -c "^${A}t-crash.service: exit-code; restarting" "$LOG")
[ "$n" = 3 ] && pass crash_restart_count || fail crash_restart_count "$n restarts announced, want 3"

# t-backoff: RestartSec=100ms, RestartSteps=3, RestartMaxDelaySec=800ms
delays=$(sed -n "s/^${A}t-backoff.service: .*restarting in \([0-9]*\) ms.*/\1/p" "$LOG" | head -6 | tr '\n' ' ')
case $delays in
"100 200 400 800 800"*) pass restart_backoff "($delays ms)" ;;
*) fail restart_backoff "delays: '$delays', want 100 200 400 800 800 ..." ;;
esac

# t-daemon: Type=forking, the shell forks a setsid daemon and exits
check daemon_forking "double-forked daemon not adopted" \
	"^${A}t-daemon.service: main process is [0-9]+" "^${A}t-daemon.service: started"
# ordering: t-second (After=t-first) starts after t-first is up, stops before it
f=$(grep -n "^${A}t-first.service: started" "$LOG" | head -1 | cut -d: -f1)
s=$(grep -n "^${A}t-second.service: started" "$LOG" | head -1 | cut -d: -f1)
if [ -n "$f" ] && [ -n "$s" ] && [ "$f" -lt "$s" ]; then pass start_order
else fail start_order "t-first started at line '${f}', t-second at '${s}'"
fi

# shutdown: reverse order, SIGTERM to the daemon, SIGKILL to the stubborn unit
check shutdown_begins "no shutdown" "^${A}shutting down \(poweroff\)"
fs=$(grep -n "^${A}t-first.service: stopped" "$LOG" | tail -1 | cut -d: -f1)
ss=$(grep -n "^${A}t-second.service: stopped" "$LOG" | tail -1 | cut -d: -f1)
if [ -n "$fs" ] && [ -n "$ss" ] && [ "$ss" -lt "$fs" ]; then pass stop_order
else fail stop_order "t-second stopped at line '${ss}', t-first at '${fs}' (want second first)"
fi
check daemon_stopped "the daemon did not get SIGTERM" "^t-daemon: SIGTERM" "^${A}t-daemon.service: stopped"
check stubborn_killed "no SIGKILL after TimeoutStopSec" \
	"^${A}t-stubborn.service: did not stop in time; sending SIGKILL"
check shutdown_complete "shutdown did not complete" "^${A}shutdown complete"
if grep -qE "^${A}.*(giving up|shutdown deadline passed|reboot\(2\) failed)" "$LOG"; then
	fail shutdown_clean "$(grep -m1 -E "^${A}.*(giving up|deadline passed|reboot\(2\) failed)" "$LOG")"
else pass shutdown_clean
fi

# the aegisctl cases (check.sh)
if ! grep -q "^AEGIS-TEST checks-done" "$LOG"; then
	fail aegisctl "check.sh did not finish"
fi
grep "^AEGIS-TEST " "$LOG" | while read -r _ name res why; do
	case $res in
	aegisctl | SIGUSR2) echo "# poweroff requested with $res" ;;
	ok) pass "$name" ;;
	nosock) skip "$name" "aegisctl needs AF_UNIX sockets: $why" ;;
	fail) fail "$name" "$why" ;;
	esac
done
exit 0
