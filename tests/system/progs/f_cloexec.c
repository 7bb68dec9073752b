/* O_CLOEXEC and FD_CLOEXEC across exec: the shell sees only the inherited descriptors */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_cloexec");
	int a = open("/dev/null", O_RDONLY);
	int b = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int c = dup(a);
	fcntl(c, F_SETFD, FD_CLOEXEC);
	int d = dup(b);
	int p[2];
	pipe2(p, O_CLOEXEC);
	say("fds %d %d %d %d pipe %d %d\n", a, b, c, d, p[0], p[1]);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c",
		      "for f in 3 4 5 6 7 8; do if [ -e /proc/self/fd/$f ] && : <&$f 2>/dev/null; then echo open $f; else echo closed $f; fi; done",
		      (char *)0);
		_exit(127);
	}
	t_wait("sh", pid);
	return 0;
}
