/* exit codes 0..255 wrap, WNOHANG, ECHILD */
#include "t.h"
int main(void)
{
	t_init();
	int codes[] = { 0, 1, 42, 255, 256, 257, -1 };
	for (int i = 0; i < 7; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(codes[i]);
		char w[32];
		snprintf(w, sizeof(w), "_exit(%d)", codes[i]);
		t_wait(w, p);
	}
	pid_t p = fork();
	if (p == 0) {
		usleep(200000);
		_exit(7);
	}
	say("WNOHANG before exit: %d\n", (int)waitpid(p, NULL, WNOHANG));
	t_wait("late", p);
	T(waitpid(-1, NULL, 0));
	T(waitpid(p, NULL, WNOHANG));
	int st;
	p = fork();
	if (p == 0)
		exit(3);
	say("wait(NULL-free) returns pid: %d\n", wait(&st) == p);
	say("status %s\n", t_status(st));
	return 0;
}
