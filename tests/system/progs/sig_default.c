/* default actions: terminate, core, ignore (SIGCHLD, SIGURG, SIGWINCH), stop/continue */
#include "t.h"
#include <sys/resource.h>
int main(void)
{
	t_init();
	struct rlimit r = { 0, 0 };
	setrlimit(RLIMIT_CORE, &r);
	int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGBUS, SIGPIPE, SIGALRM,
		       SIGCHLD, SIGURG, SIGWINCH, SIGCONT, SIGXCPU, SIGSYS, SIGRTMIN, SIGRTMAX, SIGSTKFLT, SIGPWR, SIGVTALRM, SIGPROF };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t p = fork();
		if (p == 0) {
			setpgid(0, 0);
			raise(sigs[i]);
			_exit(0);
		}
		char w[32];
		snprintf(w, sizeof(w), "raise %d", sigs[i]);
		t_wait(w, p);
	}
	int stops[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	for (int i = 0; i < 4; i++) {
		pid_t p = fork();
		if (p == 0) {
			setpgid(0, 0);
			raise(stops[i]);
			_exit(8);
		}
		int st;
		waitpid(p, &st, WUNTRACED);
		say("raise %d: %s\n", stops[i], t_status(st));
		kill(p, SIGCONT);
		t_wait("  then", p);
	}
	/* SIG_IGN survives exec, handlers reset */
	pid_t p = fork();
	if (p == 0) {
			setpgid(0, 0);
		signal(SIGTERM, SIG_IGN);
		execl("/bin/sh", "sh", "-c", "kill -TERM $$; exit 12", (char *)0);
		_exit(127);
	}
	t_wait("ignored TERM across exec", p);
	return 0;
}
