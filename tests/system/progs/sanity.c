/* after the fuzzer: the basics still work (fork, exec, pipes, files, memory) */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("sanity");
	int p[2];
	T(pipe(p));
	pid_t c = fork();
	if (c == 0) {
		dup2(p[1], 1);
		execl("/bin/sh", "sh", "-c", "echo through-exec", (char *)0);
		_exit(127);
	}
	close(p[1]);
	char buf[64] = { 0 };
	read(p[0], buf, sizeof(buf) - 1);
	say("read: %s", buf);
	t_wait("sh", c);
	t_writefile("f", "file-data\n");
	int fd = open("f", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	T(read(fd, buf, sizeof(buf)));
	say("%s", buf);
	char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 1, 1 << 20);
	say("memory ok %d\n", m[12345] == 1);
	say("sane\n");
	return 0;
}
