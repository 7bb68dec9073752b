/* dup/dup2/dup3/fcntl: lowest fd, F_DUPFD(_CLOEXEC), F_GETFD/SETFD, F_GETFL/SETFL, shared offsets */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_dup");
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	T(fd);
	T(dup(fd));
	T(dup2(fd, 10));
	T(dup2(fd, fd));
	T(dup2(99, 11));
	T(dup2(fd, -1));
	T(dup3(fd, 12, O_CLOEXEC));
	T(dup3(fd, fd, 0));
	T(dup3(fd, 13, 0x1234));
	T(fcntl(12, F_GETFD));
	T(fcntl(10, F_GETFD));
	T(fcntl(fd, F_DUPFD, 20));
	T(fcntl(fd, F_DUPFD_CLOEXEC, 20));
	T(fcntl(21, F_GETFD));
	T(fcntl(fd, F_DUPFD, -1));
	T(fcntl(fd, F_DUPFD, 1 << 30));
	T(fcntl(fd, F_SETFD, FD_CLOEXEC));
	T(fcntl(fd, F_GETFD));
	T(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	T(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY));
	T(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	T(fcntl(10, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	T(fcntl(fd, 9999));
	T(fcntl(99, F_GETFD));
	fcntl(fd, F_SETFL, 0);
	write(fd, "abcdef", 6);
	T(lseek(10, 0, SEEK_CUR));
	lseek(10, 2, SEEK_SET);
	char c;
	read(fd, &c, 1);
	say("shared offset read %c\n", c);
	int other = open("f", O_RDONLY);
	read(other, &c, 1);
	say("own offset read %c\n", c);
	T(close(10));
	T(close(10));
	T(dup(fd));
	pid_t p = fork();
	if (p == 0) {
		lseek(fd, 5, SEEK_SET);
		_exit(0);
	}
	waitpid(p, NULL, 0);
	T(lseek(fd, 0, SEEK_CUR));
	T(fcntl(1, F_GETFL) & O_ACCMODE);
	return 0;
}
