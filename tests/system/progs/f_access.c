/* umask, access/faccessat with modes and flags, as root and as uid 1000 */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_access");
	chmod(".", 0755);
	T(umask(077));
	T(umask(022));
	t_writefile("rw", "x");
	struct stat s;
	stat("rw", &s);
	say("created with 0644 under 022: %o\n", s.st_mode & 0777);
	umask(0277);
	close(open("u", O_CREAT | O_WRONLY, 0666));
	stat("u", &s);
	say("under 0277: %o\n", s.st_mode & 0777);
	mkdir("ud", 0777);
	stat("ud", &s);
	say("dir under 0277: %o\n", s.st_mode & 0777);
	umask(022);
	t_writefile("x", "#!/bin/sh\n");
	chmod("x", 0700);
	chmod("rw", 0600);
	T(access("rw", R_OK | W_OK));
	T(access("rw", X_OK));
	T(access("x", X_OK));
	T(access("missing", F_OK));
	T(access("rw", 0x10));
	T(faccessat(AT_FDCWD, "rw", R_OK, AT_EACCESS));
	T(faccessat(AT_FDCWD, "rw", R_OK, 0x1234));
	T(syscall(SYS_faccessat2, AT_FDCWD, "rw", R_OK, AT_SYMLINK_NOFOLLOW));
	pid_t p = fork();
	if (p == 0) {
		setgid(1000);
		setuid(1000);
		T(access("rw", R_OK));
		T(access("rw", F_OK));
		T(access("x", X_OK));
		T(access(".", W_OK));
		T(access("/tmp", W_OK));
		T(access("/", R_OK | X_OK));
		_exit(0);
	}
	t_wait("child", p);
	pid_t q = fork();
	if (q == 0) {
		setresuid(1000, 0, 0);
		T(access("rw", R_OK));
		T(faccessat(AT_FDCWD, "rw", R_OK, AT_EACCESS));
		_exit(0);
	}
	t_wait("real 1000 effective 0", q);
	return 0;
}
