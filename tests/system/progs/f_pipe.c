/* pipe/pipe2: EOF, EPIPE with SIGPIPE ignored, death by SIGPIPE, O_NONBLOCK EAGAIN, capacity, atomic writes */
#include "t.h"
int main(void)
{
	t_init();
	int p[2];
	T(pipe(p));
	T(write(p[1], "hello", 5));
	char buf[70000];
	T(read(p[0], buf, sizeof(buf)));
	close(p[1]);
	T(read(p[0], buf, sizeof(buf)));
	close(p[0]);
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	T(write(p[1], "x", 1));
	signal(SIGPIPE, SIG_DFL);
	pid_t c = fork();
	if (c == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	t_wait("writer to closed pipe", c);
	close(p[1]);
	T(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	T(fcntl(p[0], F_GETFD));
	T(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	T(read(p[0], buf, 1));
	memset(buf, 'a', sizeof(buf));
	long total = 0, n;
	while ((n = write(p[1], buf, 4096)) > 0)
		total += n;
	say("capacity %ld then %s\n", total, t_errname(errno));
	T(fcntl(p[1], F_GETPIPE_SZ));
	T(pipe2(p, 0x1234));
	T(pipe((int *)8));
	pipe(p);
	c = fork();
	if (c == 0) {
		close(p[0]);
		for (int i = 0; i < 100; i++) {
			char b[512];
			memset(b, 'A' + i % 26, sizeof(b));
			write(p[1], b, sizeof(b));
		}
		_exit(0);
	}
	close(p[1]);
	long got = 0;
	int ok = 1;
	while ((n = read(p[0], buf, 512)) > 0) {
		for (int i = 1; i < n; i++)
			ok &= buf[i] == buf[0];
		got += n;
	}
	say("got %ld chunks intact %d\n", got, ok);
	t_wait("writer", c);
	T(lseek(p[0], 0, SEEK_CUR));
	return 0;
}
