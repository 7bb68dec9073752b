/*
 * Communication between two processes or threads: 1-byte ping-pong over pipes and an
 * AF_UNIX socket pair (half a round trip = one context switch plus a write and a
 * read), pipe bandwidth with 1 MiB writes, thread create+join and a futex ping-pong.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* From <linux/futex.h>, which musl-gcc does not see. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static int to_child = -1, from_child = -1;
static pid_t child = -1;

/* The echo side: reads a byte from in, writes it to out, until EOF. */
static void echo_loop(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

static void stop_child(void)
{
	close(to_child);
	if (from_child != to_child)
		close(from_child);
	to_child = from_child = -1;
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	child = -1;
}

static int setup_pipe_pingpong(void)
{
	int a[2], b[2];

	if (pipe(a) < 0)
		return -errno;
	if (pipe(b) < 0)
		return -errno;
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		close(a[1]);
		close(b[0]);
		echo_loop(a[0], b[1]);
	}
	close(a[0]);
	close(b[1]);
	to_child = a[1];
	from_child = b[0];
	return 0;
}

static int setup_unix_pingpong(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -errno;
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		close(sv[0]);
		echo_loop(sv[1], sv[1]);
	}
	close(sv[1]);
	to_child = from_child = sv[0];
	return 0;
}

static int64_t round_pingpong(long iters)
{
	char c = 'x';
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		if (write(to_child, &c, 1) != 1 || read(from_child, &c, 1) != 1)
			return -EIO;
	}
	return now_ns() - t0;
}

static char *bw_buf;

/* A writer child sends 1 MiB writes forever; the round reads iters MiB. */
static int setup_pipe_bw(void)
{
	int p[2];

	bw_buf = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bw_buf == MAP_FAILED)
		return -errno;
	for (long i = 0; i < MIB; i += 4096)
		bw_buf[i] = (char)i;
	if (pipe(p) < 0)
		return -errno;
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		close(p[0]);
		while (write(p[1], bw_buf, MIB) > 0)
			;
		_exit(0);
	}
	close(p[1]);
	from_child = to_child = p[0];
	return 0;
}

static int64_t round_pipe_bw(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		for (long got = 0; got < MIB;) {
			ssize_t n = read(from_child, bw_buf + got, MIB - got);

			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			got += n;
		}
	}
	return now_ns() - t0;
}

static void teardown_pipe_bw(void)
{
	stop_child();
	munmap(bw_buf, MIB);
}

static void *thread_nop(void *arg)
{
	return arg;
}

static int64_t round_thread(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		pthread_t th;
		int err = pthread_create(&th, NULL, thread_nop, NULL);

		if (err)
			return -err;
		pthread_join(th, NULL);
	}
	return now_ns() - t0;
}

/* Futex ping-pong: word 0 = main's turn is over, 1 = the partner's turn, 2 = stop. */
static int word;
static pthread_t partner;

static long futex(int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void pass_turn(int to)
{
	__atomic_store_n(&word, to, __ATOMIC_SEQ_CST);
	futex(&word, FUTEX_WAKE_PRIVATE, 1);
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == to)
		futex(&word, FUTEX_WAIT_PRIVATE, to);
}

static void *partner_loop(void *arg)
{
	for (;;) {
		int w;

		while ((w = __atomic_load_n(&word, __ATOMIC_SEQ_CST)) == 0)
			futex(&word, FUTEX_WAIT_PRIVATE, 0);
		if (w == 2)
			return arg;
		__atomic_store_n(&word, 0, __ATOMIC_SEQ_CST);
		futex(&word, FUTEX_WAKE_PRIVATE, 1);
	}
}

static int setup_futex(void)
{
	word = 0;
	if (futex(&word, FUTEX_WAKE_PRIVATE, 1) < 0)
		return -errno;
	return -pthread_create(&partner, NULL, partner_loop, NULL);
}

static int64_t round_futex(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		pass_turn(1);
	return now_ns() - t0;
}

static void teardown_futex(void)
{
	__atomic_store_n(&word, 2, __ATOMIC_SEQ_CST);
	futex(&word, FUTEX_WAKE_PRIVATE, 1);
	pthread_join(partner, NULL);
}

const struct bench_test ipc_tests[] = {
	{ "pipe_pingpong", BENCH_PER_OP, 2000, 2, setup_pipe_pingpong, round_pingpong, stop_child },
	{ "unix_pingpong", BENCH_PER_OP, 2000, 2, setup_unix_pingpong, round_pingpong, stop_child },
	{ "pipe_bw_1m", BENCH_BANDWIDTH, 16, 1, setup_pipe_bw, round_pipe_bw, teardown_pipe_bw },
	{ "thread_create_join", BENCH_PER_OP, 200, 1, NULL, round_thread, NULL },
	{ "futex_pingpong", BENCH_PER_OP, 2000, 2, setup_futex, round_futex, teardown_futex },
	{ 0 },
};
