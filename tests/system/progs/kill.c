/* kill/tgkill/tkill permissions and errors, signal 0 probes, process groups */
#include "t.h"
static volatile int got;
static void h(int s) { got++; }
int main(void)
{
	t_init();
	signal(SIGUSR1, h);
	T(kill(getpid(), 0));
	T(kill(getpid(), 99));
	T(kill(-2147483647 - 1, 0) == -1 ? -1 : 0);
	T(syscall(SYS_tgkill, getpid(), gettid(), 0));
	T(syscall(SYS_tgkill, getpid(), 0, SIGUSR1));
	T(syscall(SYS_tgkill, 0, gettid(), SIGUSR1));
	T(syscall(SYS_tkill, gettid(), SIGUSR1));
	say("got %d\n", got);
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	T(kill(p, 0));
	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	usleep(10000);
	T(kill(p, 0));
	say("zombie still signalable: ");
	kill(p, SIGKILL);
	usleep(50000);
	T(kill(p, 0));
	waitpid(p, NULL, 0);
	/* a group */
	setpgid(0, 0);
	got = 0;
	p = fork();
	if (p == 0) {
		signal(SIGUSR1, SIG_DFL);
		pause();
		_exit(0);
	}
	usleep(20000);
	T(kill(0, SIGUSR1));
	say("self got %d\n", got);
	t_wait("group member", p);
	p = fork();
	if (p == 0) {
		setuid(1000);
		_exit(kill(getppid(), SIGUSR1) == -1 && errno == EPERM ? 0 : 1);
	}
	t_wait("uid 1000 kill root (EPERM exit 0)", p);
	return 0;
}
