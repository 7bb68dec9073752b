/* fcntl F_SETLK/F_GETLK record locks between processes, and flock */
#include "t.h"
#include <sys/file.h>
static int lk(int fd, int cmd, int type, off_t start, off_t len)
{
	struct flock f = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	return fcntl(fd, cmd, &f);
}
int main(void)
{
	t_init();
	t_workdir("f_locks");
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	write(fd, "0123456789", 10);
	T(lk(fd, F_SETLK, F_WRLCK, 0, 5));
	T(lk(fd, F_SETLK, F_RDLCK, 5, 5));
	int sync[2], back[2];
	pipe(sync);
	pipe(back);
	pid_t p = fork();
	if (p == 0) {
		int f2 = open("f", O_RDWR);
		T(lk(f2, F_SETLK, F_WRLCK, 0, 1));
		T(lk(f2, F_SETLK, F_RDLCK, 6, 1));
		T(lk(f2, F_SETLK, F_WRLCK, 6, 1));
		struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 1 };
		T(fcntl(f2, F_GETLK, &q));
		say("getlk: type write %d start %ld len %ld pid is parent %d\n", q.l_type == F_WRLCK, (long)q.l_start, (long)q.l_len, q.l_pid == getppid());
		T(flock(f2, LOCK_EX | LOCK_NB));
		write(back[1], "x", 1);
		char c;
		read(sync[0], &c, 1);
		T(lk(f2, F_SETLK, F_WRLCK, 0, 1));
		T(flock(f2, LOCK_EX | LOCK_NB));
		T(lk(f2, F_SETLKW, F_WRLCK, 0, 0));
		_exit(0);
	}
	char c;
	read(back[0], &c, 1);
	T(flock(fd, LOCK_EX | LOCK_NB));
	T(flock(fd, LOCK_SH | LOCK_NB));
	int other = open("f", O_RDONLY);
	T(flock(other, LOCK_SH | LOCK_NB));
	T(lk(fd, F_SETLK, F_UNLCK, 0, 10));
	write(sync[1], "x", 1);
	t_wait("child", p);
	T(lk(fd, F_SETLK, 99, 0, 1));
	T(lk(other, F_SETLK, F_WRLCK, 0, 1));
	T(flock(fd, 99));
	T(flock(99, LOCK_SH));
	close(fd);
	T(flock(other, LOCK_EX | LOCK_NB));
	return 0;
}
