/* uname: fields present, NUL terminated, machine x86_64, sethostname as root */
#include "t.h"
#include <sys/utsname.h>
int main(void)
{
	t_init();
	struct utsname u;
	T(uname(&u));
	say("sysname %s machine %s\n", u.sysname, u.machine);
	say("release nonempty %d version nonempty %d nodename nonempty %d\n", u.release[0] != 0, u.version[0] != 0, u.nodename[0] != 0);
	say("release starts with digit %d\n", u.release[0] >= '0' && u.release[0] <= '9');
	T(syscall(SYS_uname, (void *)8));
	char old[65];
	gethostname(old, sizeof(old));
	T(sethostname("systest-host", 12));
	uname(&u);
	say("nodename now %s\n", u.nodename);
	char small[4];
	T(gethostname(small, sizeof(small)));
	char big[100];
	memset(big, 'x', sizeof(big));
	T(sethostname(big, 65));
	T(sethostname(old, strlen(old)));
	T(setdomainname("dom", 3));
	uname(&u);
	say("domain %s\n", u.domainname);
	setdomainname("(none)", 6);
	return 0;
}
