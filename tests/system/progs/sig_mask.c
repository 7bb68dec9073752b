/* sigprocmask blocks delivery until unblocked; pending set; SIGKILL cannot be blocked */
#include "t.h"
static volatile int got[65];
static void h(int s) { got[s]++; }
int main(void)
{
	t_init();
	signal(SIGUSR1, h);
	signal(SIGUSR2, h);
	sigset_t s, old, pend;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGKILL);
	T(sigprocmask(SIG_BLOCK, &s, &old));
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR2);
	say("while blocked: usr1 %d usr2 %d\n", got[SIGUSR1], got[SIGUSR2]);
	sigpending(&pend);
	say("pending usr1 %d usr2 %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2));
	sigprocmask(SIG_BLOCK, NULL, &old);
	say("kill in mask %d stop in mask %d usr1 in mask %d\n", sigismember(&old, SIGKILL), sigismember(&old, SIGSTOP), sigismember(&old, SIGUSR1));
	T(sigprocmask(SIG_UNBLOCK, &s, NULL));
	say("after unblock: usr1 %d (standard signals merge)\n", got[SIGUSR1]);
	T(sigprocmask(42, &s, NULL));
	T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4));
	/* mask is inherited by fork and kept across exec; pending is not inherited */
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	pid_t p = fork();
	if (p == 0) {
		sigset_t m, pe;
		sigprocmask(SIG_BLOCK, NULL, &m);
		sigpending(&pe);
		_exit(sigismember(&m, SIGUSR1) * 10 + sigismember(&pe, SIGUSR1));
	}
	t_wait("child mask*10+pending", p);
	signal(SIGUSR1, SIG_IGN);
	sigpending(&pend);
	say("ignoring discards pending %d\n", !sigismember(&pend, SIGUSR1));
	/* realtime signals queue */
	signal(SIGRTMIN, h);
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &s, NULL);
	for (int i = 0; i < 3; i++)
		raise(SIGRTMIN);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	say("rt queued %d\n", got[SIGRTMIN]);
	return 0;
}
