/*
 * fsuser.c - /init for the vfs suite: drives the file syscalls from user space
 * and reports "PASS name" / "FAIL name" lines through /dev/kmsg (there may be no
 * console), then powers off.  Built static with musl; also runs on Linux, where
 * every check must pass too (run it as root in a scratch directory).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int kmsg = 2, fails;

static void report(const char *name, int ok, int line)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%s %s (line %d, errno %d)\n", ok ? "PASS" : "FAIL",
			 name, line, errno);
	write(kmsg, buf, n);
	fails += !ok;
}
#define T(name, cond) report(name, (cond), __LINE__)

int main(void)
{
	char buf[8192];
	struct stat st;
	int fd, p[2];

	if (getpid() == 1) {
		struct stat a, b;
		kmsg = open("/dev/kmsg", O_WRONLY);
		T("initramfs_hardlink", stat("/hl1", &a) == 0 && stat("/hl2", &b) == 0 &&
		  a.st_ino == b.st_ino && a.st_nlink == 2 && a.st_size == 5);
		T("initramfs_attrs", a.st_mode == (S_IFREG | 0640) && a.st_uid == 12 &&
		  a.st_gid == 34 && a.st_mtime == 1000000000);
		T("initramfs_symlink", lstat("/sym", &b) == 0 && S_ISLNK(b.st_mode) &&
		  stat("/sym", &b) == 0 && b.st_ino == a.st_ino);
		T("initramfs_fifo", lstat("/fifo", &b) == 0 && S_ISFIFO(b.st_mode));
		mkdir("/scratch", 0755);
		chdir("/scratch");
	}
	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	T("open_creat", fd >= 0);
	T("write", write(fd, "hello world", 11) == 11);
	T("lseek", lseek(fd, 6, SEEK_SET) == 6);
	T("read", read(fd, buf, 100) == 5 && !memcmp(buf, "world", 5));
	T("pread", pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5));
	T("fstat", fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
	T("ftruncate", ftruncate(fd, 3) == 0 && fstat(fd, &st) == 0 && st.st_size == 3);
	T("dup2", dup2(fd, 10) == 10 && lseek(10, 0, SEEK_CUR) == lseek(fd, 0, SEEK_CUR));
	T("fcntl_cloexec", fcntl(10, F_SETFD, FD_CLOEXEC) == 0 && fcntl(10, F_GETFD) == FD_CLOEXEC);
	T("close", close(10) == 0 && close(10) == -1 && errno == EBADF);
	T("open_excl", open("f", O_CREAT | O_EXCL | O_RDWR, 0644) == -1 && errno == EEXIST);
	T("open_enoent", open("nope", O_RDONLY) == -1 && errno == ENOENT);
	T("open_enotdir", open("f/x", O_RDONLY) == -1 && errno == ENOTDIR);
	T("mkdir", mkdir("d", 0755) == 0 && mkdir("d", 0755) == -1 && errno == EEXIST);
	T("rename", rename("f", "d/g") == 0 && stat("d/g", &st) == 0);
	T("rmdir_notempty", rmdir("d") == -1 && errno == ENOTEMPTY);
	T("symlink", symlink("d/g", "l") == 0 && readlink("l", buf, sizeof(buf)) == 3);
	T("lstat", lstat("l", &st) == 0 && S_ISLNK(st.st_mode));
	T("link", link("d/g", "h") == 0 && stat("h", &st) == 0 && st.st_nlink == 2);
	T("unlink", unlink("h") == 0 && unlink("l") == 0 && unlink("d/g") == 0 && rmdir("d") == 0);
	T("getcwd", getcwd(buf, sizeof(buf)) && (getpid() != 1 || !strcmp(buf, "/scratch")));
	T("access", access("/", R_OK | X_OK) == 0 && access("/nope", F_OK) == -1 && errno == ENOENT);
	T("pipe", pipe(p) == 0 && write(p[1], "abc", 3) == 3 && read(p[0], buf, 10) == 3);
	struct pollfd pf = { p[0], POLLIN, 0 };
	T("poll_empty", poll(&pf, 1, 0) == 0);
	close(p[1]);
	T("poll_hup", poll(&pf, 1, 100) == 1 && (pf.revents & POLLHUP));
	T("pipe_eof", read(p[0], buf, 10) == 0);
	close(p[0]);
	T("pipe_epipe_nonblock", pipe2(p, O_NONBLOCK) == 0 && read(p[0], buf, 1) == -1 && errno == EAGAIN);
	DIR *dir = opendir("/");
	int n = 0;
	struct dirent *de;
	while (dir && (de = readdir(dir)))
		n++;
	T("readdir_root", dir && n >= 5);
	fd = open("/proc/self/stat", O_RDONLY);
	T("proc_self_stat", fd >= 0 && read(fd, buf, sizeof(buf)) > 10);
	T("dev_null", (fd = open("/dev/null", O_RDWR)) >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0);
	T("umask", umask(027) == 022 && umask(022) == 027);
	char here[512];
	getcwd(here, sizeof(here));
	T("chdir_dotdot", chdir("..") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, here) &&
			  chdir(here) == 0);
	/* Error cases, each as Linux gives them. */
