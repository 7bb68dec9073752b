/* getrlimit/setrlimit/prlimit: lowering, raising as root, EINVAL, effect on files */
#include "t.h"
#include <sys/resource.h>
int main(void)
{
	t_init();
	struct rlimit r, o;
	T(getrlimit(RLIMIT_NOFILE, &r));
	T(getrlimit(99, &r));
	struct rlimit inv = { 10, 5 };
	T(setrlimit(RLIMIT_NOFILE, &inv));
	struct rlimit lo = { 64, 128 };
	T(prlimit(0, RLIMIT_NOFILE, &lo, &o));
	T(getrlimit(RLIMIT_NOFILE, &r));
	say("cur %ld max %ld\n", (long)r.rlim_cur, (long)r.rlim_max);
	T(prlimit(getpid(), RLIMIT_NOFILE, NULL, &r));
	say("cur %ld\n", (long)r.rlim_cur);
	T(prlimit(99999999, RLIMIT_NOFILE, NULL, &r));
	struct rlimit stack;
	T(getrlimit(RLIMIT_STACK, &stack));
	say("stack cur >= 128k %d\n", stack.rlim_cur >= 131072);
	pid_t p = fork();
	if (p == 0) {
		getrlimit(RLIMIT_NOFILE, &r);
		setuid(1000);
		struct rlimit up = { 64, 4096 };
		int e = setrlimit(RLIMIT_NOFILE, &up) == -1 ? errno : 0;
		_exit(r.rlim_cur == 64 ? (e == EPERM ? 0 : 2) : 1);
	}
	t_wait("child inherits, cannot raise max (exit 0)", p);
	struct rlimit as = { 64 << 20, 64 << 20 };
	p = fork();
	if (p == 0) {
		setrlimit(RLIMIT_AS, &as);
		void *m = mmap(NULL, 128 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_exit(m == MAP_FAILED && errno == ENOMEM ? 0 : 1);
	}
	t_wait("RLIMIT_AS stops mmap (exit 0)", p);
	struct rlimit f = { 100, 100 };
	p = fork();
	if (p == 0) {
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &f);
		int fd = open("/tmp/st-rlimit-f", O_CREAT | O_WRONLY | O_TRUNC, 0644);
		char buf[200] = { 0 };
		long a = write(fd, buf, 200), b = write(fd, buf, 10);
		int e = errno;
		unlink("/tmp/st-rlimit-f");
		_exit(a == 100 && b == -1 && e == EFBIG ? 0 : 1);
	}
	t_wait("RLIMIT_FSIZE short write then EFBIG (exit 0)", p);
	return 0;
}
