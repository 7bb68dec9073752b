# End-to-end scenarios for tests/init/run.sh: aegis-init runs on the host as
# an unprivileged supervisor (--root) or as PID 1 inside `unshare --pid`.
# Each case builds a fresh root, starts aegis-init, checks, and stops it with
# SIGTERM, which must leave no service process behind.

# Helper: finish a case. finish NAME ROOT OK [REASON]
finish() {
	local name=$1 r=$2 ok=$3 why=${4:-}
	if ! stop_init "$r"; then ok=0; why="${why:+$why; }shutdown left processes or hung"; fi
	if grep -q "AddressSanitizer\|runtime error" "$r/init.out"; then ok=0; why="${why:+$why; }sanitizer report"; fi
	if [ "$ok" = 1 ]; then pass "$name"; else fail "$name" "$why"; log "--- $name init.out:"; sed 's/^/# /' "$r/init.out" | tail -40; fi
}

case_order_and_parallel() {
	local r; r=$(mkroot order)
	unit "$r" default.target <<EOT
[Unit]
Wants=c.service d.service e.service
EOT
	for u in a b c; do
		local dep=""
		[ $u = b ] && dep="After=a.service
Requires=a.service"
		[ $u = c ] && dep="After=b.service
Requires=b.service"
		unit "$r" $u.service <<EOT
[Unit]
$dep
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo $u >> $r/order'
EOT
	done
	for u in d e; do
		unit "$r" $u.service <<EOT
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sleep 1.5
EOT
	done
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" default.target || { ok=0; why="default.target not active"; }
	[ "$(tr '\n' ' ' < "$r/order" 2>/dev/null)" = "a b c " ] || { ok=0; why="order: $(cat "$r/order" 2>/dev/null)"; }
	# d and e (1.5 s each) run in parallel: the boot takes well under 3 s.
	local boot; boot=$(ctl "$r" analyze | sed -n 's/.*took \([0-9.]*\)\(m\?s\).*/\1 \2/p')
	case "$boot" in
		*" ms") ;; # below a second
		*" s") awk -v b="${boot% s}" 'BEGIN{exit !(b < 2.8)}' || { ok=0; why="boot took $boot: not parallel"; } ;;
		*) ok=0; why="analyze: no boot time" ;;
	esac
	ctl "$r" analyze | grep -q "Critical chain" || { ok=0; why="analyze: no critical chain"; }
	finish e2e.order_and_parallel_start "$r" $ok "$why"
}

case_stop_reverse_order() {
	local r; r=$(mkroot revstop)
	unit "$r" default.target <<EOT
[Unit]
Wants=a.service b.service c.service
EOT
	unit "$r" a.service <<EOT
[Service]
ExecStart=$H hup
ExecStop=/bin/sh -c 'echo a >> $r/stops'
EOT
	unit "$r" b.service <<EOT
[Unit]
After=a.service
[Service]
ExecStart=$H hup
ExecStop=/bin/sh -c 'echo b >> $r/stops'
EOT
	unit "$r" c.service <<EOT
[Unit]
After=b.service
[Service]
ExecStart=$H hup
ExecStop=/bin/sh -c 'echo c >> $r/stops'
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" default.target || { ok=0; why="boot"; }
	stop_init "$r" || { ok=0; why="SIGTERM shutdown failed"; }
	[ "$(tr '\n' ' ' < "$r/stops" 2>/dev/null)" = "c b a " ] || { ok=0; why="stop order: $(cat "$r/stops" 2>/dev/null)"; }
	grep -q "shutdown complete" "$r/var/log/aegis/current" || { ok=0; why="log lost the end of shutdown"; }
	grep -q "AddressSanitizer\|runtime error" "$r/init.out" && { ok=0; why="sanitizer report"; }
	if [ $ok = 1 ]; then pass e2e.sigterm_stops_in_reverse_order; else fail e2e.sigterm_stops_in_reverse_order "$why"; fi
}

