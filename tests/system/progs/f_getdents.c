/* getdents64: all entries with types, sorted here; small buffers; EINVAL; ENOTDIR */
#include "t.h"
#include <dirent.h>
struct ent { char name[256]; int type; };
static int cmp(const void *a, const void *b) { return strcmp(((struct ent *)a)->name, ((struct ent *)b)->name); }
static void list(int fd, int bufsz)
{
	static struct ent e[300];
	int n = 0;
	char buf[8192];
	long r;
	while ((r = syscall(SYS_getdents64, fd, buf, bufsz)) > 0) {
		for (long off = 0; off < r;) {
			struct dirent64 *d = (void *)(buf + off);
			snprintf(e[n].name, sizeof(e[n].name), "%s", d->d_name);
			e[n++].type = d->d_type;
			off += d->d_reclen;
		}
	}
	say("end %ld count %d\n", r, n);
	qsort(e, n, sizeof(e[0]), cmp);
	for (int i = 0; i < n && i < 12; i++)
		say("  %s type %d\n", e[i].name, e[i].type);
}
int main(void)
{
	t_init();
	t_workdir("f_getdents");
	mkdir("d", 0755);
	t_writefile("d/file", "x");
	mkdir("d/sub", 0755);
	symlink("file", "d/link");
	mkfifo("d/fifo", 0644);
	int fd = open("d", O_RDONLY | O_DIRECTORY);
	list(fd, 8192);
	lseek(fd, 0, SEEK_SET);
	list(fd, 40);
	lseek(fd, 0, SEEK_SET);
	char buf[8];
	T(syscall(SYS_getdents64, fd, buf, 8));
	int f = open("d/file", O_RDONLY);
	char big[512];
	T(syscall(SYS_getdents64, f, big, sizeof(big)));
	T(syscall(SYS_getdents64, 99, big, sizeof(big)));
	T(syscall(SYS_getdents64, fd, (void *)8, sizeof(big)));
	mkdir("many", 0755);
	for (int i = 0; i < 200; i++) {
		char n[32];
		snprintf(n, sizeof(n), "many/entry-with-a-long-name-%03d", i);
		close(open(n, O_CREAT | O_WRONLY, 0644));
	}
	int m = open("many", O_RDONLY | O_DIRECTORY);
	list(m, 500);
	unlink("many/entry-with-a-long-name-000");
	lseek(m, 0, SEEK_SET);
	list(m, 8192);
	DIR *dd = opendir("d");
	int c = 0;
	while (readdir(dd))
		c++;
	say("readdir count %d\n", c);
	rmdir("d/sub");
	return 0;
}
