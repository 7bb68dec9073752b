/*
 * Process creation: fork+exit+wait, vfork+execve+wait and fork+execve+wait of the
 * static bench-true.
 */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static int64_t round_fork(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		pid_t pid = fork();
		int err;

		if (pid < 0)
			return -errno;
		if (pid == 0)
			_exit(0);
		if ((err = reap(pid)) < 0)
			return err;
	}
	return now_ns() - t0;
}

static int64_t round_exec(long iters, int use_vfork)
{
	char *argv[] = { (char *)bench_cfg.true_bin, NULL };
	char *envp[] = { NULL };
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		pid_t pid = use_vfork ? vfork() : fork();
		int err;

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			execve(argv[0], argv, envp);
			_exit(127);
		}
		if ((err = reap(pid)) < 0)
			return err;
	}
	return now_ns() - t0;
}

static int64_t round_vfork_exec(long iters)
{
	return round_exec(iters, 1);
}

static int64_t round_fork_exec(long iters)
{
	return round_exec(iters, 0);
}

const struct bench_test proc_tests[] = {
	{ "fork_exit_wait", BENCH_PER_OP, 100, 1, NULL, round_fork, NULL },
	{ "vfork_exec_wait", BENCH_PER_OP, 100, 1, NULL, round_vfork_exec, NULL },
	{ "fork_exec_wait", BENCH_PER_OP, 100, 1, NULL, round_fork_exec, NULL },
	{ 0 },
};
