/* SA_SIGINFO fields for kill, sigqueue and tgkill; ucontext present */
#include "t.h"
#include <ucontext.h>
static volatile int code, val, signo, frompid, fromuid;
static volatile int haveuc;
static void h(int s, siginfo_t *si, void *uc)
{
	signo = si->si_signo;
	code = si->si_code;
	val = si->si_value.sival_int;
	frompid = si->si_pid == getpid();
	fromuid = si->si_uid == getuid();
	haveuc = uc != NULL;
}
int main(void)
{
	t_init();
	struct sigaction sa = { 0 };
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGRTMIN + 1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	say("kill: signo %d SI_USER %d pid %d uid %d uc %d\n", signo, code == SI_USER, frompid, fromuid, haveuc);
	union sigval v = { .sival_int = 4242 };
	sigqueue(getpid(), SIGRTMIN + 1, v);
	say("sigqueue: SI_QUEUE %d value %d pid %d\n", code == SI_QUEUE, val, frompid);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	say("tgkill: SI_TKILL %d pid %d\n", code == SI_TKILL, frompid);
	pid_t p = fork();
	if (p == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	waitpid(p, NULL, 0);
	say("from child: pid is child %d\n", !frompid);
	siginfo_t si = { 0 };
	si.si_code = SI_QUEUE;
	si.si_value.sival_int = 77;
	T(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
	say("rt_sigqueueinfo value %d\n", val);
	si.si_code = SI_KERNEL;
	T(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
	return 0;
}
