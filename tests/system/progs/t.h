/*
 * t.h - helpers for the differential system tests.  Every program prints only what is
 * the same on any correct Linux-compatible kernel: results and errno values, relations
 * between pids and times rather than the values.  Output is unbuffered so that a crash
 * shows how far a test got.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* T(expr): prints "expr = value" or "expr = -1 ENAME" and yields the value */
#define T(expr) ({ long t_v_ = (long)(expr); t_report(#expr, t_v_, errno); })
#define say(...) printf(__VA_ARGS__)

static const char *t_errname(int e)
{
	static const char *names[] = {
		[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
		[EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
		[EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
		[EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST",
		[EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
		[EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY",
		[ETXTBSY] = "ETXTBSY", [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE",
		[EROFS] = "EROFS", [EMLINK] = "EMLINK", [EPIPE] = "EPIPE", [EDOM] = "EDOM",
		[ERANGE] = "ERANGE", [EDEADLK] = "EDEADLK", [ENAMETOOLONG] = "ENAMETOOLONG",
		[ENOLCK] = "ENOLCK", [ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY",
		[ELOOP] = "ELOOP", [EOVERFLOW] = "EOVERFLOW", [ETIMEDOUT] = "ETIMEDOUT",
		[EOPNOTSUPP] = "EOPNOTSUPP",
	};
	static char buf[32];
	if (e > 0 && e < (int)(sizeof(names) / sizeof(names[0])) && names[e])
		return names[e];
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static long t_report(const char *what, long v, int e)
{
	if (v == -1)
		printf("%s = -1 %s\n", what, t_errname(e));
	else
		printf("%s = %ld\n", what, v);
	return v;
}

/* status as text: "exit N", "signal N[ core]", "stopped N", "continued" */
static const char *t_status(int st)
{
	static char buf[48];
	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof(buf), "stopped %d", WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof(buf), "continued");
	else
		snprintf(buf, sizeof(buf), "unknown %#x", st);
	return buf;
}

static int t_rm1(const char *p, const struct stat *s, int f, struct FTW *w)
{
	return f == FTW_DP ? rmdir(p) : unlink(p);
}

static char t_dirbuf[64];
static pid_t t_owner;
static void t_cleanup(void)
{
	if (t_dirbuf[0] && getpid() == t_owner) {
		chdir("/");
		umount2(t_dirbuf, MNT_DETACH);
		nftw(t_dirbuf, t_rm1, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* t_workdir(name): a fresh /tmp/st-name as cwd, removed at exit */
static void t_workdir(const char *name)
{
	snprintf(t_dirbuf, sizeof(t_dirbuf), "/tmp/st-%s", name);
	nftw(t_dirbuf, t_rm1, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(t_dirbuf, 0755) || chdir(t_dirbuf)) {
		printf("cannot make %s: %s\n", t_dirbuf, t_errname(errno));
		exit(1);
	}
	t_owner = getpid();
	atexit(t_cleanup);
}

/* unbuffered output, only fds 0-2, default dispositions and an empty signal mask,
 * whatever the caller left */
static void t_init(void)
{
	sigset_t none;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	for (int s = 1; s < 65; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* wait for pid and print its status */
static int t_wait(const char *who, pid_t pid)
{
	int st = 0;
	if (waitpid(pid, &st, 0) != pid)
		printf("%s: waitpid failed %s\n", who, t_errname(errno));
	else
		printf("%s: %s\n", who, t_status(st));
	return st;
}

static void t_writefile(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		printf("cannot write %s\n", path);
	close(fd);
}
