/* open/openat/creat flags: O_CREAT|O_EXCL, O_DIRECTORY, O_TRUNC, O_APPEND, O_NOFOLLOW, access modes */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_open");
	T(open("a", O_RDONLY));
	T(open("a", O_WRONLY | O_CREAT, 0600));
	T(open("a", O_WRONLY | O_CREAT | O_EXCL, 0600));
	T(open("a", O_RDONLY | O_DIRECTORY));
	T(open(".", O_WRONLY));
	T(open(".", O_RDWR));
	T(open(".", O_RDONLY | O_DIRECTORY));
	T(open("a/b", O_RDONLY));
	T(open("", O_RDONLY));
	T(open((char *)8, O_RDONLY));
	T(open("nodir/x", O_CREAT | O_WRONLY, 0644));
	int fd = open("a", O_WRONLY);
	T(write(fd, "hello world", 11));
	close(fd);
	fd = open("a", O_WRONLY | O_TRUNC);
	struct stat st;
	fstat(fd, &st);
	say("size after O_TRUNC %ld\n", (long)st.st_size);
	write(fd, "12345", 5);
	close(fd);
	fd = open("a", O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "678", 3);
	T(lseek(fd, 0, SEEK_CUR));
	close(fd);
	char buf[32] = { 0 };
	fd = open("a", O_RDONLY);
	T(read(fd, buf, sizeof(buf)));
	say("content %s\n", buf);
	T(write(fd, "x", 1));
	close(fd);
	fd = open("a", O_WRONLY);
	T(read(fd, buf, 1));
	close(fd);
	T(creat("c", 0640));
	stat("c", &st);
	say("creat mode %o\n", st.st_mode & 07777);
	symlink("a", "link");
	T(open("link", O_RDONLY | O_NOFOLLOW));
	T(open("link", O_RDONLY | O_NOFOLLOW | O_PATH) >= 0);
	T(open("link", O_RDONLY | O_CREAT | O_EXCL, 0644));
	int d = open(".", O_RDONLY | O_DIRECTORY);
	T(openat(d, "a", O_RDONLY));
	T(openat(d, "/etc/passwd", O_RDONLY) >= 0);
	T(openat(99, "a", O_RDONLY));
	T(openat(fd, "a", O_RDONLY));
	int f = open("a", O_RDONLY);
	T(openat(f, "a", O_RDONLY));
	T(fcntl(f, F_GETFL) & O_ACCMODE);
	T(open("a", O_RDONLY | O_TMPFILE));
	T(open(".", O_RDWR | O_TMPFILE, 0600) >= 0);
	return 0;
}
