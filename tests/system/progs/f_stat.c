/* stat/fstat/lstat/newfstatat/statx: type, mode, size, nlink for files, dirs, links, devices */
#include "t.h"
#include <sys/sysmacros.h>
/* the musl in Debian 12 has no statx(); the kernel's structure */
struct statx_ts { long long tv_sec; unsigned tv_nsec; int pad; };
struct statx {
	unsigned stx_mask, stx_blksize;
	unsigned long long stx_attributes;
	unsigned stx_nlink, stx_uid, stx_gid;
	unsigned short stx_mode, pad1;
	unsigned long long stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	unsigned stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	unsigned long long spare[14];
};
#define STATX_TYPE 1U
#define STATX_BASIC_STATS 0x7ffU
#define statx(d, p, f, m, b) syscall(SYS_statx, d, p, f, m, b)
static void show(const char *name, struct stat *s)
{
	const char *type = S_ISREG(s->st_mode) ? "reg" : S_ISDIR(s->st_mode) ? "dir" : S_ISLNK(s->st_mode) ? "lnk" :
			   S_ISCHR(s->st_mode) ? "chr" : S_ISFIFO(s->st_mode) ? "fifo" : "other";
	say("%s: %s mode %o size %ld nlink %ld uid %d", name, type, s->st_mode & 07777,
	    S_ISDIR(s->st_mode) ? 0L : (long)s->st_size, (long)s->st_nlink, s->st_uid);
	if (S_ISCHR(s->st_mode))
		say(" rdev %d,%d", major(s->st_rdev), minor(s->st_rdev));
	say(" blksize>0 %d\n", s->st_blksize > 0);
}
int main(void)
{
	t_init();
	t_workdir("f_stat");
	umask(022);
	t_writefile("f", "0123456789");
	mkdir("d", 0750);
	mkdir("d/sub", 0700);
	symlink("f", "l");
	link("f", "h");
	mkfifo("p", 0640);
	struct stat s;
	const char *names[] = { "f", "d", "l", "h", "p", "/dev/null", "/dev/zero" };
	for (int i = 0; i < 7; i++) {
		T(stat(names[i], &s));
		show(names[i], &s);
		T(lstat(names[i], &s));
		show(names[i], &s);
	}
	say("dir nlink counts subdirs: %ld\n", (long)(stat("d", &s), s.st_nlink));
	int fd = open("f", O_RDONLY);
	T(fstat(fd, &s));
	show("fstat f", &s);
	int d = open(".", O_RDONLY);
	T(fstatat(d, "l", &s, AT_SYMLINK_NOFOLLOW));
	show("fstatat l nofollow", &s);
	T(fstatat(d, "l", &s, 0));
	show("fstatat l", &s);
	T(fstatat(fd, "", &s, AT_EMPTY_PATH));
	show("empty path", &s);
	T(fstatat(d, "f", &s, 0x12345));
	T(stat("missing", &s));
	T(stat("f/x", &s));
	T(stat("", &s));
	T(syscall(SYS_stat, "f", (void *)8));
	T(fstat(99, &s));
	struct statx x;
	T(statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &x));
	say("statx mask basic %d size %lld nlink %u mode %o type reg %d\n", (x.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
	    (long long)x.stx_size, x.stx_nlink, x.stx_mode & 07777, S_ISREG(x.stx_mode));
	T(statx(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &x));
	say("statx link %d size %lld\n", S_ISLNK(x.stx_mode), (long long)x.stx_size);
	T(statx(AT_FDCWD, "f", 0, 0x80000000, &x));
	T(statx(AT_FDCWD, "f", 0x8000000, STATX_TYPE, &x));
	stat("f", &s);
	struct stat s2;
	stat("h", &s2);
	say("hard link same inode %d, symlink different %d\n", s.st_ino == s2.st_ino, (lstat("l", &s2), s2.st_ino != s.st_ino));
	return 0;
}
