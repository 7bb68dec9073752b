/*
 * socktest - AF_UNIX socket conformance checks.  Prints one PASS/FAIL line per case;
 * the same static binary passes on Linux (the specification) and on Aegis.
 * Works in /tmp/socktest.<pid>, removed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
static char fail_msg[256];
static char dir[64];

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

static void run(const char *name, int (*fn)(void))
{
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

static socklen_t mkaddr(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (name[0] == '@') {
		sa->sun_path[0] = 0;
		memcpy(sa->sun_path + 1, name + 1, strlen(name + 1));
		return offsetof(struct sockaddr_un, sun_path) + strlen(name);
	}
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", dir, name);
	return sizeof(*sa);
}

static int bound(int type, const char *name)
{
	struct sockaddr_un sa;
	socklen_t l = mkaddr(&sa, name);
	int fd = socket(AF_UNIX, type, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, l) < 0)
		return -1;
	return fd;
}

static int connect_to(int type, const char *name)
{
	struct sockaddr_un sa;
	socklen_t l = mkaddr(&sa, name);
	int fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, l) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int t_create(void)
{
	CHECK_ERR(socket(1000, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, 7, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode));
	int v;
	socklen_t l = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) == 0 && v == SOCK_STREAM);
	close(fd);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(listen(p[0], 1), ENOTSOCK);
	CHECK_ERR(listen(9999, 1), EBADF);
	close(p[0]);
	close(p[1]);
	return 0;
}

static int t_pair_stream(void)
{
	int sv[2];
	char buf[64];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(write(sv[0], "hello", 5) == 5);
	CHECK(write(sv[0], "world", 5) == 5);
	int n;
	CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 10);
	CHECK(read(sv[1], buf, sizeof(buf)) == 10 && !memcmp(buf, "helloworld", 10));
	CHECK(send(sv[1], "x", 1, 0) == 1);
	CHECK(recv(sv[0], buf, 1, MSG_PEEK) == 1 && buf[0] == 'x');
	CHECK(recv(sv[0], buf, 10, 0) == 1 && buf[0] == 'x');
	CHECK_ERR(recv(sv[0], buf, 10, MSG_DONTWAIT), EAGAIN);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int t_boundaries(void)
{
	int types[] = { SOCK_DGRAM, SOCK_SEQPACKET };
	for (int k = 0; k < 2; k++) {
		int sv[2];
		char buf[64];
		CHECK(socketpair(AF_UNIX, types[k], 0, sv) == 0);
		CHECK(send(sv[0], "abc", 3, 0) == 3);
		CHECK(send(sv[0], "defgh", 5, 0) == 5);
		CHECK(send(sv[0], "ijklmn", 6, 0) == 6);
		CHECK(read(sv[1], buf, sizeof(buf)) == 3);
		struct iovec iov = { buf, 2 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		CHECK(recvmsg(sv[1], &mh, 0) == 2 && (mh.msg_flags & MSG_TRUNC));
		CHECK(recv(sv[1], buf, 2, MSG_TRUNC) == 6);
		close(sv[0]);
		close(sv[1]);
	}
	return 0;
}

static int t_seqpacket_listen(void)
{
	int l = bound(SOCK_SEQPACKET, "seq");
	CHECK(l >= 0 && listen(l, 2) == 0);
	int c = connect_to(SOCK_SEQPACKET, "seq");
	CHECK(c >= 0);
	int a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	char buf[16];
	CHECK(send(c, "one", 3, 0) == 3 && send(c, "two!", 4, 0) == 4);
	CHECK(recv(a, buf, 16, 0) == 3 && recv(a, buf, 16, 0) == 4);
	close(c);
	CHECK(recv(a, buf, 16, 0) == 0);
	close(a);
	close(l);
	return 0;
}

static int t_nonblock(void)
{
	int sv[2];
	char buf[4096] = { 0 };
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	CHECK_ERR(read(sv[0], buf, 1), EAGAIN);
	long total = 0;
	for (;;) {
		ssize_t r = write(sv[0], buf, sizeof(buf));
		if (r < 0)
			break;
		total += r;
		CHECK(total < 64L << 20);
	}
	CHECK(errno == EAGAIN && total > 0);
	struct pollfd pf = { sv[0], POLLOUT, 0 };
	CHECK(poll(&pf, 1, 0) == 0);
	close(sv[0]);
	close(sv[1]);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == 0);
	int n = 0;
	while (send(sv[0], "d", 1, 0) == 1 && n < 100000)
		n++;
	CHECK(errno == EAGAIN && n > 0);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static volatile sig_atomic_t got_pipe;
static void on_pipe(int s) { (void)s; got_pipe = 1; }

static int t_eof_epipe(void)
{
	int sv[2];
	char buf[8];
	signal(SIGPIPE, on_pipe);
	int types[] = { SOCK_STREAM, SOCK_SEQPACKET };
	for (int k = 0; k < 2; k++) {
		CHECK(socketpair(AF_UNIX, types[k], 0, sv) == 0);
		CHECK(write(sv[0], "ab", 2) == 2);
		close(sv[0]);
		CHECK(read(sv[1], buf, 8) == 2);
		CHECK(read(sv[1], buf, 8) == 0);
		got_pipe = 0;
		CHECK_ERR(write(sv[1], "x", 1), EPIPE);
		CHECK(got_pipe == (types[k] == SOCK_STREAM));	/* Linux: streams only */
		got_pipe = 0;
		CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
		CHECK(!got_pipe);
		close(sv[1]);
	}
	/* shutdown */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(shutdown(sv[0], SHUT_WR) == 0);
	CHECK(read(sv[1], buf, 8) == 0);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(write(sv[1], "y", 1) == 1);
	CHECK(read(sv[0], buf, 8) == 1);
	CHECK_ERR(shutdown(sv[0], 7), EINVAL);
	close(sv[0]);
	close(sv[1]);
	signal(SIGPIPE, SIG_DFL);
	return 0;
}

