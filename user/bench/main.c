/*
 * bench: the Aegis benchmark program (issue 5). It runs the same micro and macro tests
 * on Aegis, on Debian's Linux and on the host, and prints one line per test:
 *
 *     [prefix]name value unit        e.g. "BENCH getpid 344 ns"
 *     [prefix]name n/a reason        when the kernel lacks what the test needs
 *
 * Each value is the median over rounds; every round times a fixed number of operations
 * with CLOCK_MONOTONIC, so under QEMU's -icount the output is deterministic. Each test
 * runs in a child process when fork works, so a crash in one test costs one line.
 *
 * Usage: bench [-p prefix] [-c] [-l] [test...]
 *   -c  print the boot clocks (boot_tsc, boot_monotonic, boot_boottime) and exit
 *   -l  list the test names
 * Environment: BENCH_QUICK=1, BENCH_ROUNDS, BENCH_TMPDIR, BENCH_BUSYBOX, BENCH_TRUE,
 * BENCH_TRUE_CMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_ROUNDS 31

struct bench_config bench_cfg;
static const char *prefix = "";
static int rounds = 7;

int64_t now_ns(void)
{
	struct timespec ts = { 0, 0 };

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *tmp_path(int slot, const char *name)
{
	static char buf[4][512];

	snprintf(buf[slot & 3], sizeof(buf[0]), "%s/%s", bench_cfg.tmpdir, name);
	return buf[slot & 3];
}

/* One output line, written with a single write(2) so it stays whole on a console. */
static void emit(const char *name, const char *value, const char *unit)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%s%s %s %s\n", prefix, name, value,
			 unit);

	if (write(1, line, n) < 0)
		_exit(3);
}

static void emit_value(const char *name, double v, const char *unit)
{
	char s[64];

	snprintf(s, sizeof(s), v >= 100 || v == 0 ? "%.0f" : "%.1f", v);
	emit(name, s, unit);
}

/* Errors that mean "the kernel does not have this" rather than "it broke". */
static const char *reason_of(int err)
{
	switch (err) {
	case ENOSYS:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
	case ENOTSUP:
	case ENODEV:
		return "unsupported";
	default:
		return "failed";
	}
}

static void emit_error(const char *name, int err)
{
	fprintf(stderr, "bench: %s: %s\n", name, strerror(err));
	emit(name, "n/a", reason_of(err));
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Runs the rounds of one test in this process and prints its line; 0 or -errno. */
static int run_test(const struct bench_test *t)
{
	int64_t t_ns[MAX_ROUNDS];
	int n = t->kind == BENCH_MACRO ? (rounds < 3 ? rounds : 3) : rounds;
	long iters = t->iters;
	int err = 0;

	if (bench_cfg.quick && t->kind != BENCH_MACRO)
		iters = iters / 4 > 0 ? iters / 4 : 1;
	if (t->setup && (err = t->setup()) < 0)
		goto out;
	if (t->kind != BENCH_MACRO && (err = (int)t->round(iters)) < 0)
		goto out_teardown; /* warm-up round */
	for (int i = 0; i < n; i++) {
		t_ns[i] = t->round(iters);
		if (t_ns[i] < 0) {
			err = (int)t_ns[i];
			goto out_teardown;
		}
	}
	qsort(t_ns, n, sizeof(t_ns[0]), cmp_i64);
	int64_t med = n % 2 ? t_ns[n / 2] : (t_ns[n / 2 - 1] + t_ns[n / 2]) / 2;

	if (t->kind == BENCH_PER_OP)
		emit_value(t->name, (double)med / ((double)iters * t->ops), "ns");
	else if (t->kind == BENCH_BANDWIDTH)
		emit_value(t->name, med ? (double)iters * 1e9 / (double)med : 0,
			   "MiB/s");
	else
		emit_value(t->name, (double)med / 1e6, "ms");
out_teardown:
	if (t->teardown)
		t->teardown();
out:
	if (err < 0)
		emit_error(t->name, -err);
	return err;
}

/* Runs a test in a child so that a crash or a missing syscall costs one line. */
static void run_isolated(const struct bench_test *t)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		run_test(t);
		return;
	}
	if (pid == 0) {
		alarm(300);
		_exit(run_test(t) < 0 ? 2 : 0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			emit_error(t->name, errno);
			return;
		}
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "bench: %s: killed by signal %d\n", t->name,
			WTERMSIG(status));
		emit(t->name, "n/a", "crashed");
	}
}

