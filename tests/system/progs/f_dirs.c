/* mkdir/rmdir/unlink errors: EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, EINVAL, mode and nlink */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_dirs");
	umask(0);
	T(mkdir("d", 0751));
	T(mkdir("d", 0755));
	T(mkdir("d/e", 0700));
	T(mkdir("x/y", 0755));
	struct stat s;
	stat("d", &s);
	say("mode %o nlink %ld\n", s.st_mode & 07777, (long)s.st_nlink);
	T(rmdir("d"));
	T(unlink("d"));
	T(rmdir("d/e/."));
	T(rmdir("d/e/.."));
	T(rmdir("."));
	T(rmdir("missing"));
	t_writefile("f", "x");
	T(rmdir("f"));
	T(mkdir("f/g", 0755));
	T(unlink("f/"));
	T(mkdir("f", 0755));
	T(rmdir("d/e"));
	T(rmdir("d/"));
	T(mkdir("d2/", 0755));
	T(rmdir("d2"));
	T(unlink("f"));
	T(unlink("f"));
	T(mkdirat(AT_FDCWD, "at", 01777));
	stat("at", &s);
	say("sticky mode %o\n", s.st_mode & 07777);
	T(unlinkat(AT_FDCWD, "at", 0));
	T(unlinkat(AT_FDCWD, "at", AT_REMOVEDIR));
	T(unlinkat(AT_FDCWD, "at", 0x1234));
	mkdir("cwd", 0755);
	chdir("cwd");
	T(rmdir("../cwd"));
	T(mkdir("inside", 0755));
	T(open(".", O_RDONLY) >= 0);
	char buf[256];
	say("getcwd after removal: %s\n", getcwd(buf, sizeof(buf)) ? "ok" : t_errname(errno));
	return 0;
}
