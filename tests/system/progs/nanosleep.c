/* nanosleep and clock_nanosleep: sleeps at least as asked, EINVAL, remaining on EINTR, TIMER_ABSTIME */
#include "t.h"
static long since(struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}
static void h(int s) {}
int main(void)
{
	t_init();
	struct timespec t0, req = { 0, 100000000 }, rem;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T(nanosleep(&req, NULL));
	long ms = since(&t0);
	say("slept 100..2000 ms %d\n", ms >= 100 && ms < 2000);
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
	T(nanosleep(&bad, NULL));
	T(nanosleep(&neg, NULL));
	T(syscall(SYS_nanosleep, (void *)8, NULL));
	struct timespec z = { 0, 0 };
	T(nanosleep(&z, NULL));
	signal(SIGALRM, h);
	alarm(1);
	struct timespec longreq = { 3, 0 };
	T(nanosleep(&longreq, &rem));
	say("remaining 1..2.1 s %d\n", rem.tv_sec >= 1 && (rem.tv_sec < 2 || (rem.tv_sec == 2 && rem.tv_nsec < 100000000)));
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	t0 = abs;
	abs.tv_nsec += 50000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	say("abstime %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL));
	say("at least 50ms %d\n", since(&t0) >= 50);
	say("past abstime %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t0, NULL));
	say("bad clock %s\n", t_errname(clock_nanosleep(12345, 0, &req, NULL)));
	say("cputime clock %s\n", t_errname(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));
	return 0;
}
