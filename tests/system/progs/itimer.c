/* alarm and setitimer: expiry, remaining time, periodic timers, cancel */
#include "t.h"
#include <sys/time.h>
static volatile int n;
static void h(int s) { n++; }
int main(void)
{
	t_init();
	signal(SIGALRM, h);
	T(alarm(10));
	unsigned left = alarm(0);
	say("alarm left 9..10: %d\n", left >= 9 && left <= 10);
	T(alarm(0));
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, old;
	T(setitimer(ITIMER_REAL, &it, NULL));
	while (n < 5)
		pause();
	memset(&it, 0, sizeof(it));
	T(setitimer(ITIMER_REAL, &it, &old));
	say("old interval kept %d\n", old.it_interval.tv_usec == 20000);
	int m = n;
	usleep(100000);
	say("stopped %d\n", n == m);
	struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
	T(setitimer(ITIMER_REAL, &bad, NULL));
	T(setitimer(99, &it, NULL));
	struct itimerval cur;
	T(getitimer(ITIMER_REAL, &cur));
	say("disarmed %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	signal(SIGVTALRM, h);
	n = 0;
	struct itimerval v = { { 0, 0 }, { 0, 10000 } };
	setitimer(ITIMER_VIRTUAL, &v, NULL);
	while (n == 0)
		;
	say("virtual timer fired on cpu time\n");
	T(getitimer(ITIMER_VIRTUAL, &cur));
	say("virtual one-shot disarmed %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	struct itimerval lv = { { 0, 0 }, { 5, 0 } };
	T(setitimer(ITIMER_VIRTUAL, &lv, NULL));
	T(getitimer(ITIMER_VIRTUAL, &cur));
	/* Linux samples CPU time in ticks: the remaining time may be a tick over 5s */
	long us = cur.it_value.tv_sec * 1000000L + cur.it_value.tv_usec;
	say("virtual left about 5s: %d\n", us > 4900000 && us <= 5020000);
	usleep(300000);	/* sleeping uses no CPU time */
	T(getitimer(ITIMER_VIRTUAL, &cur));
	us = cur.it_value.tv_sec * 1000000L + cur.it_value.tv_usec;
	say("virtual not counting sleep %d\n", us > 4800000);
	memset(&lv, 0, sizeof(lv));
	T(setitimer(ITIMER_VIRTUAL, &lv, NULL));
	signal(SIGPROF, h);
	n = 0;
	struct itimerval pr = { { 0, 5000 }, { 0, 5000 } };
	T(setitimer(ITIMER_PROF, &pr, NULL));
	while (n < 3)
		;
	T(setitimer(ITIMER_PROF, &lv, &old));
	say("periodic prof timer fired 3 times, interval kept %d\n", old.it_interval.tv_usec == 5000);
	pid_t p = fork();
	if (p == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(1);
		pause();
		_exit(0);
	}
	t_wait("default alarm", p);
	return 0;
}
