/* a program that execs itself with a counter; the pid stays, argv and env travel */
#include "t.h"
int main(int argc, char **argv)
{
	int closed3 = fcntl(3, F_GETFD) == -1, open4 = fcntl(4, F_GETFD) == 0;
	int n = argc > 1 ? atoi(argv[1]) : 0;
	char *pidenv = getenv("ST_PID"), buf[32], num[16];
	if (n == 0)
		t_init();	/* closes inherited fds; later steps check what exec kept */
	else
		setvbuf(stdout, NULL, _IONBF, 0);
	if (n == 0) {
		snprintf(buf, sizeof(buf), "%d", getpid());
		setenv("ST_PID", buf, 1);
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), fd2 = dup(fd);
		say("start fds %d %d\n", fd, fd2);
	} else {
		say("step %d argc %d same pid %d\n", n, argc, pidenv && atoi(pidenv) == getpid());
		say("cloexec fd 3 closed %d, fd 4 open %d\n", closed3, open4);
	}
	if (n == 5)
		return 0;
	snprintf(num, sizeof(num), "%d", n + 1);
	char *args[] = { argv[0], num, "extra arg", NULL };
	execv("/proc/self/exe", args);
	say("execv failed %s\n", t_errname(errno));
	return 1;
}
