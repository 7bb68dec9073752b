/* rt_sigtimedwait: timeout, pending signal, EINTR by another; sigwaitinfo */
#include "t.h"
static void h(int s) {}
int main(void)
{
	t_init();
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	struct timespec ts = { 0, 100000000 }, t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	siginfo_t si;
	T(sigtimedwait(&s, &si, &ts));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	say("waited >= 100ms %d\n", ms >= 99);
	raise(SIGUSR1);
	T(sigtimedwait(&s, &si, &ts));
	say("si_signo %d SI_USER %d\n", si.si_signo, si.si_code == SI_USER);
	struct timespec zero = { 0, 0 };
	T(sigtimedwait(&s, &si, &zero));
	struct timespec bad = { 0, 1000000000 };
	T(sigtimedwait(&s, &si, &bad));
	signal(SIGUSR2, h);
	pid_t p = fork();
	if (p == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	struct timespec lng = { 5, 0 };
	/* musl retries sigtimedwait on EINTR; the raw call shows it */
	T(syscall(SYS_rt_sigtimedwait, &s, &si, &lng, 8));
	waitpid(p, NULL, 0);
	p = fork();
	if (p == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	T(sigwaitinfo(&s, &si));
	say("from child %d\n", si.si_pid == p);
	waitpid(p, NULL, 0);
	int sig;
	raise(SIGUSR1);
	int r = sigwait(&s, &sig);
	say("sigwait %d sig %d\n", r, sig);
	return 0;
}
