/*
 * nettest - AF_INET (UDP and TCP over the loopback) conformance checks.  Prints
 * one PASS/FAIL line per case; the same static binary passes on Linux (the
 * specification) and on Aegis.  `nettest remote HOST PORT` instead checks a
 * TCP echo server elsewhere (tests/net drives it against the host through
 * QEMU's user network).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
static char fail_msg[256];

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			snprintf(fail_msg, sizeof(fail_msg), "line %d: %s (errno %s)", \
				 __LINE__, #cond, strerror(errno));	\
			return 1;					\
		}							\
	} while (0)
#define CHECK_ERR(expr, e)						\
	do {								\
		errno = 0;						\
		long _r = (long)(expr);					\
		if (_r != -1 || errno != (e)) {				\
			snprintf(fail_msg, sizeof(fail_msg),		\
				 "line %d: %s = %ld errno %s, want %s", __LINE__, #expr, \
				 _r, strerror(errno), strerror(e));	\
			return 1;					\
		}							\
	} while (0)

static char **only;		/* argv: run just these cases */

static void run(const char *name, int (*fn)(void))
{
	if (only && *only) {
		char **o = only;
		while (*o && strcmp(*o, name))
			o++;
		if (!*o)
			return;
	}
	fail_msg[0] = 0;
	int r = fn();
	if (r) {
		failures++;
		printf("FAIL %s: %s\n", name, fail_msg);
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

static struct sockaddr_in loop(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

#define SA(x) ((struct sockaddr *)&(x))
#define MIN_(a, b) ((a) < (b) ? (a) : (b))

static uint16_t port_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);
	if (getsockname(fd, SA(sa), &l) < 0)
		return 0;
	return ntohs(sa.sin_port);
}

/* a TCP listener on 127.0.0.1 at an ephemeral port */
static int listener(int backlog)
{
	struct sockaddr_in sa = loop(0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, SA(sa), sizeof(sa)) < 0 || listen(fd, backlog) < 0)
		return -1;
	return fd;
}

static int connect_to(uint16_t port)
{
	struct sockaddr_in sa = loop(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, SA(sa), sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* a port nobody listens on: bound by a UDP+TCP socket we then close */
static uint16_t closed_port(void)
{
	int fd = listener(1);
	uint16_t p = port_of(fd);
	close(fd);
	return p;
}

static int t_create(void)
{
	CHECK_ERR(socket(AF_INET, 7, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	int sv[2];
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	int v;
	socklen_t l = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) == 0 && v == SOCK_STREAM);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) == 0 && v == IPPROTO_TCP);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) == 0 && v == AF_INET);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) == 0 && v == 0);
	struct sockaddr_in sa;
	l = sizeof(sa);
	CHECK(getsockname(fd, SA(sa), &l) == 0 && l == sizeof(sa) && sa.sin_family == AF_INET &&
	      sa.sin_port == 0 && sa.sin_addr.s_addr == 0);
	CHECK_ERR(getpeername(fd, SA(sa), &l), ENOTCONN);
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	CHECK(poll(&p, 1, 0) == 1 && p.revents == (POLLOUT | POLLHUP));
	close(fd);
	return 0;
}

static int t_bind(void)
{
	struct sockaddr_in sa = loop(0), got;
	socklen_t l = sizeof(got);
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(a >= 0 && b >= 0);
	CHECK_ERR(bind(a, SA(sa), 8), EINVAL);
	sa.sin_family = AF_UNIX;
	CHECK_ERR(bind(a, SA(sa), sizeof(sa)), EAFNOSUPPORT);
	sa = loop(0);
	sa.sin_addr.s_addr = inet_addr("10.9.9.9");
	CHECK_ERR(bind(a, SA(sa), sizeof(sa)), EADDRNOTAVAIL);
	sa = loop(0);
	CHECK(bind(a, SA(sa), sizeof(sa)) == 0);
	CHECK(getsockname(a, SA(got), &l) == 0 && got.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	CHECK(ntohs(got.sin_port) >= 1024);
	CHECK_ERR(bind(a, SA(sa), sizeof(sa)), EINVAL);	/* bound already */
	CHECK_ERR(bind(b, SA(got), sizeof(got)), EADDRINUSE);
	sa.sin_addr.s_addr = INADDR_ANY;
	sa.sin_port = got.sin_port;
	CHECK_ERR(bind(b, SA(sa), sizeof(sa)), EADDRINUSE);
	close(a);
	CHECK(bind(b, SA(got), sizeof(got)) == 0);		/* free again */
	close(b);
	/* SO_REUSEADDR on both UDP sockets: the port is shared */
	int on = 1;
	a = socket(AF_INET, SOCK_DGRAM, 0);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0);
	CHECK(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0);
	sa = loop(0);
	CHECK(bind(a, SA(sa), sizeof(sa)) == 0);
	sa.sin_port = htons(port_of(a));
	CHECK(bind(b, SA(sa), sizeof(sa)) == 0);
	close(a);
	close(b);
	/* a TCP listener's port is not shared, even with SO_REUSEADDR */
	a = listener(1);
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0);
	sa = loop(port_of(a));
	CHECK_ERR(bind(b, SA(sa), sizeof(sa)), EADDRINUSE);
	close(a);
	close(b);
	return 0;
}