#define E(name, call, err) T(name, (call) == -1 && errno == (err))
	mkdir("e", 0755);
	close(open("e/file", O_CREAT | O_WRONLY, 0644));
	E("err_rmdir_root", rmdir("/"), EBUSY);
	E("err_rmdir_dot", rmdir("e/."), EINVAL);
	E("err_rmdir_dotdot", rmdir("e/.."), ENOTEMPTY);
	E("err_mkdir_root", mkdir("/", 0755), EEXIST);
	E("err_unlink_dir", unlink("e"), EISDIR);
	E("err_mkdir_under_file", mkdir("e/file/x", 0755), ENOTDIR);
	E("err_open_creat_dir_slash", open("e/new/", O_CREAT | O_WRONLY, 0644), EISDIR);
	E("err_open_dir_write", open("e", O_WRONLY), EISDIR);
	E("err_open_directory_file", open("e/file", O_RDONLY | O_DIRECTORY), ENOTDIR);
	E("err_file_trailing_slash", open("e/file/", O_RDONLY), ENOTDIR);
	E("err_readlink_file", readlink("e/file", buf, 10), EINVAL);
	E("err_symlink_empty", symlink("", "e/l"), ENOENT);
	E("err_link_exists", link("e/file", "e/file"), EEXIST);
	E("err_link_dir", link("e", "e2"), EPERM);
	E("err_rename_into_self", rename("e", "e/sub"), EINVAL);
	E("err_rename_file_over_dir", (mkdir("e/d", 0755), rename("e/file", "e/d")), EISDIR);
	E("err_rename_dir_over_file", rename("e/d", "e/file"), ENOTDIR);
	E("err_chdir_file", chdir("e/file"), ENOTDIR);
	E("err_truncate_dir", truncate("e", 0), EISDIR);
	E("err_dup2_bad", dup2(0, -1), EBADF);
	E("err_fcntl_badcmd", fcntl(0, 12345), EINVAL);
	E("err_lseek_pipe", (pipe(p), lseek(p[0], 0, SEEK_SET)), ESPIPE);
	E("err_write_rdonly", write(p[0], "x", 1), EBADF);
	memset(buf, 'a', 300);
	buf[256] = 0;
	E("err_name_too_long", open(buf, O_RDONLY), ENAMETOOLONG);
	symlink("self", "e/self");
	E("err_eloop", open("e/self", O_RDONLY), ELOOP);
	symlink("file", "e/lf");
	E("err_nofollow", open("e/lf", O_RDONLY | O_NOFOLLOW), ELOOP);
	E("err_getdents_file", syscall(SYS_getdents64, (fd = open("e/file", O_RDONLY)), buf, 1024), ENOTDIR);
	E("err_rename_noreplace", syscall(SYS_renameat2, AT_FDCWD, "e/lf", AT_FDCWD, "e/file", 1), EEXIST);
	E("err_rmdir_nonempty", rmdir("e"), ENOTEMPTY);
	symlink("created-by-open", "e/dangling");
	fd = open("e/dangling", O_WRONLY | O_CREAT, 0600);
	T("creat_through_dangling_link", fd >= 0 && stat("e/created-by-open", &st) == 0 &&
	  S_ISREG(st.st_mode));
	close(fd);
	E("err_excl_dangling_link", open("e/dangling", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
	E("err_ebadf_close", close(9999), EBADF);
	char msg[64];
	snprintf(msg, sizeof(msg), "fsuser: %d failures\n", fails);
	write(kmsg, msg, strlen(msg));
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return fails != 0;
}
