/* chmod/fchmod/chown as root; EACCES/EPERM as uid 1000 on a 0600 root file */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_perm");
	chmod(".", 0755);
	t_writefile("secret", "root only\n");
	T(chmod("secret", 0600));
	T(chown("secret", 0, 0));
	t_writefile("mine", "user file\n");
	T(chown("mine", 1000, 1000));
	int fd = open("mine", O_RDONLY);
	T(fchmod(fd, 0640));
	T(fchown(fd, 1000, 100));
	struct stat s;
	stat("mine", &s);
	say("mine uid %d gid %d mode %o\n", s.st_uid, s.st_gid, s.st_mode & 07777);
	T(chmod("missing", 0644));
	T(fchmod(99, 0644));
	T(lchown("secret", -1, -1));
	mkdir("rodir", 0555);
	t_writefile("ro", "x");
	chmod("ro", 0444);
	T(open("ro", O_WRONLY) >= 0);
	T(chmod("mine", 04755));
	stat("mine", &s);
	say("setuid bit %o\n", s.st_mode & 07777);
	pid_t p = fork();
	if (p == 0) {
		T(setgid(1000));
		T(setuid(1000));
		T(open("secret", O_RDONLY));
		T(access("secret", R_OK));
		T(chmod("secret", 0644));
		T(chown("secret", 1000, 1000));
		T(unlink("secret"));
		T(open("ro", O_WRONLY));
		T(open("rodir/new", O_CREAT | O_WRONLY, 0644));
		T(open("mine", O_RDONLY) >= 0);
		T(chmod("mine", 0600));
		T(chown("mine", 0, 0));
		T(chown("mine", -1, 1000));
		struct stat s2;
		stat("mine", &s2);
		say("chown by owner clears setuid: mode %o\n", s2.st_mode & 07777);
		T(open("/etc/shadow", O_RDONLY));
		_exit(0);
	}
	t_wait("uid 1000 child", p);
	T(open("ro", O_WRONLY) >= 0);
	T(chown("mine", 0, 0));
	stat("mine", &s);
	say("root chown: uid %d gid %d\n", s.st_uid, s.st_gid);
	return 0;
}
