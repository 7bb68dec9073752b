/* posix_spawn with file actions and a missing program */
#include "t.h"
#include <spawn.h>
extern char **environ;
int main(void)
{
	t_init();
	t_workdir("posix_spawn");
	pid_t p;
	char *a1[] = { "sh", "-c", "echo spawned; exit 6", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	say("spawn: %d\n", posix_spawn(&p, "/bin/sh", &fa, NULL, a1, environ));
	t_wait("spawned sh", p);
	char buf[64] = { 0 };
	int fd = open("out.txt", O_RDONLY);
	read(fd, buf, sizeof(buf) - 1);
	say("file: %s", buf);
	char *a2[] = { "nope", NULL };
	int r = posix_spawn(&p, "/nonexistent/nope", NULL, NULL, a2, environ);
	say("missing: %s\n", r ? t_errname(r) : "0");
	if (r == 0)
		t_wait("missing", p);
	r = posix_spawnp(&p, "true", NULL, NULL, (char *[]){ "true", NULL }, environ);
	say("spawnp true: %d\n", r);
	t_wait("true", p);
	return 0;
}