static const struct bench_test *const groups[] = {
	sys_tests, ipc_tests, net_tests, proc_tests, mem_tests, macro_tests, NULL,
};

/* The order of issue 5's list; tests not named here (the macro tests) follow. */
static const char *const order[] = {
	"getpid", "read_zero_1b", "pipe_pingpong", "unix_pingpong", "fork_exit_wait",
	"vfork_exec_wait", "fork_exec_wait", "page_fault", "mmap_munmap_4k",
	"mmap_munmap_1m", "open_close", "stat", "read_tmpfs_4k", "pipe_bw_1m",
	"thread_create_join", "futex_pingpong", "clock_gettime", "nanosleep_0",
	"timer_1ms_late", NULL,
};

static int in_order(const char *name)
{
	for (int i = 0; order[i]; i++)
		if (!strcmp(order[i], name))
			return 1;
	return 0;
}

/* Calls fn for each test: those in order[] first, then the rest in table order. */
static void for_each_test(void (*fn)(const struct bench_test *))
{
	for (int i = 0; order[i]; i++)
		for (int g = 0; groups[g]; g++)
			for (const struct bench_test *t = groups[g]; t->name; t++)
				if (!strcmp(t->name, order[i]))
					fn(t);
	for (int g = 0; groups[g]; g++)
		for (const struct bench_test *t = groups[g]; t->name; t++)
			if (!in_order(t->name))
				fn(t);
}

static int sel_argc, list_only, no_clock;
static char **sel_argv;

static int selected(const char *name)
{
	if (sel_argc == 0)
		return 1;
	for (int i = 0; i < sel_argc; i++)
		if (!strcmp(sel_argv[i], name))
			return 1;
	return 0;
}

static void visit(const struct bench_test *t)
{
	if (list_only)
		printf("%s\n", t->name);
	else if (!selected(t->name))
		return;
	else if (no_clock)
		emit_error(t->name, no_clock); /* nothing can be timed */
	else
		run_isolated(t);
}

/* rdtsc: under -icount the TSC follows the virtual clock, i.e. instructions. */
static uint64_t rdtsc(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
#else
	return 0;
#endif
}

static void print_clock(const char *name, clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0) {
		emit_error(name, errno);
		return;
	}
	emit_value(name, (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec, "ns");
}

static void print_boot_clocks(void)
{
	char s[32];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)rdtsc());
	emit("boot_tsc", s, "ticks");
	print_clock("boot_monotonic", CLOCK_MONOTONIC);
	print_clock("boot_boottime", CLOCK_BOOTTIME);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* The execve tests start bench-true from beside this program, else /bin/bench-true. */
static const char *find_true(const char *argv0)
{
	static char path[512];
	const char *slash = strrchr(argv0, '/');

	if (!slash)
		return "/bin/bench-true";
	snprintf(path, sizeof(path), "%.*s/bench-true", (int)(slash - argv0),
		 argv0);
	return path;
}

static void configure(const char *argv0)
{
	bench_cfg.quick = atoi(env_or("BENCH_QUICK", "0")) != 0;
	bench_cfg.tmpdir = env_or("BENCH_TMPDIR", "/tmp");
	bench_cfg.busybox = env_or("BENCH_BUSYBOX", "/bin/busybox");
	bench_cfg.true_cmd = env_or("BENCH_TRUE_CMD", "/bin/true");
	bench_cfg.true_bin = env_or("BENCH_TRUE", find_true(argv0));
	rounds = atoi(env_or("BENCH_ROUNDS", bench_cfg.quick ? "3" : "7"));
	if (rounds < 1)
		rounds = 1;
	if (rounds > MAX_ROUNDS)
		rounds = MAX_ROUNDS;
	macro_configure(bench_cfg.quick);
}

int main(int argc, char **argv)
{
	int opt;

	configure(argv[0]);
	while ((opt = getopt(argc, argv, "p:cl")) != -1) {
		switch (opt) {
		case 'p':
			prefix = optarg;
			break;
		case 'c':
			print_boot_clocks();
			return 0;
		case 'l':
			list_only = 1;
			break;
		default:
			fprintf(stderr, "usage: bench [-p prefix] [-c] [-l] [test...]\n");
			return 2;
		}
	}
	struct timespec ts;

	signal(SIGPIPE, SIG_IGN);
	no_clock = clock_gettime(CLOCK_MONOTONIC, &ts) < 0 ? errno : 0;
	sel_argc = argc - optind;
	sel_argv = argv + optind;
	for_each_test(visit);
	return 0;
}
