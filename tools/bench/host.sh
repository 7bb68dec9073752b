#!/bin/sh
# make bench-host: runs the bench program on the host's own Linux as a sanity
# reference (wall-clock time, whatever else the host is doing). Run from the repository
# root with BUILD set; the tmpfs files go to /dev/shm when it exists.
set -eu
BUILD=${BUILD:-$(pwd)/build}
HERE=$(cd "$(dirname "$0")" && pwd)
make -s -C "$HERE/../../user/bench" O="$BUILD" CC=musl-gcc
if [ -z "${BENCH_TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	BENCH_TMPDIR=/dev/shm
	export BENCH_TMPDIR
fi
[ -x "${BENCH_BUSYBOX:-/bin/busybox}" ] ||
	echo "bench-host: no ${BENCH_BUSYBOX:-/bin/busybox}: macro tests will say n/a" >&2
echo "bench-host: $(uname -sr), $(nproc) CPUs, tmpdir ${BENCH_TMPDIR:-/tmp}" >&2
exec "$BUILD/user/bench" "$@"
