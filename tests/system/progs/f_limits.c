/* EMFILE with a low RLIMIT_NOFILE, EBADF everywhere, lowest free descriptor */
#include "t.h"
#include <sys/resource.h>
int main(void)
{
	t_init();
	struct rlimit r = { 16, 16 };
	T(setrlimit(RLIMIT_NOFILE, &r));
	int last = -1, n = 0, fd;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		last = fd;
		n++;
	}
	say("opened %d, last fd %d, then %s\n", n, last, t_errname(errno));
	int p[2];
	T(pipe(p));
	T(dup(0));
	T(dup2(0, 16));
	T(dup2(0, 15));
	T(fcntl(0, F_DUPFD, 16));
	T(close(5));
	T(open("/dev/null", O_RDONLY));
	T(close(5));
	T(close(7));
	T(dup(0));
	T(open("/dev/null", O_RDONLY));
	T(open("/dev/null", O_RDONLY));
	for (int i = 3; i < 16; i++)
		close(i);
	char c;
	T(read(3, &c, 1));
	T(write(3, &c, 1));
	T(close(3));
	T(close(-1));
	T(fstat(3, &(struct stat){ 0 }));
	T(lseek(3, 0, SEEK_SET));
	T(fcntl(3, F_GETFL));
	T(fsync(3));
	T(fchdir(3));
	T(ftruncate(3, 0));
	T(dup(3));
	int w = open("/dev/null", O_WRONLY);
	T(read(w, &c, 1));
	close(w);
	int ro = open("/dev/null", O_RDONLY);
	T(write(ro, &c, 1));
	struct rlimit z = { 0, 16 };
	T(setrlimit(RLIMIT_NOFILE, &z));
	T(open("/dev/null", O_RDONLY));
	T(dup(0));
	return 0;
}