static int t_udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = loop(0), from;
	socklen_t l = sizeof(from);
	char buf[100];
	CHECK(bind(a, SA(sa), sizeof(sa)) == 0);
	sa = loop(port_of(a));
	CHECK_ERR(send(b, "x", 1, 0), EDESTADDRREQ);
	CHECK(sendto(b, "hello", 5, 0, SA(sa), sizeof(sa)) == 5);
	CHECK(port_of(b) != 0);					/* bound by sendto */
	CHECK(sendto(b, "world!", 6, 0, SA(sa), sizeof(sa)) == 6);
	int n;
	usleep(20000);
	CHECK(ioctl(a, FIONREAD, &n) == 0 && n == 5);
	CHECK(recvfrom(a, buf, sizeof(buf), MSG_PEEK, SA(from), &l) == 5);
	CHECK(recvfrom(a, buf, sizeof(buf), 0, SA(from), &l) == 5 && !memcmp(buf, "hello", 5));
	CHECK(l == sizeof(from) && from.sin_port == htons(port_of(b)) &&
	      from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	CHECK(recv(a, buf, 3, 0) == 3 && !memcmp(buf, "wor", 3));	/* rest of it dropped */
	CHECK_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* MSG_TRUNC: the datagram's real length */
	CHECK(sendto(b, "abcdef", 6, 0, SA(sa), sizeof(sa)) == 6);
	CHECK(recv(a, buf, 2, MSG_TRUNC) == 6);
	struct iovec iov = { buf, 2 };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1 };
	CHECK(sendto(b, "abcdef", 6, 0, SA(sa), sizeof(sa)) == 6);
	CHECK(recvmsg(a, &mh, 0) == 2 && (mh.msg_flags & MSG_TRUNC) && mh.msg_namelen == sizeof(from));
	/* an empty datagram is a datagram */
	CHECK(sendto(b, "", 0, 0, SA(sa), sizeof(sa)) == 0);
	CHECK(recv(a, buf, sizeof(buf), 0) == 0);
	/* port 0 is not a destination */
	struct sockaddr_in z = loop(0);
	CHECK_ERR(sendto(b, "x", 1, 0, SA(z), sizeof(z)), EINVAL);
	CHECK_ERR(sendto(b, "x", 1, 0, SA(z), 4), EINVAL);
	/* connected: only the peer's datagrams arrive */
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in cb = loop(port_of(b));
	CHECK(connect(a, SA(cb), sizeof(cb)) == 0);
	CHECK(sendto(c, "stranger", 8, 0, SA(sa), sizeof(sa)) == 8);
	CHECK(sendto(b, "friend", 6, 0, SA(sa), sizeof(sa)) == 6);
	CHECK(recv(a, buf, sizeof(buf), 0) == 6 && !memcmp(buf, "friend", 6));
	CHECK(send(a, "back", 4, 0) == 4);
	CHECK(recv(b, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "back", 4));
	l = sizeof(from);
	CHECK(getpeername(a, SA(from), &l) == 0 && from.sin_port == cb.sin_port);
	/* AF_UNSPEC dissolves the association */
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	CHECK(connect(a, &un, sizeof(un)) == 0);
	CHECK_ERR(getpeername(a, SA(from), &l), ENOTCONN);
	close(a);
	close(b);
	close(c);
	return 0;
}

/* a socket nobody reads holds a bounded number of datagrams, even empty ones */
static int t_udp_flood(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = loop(0);
	CHECK(bind(a, SA(sa), sizeof(sa)) == 0);
	sa = loop(port_of(a));
	for (int i = 0; i < 20000; i++)
		CHECK(sendto(b, "", 0, 0, SA(sa), sizeof(sa)) == 0);
	usleep(100000);
	int queued = 0;
	char c;
	while (recv(a, &c, 1, MSG_DONTWAIT) == 0)
		queued++;
	CHECK(errno == EAGAIN);
	CHECK(queued > 10 && queued < 20000);
	close(a);
	close(b);
	return 0;
}

