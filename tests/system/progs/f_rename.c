/* rename/renameat2: replace, RENAME_NOREPLACE, RENAME_EXCHANGE, dir over file, into itself */
#include "t.h"
/* the musl in Debian 12 has no renameat2() wrapper */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define renameat2(a, b, c, d, f) syscall(SYS_renameat2, a, b, c, d, f)
static void cat(const char *p)
{
	char b[32] = { 0 };
	int fd = open(p, O_RDONLY);
	if (fd < 0) {
		say("%s: %s\n", p, t_errname(errno));
		return;
	}
	read(fd, b, sizeof(b) - 1);
	close(fd);
	say("%s: %s\n", p, b);
}
int main(void)
{
	t_init();
	t_workdir("f_rename");
	t_writefile("a", "A");
	t_writefile("b", "B");
	T(rename("a", "c"));
	cat("a");
	cat("c");
	T(rename("c", "b"));
	cat("b");
	t_writefile("a", "A2");
	T(renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE));
	T(renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_EXCHANGE));
	cat("a");
	cat("b");
	T(renameat2(AT_FDCWD, "a", AT_FDCWD, "new", RENAME_EXCHANGE));
	T(renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_EXCHANGE | RENAME_NOREPLACE));
	T(renameat2(AT_FDCWD, "a", AT_FDCWD, "n2", RENAME_NOREPLACE));
	mkdir("d", 0755);
	mkdir("e", 0755);
	t_writefile("e/x", "x");
	T(rename("d", "n2"));
	T(rename("n2", "d"));
	T(rename("b", "d"));
	T(rename("d", "e"));
	T(rename("d", "d/sub"));
	T(rename("d", "f"));
	T(rename("f", "e/.."));
	mkdir("g", 0755);
	T(rename("e", "g"));
	T(rename("g/x", "top"));
	T(rename("missing", "z"));
	T(rename("b", "b"));
	T(rename("b", "missingdir/b"));
	T(rename(".", "dot"));
	T(rename("b", "."));
	T(rename("b", ""));
	symlink("b", "sl");
	T(rename("sl", "sl2"));
	char buf[16] = { 0 };
	readlink("sl2", buf, sizeof(buf));
	say("link moved, target %s\n", buf);
	return 0;
}
