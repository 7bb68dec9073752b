/* utimensat/futimens: explicit times, UTIME_OMIT, UTIME_NOW, nofollow, EINVAL, EPERM as uid 1000 */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_utimens");
	t_writefile("f", "x");
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1500000000, 5 } };
	T(utimensat(AT_FDCWD, "f", ts, 0));
	struct stat s;
	stat("f", &s);
	say("atime %ld.%09ld mtime %ld.%09ld\n", (long)s.st_atim.tv_sec, s.st_atim.tv_nsec, (long)s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
	struct timespec om[2] = { { 0, UTIME_OMIT }, { 1600000000, 0 } };
	T(utimensat(AT_FDCWD, "f", om, 0));
	stat("f", &s);
	say("atime kept %d mtime %ld\n", s.st_atim.tv_sec == 1000000000, (long)s.st_mtim.tv_sec);
	time_t now = time(NULL);
	T(utimensat(AT_FDCWD, "f", NULL, 0));
	stat("f", &s);
	say("now: close %d\n", s.st_mtim.tv_sec - now <= 1 && s.st_mtim.tv_sec >= now);
	symlink("f", "l");
	T(utimensat(AT_FDCWD, "l", ts, AT_SYMLINK_NOFOLLOW));
	lstat("l", &s);
	say("link mtime %ld\n", (long)s.st_mtim.tv_sec);
	stat("f", &s);
	say("target mtime not 1500000000: %d\n", s.st_mtim.tv_sec != 1500000000);
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	T(utimensat(AT_FDCWD, "f", bad, 0));
	T(utimensat(AT_FDCWD, "f", ts, 0x999));
	T(utimensat(AT_FDCWD, "missing", ts, 0));
	int fd = open("f", O_RDONLY);
	T(futimens(fd, ts));
	fstat(fd, &s);
	say("futimens mtime %ld\n", (long)s.st_mtim.tv_sec);
	chmod("f", 0666);
	pid_t p = fork();
	if (p == 0) {
		setuid(1000);
		T(utimensat(AT_FDCWD, "f", ts, 0));
		T(utimensat(AT_FDCWD, "f", NULL, 0));
		_exit(0);
	}
	t_wait("child", p);
	struct stat a, b;
	stat("f", &a);
	usleep(20000);
	int w = open("f", O_WRONLY);
	write(w, "y", 1);
	fstat(w, &b);
	say("write updates mtime %d\n", b.st_mtim.tv_sec > a.st_mtim.tv_sec || b.st_mtim.tv_nsec != a.st_mtim.tv_nsec);
	return 0;
}
