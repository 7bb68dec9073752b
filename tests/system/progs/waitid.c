/* waitid with P_PID/P_ALL, WEXITED/WSTOPPED/WNOWAIT, siginfo fields */
#include "t.h"
int main(void)
{
	t_init();
	siginfo_t si;
	pid_t p = fork();
	if (p == 0)
		_exit(17);
	memset(&si, 0, sizeof(si));
	T(waitid(P_PID, p, &si, WEXITED | WNOWAIT));
	say("nowait: pid ok %d code %d status %d signo %d\n", si.si_pid == p, si.si_code == CLD_EXITED, si.si_status, si.si_signo);
	memset(&si, 0, sizeof(si));
	T(waitid(P_ALL, 0, &si, WEXITED));
	say("reaped: pid ok %d status %d\n", si.si_pid == p, si.si_status);
	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	kill(p, SIGSTOP);
	memset(&si, 0, sizeof(si));
	T(waitid(P_PID, p, &si, WSTOPPED));
	say("stopped: code CLD_STOPPED %d status %d\n", si.si_code == CLD_STOPPED, si.si_status);
	kill(p, SIGCONT);
	memset(&si, 0, sizeof(si));
	T(waitid(P_PID, p, &si, WCONTINUED));
	say("continued: code CLD_CONTINUED %d\n", si.si_code == CLD_CONTINUED);
	kill(p, SIGUSR2);
	memset(&si, 0, sizeof(si));
	T(waitid(P_PID, p, &si, WEXITED));
	say("killed: code CLD_KILLED %d status %d\n", si.si_code == CLD_KILLED, si.si_status);
	T(waitid(P_ALL, 0, &si, WEXITED));
	T(waitid(P_PID, 1, &si, 0));
	memset(&si, 0, sizeof(si));
	p = fork();
	if (p == 0) {
		usleep(100000);
		_exit(0);
	}
	T(waitid(P_PID, p, &si, WEXITED | WNOHANG));
	say("nohang pid field %d\n", si.si_pid);
	T(waitid(P_PGID, 0, &si, WEXITED));
	return 0;
}
