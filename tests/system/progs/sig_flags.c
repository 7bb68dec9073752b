/* SA_RESTART, SA_NODEFER, SA_RESETHAND and EINTR */
#include "t.h"
#include <sys/time.h>
static volatile int depth, maxdepth, count;
static void nest(int s)
{
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	if (count++ < 2)
		raise(s);
	depth--;
}
static void noop(int s) { count++; }
static int read_with_alarm(int flags)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = noop;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
	int p[2];
	pipe(p);
	pid_t w = fork();
	if (w == 0) {
		usleep(300000);
		write(p[1], "z", 1);
		_exit(0);
	}
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	char c;
	errno = 0;
	int r = read(p[0], &c, 1);
	int e = errno;
	waitpid(w, NULL, 0);
	close(p[0]);
	close(p[1]);
	errno = e;
	return r;
}
int main(void)
{
	t_init();
	struct sigaction sa = { 0 };
	sa.sa_handler = nest;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	say("default defers: max depth %d count %d\n", maxdepth, count);
	depth = maxdepth = count = 0;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	say("NODEFER nests: max depth %d count %d\n", maxdepth, count);
	sa.sa_handler = noop;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	struct sigaction cur;
	sigaction(SIGUSR2, NULL, &cur);
	say("RESETHAND: handler now default %d\n", cur.sa_handler == SIG_DFL);
	count = 0;
	T(read_with_alarm(0));
	say("handler ran %d\n", count);
	count = 0;
	T(read_with_alarm(SA_RESTART));
	say("handler ran %d\n", count);
	T(sigaction(SIGKILL, &sa, NULL));
	T(sigaction(SIGSTOP, &sa, NULL));
	T(sigaction(0, &sa, NULL));
	T(sigaction(65, &sa, NULL));
	T(sigaction(SIGKILL, NULL, &cur));
	return 0;
}
