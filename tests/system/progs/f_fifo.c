/* mknod/mkfifo of a fifo, open semantics (O_NONBLOCK ENXIO), data through it, mknod errors */
#include "t.h"
#include <sys/sysmacros.h>
int main(void)
{
	t_init();
	t_workdir("f_fifo");
	T(mknod("fifo", S_IFIFO | 0644, 0));
	T(mkfifo("fifo", 0644));
	struct stat s;
	stat("fifo", &s);
	say("fifo %d mode %o\n", S_ISFIFO(s.st_mode), s.st_mode & 0777);
	T(open("fifo", O_WRONLY | O_NONBLOCK));
	int r = open("fifo", O_RDONLY | O_NONBLOCK);
	T(r);
	int w = open("fifo", O_WRONLY | O_NONBLOCK);
	T(w);
	T(write(w, "through", 7));
	char buf[16] = { 0 };
	T(read(r, buf, sizeof(buf)));
	say("%s\n", buf);
	T(read(r, buf, sizeof(buf)));
	close(w);
	T(read(r, buf, sizeof(buf)));
	close(r);
	pid_t p = fork();
	if (p == 0) {
		int fw = open("fifo", O_WRONLY);
		write(fw, "blocking-open", 13);
		_exit(0);
	}
	r = open("fifo", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	int n = 0, k;
	while ((k = read(r, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += k;
	say("%s\n", buf);
	t_wait("writer", p);
	T(mknod("reg", S_IFREG | 0600, 0));
	stat("reg", &s);
	say("regular %d size %ld\n", S_ISREG(s.st_mode), (long)s.st_size);
	T(mknod("chr", S_IFCHR | 0600, makedev(1, 3)));
	stat("chr", &s);
	say("chr %d rdev %d,%d\n", S_ISCHR(s.st_mode), major(s.st_rdev), minor(s.st_rdev));
	int nul = open("chr", O_WRONLY);
	T(write(nul, "x", 1));
	T(mknod("bad", 0170000 | 0600, 0));
	T(mknod("fifo", S_IFIFO | 0600, 0));
	T(mknod("dir", S_IFDIR | 0755, 0));
	T(mknodat(AT_FDCWD, "fifo2", S_IFIFO | 0600, 0));
	pid_t q = fork();
	if (q == 0) {
		setuid(1000);
		T(mknod("/tmp/st-f_fifo-c", S_IFCHR | 0600, makedev(1, 3)));
		T(mkfifo("/tmp/st-f_fifo-u", 0600));
		unlink("/tmp/st-f_fifo-u");
		_exit(0);
	}
	t_wait("uid 1000", q);
	return 0;
}
