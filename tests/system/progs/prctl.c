/* prctl PR_SET_NAME/PR_GET_NAME, /proc/self/comm, truncation; PDEATHSIG; dumpable */
#include "t.h"
#include <sys/prctl.h>
int main(void)
{
	t_init();
	char name[32] = { 0 };
	T(prctl(PR_GET_NAME, name));
	say("initial %s\n", name);
	T(prctl(PR_SET_NAME, "systest-name"));
	prctl(PR_GET_NAME, name);
	say("now %s\n", name);
	T(prctl(PR_SET_NAME, "a-very-long-thread-name-here"));
	prctl(PR_GET_NAME, name);
	say("truncated %s len %zu\n", name, strlen(name));
	char comm[64] = { 0 };
	int fd = open("/proc/self/comm", O_RDONLY);
	if (fd >= 0) {
		read(fd, comm, sizeof(comm) - 1);
		say("comm %s", comm);
		close(fd);
	}
	T(prctl(PR_SET_PDEATHSIG, SIGUSR1));
	int s = 0;
	T(prctl(PR_GET_PDEATHSIG, &s));
	say("pdeathsig %d\n", s);
	T(prctl(PR_SET_PDEATHSIG, 99));
	T(prctl(PR_GET_DUMPABLE));
	T(prctl(9999));
	pid_t p = fork();
	if (p == 0) {
		prctl(PR_GET_NAME, name);
		_exit(strcmp(name, "a-very-long-thr") == 0 ? 0 : 1);
	}
	t_wait("fork keeps name (exit 0)", p);
	return 0;
}
