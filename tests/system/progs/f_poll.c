/* poll/ppoll/select/pselect6 on pipes: readiness, POLLHUP, POLLERR, timeouts, EINTR, bad fds */
#include "t.h"
#include <poll.h>
#include <sys/select.h>
static void h(int s) {}
int main(void)
{
	t_init();
	int p[2];
	pipe(p);
	struct pollfd f[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	T(poll(f, 2, 0));
	say("revents %#x %#x\n", f[0].revents, f[1].revents);
	write(p[1], "x", 1);
	T(poll(f, 2, 0));
	say("revents %#x %#x\n", f[0].revents, f[1].revents);
	struct timespec t0, t1;
	char c;
	read(p[0], &c, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	f[1].events = 0;
	T(poll(f, 2, 100));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	say("timeout waited >= 100ms %d\n", (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 99);
	struct pollfd bad[2] = { { 99, POLLIN, 0 }, { -1, POLLIN, 0 } };
	T(poll(bad, 2, 0));
	say("nval %#x negative %#x\n", bad[0].revents, bad[1].revents);
	T(poll((void *)8, 1, 0));
	T(poll(f, 1 << 30, 0));
	close(p[1]);
	f[0].revents = 0;
	T(poll(f, 1, 0));
	say("hup %#x\n", f[0].revents);
	pipe(p);
	close(p[0]);
	struct pollfd w = { p[1], POLLOUT, 0 };
	T(poll(&w, 1, 0));
	say("err %#x\n", w.revents);
	close(p[1]);
	pipe(p);
	fd_set r, wr;
	FD_ZERO(&r);
	FD_ZERO(&wr);
	FD_SET(p[0], &r);
	FD_SET(p[1], &wr);
	struct timeval tv = { 0, 0 };
	T(select(p[1] + 1, &r, &wr, NULL, &tv));
	say("read set %d write set %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &wr));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_usec = 50000;
	T(select(p[0] + 1, &r, NULL, NULL, &tv));
	say("select timeout left zero %d\n", tv.tv_sec == 0 && tv.tv_usec == 0);
	FD_ZERO(&r);
	FD_SET(60, &r);
	tv.tv_usec = 0;
	T(select(61, &r, NULL, NULL, &tv));
	T(select(-1, NULL, NULL, NULL, &tv));
	struct timeval badtv = { 0, -1 };
	T(select(1, NULL, NULL, NULL, &badtv));
	signal(SIGUSR1, h);
	sigset_t blk, none;
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	sigprocmask(SIG_BLOCK, &blk, NULL);
	raise(SIGUSR1);
	sigemptyset(&none);
	struct timespec ts = { 1, 0 };
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	T(pselect(p[0] + 1, &r, NULL, NULL, &ts, &none));
	raise(SIGUSR1);
	struct pollfd pf = { p[0], POLLIN, 0 };
	T(ppoll(&pf, 1, &ts, &none));
	struct timespec z = { 0, 0 };
	T(ppoll(&pf, 1, &z, NULL));
	write(p[1], "y", 1);
	T(ppoll(&pf, 1, &ts, NULL));
	say("revents %#x\n", pf.revents);
	T(ppoll(NULL, 0, &z, NULL));
	return 0;
}
