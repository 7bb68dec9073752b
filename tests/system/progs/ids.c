/* uid/gid calls: root can switch, uid 1000 cannot regain root, groups, res ids */
#include "t.h"
#include <grp.h>
#include <sys/fsuid.h>
int main(void)
{
	t_init();
	say("uid %d euid %d gid %d egid %d\n", getuid(), geteuid(), getgid(), getegid());
	uid_t r, e, s;
	T(getresuid(&r, &e, &s));
	say("res %d %d %d\n", r, e, s);
	gid_t g[4] = { 10, 20, 30, 40 };
	T(setgroups(4, g));
	gid_t out[8];
	T(getgroups(8, out));
	say("groups %d %d %d %d\n", out[0], out[1], out[2], out[3]);
	T(getgroups(2, out));
	T(getgroups(0, NULL));
	pid_t p = fork();
	if (p == 0) {
		T(setresgid(1000, 1000, 1000));
		T(setresuid(1000, 2000, 0));
		getresuid(&r, &e, &s);
		say("child res %d %d %d\n", r, e, s);
		T(seteuid(0));
		T(setuid(1000));
		getresuid(&r, &e, &s);
		say("child res %d %d %d\n", r, e, s);
		T(setuid(0));
		T(seteuid(0));
		T(setgid(0));
		T(setgroups(0, NULL));
		T(setreuid(-1, 1000));
		T(setresuid(-1, -1, -1));
		_exit(0);
	}
	t_wait("child", p);
	T(setfsuid(-1));
	return 0;
}
