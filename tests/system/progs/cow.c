/* copy on write: parent and child write the same pages and see only their own data */
#include "t.h"
#define N (64 * 4096)
static char bss[N];
int main(void)
{
	t_init();
	char *heap = malloc(N);
	char *anon = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(bss, 'p', N);
	memset(heap, 'p', N);
	memset(anon, 'p', N);
	int pfd[2];
	pipe(pfd);
	pid_t p = fork();
	if (p == 0) {
		for (int i = 0; i < N; i += 4096)
			bss[i] = heap[i] = anon[i] = 'c';
		int ok = 1;
		for (int i = 0; i < N; i++)
			if ((i % 4096 == 0 ? 'c' : 'p') != bss[i] || bss[i] != heap[i] || heap[i] != anon[i])
				ok = 0;
		write(pfd[1], "x", 1);
		_exit(ok ? 0 : 1);
	}
	char c;
	read(pfd[0], &c, 1);
	for (int i = 2048; i < N; i += 4096)
		bss[i] = heap[i] = anon[i] = 'q';
	int ok = 1;
	for (int i = 0; i < N; i++) {
		char want = i % 4096 == 2048 ? 'q' : 'p';
		if (bss[i] != want || heap[i] != want || anon[i] != want)
			ok = 0;
	}
	say("parent sees only its writes: %d\n", ok);
	t_wait("child sees only its writes (exit 0)", p);
	/* a grandchild after the child wrote */
	p = fork();
	if (p == 0) {
		anon[0] = 'x';
		pid_t g = fork();
		if (g == 0)
			_exit(anon[0] == 'x' && anon[4096] == 'p' ? 0 : 1);
		anon[0] = 'y';
		int st;
		waitpid(g, &st, 0);
		_exit(WEXITSTATUS(st) + (anon[0] == 'y' ? 0 : 2));
	}
	t_wait("grandchild", p);
	say("parent anon[0] still %c\n", anon[0]);
	return 0;
}