case_crash_restart() {
	local r; r=$(mkroot crash)
	unit "$r" default.target <<EOT
[Unit]
Wants=crash.service limited.service
EOT
	unit "$r" crash.service <<EOT
[Service]
ExecStart=/bin/sh -c 'echo crashing; sleep 0.1; kill -SEGV \$\$'
Restart=on-failure
RestartSec=50ms
StartLimitBurst=100
EOT
	unit "$r" limited.service <<EOT
[Service]
ExecStart=/bin/false
Restart=always
RestartSec=10ms
StartLimitBurst=3
StartLimitIntervalSec=30s
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 bash -c "[ \"\$(timeout 5 $CTL --root $r status crash.service | sed -n 's/^ *Restarts: //p')\" -ge 3 ]" || { ok=0; why="crash.service restarts: $(restarts "$r" crash.service)"; }
	status_has "$r" crash.service "signal SIGSEGV" || { ok=0; why="last exit not shown"; }
	wait_for 10 state_is "$r" limited.service failed || { ok=0; why="limited.service not failed"; }
	status_has "$r" limited.service "start-limit-hit" || { ok=0; why="no start-limit-hit"; }
	# Three starts allowed; the third restart is refused by the limit.
	[ "$(restarts "$r" limited.service)" = 3 ] || { ok=0; why="limited restarts $(restarts "$r" limited.service) != 3"; }
	# An explicit start resets the limit.
	ctl "$r" start --no-block limited.service
	wait_for 5 bash -c "grep -c 'limited.service .*start request repeated' $r/var/log/aegis/current | grep -q 2" || { ok=0; why="explicit start did not retry"; }
	kill -0 "$IPID" || { ok=0; why="aegis-init died"; }
	finish e2e.crash_restart_and_start_limit "$r" $ok "$why"
}

case_backoff() {
	local r; r=$(mkroot backoff)
	unit "$r" default.target <<EOT
[Unit]
Wants=bo.service
EOT
	unit "$r" bo.service <<EOT
[Service]
ExecStart=/bin/sh -c '$H stamp $r/stamps & sleep 0.05; kill -KILL \$\$'
Restart=on-abnormal
RestartSec=50ms
RestartMaxDelaySec=800ms
RestartSteps=4
StartLimitBurst=0
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 15 bash -c "[ \$(wc -l < $r/stamps) -ge 6 ]" || { ok=0; why="only $(wc -l < "$r/stamps") starts"; }
	# Gaps between starts must grow: 50 ms first, 800 ms at the fifth.
	awk 'NR>1{g[NR-1]=($1-p)/1e6} {p=$1} END{ if (!(g[5] > 2*g[1])) {print "gaps", g[1], g[5]; exit 1} }' "$r/stamps" || { ok=0; why="no exponential back-off: $(awk 'NR>1{printf "%d ", ($1-p)/1e6} {p=$1}' "$r/stamps")"; }
	grep -q "restarting in 800 ms" "$r/var/log/aegis/current" || { ok=0; why="${why} max delay not reached"; }
	finish e2e.restart_backoff_grows "$r" $ok "$why"
}

case_sigterm_ignored() {
	local r; r=$(mkroot hang)
	unit "$r" default.target <<EOT
[Unit]
Wants=stubborn.service
EOT
	unit "$r" stubborn.service <<EOT
[Service]
ExecStart=$H ignoreterm
TimeoutStopSec=400ms
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 logs_have "$r" stubborn.service "ignoring SIGTERM" || { ok=0; why="not started"; }
	local pid; pid=$(mainpid "$r" stubborn.service)
	local t0; t0=$(date +%s%N)
	ctl "$r" stop stubborn.service || { ok=0; why="stop failed"; }
	local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { ok=0; why="process survived"; }
	[ $ms -ge 350 ] && [ $ms -lt 5000 ] || { ok=0; why="stop took $ms ms"; }
	logs_have "$r" stubborn.service "SIGKILL" || { ok=0; why="no SIGKILL logged"; }
	finish e2e.sigterm_ignored_gets_sigkill "$r" $ok "$why"
}

case_double_fork() {
	local r; r=$(mkroot dfork)
	unit "$r" default.target <<EOT
[Unit]
Wants=daemon.service tree.service
EOT
	unit "$r" daemon.service <<EOT
[Service]
Type=forking
ExecStart=$H doublefork $r/daemon.pid
EOT
	unit "$r" tree.service <<EOT
[Service]
ExecStart=/bin/sh -c '$H doublefork $r/tree.pid; sleep 1000 & exec sleep 999'
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" daemon.service || { ok=0; why="daemon not active"; }
	wait_for 5 test -s "$r/daemon.pid"; wait_for 5 test -s "$r/tree.pid"
	local d t; d=$(cat "$r/daemon.pid" 2>/dev/null); t=$(cat "$r/tree.pid" 2>/dev/null)
	[ "$(mainpid "$r" daemon.service)" = "$d" ] || { ok=0; why="main pid $(mainpid "$r" daemon.service) != daemon $d"; }
	ctl "$r" stop daemon.service tree.service || { ok=0; why="stop failed"; }
	sleep 0.2
	kill -0 "$d" 2>/dev/null && { ok=0; why="double-forked daemon survived stop"; }
	kill -0 "$t" 2>/dev/null && { ok=0; why="escaped grandchild of tree.service survived"; }
	pgrep -f "sleep 1000" >/dev/null && [ -n "$(leftovers "$r")" ] && { ok=0; why="background child survived"; }
	finish e2e.killmode_double_fork "$r" $ok "$why"
}

