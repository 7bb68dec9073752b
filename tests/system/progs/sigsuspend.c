/* sigsuspend atomically unblocks, returns EINTR after the handler, restores the mask */
#include "t.h"
static volatile int got;
static void h(int s) { got = s; }
int main(void)
{
	t_init();
	signal(SIGUSR1, h);
	sigset_t b, w, cur;
	sigemptyset(&b);
	sigaddset(&b, SIGUSR1);
	sigprocmask(SIG_BLOCK, &b, NULL);
	pid_t p = fork();
	if (p == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	waitpid(p, NULL, 0);
	say("delivered while blocked %d\n", got);
	sigemptyset(&w);
	T(sigsuspend(&w));
	say("got %d\n", got);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	say("mask restored %d\n", sigismember(&cur, SIGUSR1));
	got = 0;
	p = fork();
	if (p == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	T(sigsuspend(&w));
	say("got %d\n", got);
	waitpid(p, NULL, 0);
	got = 0;
	signal(SIGALRM, h);
	alarm(1);
	T(pause());
	say("pause woke by %d\n", got);
	return 0;
}
