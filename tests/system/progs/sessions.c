/* setsid/setpgid/getpgid/getsid relations and errors */
#include "t.h"
int main(void)
{
	t_init();
	pid_t me = getpid();
	say("getpgid(0)==getpgrp %d getsid(0)==getsid(me) %d\n", getpgid(0) == getpgrp(), getsid(0) == getsid(me));
	T(getpgid(99999999));
	T(getsid(99999999));
	int p1[2], p2[2];
	pipe(p1);
	pipe(p2);
	pid_t c = fork();
	if (c == 0) {
		pid_t s = setsid();
		int ok = s == getpid() && getsid(0) == getpid() && getpgid(0) == getpid();
		int again = setsid() == -1 && errno == EPERM;
		write(p1[1], "x", 1);
		char b;
		read(p2[0], &b, 1);
		_exit(ok * 10 + again);
	}
	char b;
	read(p1[0], &b, 1);
	say("child session is child %d\n", getsid(c) == c);
	say("setpgid into other session: %s\n", setpgid(c, getpgrp()) == -1 ? t_errname(errno) : "ok");
	write(p2[1], "x", 1);
	t_wait("setsid ok*10+again EPERM", c);
	T(setpgid(0, 0) == 0 && getpgrp() == me);
	T(setsid());
	c = fork();
	if (c == 0) {
		char x;
		read(p1[0], &x, 1);
		_exit(getpgrp() == getpid() ? 0 : 1);
	}
	T(setpgid(c, c));
	say("child pgid is child %d\n", getpgid(c) == c);
	T(setpgid(c, 99999999));
	T(setpgid(c, -1));
	T(setpgid(99999999, 0));
	write(p1[1], "x", 1);
	t_wait("own group (exit 0)", c);
	c = fork();
	if (c == 0) {
		execl("/bin/true", "true", (char *)0);
		_exit(1);
	}
	usleep(200000);
	say("setpgid after exec: %s\n", setpgid(c, c) == -1 ? t_errname(errno) : "ok");
	waitpid(c, NULL, 0);
	return 0;
}
