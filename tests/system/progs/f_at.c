/* the *at family relative to a directory fd, AT_FDCWD, absolute paths, fds that are not directories */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_at");
	mkdir("d", 0755);
	int d = open("d", O_RDONLY | O_DIRECTORY);
	int f = openat(d, "file", O_CREAT | O_WRONLY, 0644);
	T(f);
	T(write(f, "abc", 3));
	T(access("d/file", F_OK));
	T(mkdirat(d, "sub", 0755));
	T(symlinkat("file", d, "link"));
	char buf[32] = { 0 };
	T(readlinkat(d, "link", buf, sizeof(buf)));
	say("%s\n", buf);
	T(linkat(d, "file", d, "hard", 0));
	T(renameat(d, "hard", AT_FDCWD, "moved"));
	T(fchmodat(d, "file", 0600, 0));
	T(fchownat(d, "file", 1000, 1000, 0));
	struct stat s;
	T(fstatat(d, "file", &s, 0));
	say("mode %o uid %d\n", s.st_mode & 0777, s.st_uid);
	T(mknodat(d, "fifo", S_IFIFO | 0600, 0));
	T(unlinkat(d, "fifo", 0));
	T(unlinkat(d, "sub", 0));
	T(unlinkat(d, "sub", AT_REMOVEDIR));
	T(unlinkat(d, "file", AT_REMOVEDIR));
	T(openat(f, "x", O_RDONLY));
	T(mkdirat(f, "x", 0755));
	T(fstatat(99, "x", &s, 0));
	T(fstatat(99, "/", &s, 0));
	T(openat(AT_FDCWD, "moved", O_RDONLY) >= 0);
	T(faccessat(d, "link", R_OK, AT_SYMLINK_NOFOLLOW));
	T(fchmodat(d, "link", 0600, AT_SYMLINK_NOFOLLOW));
	rmdir("d/sub");
	return 0;
}