static int t_udp_refused(void)
{
	uint16_t p = closed_port();
	struct sockaddr_in sa = loop(p);
	int a = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[8];
	CHECK(connect(a, SA(sa), sizeof(sa)) == 0);
	CHECK(send(a, "x", 1, 0) == 1);
	struct pollfd pf = { a, POLLIN, 0 };
	CHECK(poll(&pf, 1, 2000) == 1 && (pf.revents & POLLERR));
	CHECK_ERR(recv(a, buf, sizeof(buf), 0), ECONNREFUSED);
	CHECK_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);	/* reported once */
	/* an unconnected socket is not told */
	int b = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(sendto(b, "x", 1, 0, SA(sa), sizeof(sa)) == 1);
	usleep(50000);
	CHECK_ERR(recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	close(a);
	close(b);
	return 0;
}

static int t_tcp_refused(void)
{
	uint16_t p = closed_port();
	CHECK_ERR(connect_to(p), ECONNREFUSED);
	/* nonblocking: EINPROGRESS, then POLLERR and SO_ERROR */
	struct sockaddr_in sa = loop(p);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(fd, SA(sa), sizeof(sa));
	CHECK(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED));
	if (r == -1 && errno == EINPROGRESS) {
		struct pollfd pf = { fd, POLLOUT, 0 };
		CHECK(poll(&pf, 1, 2000) == 1 && (pf.revents & POLLERR) && (pf.revents & POLLHUP));
		int e = 0;
		socklen_t l = sizeof(e);
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == ECONNREFUSED);
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == 0);
	}
	close(fd);
	return 0;
}

static int t_tcp_basic(void)
{
	int l = listener(4);
	CHECK(l >= 0);
	int v;
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1);
	uint16_t port = port_of(l);
	int nb = fcntl(l, F_GETFL);
	fcntl(l, F_SETFL, nb | O_NONBLOCK);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	fcntl(l, F_SETFL, nb);
	int c = connect_to(port);
	CHECK(c >= 0);
	struct sockaddr_in peer, me, cpeer, cme;
	socklen_t pl = sizeof(peer);
	int s = accept(l, SA(peer), &pl);
	CHECK(s >= 0 && pl == sizeof(peer));
	socklen_t x = sizeof(me);
	CHECK(getsockname(s, SA(me), &x) == 0 && ntohs(me.sin_port) == port);
	x = sizeof(cpeer);
	CHECK(getpeername(c, SA(cpeer), &x) == 0 && cpeer.sin_port == me.sin_port &&
	      cpeer.sin_addr.s_addr == me.sin_addr.s_addr);
	x = sizeof(cme);
	CHECK(getsockname(c, SA(cme), &x) == 0 && cme.sin_port == peer.sin_port &&
	      cme.sin_addr.s_addr == peer.sin_addr.s_addr);
	CHECK_ERR(connect(c, SA(me), sizeof(me)), EISCONN);
	char buf[64];
	CHECK(write(c, "ping", 4) == 4);
	CHECK(read(s, buf, sizeof(buf)) == 4 && !memcmp(buf, "ping", 4));
	CHECK(send(s, "pong!", 5, 0) == 5);
	CHECK(recv(c, buf, 2, MSG_PEEK) == 2 && !memcmp(buf, "po", 2));
	int n = 0;
	CHECK(ioctl(c, FIONREAD, &n) == 0 && n == 5);
	CHECK(recv(c, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "pong!", 5));
	CHECK_ERR(recv(c, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	struct pollfd pf = { c, POLLIN | POLLOUT, 0 };
	CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT);
	/* half close: the peer reads EOF, and can still write back */
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(read(s, buf, sizeof(buf)) == 0);
	CHECK(write(s, "after", 5) == 5);
	CHECK(read(c, buf, sizeof(buf)) == 5 && !memcmp(buf, "after", 5));
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(c, "x", 1), EPIPE);
	close(s);
	CHECK(read(c, buf, sizeof(buf)) == 0);
	pf.events = POLLIN | POLLOUT | POLLRDHUP;
	CHECK(poll(&pf, 1, 1000) == 1 && (pf.revents & (POLLIN | POLLHUP | POLLRDHUP)) == (POLLIN | POLLHUP | POLLRDHUP));
	close(c);
	close(l);
	return 0;
}

