/*
 * Macro tests with Debian's busybox: tar of a 20 MiB tree in tmpfs into an archive in
 * the same tmpfs (not to /dev/null, which busybox would feed with sendfile for free),
 * gzip -c of 16 MiB of text-like data to /dev/null, and sh running a loop that forks
 * `true` 2000 times. BENCH_QUICK=1 shrinks them (and their names say so).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define TREE_FILES 16
#define TREE_FILE_SIZE (64 * KIB)

static int tree_dirs = 20; /* 20 dirs x 16 files x 64 KiB = 20 MiB */
static long gzip_size = 16 * MIB;
static int loop_count = 2000;
static char tar_name[32], gzip_name[32], sh_name[32];

static const char *tree_file(int d, int f)
{
	static char name[64];

	if (f < 0)
		snprintf(name, sizeof(name), "bench-tree/d%02d", d);
	else
		snprintf(name, sizeof(name), "bench-tree/d%02d/f%02d", d, f);
	return tmp_path(1, name);
}

static int setup_tree(void)
{
	if (mkdir(tmp_path(1, "bench-tree"), 0755) < 0 && errno != EEXIST)
		return -errno;
	for (int d = 0; d < tree_dirs; d++) {
		if (mkdir(tree_file(d, -1), 0755) < 0 && errno != EEXIST)
			return -errno;
		for (int f = 0; f < TREE_FILES; f++) {
			int err = write_file(tree_file(d, f), TREE_FILE_SIZE, 0);

			if (err < 0)
				return err;
		}
	}
	return 0;
}

static void teardown_tree(void)
{
	for (int d = 0; d < tree_dirs; d++) {
		for (int f = 0; f < TREE_FILES; f++)
			unlink(tree_file(d, f));
		rmdir(tree_file(d, -1));
	}
	rmdir(tmp_path(1, "bench-tree"));
	unlink(tmp_path(2, "bench-tree.tar"));
}

static int64_t timed_run(char *const argv[])
{
	int64_t t0 = now_ns();
	int err = run_wait(argv, 1);

	return err < 0 ? err : now_ns() - t0;
}

static int64_t round_tar(long iters)
{
	char *argv[] = { (char *)bench_cfg.busybox, "tar", "-cf",
			 (char *)tmp_path(2, "bench-tree.tar"), "-C",
			 (char *)bench_cfg.tmpdir, "bench-tree", NULL };

	(void)iters;
	unlink(argv[3]);
	return timed_run(argv);
}

static int setup_gzip(void)
{
	return write_file(tmp_path(2, "bench-gzip-in"), gzip_size, 1);
}

static void teardown_gzip(void)
{
	unlink(tmp_path(2, "bench-gzip-in"));
}

static int64_t round_gzip(long iters)
{
	char *argv[] = { (char *)bench_cfg.busybox, "gzip", "-c",
			 (char *)tmp_path(2, "bench-gzip-in"), NULL };

	(void)iters;
	return timed_run(argv);
}

static int64_t round_sh_loop(long iters)
{
	char script[256];
	char *argv[] = { (char *)bench_cfg.busybox, "sh", "-c", script, NULL };

	(void)iters;
	snprintf(script, sizeof(script),
		 "i=0; while [ $i -lt %d ]; do %s || exit 1; i=$((i+1)); done",
		 loop_count, bench_cfg.true_cmd);
	return timed_run(argv);
}

struct bench_test macro_tests[] = {
	{ tar_name, BENCH_MACRO, 1, 1, setup_tree, round_tar, teardown_tree },
	{ gzip_name, BENCH_MACRO, 1, 1, setup_gzip, round_gzip, teardown_gzip },
	{ sh_name, BENCH_MACRO, 1, 1, NULL, round_sh_loop, NULL },
	{ 0 },
};

void macro_configure(int quick)
{
	if (quick) {
		tree_dirs = 4;
		gzip_size = 2 * MIB;
		loop_count = 200;
	}
	snprintf(tar_name, sizeof(tar_name), "tar_%ldm",
		 tree_dirs * TREE_FILES * TREE_FILE_SIZE / MIB);
	snprintf(gzip_name, sizeof(gzip_name), "gzip_%ldm", gzip_size / MIB);
	snprintf(sh_name, sizeof(sh_name), "sh_fork_true_%d", loop_count);
}