static int t_bind_path(void)
{
	struct sockaddr_un sa, got;
	socklen_t l = mkaddr(&sa, "s1");
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	socklen_t gl = sizeof(got);
	CHECK(getsockname(fd, (struct sockaddr *)&got, &gl) == 0 && gl == 2);
	CHECK(bind(fd, (struct sockaddr *)&sa, l) == 0);
	struct stat st;
	CHECK(stat(sa.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
	gl = sizeof(got);
	CHECK(getsockname(fd, (struct sockaddr *)&got, &gl) == 0);
	CHECK(gl == offsetof(struct sockaddr_un, sun_path) + strlen(sa.sun_path) + 1);
	CHECK(!strcmp(got.sun_path, sa.sun_path));
	CHECK_ERR(bind(fd, (struct sockaddr *)&sa, l), EADDRINUSE);
	struct sockaddr_un other;
	socklen_t ol = mkaddr(&other, "s1-other");
	CHECK_ERR(bind(fd, (struct sockaddr *)&other, ol), EINVAL);
	CHECK_ERR(stat(other.sun_path, &st), ENOENT);
	int fd2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(fd2, (struct sockaddr *)&sa, l), EADDRINUSE);
	struct sockaddr_un bad = sa;
	snprintf(bad.sun_path, sizeof(bad.sun_path), "%s/nodir/x", dir);
	CHECK_ERR(bind(fd2, (struct sockaddr *)&bad, sizeof(bad)), ENOENT);
	CHECK_ERR(bind(fd2, (struct sockaddr *)&sa, 1), EINVAL);
	close(fd);
	close(fd2);
	CHECK(unlink(sa.sun_path) == 0);
	return 0;
}

static int t_connect_accept(void)
{
	int l = bound(SOCK_STREAM, "srv");
	CHECK(l >= 0);
	CHECK_ERR(accept(l, NULL, NULL), EINVAL);
	CHECK(listen(l, 5) == 0);
	int v;
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1);
	struct pollfd pf = { l, POLLIN, 0 };
	CHECK(poll(&pf, 1, 0) == 0);
	int c = connect_to(SOCK_STREAM, "srv");
	CHECK(c >= 0);
	CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN));
	struct sockaddr_un sa;
	socklen_t sl = sizeof(sa);
	int a = accept4(l, (struct sockaddr *)&sa, &sl, SOCK_CLOEXEC);
	CHECK(a >= 0);
	CHECK(sl == 2 && sa.sun_family == AF_UNIX);
	CHECK(fcntl(a, F_GETFD) & FD_CLOEXEC);
	sl = sizeof(sa);
	CHECK(getpeername(c, (struct sockaddr *)&sa, &sl) == 0 && strstr(sa.sun_path, "/srv"));
	sl = sizeof(sa);
	CHECK(getsockname(a, (struct sockaddr *)&sa, &sl) == 0 && strstr(sa.sun_path, "/srv"));
	char buf[16];
	CHECK(write(c, "ping", 4) == 4 && read(a, buf, 16) == 4 && !memcmp(buf, "ping", 4));
	CHECK(write(a, "pong", 4) == 4 && read(c, buf, 16) == 4 && !memcmp(buf, "pong", 4));
	CHECK_ERR(connect(c, (struct sockaddr *)&sa, sizeof(sa)), EISCONN);
	struct ucred cr;
	socklen_t crl = sizeof(cr);
	CHECK(getsockopt(a, SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0);
	CHECK(cr.pid == getpid() && cr.uid == geteuid() && cr.gid == getegid());
	close(c);
	pf.fd = a;
	pf.events = POLLIN;
	CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP));
	CHECK(read(a, buf, 16) == 0);
	close(a);
	/* non-blocking accept, and a listener with a full backlog */
	CHECK(fcntl(l, F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	close(l);
	return 0;
}

static int t_connect_errors(void)
{
	CHECK_ERR(connect_to(SOCK_STREAM, "missing"), ENOENT);
	int b = bound(SOCK_STREAM, "notlistening");
	CHECK(b >= 0);
	CHECK_ERR(connect_to(SOCK_STREAM, "notlistening"), ECONNREFUSED);
	CHECK(listen(b, 1) == 0);
	CHECK_ERR(connect_to(SOCK_DGRAM, "notlistening"), EPROTOTYPE);
	CHECK_ERR(connect_to(SOCK_SEQPACKET, "notlistening"), EPROTOTYPE);
	close(b);
	CHECK_ERR(connect_to(SOCK_STREAM, "notlistening"), ECONNREFUSED);
	char path[128];
	snprintf(path, sizeof(path), "%s/regular", dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	CHECK_ERR(connect_to(SOCK_STREAM, "regular"), ECONNREFUSED);
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_ERR(listen(d, 1), EOPNOTSUPP);
	CHECK_ERR(send(d, "x", 1, 0), ENOTCONN);
	struct sockaddr_un sa;
	socklen_t sl = sizeof(sa);
	CHECK_ERR(getpeername(d, (struct sockaddr *)&sa, &sl), ENOTCONN);
	close(d);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[4];
	CHECK_ERR(send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	CHECK_ERR(recv(s, buf, 4, 0), EINVAL);
	CHECK_ERR(listen(s, 1), EINVAL);
	close(s);
	return 0;
}

static int t_abstract(void)
{
	int l = bound(SOCK_STREAM, "@aegis-socktest");
	CHECK(l >= 0);
	CHECK(bound(SOCK_STREAM, "@aegis-socktest") == -1 && errno == EADDRINUSE);
	CHECK(listen(l, 1) == 0);
	int c = connect_to(SOCK_STREAM, "@aegis-socktest");
	CHECK(c >= 0);
	int a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	struct sockaddr_un sa;
	socklen_t sl = sizeof(sa);
	CHECK(getsockname(a, (struct sockaddr *)&sa, &sl) == 0);
	CHECK(sl == offsetof(struct sockaddr_un, sun_path) + 15 && sa.sun_path[0] == 0 &&
	      !memcmp(sa.sun_path + 1, "aegis-socktest", 14));
	close(a);
	close(c);
	close(l);
	CHECK_ERR(connect_to(SOCK_STREAM, "@aegis-socktest"), ECONNREFUSED);
	/* autobind */
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	sa.sun_family = AF_UNIX;
	CHECK(bind(d, (struct sockaddr *)&sa, 2) == 0);
	sl = sizeof(sa);
	CHECK(getsockname(d, (struct sockaddr *)&sa, &sl) == 0 && sl == 8 && sa.sun_path[0] == 0);
	close(d);
	return 0;
}

static int t_dgram_notify(void)
{
	int r = bound(SOCK_DGRAM, "notify");
	CHECK(r >= 0);
	struct sockaddr_un sa, from;
	socklen_t l = mkaddr(&sa, "notify");
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(sendto(s, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa, l) == 7);
	char buf[64];
	socklen_t fl = sizeof(from);
	CHECK(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) == 7);
	CHECK(fl == 0 && !memcmp(buf, "READY=1", 7));
	int b = bound(SOCK_DGRAM, "sender");
	CHECK(sendto(b, "hi", 2, 0, (struct sockaddr *)&sa, l) == 2);
	fl = sizeof(from);
	CHECK(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) == 2);
	CHECK(fl > 2 && strstr(from.sun_path, "/sender"));
	/* connect() gives a default destination; a stream socket is the wrong type */
	CHECK(connect(s, (struct sockaddr *)&sa, l) == 0);
	CHECK(send(s, "x", 1, 0) == 1 && recv(r, buf, 64, 0) == 1);
	int st = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(sendto(st, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&sa, l), EOPNOTSUPP);
	close(st);
	struct sockaddr_un miss;
	socklen_t ml = mkaddr(&miss, "nothere");
	CHECK_ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&miss, ml), ENOENT);
	close(r);
	CHECK_ERR(send(s, "x", 1, 0), ECONNREFUSED);
	close(s);
	close(b);
	return 0;
}