static int t_tcp_options(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), v = 1;
	socklen_t l = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &l) == 0 && v == 0);
	v = 1;
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0);
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &l) == 0 && v == 1);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &l) == 0 && v == 0);
	v = 1;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)) == 0);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &l) == 0 && v == 1);
	CHECK(getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &l) == 0 && v == 64);
	v = 0;
	CHECK_ERR(setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
	CHECK_ERR(setsockopt(fd, SOL_SOCKET, 12345, &v, sizeof(v)), ENOPROTOOPT);
	char buf[4];
	CHECK_ERR(recv(fd, buf, 4, 0), ENOTCONN);
	CHECK_ERR(shutdown(fd, SHUT_RDWR), ENOTCONN);
	/* (accept4 with bad flags: musl falls back to accept, so not tested here) */
	close(fd);
	return 0;
}

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static unsigned char stream_byte(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (unsigned char)(*seed >> 16);
}

/* Writes up to `left` bytes of the stream *seed generates to the nonblocking fd,
 * hashing into *h exactly the bytes that went: their count, or -1. */
static ssize_t write_stream(int fd, uint32_t *seed, uint32_t *h, size_t left)
{
	static unsigned char buf[32768];
	size_t k = MIN_(sizeof(buf), left);
	uint32_t save = *seed;
	for (size_t i = 0; i < k; i++)
		buf[i] = stream_byte(seed);
	ssize_t n = write(fd, buf, k);
	*seed = save;
	for (ssize_t i = 0; i < n; i++)
		stream_byte(seed);
	if (n > 0)
		*h = fnv(*h, buf, (size_t)n);
	return n < 0 && errno == EAGAIN ? 0 : n;
}

/* Both ways at once through poll on nonblocking sockets: sends `out` bytes of
 * the stream of seed `s_out` while reading `in` bytes; hashes of both. */
static int exchange(int fd, size_t out, uint32_t s_out, size_t in, uint32_t *h_out, uint32_t *h_in)
{
	static unsigned char buf[65536];
	size_t sent = 0, got = 0;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (sent < out || got < in) {
		struct pollfd pf = { fd, (got < in ? POLLIN : 0) | (sent < out ? POLLOUT : 0), 0 };
		if (poll(&pf, 1, 10000) != 1)
			return -1;
		if (pf.revents & POLLIN) {
			ssize_t n = read(fd, buf, MIN_(sizeof(buf), in - got));
			if (n <= 0 && !(n < 0 && errno == EAGAIN))
				return -2;
			if (n > 0) {
				*h_in = fnv(*h_in, buf, (size_t)n);
				got += (size_t)n;
			}
		}
		if ((pf.revents & POLLOUT) && sent < out) {
			ssize_t n = write_stream(fd, &s_out, h_out, out - sent);
			if (n < 0)
				return -3;
			sent += (size_t)n;
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return 0;
}

static uint32_t stream_hash(uint32_t seed, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = stream_byte(&seed);
		h = fnv(h, &b, 1);
	}
	return h;
}

/* 8 MiB one way while 1 MiB goes the other, with a child process */
static int t_tcp_bulk(void)
{
	size_t DOWN = getenv("NETTEST_DOWN") ? (size_t)atol(getenv("NETTEST_DOWN")) : 8 << 20;
	size_t UP = getenv("NETTEST_UP") ? (size_t)atol(getenv("NETTEST_UP")) : 1 << 20;
	int l = listener(1);
	CHECK(l >= 0);
	uint16_t port = port_of(l);
	pid_t pid = fork();
	if (pid == 0) {
		int c = connect_to(port);
		uint32_t ho = 2166136261u, hi = 2166136261u, sums[2];
		if (c < 0)
			_exit(2);
		int r = exchange(c, UP, 1, DOWN, &ho, &hi);
		if (r)
			_exit(10 - r);
		sums[0] = ho;
		sums[1] = hi;
		if (write(c, sums, 8) != 8)
			_exit(7);
		close(c);
		_exit(0);
	}
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	uint32_t ho = 2166136261u, hi = 2166136261u, child[2];
	int r = exchange(s, DOWN, 7, UP, &ho, &hi);
	CHECK(r == 0);
	CHECK(recv(s, child, 8, MSG_WAITALL) == 8);
	CHECK(child[0] == hi && child[1] == ho);		/* each side got what the other sent */
	CHECK(ho == stream_hash(7, DOWN) && hi == stream_hash(1, UP));
	char c;
	CHECK(read(s, &c, 1) == 0);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(s);
	close(l);
	return 0;
}

/* close() with unread data resets the connection (RFC 2525 2.17) */
static int t_tcp_reset(void)
{
	int l = listener(1);
	int c = connect_to(port_of(l));
	int s = accept(l, NULL, NULL);
	char buf[16];
	CHECK(c >= 0 && s >= 0);
	CHECK(write(c, "unread", 6) == 6);
	usleep(50000);
	close(s);
	struct pollfd pf = { c, POLLIN, 0 };
	CHECK(poll(&pf, 1, 2000) == 1);
	CHECK_ERR(read(c, buf, sizeof(buf)), ECONNRESET);
	CHECK(read(c, buf, sizeof(buf)) == 0);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(c, "x", 1), EPIPE);
	close(c);
	close(l);
	return 0;
}