case_notify() {
	local r; r=$(mkroot notify)
	unit "$r" default.target <<EOT
[Unit]
Wants=n.service after-n.service s6.service mp.service
EOT
	unit "$r" mp.service <<EOT
[Service]
Type=notify
ExecStart=$H mainpid $r/mp.pid
EOT
	unit "$r" n.service <<EOT
[Service]
Type=notify
ExecStart=$H notify 1000 all-good
EOT
	unit "$r" after-n.service <<EOT
[Unit]
After=n.service
Requires=n.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo started-after-ready'
EOT
	unit "$r" s6.service <<EOT
[Service]
Type=notify
NotificationFd=5
ExecStart=$H s6 5 300
EOT
	start_init "$r"
	local ok=1 why=""
	sleep 0.2
	state_is "$r" n.service activating || { ok=0; why="n.service active before READY=1"; }
	state_is "$r" after-n.service inactive || { ok=0; why="dependent started before READY"; }
	wait_for 10 active "$r" after-n.service || { ok=0; why="dependent never started"; }
	status_has "$r" n.service 'Status: "all-good"' || { ok=0; why="STATUS= not shown"; }
	wait_for 5 active "$r" s6.service || { ok=0; why="s6 notification-fd readiness failed"; }
	sleep 0.5 # the process that sent MAINPID= has exited by now
	active "$r" mp.service && [ -s "$r/mp.pid" ] && [ "$(mainpid "$r" mp.service)" = "$(cat "$r/mp.pid")" ] ||
		{ ok=0; why="MAINPID= not followed: $(mainpid "$r" mp.service) vs $(cat "$r/mp.pid" 2>/dev/null)"; }
	finish e2e.notify_readiness "$r" $ok "$why"
}

case_watchdog() {
	local r; r=$(mkroot wd)
	unit "$r" default.target <<EOT
[Unit]
Wants=wd.service
EOT
	unit "$r" wd.service <<EOT
[Service]
Type=notify
ExecStart=$H watchdog 600 8
WatchdogSec=600ms
Restart=on-failure
RestartSec=100ms
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" wd.service || { ok=0; why="not active"; }
	sleep 0.5
	[ "$(restarts "$r" wd.service)" = 0 ] || { ok=0; why="restarted while pinging"; }
	wait_for 10 bash -c "[ \"\$(timeout 5 $CTL --root $r status wd.service | sed -n 's/^ *Restarts: //p')\" -ge 1 ]" || { ok=0; why="not restarted after missed ping"; }
	logs_have "$r" wd.service "watchdog timeout" || { ok=0; why="no watchdog message"; }
	finish e2e.watchdog_restarts "$r" $ok "$why"
}

case_dependency_failure() {
	local r; r=$(mkroot deps)
	unit "$r" default.target <<EOT
[Unit]
Wants=app.service
EOT
	unit "$r" db.service <<EOT
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'test -e $r/db-ok'
EOT
	unit "$r" app.service <<EOT
[Unit]
Requires=db.service
After=db.service
[Service]
ExecStart=$H hup
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 state_is "$r" app.service failed || { ok=0; why="app not failed"; }
	status_has "$r" app.service "dependency" || { ok=0; why="result not dependency"; }
	active "$r" default.target || { ok=0; why="rest of the system did not start"; }
	touch "$r/db-ok"
	ctl "$r" start db.service || { ok=0; why="db start failed"; }
	wait_for 10 active "$r" app.service || { ok=0; why="app did not come back with db"; }
	# Stopping the required unit stops its dependent.
	ctl "$r" stop db.service
	state_is "$r" app.service inactive || { ok=0; why="app still $(ctl "$r" is-active app.service) after db stop"; }
	finish e2e.dependency_failure_and_recovery "$r" $ok "$why"
}

