/* SIGCHLD on exit and stop; SA_NOCLDSTOP; SIG_IGN auto-reaps; SA_NOCLDWAIT */
#include "t.h"
static volatile int n, code;
static void h(int s, siginfo_t *si, void *u) { n++; code = si->si_code; }
int main(void)
{
	t_init();
	struct sigaction sa = { 0 };
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	pid_t p = fork();
	if (p == 0)
		_exit(1);
	while (n == 0)
		usleep(1000);
	say("exit: n %d CLD_EXITED %d\n", n, code == CLD_EXITED);
	waitpid(p, NULL, 0);
	n = 0;
	p = fork();
	if (p == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	while (n == 0)
		usleep(1000);
	say("stop: CLD_STOPPED %d\n", code == CLD_STOPPED);
	n = 0;
	kill(p, SIGCONT);
	while (n == 0)
		usleep(1000);
	say("cont: CLD_CONTINUED %d\n", code == CLD_CONTINUED);
	waitpid(p, NULL, 0);
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	n = 0;
	p = fork();
	if (p == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	int st;
	waitpid(p, &st, WUNTRACED);
	usleep(20000);
	say("NOCLDSTOP: signals %d\n", n);
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	signal(SIGCHLD, SIG_IGN);
	p = fork();
	if (p == 0)
		_exit(0);
	T(waitpid(p, NULL, 0));
	signal(SIGCHLD, SIG_DFL);
	sa.sa_flags = SA_NOCLDWAIT;
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	p = fork();
	if (p == 0)
		_exit(0);
	T(wait(NULL));
	return 0;
}