static int t_scm_rights(void)
{
	int sv[2], p[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0);
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
	CHECK(sendmsg(sv[0], &mh, 0) == 1);
	close(p[1]);
	char rbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec riov = { &c, 1 };
	struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf,
			     .msg_controllen = sizeof(rbuf) };
	CHECK(recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC) == 1 && c == 'F');
	cm = CMSG_FIRSTHDR(&rm);
	CHECK(cm && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(sizeof(int)));
	int nfd;
	memcpy(&nfd, CMSG_DATA(cm), sizeof(int));
	CHECK(fcntl(nfd, F_GETFD) & FD_CLOEXEC);
	CHECK(write(nfd, "Z", 1) == 1);
	close(nfd);
	char z;
	CHECK(read(p[0], &z, 1) == 1 && z == 'Z');
	CHECK(read(p[0], &z, 1) == 0);
	close(p[0]);
	/* a bad descriptor */
	int bad = 9999;
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &bad, sizeof(int));
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EBADF);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int t_scm_creds(void)
{
	int sv[2], on = 1;
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0);
	CHECK(send(sv[0], "c", 1, 0) == 1);
	char rbuf[CMSG_SPACE(sizeof(struct ucred))], c;
	struct iovec riov = { &c, 1 };
	struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf,
			     .msg_controllen = sizeof(rbuf) };
	CHECK(recvmsg(sv[1], &rm, 0) == 1);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&rm);
	CHECK(cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS);
	struct ucred cr;
	memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
	CHECK(cr.pid == getpid() && cr.uid == geteuid() && cr.gid == getegid());
	int v;
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &vl) == 0 && v == 1);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int t_sockopts(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), v = 1;
	socklen_t vl = sizeof(v);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)) == 0);
	v = 65536;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0 && v == 131072);
	v = 65536;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &vl) == 0 && v == 131072);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &vl) == 0 && v == 0);
	CHECK_ERR(getsockopt(fd, SOL_SOCKET, 9999, &v, &vl), ENOPROTOOPT);
	close(fd);
	return 0;
}

