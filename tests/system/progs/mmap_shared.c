/* MAP_SHARED|MAP_ANONYMOUS is shared across fork; MAP_PRIVATE is not */
#include "t.h"
int main(void)
{
	t_init();
	volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *pr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh[0] = 1;
	pr[0] = 1;
	pid_t p = fork();
	if (p == 0) {
		sh[0] = 2;
		pr[0] = 2;
		sh[100] = 1234;
		while (sh[1] == 0)
			usleep(1000);
		_exit(sh[1] == 77 ? 0 : 1);
	}
	waitpid(p, NULL, WNOHANG);
	while (sh[100] != 1234)
		usleep(1000);
	sh[1] = 77;
	t_wait("child saw parent write (exit 0)", p);
	say("shared %d private %d extra %d\n", sh[0], pr[0], sh[100]);
	/* 4 children increment their own slot */
	for (int i = 0; i < 4; i++)
		if (fork() == 0) {
			for (int j = 0; j < 1000; j++)
				sh[200 + i]++;
			_exit(0);
		}
	while (wait(NULL) > 0)
		;
	say("slots %d %d %d %d\n", sh[200], sh[201], sh[202], sh[203]);
	return 0;
}
