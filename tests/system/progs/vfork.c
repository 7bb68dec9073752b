/* vfork: the parent sleeps until the child execs or exits; memory is shared */
#include "t.h"
int main(void)
{
	t_init();
	volatile int shared = 1;
	pid_t p = vfork();
	if (p == 0) {
		shared = 2;
		_exit(9);
	}
	say("after vfork child exit: shared %d\n", shared);
	t_wait("vfork child", p);
	p = vfork();
	if (p == 0) {
		execl("/bin/sh", "sh", "-c", "exit 4", (char *)0);
		_exit(127);
	}
	t_wait("vfork exec", p);
	p = vfork();
	if (p == 0) {
		execl("/nonexistent", "x", (char *)0);
		_exit(errno == ENOENT ? 33 : 34);
	}
	t_wait("vfork bad exec", p);
	return 0;
}
