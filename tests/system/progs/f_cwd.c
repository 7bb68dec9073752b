/* chdir/fchdir/getcwd: relative paths, .., ERANGE, ENOTDIR, EACCES as uid 1000 */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_cwd");
	char buf[256];
	mkdir("a", 0755);
	mkdir("a/b", 0755);
	t_writefile("file", "x");
	T(chdir("a/b"));
	say("cwd %s\n", getcwd(buf, sizeof(buf)));
	T(chdir("../.."));
	say("cwd %s\n", getcwd(buf, sizeof(buf)));
	T(chdir("file"));
	T(chdir("missing"));
	T(chdir(""));
	int fd = open("a", O_RDONLY | O_DIRECTORY);
	T(fchdir(fd));
	say("cwd %s\n", getcwd(buf, sizeof(buf)));
	int f = open("/tmp/st-f_cwd/file", O_RDONLY);
	T(fchdir(f));
	T(fchdir(99));
	T(syscall(SYS_getcwd, buf, 3));
	T(syscall(SYS_getcwd, buf, 0));
	T(syscall(SYS_getcwd, (void *)8, 100));
	long n = syscall(SYS_getcwd, buf, sizeof(buf));
	say("raw getcwd length includes NUL %d\n", n == (long)strlen(buf) + 1);
	T(chdir("/"));
	say("cwd %s\n", getcwd(buf, sizeof(buf)));
	chdir("/tmp/st-f_cwd");
	mkdir("closed", 0700);
	pid_t p = fork();
	if (p == 0) {
		setuid(1000);
		T(chdir("closed"));
		T(chdir("/root"));
		_exit(0);
	}
	t_wait("child", p);
	T(chdir("/proc/self/cwd"));
	say("through proc %s\n", getcwd(buf, sizeof(buf)));
	return 0;
}
