/*
 * Single-syscall costs: getpid, a 1-byte read of /dev/zero, open+close, stat and a
 * 4 KiB read of a cached tmpfs file, clock_gettime, nanosleep(0) and how late a 1 ms
 * timer fires.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int fd = -1;
static char buf[4096];

static int64_t round_getpid(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		syscall(SYS_getpid); /* raw: no libc caching */
	return now_ns() - t0;
}

static int setup_zero(void)
{
	fd = open("/dev/zero", O_RDONLY);
	return fd < 0 ? -errno : 0;
}

static void close_fd(void)
{
	close(fd);
	fd = -1;
}

static int64_t round_read_zero(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		if (read(fd, buf, 1) != 1)
			return -EIO;
	return now_ns() - t0;
}

static int setup_file(void)
{
	int err = write_file(tmp_path(0, "bench-file"), 64 * KIB, 0);

	if (err < 0)
		return err;
	fd = open(tmp_path(0, "bench-file"), O_RDONLY);
	if (fd < 0)
		return -errno;
	return pread(fd, buf, sizeof(buf), 0) == sizeof(buf) ? 0 : -EIO;
}

static void teardown_file(void)
{
	close_fd();
	unlink(tmp_path(0, "bench-file"));
}

static int64_t round_open_close(long iters)
{
	const char *path = tmp_path(0, "bench-file");
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		int f = open(path, O_RDONLY);

		if (f < 0)
			return -errno;
		close(f);
	}
	return now_ns() - t0;
}

static int64_t round_stat(long iters)
{
	const char *path = tmp_path(0, "bench-file");
	struct stat st;
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		if (stat(path, &st) < 0)
			return -errno;
	return now_ns() - t0;
}

static int64_t round_read_4k(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		if (pread(fd, buf, 4096, 0) != 4096)
			return -EIO;
	return now_ns() - t0;
}

static int64_t round_clock_gettime(long iters)
{
	struct timespec ts;
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return now_ns() - t0;
}

static int64_t round_nanosleep0(long iters)
{
	struct timespec zero = { 0, 0 };
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		if (nanosleep(&zero, NULL) < 0)
			return -errno;
	return now_ns() - t0;
}

/* Sum of (wake-up time - deadline) over iters absolute 1 ms sleeps. */
static int64_t round_timer_late(long iters)
{
	int64_t late = 0;

	for (long i = 0; i < iters; i++) {
		int64_t deadline = now_ns() + 1000000;
		struct timespec ts = { deadline / 1000000000, deadline % 1000000000 };
		int err;

		do
			err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		while (err == EINTR);
		if (err)
			return -err;
		late += now_ns() - deadline;
	}
	return late;
}

const struct bench_test sys_tests[] = {
	{ "getpid", BENCH_PER_OP, 20000, 1, NULL, round_getpid, NULL },
	{ "read_zero_1b", BENCH_PER_OP, 10000, 1, setup_zero, round_read_zero, close_fd },
	{ "open_close", BENCH_PER_OP, 5000, 1, setup_file, round_open_close, teardown_file },
	{ "stat", BENCH_PER_OP, 5000, 1, setup_file, round_stat, teardown_file },
	{ "read_tmpfs_4k", BENCH_PER_OP, 5000, 1, setup_file, round_read_4k, teardown_file },
	{ "clock_gettime", BENCH_PER_OP, 20000, 1, NULL, round_clock_gettime, NULL },
	{ "nanosleep_0", BENCH_PER_OP, 5000, 1, NULL, round_nanosleep0, NULL },
	{ "timer_1ms_late", BENCH_PER_OP, 20, 1, NULL, round_timer_late, NULL },
	{ 0 },
};