case_cycle_and_bad_units() {
	local r; r=$(mkroot bad)
	unit "$r" default.target <<EOT
[Unit]
Wants=x.service y.service z.service good.service unknown-key.service junk.service big.service noexec.service missing-dep.service
EOT
	unit "$r" x.service <<EOT
[Unit]
After=y.service
Wants=y.service
[Service]
ExecStart=$H hup
EOT
	unit "$r" y.service <<EOT
[Unit]
After=z.service
Requires=z.service
[Service]
ExecStart=$H hup
EOT
	unit "$r" z.service <<EOT
[Unit]
After=x.service
Requires=x.service
[Service]
ExecStart=$H hup
EOT
	unit "$r" good.service <<EOT
[Service]
ExecStart=$H hup
EOT
	unit "$r" unknown-key.service <<EOT
[Service]
ExecStart=$H hup
Frobnicate=yes
EOT
	printf '[Service]\nExecStart=/bin/true\n\x00\x01\xff\xfe binary' > "$r/etc/aegis/units/junk.service"
	head -c 1048576 /dev/zero | tr '\0' 'a' > "$r/etc/aegis/units/big.service"
	unit "$r" noexec.service <<EOT
[Service]
ExecStart=/nonexistent/binary
EOT
	unit "$r" missing-dep.service <<EOT
[Unit]
Requires=nothere.service
[Service]
ExecStart=$H hup
EOT
	start_init "$r"
	local ok=1 why="" L="$r/var/log/aegis/current"
	wait_for 10 active "$r" default.target || { ok=0; why="boot did not finish"; }
	wait_for 5 active "$r" good.service || { ok=0; why="good.service not active"; }
	active "$r" x.service && active "$r" y.service && active "$r" z.service || { ok=0; why="cycle members not started"; }
	grep -q "ordering cycle:.*breaking .*(Wants)" "$L" || { ok=0; why="cycle not reported/broken at Wants"; }
	grep -q "unknown-key.service:3: error: unknown key \"Frobnicate\"" "$L" || { ok=0; why="unknown key message"; }
	grep -q "junk.service:3: error: binary data" "$L" || { ok=0; why="binary junk message"; }
	grep -q "big.service: error: file too large" "$L" || { ok=0; why="1 MiB message"; }
	state_is "$r" unknown-key.service failed || { ok=0; why="bad unit not failed"; }
	status_has "$r" unknown-key.service "Error: .*Frobnicate" || { ok=0; why="status lacks load error"; }
	wait_for 5 state_is "$r" noexec.service failed || { ok=0; why="noexec not failed"; }
	logs_have "$r" noexec.service "No such file" || { ok=0; why="exec error not logged"; }
	state_is "$r" missing-dep.service failed || { ok=0; why="missing dependency not failed"; }
	"$INIT" --root "$r" --verify >/dev/null 2>&1 && { ok=0; why="--verify passed bad units"; }
	finish e2e.cycles_and_bad_units "$r" $ok "$why"
}

case_logs() {
	local r; r=$(mkroot logs)
	unit "$r" default.target <<EOT
[Unit]
Wants=talker.service
EOT
	unit "$r" talker.service <<EOT
[Service]
ExecStart=/bin/sh -c 'echo first; echo "<3>an error" ; read x; echo never'
EOT
	unit "$r" spam.service <<EOT
[Service]
Type=oneshot
ExecStart=$H spam 3000
EOT
	start_init "$r" --log-max 40000
	local ok=1 why=""
	wait_for 10 logs_have "$r" talker.service "first" || { ok=0; why="stdout not captured"; }
	ctl "$r" logs talker.service | grep -q "talker.service <3>: an error" || { ok=0; why="priority prefix"; }
	timeout 20 "$CTL" --root "$r" logs -f spam.service > "$r/follow.out" 2>&1 &
	local fpid=$!
	sleep 0.3
	ctl "$r" start spam.service || { ok=0; why="spam failed"; }
	wait_for 10 bash -c "grep -q 'spam line 2999' $r/follow.out" || { ok=0; why="logs -f missed lines"; }
	kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
	[ -e "$r/var/log/aegis/current.1" ] || { ok=0; why="no rotation"; }
	local n; n=$(ctl "$r" logs spam.service | grep -c "spam line")
	# Rotation keeps 3 old files of 40 KB: the newest lines must all be there.
	ctl "$r" logs -n 5 spam.service | tail -1 | grep -q "spam line 2999" || { ok=0; why="tail wrong"; }
	[ "$n" -ge 1000 ] || { ok=0; why="only $n lines kept"; }
	ctl "$r" log -t mytag "hello via syslog" || { ok=0; why="aegisctl log failed"; }
	wait_for 5 bash -c "timeout 5 $CTL --root $r logs --all | grep -q 'mytag.*hello via syslog'" || { ok=0; why="syslog message missing"; }
	finish e2e.logs_follow_rotate_syslog "$r" $ok "$why"
}

