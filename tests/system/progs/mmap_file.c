/* file-backed mappings: private writes stay private, shared writes reach the file */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("mmap_file");
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	char buf[8192];
	memset(buf, 'f', sizeof(buf));
	memcpy(buf, "hello", 5);
	write(fd, buf, 6000);
	char *pv = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *sh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	say("private sees %.5s shared sees %.5s\n", pv, sh);
	say("tail past EOF in page is zero %d\n", pv[6000] == 0 && pv[4095 + 4096] == 0);
	pv[0] = 'P';
	sh[1] = 'S';
	say("private %.5s shared %.5s\n", pv, sh);
	pread(fd, buf, 5, 0);
	say("file %.5s\n", buf);
	pwrite(fd, "W", 1, 2);
	say("after pwrite: private %.5s shared %.5s\n", pv, sh);
	T(msync(sh, 4096, MS_SYNC));
	pid_t p = fork();
	if (p == 0) {
		sh[3] = 'C';
		_exit(0);
	}
	t_wait("child", p);
	pread(fd, buf, 5, 0);
	say("child write visible in file %.5s\n", buf);
	char *off = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	say("offset mapping %c\n", off[0]);
	close(fd);
	say("mapping survives close %.5s\n", sh);
	int ro = open("f", O_RDONLY);
	void *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	say("shared writable on O_RDONLY: %s\n", w == MAP_FAILED ? t_errname(errno) : "mapped");
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	say("private writable on O_RDONLY: %s\n", w == MAP_FAILED ? t_errname(errno) : "mapped");
	int dir = open(".", O_RDONLY);
	w = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dir, 0);
	say("map a directory: %s\n", w == MAP_FAILED ? t_errname(errno) : "mapped");
	return 0;
}