/* writing to a connection shut for sending raises SIGPIPE (write and send) */
static int t_sigpipe(void)
{
	for (int how = 0; how < 2; how++) {
		int l = listener(1);
		int c = connect_to(port_of(l));
		int s = accept(l, NULL, NULL);
		CHECK(c >= 0 && s >= 0);
		CHECK(shutdown(c, SHUT_WR) == 0);
		pid_t pid = fork();
		if (pid == 0) {
			signal(SIGPIPE, SIG_DFL);
			if (how)
				send(c, "x", 1, 0);
			else
				(void)!write(c, "x", 1);
			_exit(0);
		}
		int st;
		CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
		CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
		close(s);
		close(c);
		close(l);
	}
	return 0;
}

/* nonblocking connect that succeeds; several connections queued at once */
static int t_tcp_nonblock(void)
{
	int l = listener(8);
	struct sockaddr_in sa = loop(port_of(l));
	int c[5];
	for (int i = 0; i < 5; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		int r = connect(c[i], SA(sa), sizeof(sa));
		CHECK(r == 0 || errno == EINPROGRESS);
	}
	for (int i = 0; i < 5; i++) {
		struct pollfd pf = { c[i], POLLOUT, 0 };
		CHECK(poll(&pf, 1, 2000) == 1 && pf.revents == POLLOUT);
		int e = -1;
		socklen_t el = sizeof(e);
		CHECK(getsockopt(c[i], SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0);
	}
	struct pollfd lp = { l, POLLIN, 0 };
	CHECK(poll(&lp, 1, 2000) == 1 && lp.revents == POLLIN);
	for (int i = 0; i < 5; i++) {
		int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
		CHECK(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK));
		char b = (char)('0' + i);
		CHECK(write(s, &b, 1) == 1);
		close(s);
	}
	for (int i = 0; i < 5; i++) {
		char b = 0;
		struct pollfd pf = { c[i], POLLIN, 0 };
		CHECK(poll(&pf, 1, 2000) == 1 && read(c[i], &b, 1) == 1);
		close(c[i]);
	}
	close(l);
	return 0;
}

/* the side that closes first sits in TIME-WAIT on its port: SO_REUSEADDR (on the
 * old socket and the new) rebinds it */
static int t_tcp_timewait(void)
{
	int on = 1;
	struct sockaddr_in sa = loop(0);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0);
	CHECK(bind(l, SA(sa), sizeof(sa)) == 0 && listen(l, 1) == 0);
	uint16_t port = port_of(l);
	int c = connect_to(port);
	int s = accept(l, NULL, NULL);
	char buf[4];
	CHECK(c >= 0 && s >= 0);
	close(l);
	close(s);				/* the server closes first */
	CHECK(read(c, buf, sizeof(buf)) == 0);
	close(c);
	usleep(100000);
	sa = loop(port);
	int n = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(bind(n, SA(sa), sizeof(sa)), EADDRINUSE);
	CHECK(setsockopt(n, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0);
	CHECK(bind(n, SA(sa), sizeof(sa)) == 0);
	CHECK(listen(n, 1) == 0);
	close(n);
	return 0;
}

/* 48 connections at once through one listener: a forked server echoes each,
 * the client side streams 64 KiB down each and checks what comes back */
