/* children killed by signals, with and without core dump bit */
#include "t.h"
#include <sys/resource.h>
int main(void)
{
	t_init();
	struct rlimit r = { 0, 0 };
	setrlimit(RLIMIT_CORE, &r);
	int sigs[] = { SIGTERM, SIGKILL, SIGINT, SIGHUP, SIGUSR1, SIGSEGV, SIGABRT, SIGFPE };
	for (int i = 0; i < 8; i++) {
		pid_t p = fork();
		if (p == 0) {
			kill(getpid(), sigs[i]);
			pause();
			_exit(0);
		}
		char w[32];
		snprintf(w, sizeof(w), "self-kill %d", sigs[i]);
		t_wait(w, p);
	}
	pid_t p = fork();
	if (p == 0) {
		volatile int *np = NULL;
		*np = 1;
		_exit(0);
	}
	t_wait("null deref", p);
	p = fork();
	if (p == 0) {
		volatile int z = 0;
		_exit(1 / z);
	}
	t_wait("divide by zero", p);
	p = fork();
	if (p == 0)
		abort();
	t_wait("abort", p);
	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	usleep(10000);
	kill(p, SIGTERM);
	t_wait("killed by parent", p);
	return 0;
}