case_control() {
	local r; r=$(mkroot control)
	unit "$r" default.target <<EOT
[Unit]
Wants=svc.service
EOT
	unit "$r" svc.service <<EOT
[Unit]
Description=Reloadable
[Service]
ExecStart=$H hup
ExecReload=/bin/kill -HUP \$MAINPID
[Install]
WantedBy=default.target
EOT
	unit "$r" extra.service <<EOT
[Service]
ExecStart=$H hup
[Install]
WantedBy=default.target
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" svc.service || { ok=0; why="svc not active"; }
	local p1; p1=$(mainpid "$r" svc.service)
	ctl "$r" reload svc.service || { ok=0; why="reload failed"; }
	wait_for 5 logs_have "$r" svc.service reloaded || { ok=0; why="reload not delivered"; }
	ctl "$r" restart svc.service || { ok=0; why="restart failed"; }
	local p2; p2=$(mainpid "$r" svc.service)
	[ -n "$p2" ] && [ "$p1" != "$p2" ] || { ok=0; why="restart kept pid $p1"; }
	ctl "$r" enable extra.service | grep -q "Created symlink" || { ok=0; why="enable"; }
	[ -L "$r/etc/aegis/units/default.target.wants/extra.service" ] || { ok=0; why="no wants link"; }
	ctl "$r" list-dependencies default.target | grep -q extra.service || { ok=0; why="list-dependencies"; }
	ctl "$r" disable extra.service >/dev/null
	[ -L "$r/etc/aegis/units/default.target.wants/extra.service" ] && { ok=0; why="disable"; }
	unit "$r" new.service <<EOT
[Service]
ExecStart=$H hup
EOT
	ctl "$r" start new.service 2>/dev/null && { ok=0; why="started unknown unit before reload"; }
	ctl "$r" daemon-reload && ctl "$r" start new.service || { ok=0; why="daemon-reload + start"; }
	active "$r" svc.service || { ok=0; why="svc lost state across daemon-reload"; }
	ctl "$r" list-units | grep -q "new.service.*active" || { ok=0; why="list-units"; }
	ctl "$r" frobnicate >/dev/null 2>&1; [ $? = 2 ] || { ok=0; why="unknown command status"; }
	# Junk requests and messages must not hurt aegis-init.
	ctl "$r" start "$(head -c 5000 /dev/zero | tr '\0' x)" >/dev/null 2>&1
	ctl "$r" logs -n notanumber svc.service >/dev/null 2>&1
	ctl "$r" stop $(seq 1 200 | sed 's/$/.service/') >/dev/null 2>&1
	ctl "$r" log -t "$(head -c 3000 /dev/zero | tr '\0' y)" "$(printf 'bin\001\002\377ary')" >/dev/null 2>&1
	kill -0 "$IPID" && active "$r" svc.service || { ok=0; why="aegis-init hurt by junk requests"; }
	ctl "$r" status nosuch.service >/dev/null 2>&1; [ $? = 4 ] || { ok=0; why="status of unknown unit"; }
	finish e2e.control_commands "$r" $ok "$why"
}

case_orphans_reaped() {
	local r; r=$(mkroot orphans)
	unit "$r" default.target <<EOT
[Unit]
Wants=o.service
EOT
	unit "$r" o.service <<EOT
[Service]
ExecStart=/bin/sh -c 'for i in 1 2 3 4 5; do (sleep 0.1 &) ; done; exec $H hup'
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" o.service || { ok=0; why="not active"; }
	sleep 0.8
	local z; z=$(ps -o stat= --ppid "$IPID" | grep -c Z)
	[ "$z" = 0 ] || { ok=0; why="$z zombies"; }
	finish e2e.orphans_reaped "$r" $ok "$why"
}