static void on_alarm(int s) { (void)s; }

static int t_blocking(void)
{
	int sv[2];
	char buf[8];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(100000);
		write(sv[1], "late", 4);
		_exit(0);
	}
	CHECK(read(sv[0], buf, 8) == 4 && !memcmp(buf, "late", 4));
	waitpid(pid, NULL, 0);
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	CHECK_ERR(read(sv[0], buf, 8), EINTR);
	close(sv[0]);
	close(sv[1]);
	/* blocking accept woken by a connect from another process */
	int l = bound(SOCK_STREAM, "blk");
	CHECK(l >= 0 && listen(l, 1) == 0);
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		int c = connect_to(SOCK_STREAM, "blk");
		write(c, "hi", 2);
		_exit(c < 0);
	}
	int a = accept(l, NULL, NULL);
	CHECK(a >= 0 && read(a, buf, 8) == 2);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	close(a);
	close(l);
	return 0;
}

static int t_reset(void)
{
	int sv[2];
	char buf[8];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(write(sv[1], "unread", 6) == 6);
	close(sv[0]);	/* closed with unread data: the peer sees ECONNRESET once */
	CHECK_ERR(read(sv[1], buf, 8), ECONNRESET);
	CHECK(read(sv[1], buf, 8) == 0);
	close(sv[1]);
	int l = bound(SOCK_STREAM, "rst");
	CHECK(l >= 0 && listen(l, 1) == 0);
	int c = connect_to(SOCK_STREAM, "rst");
	CHECK(c >= 0);
	close(l);	/* never accepted */
	CHECK_ERR(read(c, buf, 8), ECONNRESET);
	CHECK(read(c, buf, 8) == 0);
	close(c);
	return 0;
}

