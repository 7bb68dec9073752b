# /aegis-test/check.sh - run by t-check.service inside Aegis (aegis-init is PID 1).
# Waits for the other test units to play out, runs the aegisctl scenarios and prints
#   AEGIS-TEST <case> ok | fail <why> | nosock <aegisctl's error>
# on the console, then powers the machine off (aegisctl poweroff if the control
# socket works, else SIGUSR2 to PID 1, which needs no socket).
exec >/dev/console 2>&1 </dev/null
sleep 6	# t-crash reaches its start limit, t-backoff its maximum delay
nosock=
ctl() { # ctl CASE ARGS...: run aegisctl, output in $out, status in $st
	out=$(timeout 20 aegisctl "$@" 2>&1); st=$?
	case $out in
	*"not implemented"* | *"not supported"*) nosock=$out ;;
	esac
}
res() { # res CASE CONDITION-STATUS WHY
	if [ -n "$nosock" ]; then echo "AEGIS-TEST $1 nosock $(echo "$nosock" | head -n1)"
	elif [ "$2" = 0 ]; then echo "AEGIS-TEST $1 ok"
	else echo "AEGIS-TEST $1 fail $3: $(echo "$out" | tr '\n' '|' | cut -c1-200)"
	fi
}
has() { case $out in *"$1"*) return 0 ;; esac; return 1; }

ctl is-active getty.service
[ "$out" = active ]; res ctl_is_active $? "getty.service not active"

ctl status t-crash.service
has "Restarts: 3" && has start-limit-hit; res ctl_status_restarts $? "want Restarts: 3, start-limit-hit"

ctl status t-daemon.service
has "Main PID: " && has "active"; res ctl_status_daemon $? "double-forked daemon not tracked"

ctl stop t-second.service
ctl is-active t-second.service
[ "$out" = inactive ]; res ctl_stop $? "t-second not inactive after stop"
ctl start t-second.service
ctl is-active t-second.service
[ "$out" = active ]; res ctl_start $? "t-second not active after start"

ctl list-units
has t-daemon.service && has default.target; res ctl_list_units $? "units missing"

ctl logs t-crash.service
has "t-crash ran"; res ctl_logs $? "t-crash output not in the log"

ctl log -t t-check hello-from-t-check
ctl logs --all
has hello-from-t-check; res ctl_log_syslog $? "message sent with aegisctl log missing"

ctl list-dependencies default.target
has multi-user.target; res ctl_list_dependencies $? "multi-user.target missing"

echo "AEGIS-TEST checks-done"
if [ -z "$nosock" ]; then
	echo "AEGIS-TEST poweroff-request aegisctl"
	timeout 20 aegisctl poweroff
fi
echo "AEGIS-TEST poweroff-request SIGUSR2"
kill -USR2 1
sleep 1000