case_modes() {
	local r; r=$(mkroot modes)
	mkdir -p "$r/proc"
	echo "console=ttyS0 mode=safe" > "$r/proc/cmdline"
	cp "$REPO"/user/init/units/*.target "$r/etc/aegis/units/"
	local ok=1 why=""
	start_init "$r"
	wait_for 10 active "$r" safe.target || { ok=0; why="mode=safe did not boot safe.target"; }
	active "$r" multi-user.target && { ok=0; why="multi-user.target active in safe mode"; }
	finish e2e.boot_mode_from_cmdline "$r" $ok "$why"
}

case_builtin_units() {
	local r; r=$(mkroot builtin)
	cp "$REPO"/user/init/units/* "$r/etc/aegis/units/"
	if "$INIT" --root "$r" --verify > "$r/verify.out" 2>&1; then
		pass e2e.builtin_units_verify
	else
		fail e2e.builtin_units_verify "$(grep error "$r/verify.out" | head -3)"
	fi
}

case_pid1_unshare() {
	if ! unshare --user --map-root-user --pid --fork true 2>/dev/null; then
		skip e2e.pid1_in_pid_namespace "unshare --user --pid not permitted"; return
	fi
	local r; r=$(mkroot pid1)
	unit "$r" default.target <<EOT
[Unit]
Wants=a.service crasher.service
EOT
	unit "$r" a.service <<EOT
[Service]
ExecStart=/bin/sh -c 'echo pid \$\$; $H doublefork $r/d.pid; exec $H ignoreterm'
TimeoutStopSec=300ms
EOT
	unit "$r" crasher.service <<EOT
[Service]
ExecStart=/bin/sh -c 'sleep 0.1; kill -SEGV \$\$'
Restart=always
RestartSec=100ms
StartLimitBurst=0
EOT
	timeout 30 unshare --user --map-root-user --pid --fork --kill-child "$INIT" --root "$r" >"$r/init.out" 2>&1 &
	local up=$!
	local ok=1 why=""
	wait_for 10 active "$r" a.service || { ok=0; why="a.service not active under PID 1"; }
	grep -q "pid 1 " "$r/var/log/aegis/current" || grep -q 'aegis-init starting (pid 1,' "$r/var/log/aegis/current" || { ok=0; why="aegis-init was not PID 1"; }
	# PID 1 ignores SIGTERM and survives crashing services.
	local p1=""
	for p in $(pgrep -x aegis-init); do grep -qz -- "$r" "/proc/$p/cmdline" 2>/dev/null && p1=$p; done
	if [ -n "$p1" ]; then kill -TERM "$p1"; else ok=0; why="host pid of PID 1 not found"; fi
	sleep 1
	active "$r" a.service || { ok=0; why="PID 1 did not survive SIGTERM + crashing service"; }
	[ "$(restarts "$r" crasher.service)" -ge 2 ] 2>/dev/null || { ok=0; why="crasher not restarted"; }
	ctl "$r" poweroff >/dev/null
	for _ in $(seq 100); do kill -0 "$up" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$up" 2>/dev/null; then ok=0; why="poweroff did not end the namespace"; kill -KILL "$up"; fi
	wait "$up" 2>/dev/null
	grep -q "shutdown complete" "$r/var/log/aegis/current" || { ok=0; why="no clean shutdown in log"; }
	[ -z "$(leftovers "$r")" ] || { ok=0; why="processes left"; kill_leftovers "$r"; }
	grep -q "AddressSanitizer\|runtime error" "$r/init.out" && { ok=0; why="sanitizer report"; }
	if [ $ok = 1 ]; then pass e2e.pid1_in_pid_namespace; else fail e2e.pid1_in_pid_namespace "$why"; sed 's/^/# /' "$r/init.out" | tail -20; fi
}

case_exec_environment() {
	local r; r=$(mkroot execenv)
	mkdir -p "$r/work"
	printf '# comment\nFOO=from-file\nexport QUOTED="q v"\n' > "$r/env"
	unit "$r" default.target <<EOT
[Unit]
Wants=e.service
EOT
	unit "$r" e.service <<EOT
[Service]
Type=oneshot
RemainAfterExit=yes
EnvironmentFile=/env
EnvironmentFile=-/does-not-exist
Environment=BAR=bar "SP=a b"
WorkingDirectory=/work
LimitNOFILE=123:456
ExecStart=/bin/sh -c 'echo "env \$FOO \$BAR [\$SP] [\$QUOTED] cwd \$(pwd) nofile \$(ulimit -n) arg \${BAR}"'
ExecStartPost=/bin/echo unit %n name %N 100%%
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" e.service || { ok=0; why="not active"; }
	logs_have "$r" e.service "unit e.service name e 100%" || { ok=0; why="specifiers"; }
	logs_have "$r" e.service "env from-file bar \[a b\] \[q v\] cwd $r/work nofile 123 arg bar" || { ok=0; why="got: $(ctl "$r" logs e.service | tail -1)"; }
	finish e2e.exec_environment_cwd_limits "$r" $ok "$why"
}

case_user_group() {
	if [ "$(id -u)" != 0 ] || ! getent passwd nobody >/dev/null; then
		skip e2e.user_group "needs root and user nobody"; return
	fi
	local r; r=$(mkroot usergroup)
	unit "$r" default.target <<EOT
[Unit]
Wants=u.service
EOT
	unit "$r" u.service <<EOT
[Service]
Type=oneshot
RemainAfterExit=yes
User=nobody
Group=$(id -gn nobody)
ExecStart=/bin/sh -c 'echo "uid \$(id -u) gid \$(id -g) groups \$(id -G)"'
EOT
	start_init "$r"
	local ok=1 why="" want="uid $(id -u nobody) gid $(id -g nobody)"
	wait_for 10 logs_have "$r" u.service "$want" || { ok=0; why="want '$want', got: $(ctl "$r" logs u.service | tail -1)"; }
	finish e2e.user_group "$r" $ok "$why"
}

case_relations() {
	local r; r=$(mkroot relations)
	unit "$r" default.target <<EOT
[Unit]
Description=empty
EOT
	for u in a b c d; do
		local extra=""
		[ $u = a ] && extra="Conflicts=b.service"
		[ $u = c ] && extra="BindsTo=a.service
After=a.service"
		[ $u = d ] && extra="PartOf=a.service
After=a.service"
		unit "$r" $u.service <<EOT
[Unit]
$extra
[Service]
ExecStart=$H hup
EOT
	done
	unit "$r" slow.service <<EOT
[Service]
Type=notify
ExecStart=$H hup
TimeoutStartSec=300ms
EOT
	start_init "$r"
	local ok=1 why=""
	ctl "$r" start b.service && active "$r" b.service || { ok=0; why="b"; }
	ctl "$r" start a.service && active "$r" a.service || { ok=0; why="a"; }
	state_is "$r" b.service inactive || { ok=0; why="Conflicts= did not stop b"; }
	ctl "$r" start c.service d.service || { ok=0; why="c d"; }
	local d1; d1=$(mainpid "$r" d.service)
	ctl "$r" restart a.service || { ok=0; why="restart a"; }
	wait_for 5 active "$r" d.service || { ok=0; why="PartOf unit not back after restart"; }
	[ "$(mainpid "$r" d.service)" != "$d1" ] || { ok=0; why="PartOf unit not restarted"; }
	ctl "$r" stop a.service
	state_is "$r" c.service inactive || { ok=0; why="BindsTo unit still $(ctl "$r" is-active c.service)"; }
	state_is "$r" d.service inactive || { ok=0; why="PartOf unit still running"; }
	ctl "$r" start slow.service 2>/dev/null && { ok=0; why="start without READY succeeded"; }
	status_has "$r" slow.service "Result: timeout" || { ok=0; why="no timeout result"; }
	finish e2e.conflicts_bindsto_partof_timeout "$r" $ok "$why"
}

case_kmsg_and_dev_log() {
	local r; r=$(mkroot kmsg)
	mkdir -p "$r/dev"
	mkfifo "$r/dev/kmsg"
	unit "$r" default.target <<EOT
[Unit]
Description=empty
EOT
	start_init "$r"
	local ok=1 why=""
	printf '6,1,0,-;hello from the kernel\n4,2,0,-;second record\n' > "$r/dev/kmsg" &
	local w=$!
	wait_for 5 bash -c "timeout 5 $CTL --root $r logs --all | grep -q 'kernel <4>: second record'" || { ok=0; why="kmsg records not merged"; }
	kill "$w" 2>/dev/null
	[ -S "$r/dev/log" ] || { ok=0; why="no DIR/dev/log socket"; }
	ctl "$r" log -p 3 -t devlog "via dev log" || { ok=0; why="aegisctl log"; }
	wait_for 5 bash -c "timeout 5 $CTL --root $r logs --all | grep -q 'syslog <3>: devlog.*via dev log'" || { ok=0; why="DIR/dev/log message missing"; }
	finish e2e.kmsg_merge_and_dev_log "$r" $ok "$why"
}

case_backoff_reset() {
	local r; r=$(mkroot boreset)
	unit "$r" default.target <<EOT
[Unit]
Wants=flappy.service
EOT
	# Runs 1-3 crash at once (delays 100, 200, 400 ms); run 4 stays up 1.5 s,
	# longer than RestartResetSec, so the next delay is back to 100 ms.
	unit "$r" flappy.service <<EOT
[Service]
ExecStart=/bin/sh -c 'n=\$(cat $r/count 2>/dev/null || echo 0); n=\$((n+1)); echo \$n > $r/count; [ \$n = 4 ] && sleep 1.5; exit 1'
Restart=on-failure
RestartSec=100ms
RestartMaxDelaySec=3s
RestartResetSec=1s
StartLimitBurst=0
EOT
	start_init "$r"
	local ok=1 why="" L="$r/var/log/aegis/current"
	wait_for 15 grep -q "restarting in .* (restart 5)" "$L" || { ok=0; why="no 5th restart"; }
	local delays; delays=$(grep -o "restarting in [0-9]* ms" "$L" | awk '{print $3}' | head -5 | tr '\n' ' ')
	[ "$delays" = "100 200 400 100 200 " ] || { ok=0; why="delays: $delays (want 100 200 400 100 200)"; }
	finish e2e.backoff_resets_after_healthy_run "$r" $ok "$why"
}

case_socket_fuzz() {
	local r; r=$(mkroot sockfuzz)
	unit "$r" default.target <<EOT
[Unit]
Wants=victim.service
EOT
	unit "$r" victim.service <<EOT
[Service]
ExecStart=$H hup
EOT
	unit "$r" fuzz.service <<EOT
[Service]
Type=oneshot
RemainAfterExit=yes
TimeoutStartSec=90s
ExecStart=$T/sockfuzz 3000 $RANDOM
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" victim.service || { ok=0; why="victim not active"; }
	local p; p=$(mainpid "$r" victim.service)
	ctl "$r" start fuzz.service >/dev/null 2>&1
	wait_for 60 logs_have "$r" fuzz.service "sockfuzz done" || { ok=0; why="fuzzer did not finish"; }
	kill -0 "$IPID" 2>/dev/null || { ok=0; why="aegis-init died"; }
	[ "$(mainpid "$r" victim.service)" = "$p" ] || { ok=0; why="victim was disturbed"; }
	active "$r" victim.service || { ok=0; why="victim not active after fuzzing"; }
	finish e2e.socket_fuzz "$r" $ok "$why"
}

# daemon-reload moves the configuration of a running unit whose file is gone into
# the new table (it lives in the old table's arena, table.c): it must still be
# shown, stopped and freed correctly over a second reload (ASan run: no reports).
case_reload_vanished_unit() {
	local r; r=$(mkroot vanished)
	unit "$r" default.target <<EOT
[Unit]
Wants=gone.service stay.service
EOT
	unit "$r" gone.service <<EOT
[Unit]
Description=Vanishing unit
After=stay.service
[Service]
ExecStart=$H hup
Environment=A=1 B=2
EOT
	unit "$r" stay.service <<EOT
[Service]
ExecStart=$H hup
EOT
	start_init "$r"
	local ok=1 why=""
	wait_for 10 active "$r" gone.service || { ok=0; why="gone.service not active"; }
	rm "$r/etc/aegis/units/gone.service"
	ctl "$r" daemon-reload || { ok=0; why="first daemon-reload"; }
	active "$r" gone.service || { ok=0; why="running unit lost by daemon-reload"; }
	ctl "$r" status gone.service 2>&1 | grep -q "Vanishing unit" || { ok=0; why="description lost"; }
	ctl "$r" daemon-reload || { ok=0; why="second daemon-reload"; }
	ctl "$r" stop gone.service || { ok=0; why="stop after reloads"; }
	ctl "$r" daemon-reload || { ok=0; why="third daemon-reload"; }
	active "$r" stay.service || { ok=0; why="stay.service not active"; }
	finish e2e.reload_vanished_unit "$r" $ok "$why"
}

run_e2e() {
	case_order_and_parallel
	case_stop_reverse_order
	case_crash_restart
	case_backoff
	case_backoff_reset
	case_sigterm_ignored
	case_double_fork
	case_notify
	case_watchdog
	case_dependency_failure
	case_cycle_and_bad_units
	case_logs
	case_control
	case_reload_vanished_unit
	case_orphans_reaped
	case_modes
	case_exec_environment
	case_user_group
	case_relations
	case_kmsg_and_dev_log
	case_socket_fuzz
	case_builtin_units
	case_pid1_unshare
}