static int t_tcp_many(void)
{
	enum { N = 48, LEN = 65536 };
	int l = listener(N);
	CHECK(l >= 0);
	uint16_t port = port_of(l);
	pid_t pid = fork();
	if (pid == 0) {		/* the server: poll over all accepted connections */
		struct pollfd pf[N + 1] = { { l, POLLIN, 0 } };
		int n = 1, done = 0;
		char b[8192];
		fcntl(l, F_SETFL, O_NONBLOCK);
		while (done < N) {
			if (poll(pf, (nfds_t)n, 10000) <= 0)
				_exit(2);
			if ((pf[0].revents & POLLIN) && n <= N) {
				int c = accept4(l, NULL, NULL, 0);
				if (c >= 0) {
					pf[n].fd = c;
					pf[n].events = POLLIN;
					pf[n++].revents = 0;
				}
			}
			for (int i = 1; i < n; i++) {
				if (!pf[i].revents || pf[i].fd < 0)
					continue;
				ssize_t k = read(pf[i].fd, b, sizeof(b));
				if (k > 0) {
					if (write(pf[i].fd, b, (size_t)k) != k)	/* blocking: all of it */
						_exit(3);
					continue;
				}
				close(pf[i].fd);
				pf[i].fd = -1;		/* poll ignores it */
				done++;
			}
		}
		_exit(0);
	}
	close(l);
	int c[N];
	size_t sent[N], got[N];
	static unsigned char out[LEN], in[LEN];
	for (int i = 0; i < LEN; i++)
		out[i] = (unsigned char)(i * 13 + (i >> 8));
	for (int i = 0; i < N; i++) {
		c[i] = connect_to(port);
		CHECK(c[i] >= 0);
		fcntl(c[i], F_SETFL, O_NONBLOCK);
		sent[i] = got[i] = 0;
	}
	for (int left = N; left;) {
		struct pollfd pf[N];
		for (int i = 0; i < N; i++) {
			pf[i].fd = got[i] < LEN ? c[i] : -1;
			pf[i].events = POLLIN | (sent[i] < LEN ? POLLOUT : 0);
			pf[i].revents = 0;
		}
		CHECK(poll(pf, N, 10000) > 0);
		for (int i = 0; i < N; i++) {
			if ((pf[i].revents & POLLOUT) && sent[i] < LEN) {
				ssize_t k = write(c[i], out + sent[i], MIN_(LEN - sent[i], 4096));
				CHECK(k > 0 || errno == EAGAIN);
				if (k > 0)
					sent[i] += (size_t)k;
			}
			if (pf[i].revents & POLLIN) {
				ssize_t k = read(c[i], in, MIN_(sizeof(in), LEN - got[i]));
				CHECK(k > 0 || errno == EAGAIN);
				if (k > 0) {
					CHECK(!memcmp(in, out + got[i], (size_t)k));
					got[i] += (size_t)k;
					if (got[i] == LEN) {
						close(c[i]);
						left--;
					}
				}
			}
		}
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}

/* INADDR_ANY as a destination means this host */
static int t_any_addr(void)
{
	int l = listener(1);
	struct sockaddr_in sa = loop(port_of(l));
	sa.sin_addr.s_addr = INADDR_ANY;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, SA(sa), sizeof(sa)) == 0);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	close(s);
	close(c);
	close(l);
	return 0;
}

static uint16_t icmp_sum(const unsigned char *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* a raw ICMP socket (what busybox ping uses): root only */
static int t_raw(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0 && errno == EPERM && geteuid() != 0)
		return 0;		/* not root here: nothing to check */
	CHECK(fd >= 0);
	int v;
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == SOCK_RAW);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == IPPROTO_ICMP);
	unsigned char req[8 + 32], buf[256];
	uint16_t id = (uint16_t)(getpid() ^ 0x5a5a);
	memset(req, 0, sizeof(req));
	req[0] = 8;			/* echo request */
	req[4] = (unsigned char)(id >> 8);
	req[5] = (unsigned char)id;
	req[7] = 1;
	for (int i = 8; i < (int)sizeof(req); i++)
		req[i] = (unsigned char)i;
	uint16_t c = icmp_sum(req, sizeof(req));
	req[2] = (unsigned char)(c >> 8);
	req[3] = (unsigned char)c;
	struct sockaddr_in sa = loop(0), from;
	CHECK(sendto(fd, req, sizeof(req), 0, SA(sa), sizeof(sa)) == (ssize_t)sizeof(req));
	/* the loopback shows our request too; wait for the reply */
	for (int tries = 0; tries < 4; tries++) {
		socklen_t fl = sizeof(from);
		struct pollfd pf = { fd, POLLIN, 0 };
		CHECK(poll(&pf, 1, 2000) == 1);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, SA(from), &fl);
		CHECK(n == 20 + (ssize_t)sizeof(req));		/* IP header included */
		CHECK((buf[0] >> 4) == 4 && buf[9] == IPPROTO_ICMP);
		CHECK(fl == sizeof(from) && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
		if (buf[20] != 0)
			continue;
		CHECK(buf[24] == req[4] && buf[25] == req[5] && !memcmp(buf + 28, req + 8, sizeof(req) - 8));
		CHECK(icmp_sum(buf + 20, sizeof(req)) == 0);
		close(fd);
		return 0;
	}
	CHECK(!"no echo reply");
	return 1;
}

