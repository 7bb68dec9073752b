/* truncate/ftruncate grow and shrink, fallocate modes, errors */
#include "t.h"
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 1
#define FALLOC_FL_PUNCH_HOLE 2
#endif
static long size(const char *p)
{
	struct stat s;
	return stat(p, &s) ? -1 : (long)s.st_size;
}
int main(void)
{
	t_init();
	t_workdir("f_truncate");
	t_writefile("f", "0123456789");
	T(truncate("f", 4));
	say("size %ld\n", size("f"));
	T(truncate("f", 10000));
	say("size %ld\n", size("f"));
	char b[16] = { 0 };
	int fd = open("f", O_RDWR);
	pread(fd, b, 8, 0);
	say("data %.4s then zero %d\n", b, b[4] == 0);
	T(ftruncate(fd, 2));
	say("size %ld\n", size("f"));
	T(ftruncate(fd, -1));
	T(truncate("f", -1));
	T(truncate("missing", 0));
	mkdir("d", 0755);
	T(truncate("d", 0));
	int ro = open("f", O_RDONLY);
	T(ftruncate(ro, 0));
	int p[2];
	pipe(p);
	T(ftruncate(p[0], 0));
	T(fallocate(fd, 0, 0, 8192));
	say("size %ld\n", size("f"));
	T(fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 8192));
	say("size %ld\n", size("f"));
	T(fallocate(fd, 0, -1, 10));
	T(fallocate(fd, 0, 0, 0));
	T(fallocate(ro, 0, 0, 10));
	T(fallocate(p[1], 0, 0, 10));
	T(posix_fallocate(fd, 0, 20000));
	say("size %ld\n", size("f"));
	pwrite(fd, "abcdefgh", 8, 0);
	T(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	memset(b, 1, sizeof(b));
	pread(fd, b, 8, 0);
	say("punched zero %d size %ld\n", b[0] == 0 && b[7] == 0, size("f"));
	int ap = open("f", O_WRONLY | O_APPEND);
	T(ftruncate(ap, 5));
	return 0;
}
