/* sched_getaffinity/setaffinity, sched_yield, scheduler policy and priorities */
#include "t.h"
#include <sched.h>
int main(void)
{
	t_init();
	cpu_set_t s;
	T(sched_getaffinity(0, sizeof(s), &s));
	say("cpu0 set %d count >= 1 %d\n", !!CPU_ISSET(0, &s), CPU_COUNT(&s) >= 1);
	long r = syscall(SYS_sched_getaffinity, 0, sizeof(s), &s);
	say("raw returns size multiple of 8 %d\n", r > 0 && r % 8 == 0);
	T(syscall(SYS_sched_getaffinity, 0, 3, &s));
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	T(sched_setaffinity(0, sizeof(s), &s));
	sched_getaffinity(0, sizeof(s), &s);
	say("only cpu0 now %d\n", CPU_COUNT(&s) == 1 && CPU_ISSET(0, &s));
	CPU_ZERO(&s);
	T(sched_setaffinity(0, sizeof(s), &s));
	T(sched_getaffinity(99999999, sizeof(s), &s));
	T(sched_yield());
	T(sched_getscheduler(0));
	T(sched_get_priority_max(SCHED_FIFO));
	T(sched_get_priority_min(SCHED_FIFO));
	T(sched_get_priority_max(SCHED_OTHER));
	T(sched_get_priority_max(99));
	struct sched_param sp;
	T(sched_getparam(0, &sp));
	say("priority %d\n", sp.sched_priority);
	T(getpriority(0, 0));
	T(setpriority(0, 0, 5));
	T(getpriority(0, 0));
	T(nice(1));
	return 0;
}
