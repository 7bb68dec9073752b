/*
 * The IPv4 stack over the loopback: 1-byte ping-pong over TCP (TCP_NODELAY) and
 * UDP between two processes (half a round trip = a send, the stack's way through
 * the loopback, a context switch and a receive), and TCP bandwidth with 1 MiB
 * writes.  The guest's init brings the loopback up (Linux starts it down).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int sock = -1;
static pid_t child = -1;
static char *buf;

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = port };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

static void stop(void)
{
	close(sock);
	sock = -1;
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	child = -1;
	if (buf)
		munmap(buf, MIB);
	buf = NULL;
}

/* A connected TCP pair: ours in sock, the child's passed to fn, which never returns. */
static int tcp_pair(void (*fn)(int))
{
	struct sockaddr_in sa = loopback(0);
	socklen_t l = sizeof(sa);
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);

	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &l) < 0)
		return -errno;
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		close(lfd);
		if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			_exit(1);
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		fn(c);
	}
	sock = accept(lfd, NULL, NULL);
	close(lfd);
	if (sock < 0)
		return -errno;
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static void echo(int fd)
{
	char c;

	while (read(fd, &c, 1) == 1)
		if (write(fd, &c, 1) != 1)
			break;
	_exit(0);
}

static int setup_tcp_pingpong(void)
{
	return tcp_pair(echo);
}

static int setup_udp_pingpong(void)
{
	struct sockaddr_in a = loopback(0), b = loopback(0);
	socklen_t l = sizeof(a);
	int fa = socket(AF_INET, SOCK_DGRAM, 0), fb = socket(AF_INET, SOCK_DGRAM, 0);

	if (fa < 0 || fb < 0 || bind(fa, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    bind(fb, (struct sockaddr *)&b, sizeof(b)) < 0 ||
	    getsockname(fa, (struct sockaddr *)&a, &l) < 0 ||
	    getsockname(fb, (struct sockaddr *)&b, &l) < 0 ||
	    connect(fa, (struct sockaddr *)&b, sizeof(b)) < 0 ||
	    connect(fb, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		close(fa);
		echo(fb);
	}
	close(fb);
	sock = fa;
	return 0;
}

static int64_t round_pingpong(long iters)
{
	char c = 'x';
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		if (write(sock, &c, 1) != 1 || read(sock, &c, 1) != 1)
			return -EIO;
	return now_ns() - t0;
}

static void writer(int fd)
{
	char *b = malloc(MIB);

	if (!b)
		_exit(1);
	for (long i = 0; i < MIB; i++)
		b[i] = (char)i;
	for (;;)
		for (long off = 0; off < MIB;) {
			ssize_t n = write(fd, b + off, MIB - off);
			if (n <= 0)
				_exit(0);
			off += n;
		}
}

static int setup_tcp_bw(void)
{
	buf = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		buf = NULL;
		return -errno;
	}
	return tcp_pair(writer);
}

static int64_t round_tcp_bw(long iters)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++)
		for (long got = 0; got < MIB;) {
			ssize_t n = read(sock, buf + got, MIB - got);
			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			got += n;
		}
	return now_ns() - t0;
}

const struct bench_test net_tests[] = {
	{ "tcp_pingpong", BENCH_PER_OP, 1000, 2, setup_tcp_pingpong, round_pingpong, stop },
	{ "udp_pingpong", BENCH_PER_OP, 1000, 2, setup_udp_pingpong, round_pingpong, stop },
	{ "tcp_bw_1m", BENCH_BANDWIDTH, 8, 1, setup_tcp_bw, round_tcp_bw, stop },
	{ 0 },
};