static int t_bulk(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		static unsigned char b[65536];
		for (int i = 0; i < 32; i++) {
			for (int k = 0; k < (int)sizeof(b); k++)
				b[k] = (unsigned char)(i * 7 + k);
			if (write(sv[1], b, sizeof(b)) != sizeof(b))
				_exit(1);
		}
		_exit(0);
	}
	close(sv[1]);
	static unsigned char r[65536 * 32];
	size_t got = 0;
	ssize_t n;
	while ((n = read(sv[0], r + got, sizeof(r) - got)) > 0)
		got += n;
	CHECK(got == sizeof(r));
	for (size_t k = 0; k < got; k++)
		CHECK(r[k] == (unsigned char)((k / 65536) * 7 + k % 65536));
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	close(sv[0]);
	return 0;
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/socktest.%d", (int)getpid());
	mkdir(dir, 0700);
	run("create", t_create);
	run("pair_stream", t_pair_stream);
	run("boundaries", t_boundaries);
	run("seqpacket_listen", t_seqpacket_listen);
	run("nonblock", t_nonblock);
	run("eof_epipe", t_eof_epipe);
	run("bind_path", t_bind_path);
	run("connect_accept", t_connect_accept);
	run("connect_errors", t_connect_errors);
	run("abstract", t_abstract);
	run("dgram_notify", t_dgram_notify);
	run("scm_rights", t_scm_rights);
	run("scm_creds", t_scm_creds);
	run("sockopts", t_sockopts);
	run("blocking", t_blocking);
	run("reset", t_reset);
	run("bulk", t_bulk);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) { }
	printf("socktest: %d failed\n", failures);
	return failures != 0;
}
