/* a three-level fork tree; every child reports its depth and the parent reaps in order */
#include "t.h"
static void tree(int depth)
{
	pid_t kids[3];
	if (depth == 3)
		_exit(depth);
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			if (getppid() <= 0)
				_exit(99);
			tree(depth + 1);
		}
	}
	int sum = 0;
	for (int i = 0; i < 2; i++) {
		int st;
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st))
			_exit(98);
		sum += WEXITSTATUS(st);
	}
	_exit(sum % 256);
}
int main(void)
{
	t_init();
	pid_t me = getpid(), p = fork();
	if (p == 0) {
		say("child: ppid is parent %d, pid differs %d\n", getppid() == me, getpid() != me);
		tree(1);
	}
	t_wait("tree", p);
	say("parent: child pid > 0: %d\n", p > 0);
	T(wait(NULL));
	return 0;
}
