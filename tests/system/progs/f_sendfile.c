/* sendfile file->file and file->pipe, offsets, count limits, errors; copy_file_range */
#include "t.h"
#include <sys/sendfile.h>
int main(void)
{
	t_init();
	t_workdir("f_sendfile");
	t_writefile("src", "0123456789abcdefghij");
	int in = open("src", O_RDONLY), out = open("dst", O_WRONLY | O_CREAT, 0644);
	T(sendfile(out, in, NULL, 5));
	T(lseek(in, 0, SEEK_CUR));
	off_t off = 10;
	T(sendfile(out, in, &off, 100));
	say("offset now %ld, file offset still %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
	T(sendfile(out, in, &off, 10));
	char buf[64] = { 0 };
	int r = open("dst", O_RDONLY);
	read(r, buf, sizeof(buf));
	say("dst %s\n", buf);
	int p[2];
	pipe(p);
	off = 0;
	T(sendfile(p[1], in, &off, 7));
	memset(buf, 0, sizeof(buf));
	read(p[0], buf, sizeof(buf));
	say("pipe %s\n", buf);
	T(sendfile(out, p[0], NULL, 5));
	T(sendfile(in, in, NULL, 5));
	T(sendfile(99, in, NULL, 5));
	T(sendfile(out, r, &(off_t){ -1 }, 5));
	int d = open(".", O_RDONLY);
	T(sendfile(out, d, NULL, 5));
	int ro = open("dst", O_RDONLY);
	T(sendfile(ro, in, NULL, 5));
	int ap = open("dst", O_WRONLY | O_APPEND);
	T(sendfile(ap, in, &(off_t){ 0 }, 5));
	int out2 = open("dst2", O_RDWR | O_CREAT, 0644);
	off_t o1 = 3, o2 = 0;
	T(copy_file_range(in, &o1, out2, &o2, 4, 0));
	memset(buf, 0, sizeof(buf));
	pread(out2, buf, 10, 0);
	say("copied %s offsets %ld %ld\n", buf, (long)o1, (long)o2);
	T(copy_file_range(in, NULL, out2, NULL, 4, 1));
	return 0;
}