/* the interface ioctls busybox ifconfig uses, read-only (on lo) */
static int t_ifreq(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "nosuch0");
	CHECK_ERR(ioctl(fd, SIOCGIFFLAGS, &r), ENODEV);
	CHECK_ERR(ioctl(fd, SIOCGIFFLAGS, (void *)8), EFAULT);
	strcpy(r.ifr_name, "lo");
	CHECK(ioctl(fd, SIOCGIFFLAGS, &r) == 0);
	CHECK((r.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) == (IFF_UP | IFF_LOOPBACK | IFF_RUNNING));
	CHECK(ioctl(fd, SIOCGIFADDR, &r) == 0 && r.ifr_addr.sa_family == AF_INET &&
	      ((struct sockaddr_in *)&r.ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	CHECK(ioctl(fd, SIOCGIFNETMASK, &r) == 0 &&
	      ((struct sockaddr_in *)&r.ifr_netmask)->sin_addr.s_addr == htonl(0xff000000));
	CHECK(ioctl(fd, SIOCGIFMTU, &r) == 0 && r.ifr_mtu == 65536);
	CHECK(ioctl(fd, SIOCGIFINDEX, &r) == 0 && r.ifr_ifindex == 1);
	memset(r.ifr_name, 0, sizeof(r.ifr_name));
	r.ifr_ifindex = 1;
	CHECK(ioctl(fd, SIOCGIFNAME, &r) == 0 && !strcmp(r.ifr_name, "lo"));
	r.ifr_ifindex = 9999;
	CHECK_ERR(ioctl(fd, SIOCGIFNAME, &r), ENODEV);
	struct ifconf c = { .ifc_len = 0, .ifc_buf = NULL };
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == 0 && c.ifc_len >= (int)sizeof(struct ifreq) &&
	      c.ifc_len % (int)sizeof(struct ifreq) == 0);
	struct ifreq list[16];
	c.ifc_len = sizeof(list);
	c.ifc_req = list;
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == 0);
	int found = 0;
	for (int i = 0; i < c.ifc_len / (int)sizeof(struct ifreq); i++)
		found |= !strcmp(list[i].ifr_name, "lo");
	CHECK(found);
	c.ifc_len = sizeof(list);
	c.ifc_req = (struct ifreq *)8;
	CHECK_ERR(ioctl(fd, SIOCGIFCONF, &c), EFAULT);
	close(fd);
	return 0;
}

/* nettest remote HOST PORT: talk to an echo server elsewhere */
static int remote(const char *host, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = inet_addr(host);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, SA(sa), sizeof(sa)) < 0) {
		printf("FAIL remote_connect: %s\n", strerror(errno));
		return 1;
	}
	printf("PASS remote_connect\n");
	static unsigned char out[1 << 20], in[1 << 20];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + (i >> 9));
	size_t sent = 0, got = 0;
	while (got < sizeof(in)) {
		struct pollfd pf = { fd, POLLIN | (sent < sizeof(out) ? POLLOUT : 0), 0 };
		if (poll(&pf, 1, 20000) != 1) {
			printf("FAIL remote_echo: stalled at %zu sent, %zu back\n", sent, got);
			return 1;
		}
		if ((pf.revents & POLLOUT) && sent < sizeof(out)) {
			ssize_t n = write(fd, out + sent, MIN_(sizeof(out) - sent, 16384));
			if (n > 0)
				sent += (size_t)n;
		}
		if (pf.revents & POLLIN) {
			ssize_t n = read(fd, in + got, sizeof(in) - got);
			if (n <= 0) {
				printf("FAIL remote_echo: read %zd (%s) at %zu\n", n, strerror(errno), got);
				return 1;
			}
			got += (size_t)n;
		}
	}
	if (memcmp(in, out, sizeof(in))) {
		printf("FAIL remote_echo: data differs\n");
		return 1;
	}
	printf("PASS remote_echo\n");
	close(fd);
	return 0;
}

/*
 * nettest sink UDP_PORT TCP_PORT: a target for tests/net/peer.py.  Accepts TCP
 * connections and reads them until they end; exits 0 when a UDP datagram
 * "done" arrives (after printing what it saw), 1 after 300 s without it.
 */
