/* clocks: monotonic never goes back, getres values, bad clock ids, time() vs realtime */
#include "t.h"
#include <sys/time.h>
int main(void)
{
	t_init();
	struct timespec a, b, r;
	int back = 0;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 100000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec))
			back++;
		a = b;
	}
	say("monotonic went back %d times\n", back);
	clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE };
	for (int i = 0; i < 8; i++) {
		int g = clock_gettime(ids[i], &a), s = clock_getres(ids[i], &r);
		say("clock %d: get %d res %d res<=10ms %d nsec range ok %d\n", ids[i], g, s, r.tv_sec == 0 && r.tv_nsec <= 10000000, a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
	}
	clock_getres(CLOCK_MONOTONIC, &r);
	say("monotonic res 1ns %d\n", r.tv_sec == 0 && r.tv_nsec == 1);
	T(clock_gettime(12345, &a));
	T(clock_getres(12345, &a));
	T(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8));
	clock_gettime(CLOCK_REALTIME, &a);
	time_t t = time(NULL);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	say("realtime after 2020 %d, time() close %d, gettimeofday close %d\n", a.tv_sec > 1577836800, t - a.tv_sec <= 1, tv.tv_sec - a.tv_sec <= 1);
	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_MONOTONIC, &a);
	say("boottime >= monotonic-1 %d\n", b.tv_sec >= a.tv_sec - 1);
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	for (volatile long i = 0; i < 20000000; i++)
		;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	say("cpu time advanced %d\n", c1.tv_sec > c0.tv_sec || c1.tv_nsec > c0.tv_nsec);
	T(clock_settime(CLOCK_MONOTONIC, &a));
	return 0;
}
