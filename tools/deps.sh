#!/usr/bin/env bash
# deps.sh - install the Debian packages the build and tests need, if missing.
# The lists are tools/packages/*.txt (one package per line, # comments); each part
# of the tree adds its own list.  Needs root for apt-get; otherwise it says what to
# install and fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mapfile -t wanted < <(cat "$top"/tools/packages/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' |
	grep -v '^$' | sort -u)
missing=()
for p in "${wanted[@]}"; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$s" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; please run: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q "${missing[@]}" >/tmp/aegis-deps.log 2>&1; then
	apt-get update -q >>/tmp/aegis-deps.log 2>&1
	apt-get install -y -q "${missing[@]}" >>/tmp/aegis-deps.log 2>&1 || {
		echo "deps: apt-get failed; see /tmp/aegis-deps.log" >&2
		tail -20 /tmp/aegis-deps.log >&2
		exit 1
	}
fi
