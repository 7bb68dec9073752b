/* WUNTRACED/WCONTINUED: stop, continue and kill a child (in its own process group, so
 * that the group is not orphaned and SIGTSTP stops it) */
#include "t.h"
int main(void)
{
	t_init();
	int st;
	pid_t p = fork();
	if (p == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(p, p);	/* both sides, so no signal comes before it */
	kill(p, SIGSTOP);
	say("stop: same pid %d ", waitpid(p, &st, WUNTRACED) == p);
	say("%s\n", t_status(st));
	kill(p, SIGCONT);
	say("cont: same pid %d ", waitpid(p, &st, WCONTINUED) == p);
	say("%s\n", t_status(st));
	say("nothing pending: %d\n", (int)waitpid(p, &st, WNOHANG | WUNTRACED | WCONTINUED));
	kill(p, SIGTSTP);
	waitpid(p, &st, WUNTRACED);
	say("tstp: %s\n", t_status(st));
	kill(p, SIGKILL);
	t_wait("kill while stopped", p);
	p = fork();
	if (p == 0) {
		setpgid(0, 0);
		raise(SIGSTOP);
		_exit(5);
	}
	setpgid(p, p);
	waitpid(p, &st, WUNTRACED);
	say("self stop: %s\n", t_status(st));
	kill(p, SIGCONT);
	waitpid(p, &st, 0);
	say("after cont: %s\n", t_status(st));
	return 0;
}
