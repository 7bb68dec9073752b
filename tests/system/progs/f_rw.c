/* read/write/readv/writev/pread/pwrite/lseek including SEEK_END, holes and errors */
#include "t.h"
#include <sys/uio.h>
int main(void)
{
	t_init();
	t_workdir("f_rw");
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	struct iovec iov[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	T(writev(fd, iov, 3));
	T(lseek(fd, 0, SEEK_CUR));
	T(lseek(fd, 0, SEEK_END));
	T(lseek(fd, -3, SEEK_END));
	T(lseek(fd, -100, SEEK_CUR));
	T(lseek(fd, 0, 99));
	char a[4] = { 0 }, b[8] = { 0 };
	struct iovec r[2] = { { a, 3 }, { b, 7 } };
	lseek(fd, 0, SEEK_SET);
	T(readv(fd, r, 2));
	say("readv %s | %s\n", a, b);
	T(read(fd, a, 3));
	T(pwrite(fd, "XY", 2, 1));
	T(lseek(fd, 0, SEEK_CUR));
	memset(b, 0, sizeof(b));
	T(pread(fd, b, 7, 0));
	say("pread %s\n", b);
	T(pread(fd, b, 7, 100));
	T(pread(fd, b, 7, -1));
	T(lseek(fd, 4096 * 3, SEEK_SET));
	T(write(fd, "end", 3));
	struct stat st;
	fstat(fd, &st);
	say("size %ld\n", (long)st.st_size);
	char z[16];
	T(pread(fd, z, 16, 4096));
	say("hole zero %d\n", z[0] == 0 && z[15] == 0);
	T(lseek(fd, 0, SEEK_DATA));
	T(read(fd, NULL, 0));
	T(read(fd, (void *)8, 10));
	lseek(fd, 0, SEEK_SET);
	T(write(fd, (void *)8, 10));
	T(read(-1, a, 1));
	T(write(1000, a, 1));
	struct iovec bad[1] = { { a, -1UL } };
	T(readv(fd, bad, 1));
	T(readv(fd, r, -1));
	T(preadv(fd, r, 2, 1));
	T(pwritev(fd, iov, 3, 20000));
	fstat(fd, &st);
	say("size %ld\n", (long)st.st_size);
	int p[2];
	pipe(p);
	T(lseek(p[0], 0, SEEK_SET));
	T(pread(p[0], a, 1, 0));
	int big = open("big", O_RDWR | O_CREAT, 0644);
	static char buf[1 << 20];
	memset(buf, 'q', sizeof(buf));
	T(write(big, buf, sizeof(buf)));
	lseek(big, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	long got = 0, n;
	while ((n = read(big, buf + got, 70000)) > 0)
		got += n;
	say("read back %ld all q %d\n", got, buf[0] == 'q' && buf[sizeof(buf) - 1] == 'q');
	return 0;
}
