# system applets: date sleep ps free df mount dmesg stty (only their deterministic parts)
date -u -d @0 '+%Y-%m-%d %H:%M:%S'
date -u -d '2020-02-29 12:00:00' +%s
TZ=UTC date +%Y | grep -qE '^20[2-9][0-9]$' && echo year-ok
s=$(date +%s); sleep 1; e=$(date +%s); [ $((e - s)) -ge 1 ] && [ $((e - s)) -le 3 ] && echo slept-1s
sleep 0.1 && echo fractional-sleep
ps -o pid,comm | head -n 1
ps | grep -c 'ps$' >/dev/null && echo ps-sees-itself
free | head -n 1 | awk '{print $1, $2, $3}'
free | awk 'NR == 2 {print ($2 > 0) ? "mem-total-positive" : "zero"}'
df /tmp | head -n 1 | awk '{print $1, $2}'
df -k /tmp | awk 'NR == 2 {print ($2 > 0) ? "tmp-size-positive" : "zero"}'
mount | grep -q ' /proc ' && echo proc-mounted
d=/tmp/st-bb-system; mkdir -p $d/m
mount -t tmpfs none $d/m && echo x >$d/m/f && mount | grep -c "$d/m" && umount $d/m && echo umounted
rm -rf $d
dmesg >/dev/null 2>&1; echo "dmesg status $?"
stty -F /dev/null 2>/dev/null; echo "stty on non-tty status $?"
id; id -u; whoami
echo "uname $(uname -s) $(uname -m)"
test -r /proc/self/status && grep -c '^Pid:' /proc/self/status
cat /proc/self/cmdline | tr '\0' ' '; echo
