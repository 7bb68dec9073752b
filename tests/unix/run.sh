#!/usr/bin/env bash
# AF_UNIX suite.
# 1. /bin/socktest (user/socktest) on the host Linux (the specification) and in Aegis
#    through tools/aegis-run: one "PASS unix_<where>_<case>" / "FAIL ..." line per case.
# 2. aegis-init in Aegis: boots the normal image, waits for default.target, types
#    aegisctl commands on the console (control socket /run/aegis/control, syslog
#    socket /dev/log) and checks their output.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-unix
mkdir -p "$out"
bin=$BUILD/user/socktest
if [ ! -x "$bin" ]; then
	make -s -C "$top/user/socktest" O="$BUILD" CC=musl-gcc >/dev/null 2>&1 || true
fi
if [ ! -x "$bin" ]; then
	skip "unix (no $bin; needs musl-gcc)"
	exit 0
fi

report() {	# report WHERE LOG STATUS
	local where=$1 log=$2 status=$3
	sed -nE "s/^(PASS|FAIL) ([a-z0-9_]+)(.*)$/\1 unix_${where}_\2\3/p" "$log"
	if ! grep -q '^socktest: 0 failed' "$log"; then
		fail "unix_${where}_finished (status $status; see $log)"
	fi
}

(cd "$out" && "$bin") >"$out/host.log" 2>&1
report host "$out/host.log" $?

rm -rf "$out/extra" && mkdir -p "$out/extra/bin" && cp "$bin" "$out/extra/bin/"
"$top/tools/aegis-run" --timeout 240 --extra "$out/extra" -- /bin/socktest \
	>"$out/aegis.log" 2>"$out/aegis.err"
report aegis "$out/aegis.log" $?

# aegis-init and aegisctl over the console.
img=$BUILD/initramfs.cpio
if [ ! -e "$img" ] || [ ! -x "$BUILD/user/aegis-init" ]; then
	skip "unix_init (no $img or aegis-init)"
	exit 0
fi
log=$out/init.log
fifo=$out/console.in
rm -f "$fifo" && mkfifo "$fifo"
"$QEMU" --timeout 180 --initrd "$img" <"$fifo" >"$log" 2>&1 &
qemu=$!
exec 9>"$fifo"
booted=
for _ in $(seq 300); do
	if strip_serial "$log" | grep -aq 'default.target: started'; then booted=1; break; fi
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.5
done
if [ -n "$booted" ]; then
	sleep 2	# let the getty's shell reach its prompt
	printf 'aegisctl list-units; aegisctl status getty.service; aegisctl log -t unixtest hello-from-aegisctl; echo CTL-STATUS $?; aegisctl status nosuch.service; echo NOSUCH-STATUS $?; poweroff\n' >&9
fi
for _ in $(seq 240); do
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.5
done
exec 9>&-
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
rm -f "$fifo"
s=$(strip_serial "$log")
check() {	# check NAME REGEX
	if grep -aqE -- "$2" <<<"$s"; then pass "$1"; else fail "$1 (no '$2' in $log)"; fi
}
if [ -z "$booted" ]; then
	fail "unix_init_boot (default.target never started; see $log)"
	exit 0
fi
check unix_init_list_units '^getty\.service +loaded +active +running'
check unix_init_list_units_syslog '^syslog\.service +loaded +active'
check unix_init_status 'Active: active \(running\)'
check unix_init_status_pid 'Main PID: [0-9]+'
check unix_init_log 'CTL-STATUS 0'
check unix_init_status_unknown 'NOSUCH-STATUS [1-9]'
check unix_init_poweroff 'shutdown complete'
exit 0
