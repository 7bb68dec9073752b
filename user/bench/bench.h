/*
 * Shared declarations of the Aegis benchmark program. Each test is a table entry
 * (main.c) with an optional setup and teardown and a round function that runs `iters`
 * operations and returns the elapsed CLOCK_MONOTONIC nanoseconds, or -errno.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#define KIB 1024L
#define MIB (1024L * 1024L)

enum bench_kind {
	BENCH_PER_OP,    /* value = median(elapsed) / (iters * ops), in ns */
	BENCH_BANDWIDTH, /* value = iters MiB / median(elapsed), in MiB/s */
	BENCH_MACRO,     /* value = median(elapsed), in ms */
};

struct bench_test {
	const char *name;
	enum bench_kind kind;
	long iters; /* operations (or MiB) per round */
	int ops;    /* operations per iteration, e.g. 2 for a round trip */
	int (*setup)(void);
	int64_t (*round)(long iters);
	void (*teardown)(void);
};

/* Settings shared by the tests, from the environment (main.c). */
struct bench_config {
	const char *tmpdir;   /* BENCH_TMPDIR, default /tmp: tmpfs in the guest */
	const char *true_bin; /* static binary for the execve tests */
	const char *busybox;  /* BENCH_BUSYBOX, default /bin/busybox */
	const char *true_cmd; /* BENCH_TRUE_CMD, what the sh loop forks: /bin/true */
	int quick;            /* BENCH_QUICK=1: smaller rounds and macro sizes */
};

extern struct bench_config bench_cfg;

int64_t now_ns(void);
/* Joins tmpdir and name into a static buffer (one per slot 0..3). */
const char *tmp_path(int slot, const char *name);
/* Runs argv with stdout to /dev/null (when quiet), waits; 0 or -errno / -ECHILD. */
int run_wait(char *const argv[], int quiet);
/* Writes len bytes of a deterministic pattern (text-like when text != 0). */
int write_file(const char *path, long len, int text);

/* Test tables of each group, terminated by a zero entry. */
extern const struct bench_test sys_tests[];
extern const struct bench_test ipc_tests[];
extern const struct bench_test net_tests[];
extern const struct bench_test proc_tests[];
extern const struct bench_test mem_tests[];
extern struct bench_test macro_tests[];
void macro_configure(int quick);

#endif
