#!/usr/bin/env bash
# mkinitramfs.sh OUT.cpio - build the root file system image (newc cpio).
#
# The archive holds Debian's busybox-static with its applet links, every executable in
# $BUILD/user/ as /bin/<name>, the unit files of user/init/units/, a small /etc, device
# nodes and /init (tools/initramfs/init).  It is written by tools/newc.py from a manifest,
# so owners, modes and device nodes are exact without root, and entries are sorted with
# mtime 0, so the same inputs give the same bytes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
out=${1:?usage: mkinitramfs.sh OUT.cpio}
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkinitramfs: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
stage=$build/initramfs
rm -rf "$stage"
mkdir -p "$stage/etc" "$(dirname "$out")"

etc() {	# name mode content
	printf '%s' "$3" >"$stage/etc/$1"
	echo "f /etc/$1 $2 0 0 $stage/etc/$1"
}

{
	for d in bin sbin usr usr/bin usr/sbin dev proc sys root mnt var run etc etc/aegis \
		etc/aegis/units home; do
		echo "d /$d 755 0 0"
	done
	echo "d /root 700 0 0"
	echo "d /tmp 1777 0 0"
	echo "d /var/tmp 1777 0 0"
	echo "d /home/user 755 1000 1000"
	echo "c /dev/console 600 0 0 5 1"
	echo "c /dev/null 666 0 0 1 3"
	echo "c /dev/zero 666 0 0 1 5"
	echo "c /dev/full 666 0 0 1 7"
	echo "c /dev/random 666 0 0 1 8"
	echo "c /dev/urandom 666 0 0 1 9"
	echo "c /dev/tty 666 0 0 5 0"
	for i in 0 1 2 3; do echo "c /dev/ttyS$i 660 0 0 4 $((64 + i))"; done

	echo "f /bin/busybox 755 0 0 $bb"
	"$bb" --list-full | LC_ALL=C sort | while read -r p; do
		[ "$p" = bin/busybox ] || echo "l /$p 777 0 0 /bin/busybox"
	done

	if [ -d "$build/user" ]; then
		for f in "$build"/user/*; do
			[ -f "$f" ] && [ -x "$f" ] && echo "f /bin/${f##*/} 755 0 0 $f"
		done
	fi
	if [ -d "$top/user/init/units" ]; then
		for f in "$top"/user/init/units/*; do
			[ -f "$f" ] && echo "f /etc/aegis/units/${f##*/} 644 0 0 $f"
		done
	fi

	etc passwd 644 'root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
'
	etc group 644 'root:x:0:
tty:x:5:user
user:x:1000:
nogroup:x:65534:
'
	etc shadow 600 'root::0:0:99999:7:::
user::0:0:99999:7:::
'
	etc hostname 644 'aegis
'
	etc hosts 644 '127.0.0.1	localhost aegis
'
	# the name server the kernel learnt (ip=dhcp, or ip=...:<dns0-ip>), as Linux's ipconfig
	echo "l /etc/resolv.conf 777 0 0 /proc/net/pnp"
	etc shells 644 '/bin/sh
/bin/ash
'
	etc profile 644 'export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PS1='"'"'\u@\h:\w\$ '"'"'
export HOME=${HOME:-/root}
'
	etc issue 644 'Aegis OS

'
	echo "f /init 755 0 0 $top/tools/initramfs/init"
} >"$stage.manifest"

python3 "$top/tools/newc.py" "$stage.manifest" >"$out.tmp"
mv "$out.tmp" "$out"
