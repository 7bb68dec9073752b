/* getrusage SELF/CHILDREN/THREAD and wait4 usage; times() */
#include "t.h"
#include <sys/resource.h>
#include <sys/times.h>
static long us(struct timeval t) { return t.tv_sec * 1000000L + t.tv_usec; }
int main(void)
{
	t_init();
	struct rusage r, c;
	T(getrusage(RUSAGE_SELF, &r));
	T(getrusage(RUSAGE_CHILDREN, &c));
	say("children zero %d\n", us(c.ru_utime) + us(c.ru_stime) == 0);
	T(getrusage(RUSAGE_THREAD, &r));
	T(getrusage(42, &r));
	pid_t p = fork();
	if (p == 0) {
		for (volatile long i = 0; i < 100000000; i++)
			;
		_exit(0);
	}
	int st;
	struct rusage w;
	T(wait4(p, &st, 0, &w) == p);
	say("wait4 child used cpu %d\n", us(w.ru_utime) + us(w.ru_stime) > 0);
	getrusage(RUSAGE_CHILDREN, &c);
	say("children now nonzero %d maxrss > 0 %d\n", us(c.ru_utime) + us(c.ru_stime) > 0, c.ru_maxrss > 0);
	getrusage(RUSAGE_SELF, &r);
	say("self maxrss > 0 %d\n", r.ru_maxrss > 0);
	struct tms t;
	say("times ok %d\n", times(&t) != (clock_t)-1);
	say("tms children > 0 %d\n", t.tms_cutime + t.tms_cstime > 0);
	return 0;
}
