/* execve every file of the directory elf/ (made by elf/gen.py) in a child and report */
#include "t.h"
#include <dirent.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }
int main(int argc, char **argv)
{
	t_init();
	const char *dir = argc > 1 ? argv[1] : "elf";
	DIR *d = opendir(dir);
	if (!d) {
		say("no %s directory\n", dir);
		return 1;
	}
	char *names[100];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 100)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	qsort(names, n, sizeof(names[0]), cmp);
	for (int i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		int p[2];
		pipe2(p, O_CLOEXEC);
		pid_t c = fork();
		if (c == 0) {
			char *av[] = { names[i], NULL }, *ev[] = { NULL };
			execve(path, av, ev);
			int err = errno;
			write(p[1], &err, sizeof(err));
			_exit(127);
		}
		close(p[1]);
		int err = 0;
		int got = read(p[0], &err, sizeof(err));
		close(p[0]);
		int st;
		waitpid(c, &st, 0);
		if (got == sizeof(err))
			say("%s: execve %s\n", names[i], t_errname(err));
		else
			say("%s: ran, %s\n", names[i], t_status(st));
	}
	return 0;
}