static int sink(int uport, int tport)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)uport) };
	int u = socket(AF_INET, SOCK_DGRAM, 0), l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (bind(u, SA(sa), sizeof(sa)) < 0)
		return printf("sink: udp bind: %s\n", strerror(errno)), 1;
	sa.sin_port = htons((uint16_t)tport);
	if (bind(l, SA(sa), sizeof(sa)) < 0 || listen(l, 16) < 0)
		return printf("sink: tcp listen: %s\n", strerror(errno)), 1;
	printf("sink: ready\n");
	fflush(stdout);
	struct pollfd pf[66] = { { u, POLLIN, 0 }, { l, POLLIN, 0 } };
	int n = 2, conns = 0;
	long bytes = 0;
	time_t end = time(NULL) + 300;
	while (time(NULL) < end) {
		if (poll(pf, (nfds_t)n, 1000) <= 0)
			continue;
		if (pf[0].revents & POLLIN) {
			char b[64];
			ssize_t k = recv(u, b, sizeof(b) - 1, 0);
			if (k == 4 && !memcmp(b, "done", 4)) {
				printf("sink: done after %d connections, %ld bytes\n", conns, bytes);
				return 0;
			}
		}
		if ((pf[1].revents & POLLIN) && n < 66) {
			int c = accept4(l, NULL, NULL, SOCK_NONBLOCK);
			if (c >= 0) {
				pf[n].fd = c;
				pf[n].events = POLLIN;
				pf[n++].revents = 0;
				conns++;
			}
		}
		for (int i = 2; i < n; i++) {
			if (!pf[i].revents)
				continue;
			char b[4096];
			ssize_t k = read(pf[i].fd, b, sizeof(b));
			if (k > 0) {
				bytes += k;
				continue;
			}
			if (k < 0 && errno == EAGAIN)
				continue;
			close(pf[i].fd);
			pf[i--] = pf[--n];
		}
	}
	printf("sink: no \"done\" in 300 s\n");
	return 1;
}

/* nettest resolve NAME: the IPv4 addresses getaddrinfo gives for NAME */
static int resolve(const char *name)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res, *r;
	int e = getaddrinfo(name, NULL, &hints, &res);
	if (e) {
		printf("resolve: %s: %s\n", name, gai_strerror(e));
		return 1;
	}
	for (r = res; r; r = r->ai_next)
		printf("resolve: %s %s\n", name, inet_ntoa(((struct sockaddr_in *)r->ai_addr)->sin_addr));
	freeaddrinfo(res);
	return 0;
}

/* nettest udpremote HOST PORT: datagrams of every size up to the largest,
 * echoed by a UDP server elsewhere (past the MTU they travel in fragments) */
static int udp_remote(const char *host, int port)
{
	static const int sizes[] = { 1, 1472, 1473, 2961, 4000, 20000, 65507 };
	static unsigned char out[65507], in[65536];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), bad = 0;
	sa.sin_addr.s_addr = inet_addr(host);
	if (connect(fd, SA(sa), sizeof(sa)) < 0) {
		printf("FAIL remote_udp: connect: %s\n", strerror(errno));
		return 1;
	}
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int n = sizes[k], ok = 0;
		for (int i = 0; i < n; i++)
			out[i] = (unsigned char)(i * 31 + n);
		for (int tries = 0; tries < 3 && !ok; tries++) {
			if (send(fd, out, (size_t)n, 0) != n) {
				printf("FAIL remote_udp: send %d: %s\n", n, strerror(errno));
				return 1;
			}
			struct pollfd pf = { fd, POLLIN, 0 };
			while (!ok && poll(&pf, 1, 3000) == 1) {
				ssize_t r = recv(fd, in, sizeof(in), 0);
				ok = r == n && !memcmp(in, out, (size_t)n);
			}
		}
		if (!ok) {
			printf("FAIL remote_udp: no echo of %d bytes\n", n);
			bad = 1;
		}
	}
	if (!bad)
		printf("PASS remote_udp\n");
	close(fd);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "udpremote"))
		return udp_remote(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "resolve"))
		return resolve(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "sink"))
		return sink(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "remote"))
		return remote(argv[2], atoi(argv[3]));
	only = argv + 1;
	run("create", t_create);
	run("bind", t_bind);
	run("udp", t_udp);
	run("udp_flood", t_udp_flood);
	run("udp_refused", t_udp_refused);
	run("tcp_refused", t_tcp_refused);
	run("tcp_basic", t_tcp_basic);
	run("tcp_options", t_tcp_options);
	run("tcp_bulk", t_tcp_bulk);
	run("tcp_reset", t_tcp_reset);
	run("sigpipe", t_sigpipe);
	run("tcp_nonblock", t_tcp_nonblock);
	run("tcp_timewait", t_tcp_timewait);
	run("tcp_many", t_tcp_many);
	run("any_addr", t_any_addr);
	run("raw", t_raw);
	run("ifreq", t_ifreq);
	printf("nettest: %d failed\n", failures);
	return failures != 0;
}
