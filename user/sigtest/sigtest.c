/*
 * sigtest.c - signals, futexes, timers and job control as a static Linux program
 * sees them; one "PASS sig_<name>" / "FAIL sig_<name> [why]" line per check, exit
 * status = number of failures.  Passes on Linux too (the reference).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define CHECK(name, cond) do { if (cond) printf("PASS sig_%s\n", name); else { fails++; printf("FAIL sig_%s [line %d, errno %d]\n", name, __LINE__, errno); } } while (0)

static volatile int got_sig, got_code, got_pid;
static volatile sigset_t in_mask;
static void h_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	sigprocmask(SIG_BLOCK, NULL, (sigset_t *)&in_mask);
}

static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code;
static void h_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

static void h_trap(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_code = si->si_code;
}

static char altstack[65536];
static volatile int on_alt, alt_flags;
static void h_alt(int sig)
{
	(void)sig;
	int local;
	stack_t ss;
	uintptr_t a = (uintptr_t)&local, base = (uintptr_t)altstack;

	on_alt = a >= base && a < base + sizeof(altstack);
	sigaltstack(NULL, &ss);
	alt_flags = ss.ss_flags;
}

static volatile double fpv;
static void h_fpu(int sig)
{
	(void)sig;
	volatile double x = 1.0;
	for (int i = 0; i < 10; i++)
		x = x * 3.7 + 1.1;
	fpv = x;
}

static volatile int rt_vals[8], rt_n;
static void h_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (rt_n < 8)
		rt_vals[rt_n++] = si->si_value.sival_int;
}

static void *pauser(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static volatile int alarms;
static void h_alarm(int sig) { (void)sig; alarms++; }

static long counter;
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;
static void *worker(void *arg)
{
	pthread_mutex_lock(&mtx);
	ready++;
	pthread_cond_broadcast(&cv);
	while (ready < 8)
		pthread_cond_wait(&cv, &mtx);
	pthread_mutex_unlock(&mtx);
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&mtx);
		counter++;
		pthread_mutex_unlock(&mtx);
	}
	return arg;
}


/* linux/futex.h (musl ships no kernel headers) */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE	(FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_OP_SET		0
#define FUTEX_OP_CMP_GT		4
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static long futex(volatile int *uaddr, int op, int val, const void *ts_or_val2, volatile int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

static volatile int fw1, fw2, fw_woken;
static void *futex_waiter1(void *arg)
{
	(void)arg;
	if (futex(&fw1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == 0)
		__atomic_add_fetch(&fw_woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *futex_waiter2(void *arg)
{
	(void)arg;
	if (futex(&fw2, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0) == 0)
		__atomic_add_fetch(&fw_woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static pthread_mutex_t robust;
static void *robust_holder(void *arg)
{
	pthread_mutex_lock(&robust);
	return arg;	/* exits holding it */
}

static void settle(void)
{
	struct timespec t = { 0, 30000000 };
	nanosleep(&t, NULL);
}

static void h_refault(int sig)
{
	(void)sig;
	*(volatile int *)0x10 = 1;	/* faults again with SIGSEGV blocked */
}

static void set(int sig, void *fn, int flags)
{
	struct sigaction sa = { 0 };
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = fn;
	else
		sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

int main(void)
{
	if (fcntl(1, F_GETFD) < 0) {	/* no console (PID 1 on a bare system): the kernel log */
		int fd = open("/dev/kmsg", O_WRONLY);
		if (fd >= 0 && fd != 1)
			dup2(fd, 1);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("sigtest: pid %d\n", getpid());

	/* 1. handler with siginfo, mask inside */
	set(SIGUSR1, h_info, SA_SIGINFO);
	raise(SIGUSR1);
	CHECK("handler_runs", got_sig == SIGUSR1 && got_code == SI_TKILL && got_pid == getpid());
	CHECK("handler_mask_has_sig", sigismember((sigset_t *)&in_mask, SIGUSR1));
	{
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		CHECK("mask_restored", !sigismember(&now, SIGUSR1));
	}
	got_sig = 0;
	kill(getpid(), SIGUSR1);
	CHECK("kill_self_si_user", got_sig == SIGUSR1 && got_code == SI_USER);

	/* 2. SIGSEGV with si_addr */
	set(SIGSEGV, h_segv, SA_SIGINFO | SA_NODEFER);
	if (!sigsetjmp(jb, 1))
		*(volatile int *)0x1000 = 1;
	CHECK("segv_addr", fault_addr == (void *)0x1000 && fault_code == SEGV_MAPERR);
	if (!sigsetjmp(jb, 1))
		*(volatile int *)(void *)main = 1;
	CHECK("segv_accerr", fault_addr == (void *)main && fault_code == SEGV_ACCERR);

	/* 3. sigaltstack */
	{
		stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
		CHECK("sigaltstack_set", sigaltstack(&ss, NULL) == 0);
		set(SIGUSR2, h_alt, SA_ONSTACK);
		raise(SIGUSR2);
		CHECK("altstack_used", on_alt && alt_flags == SS_ONSTACK);
	}

	/* 4. blocked, pending, delivered on unblock */
	{
		sigset_t s, p;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		got_sig = 0;
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGUSR1);
		sigpending(&p);
		CHECK("pending_while_blocked", got_sig == 0 && sigismember(&p, SIGUSR1));
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		CHECK("delivered_on_unblock", got_sig == SIGUSR1);
	}

	/* 5. FPU state survives a handler */
	{
		set(SIGUSR2, h_fpu, 0);
		volatile double a = 1.5, b = 2.25;
		double c = a * b;
		raise(SIGUSR2);
		c += a;
		CHECK("fpu_preserved", c == 1.5 * 2.25 + 1.5 && fpv != 0);
	}

	/* 6. queued real-time signals in order */
	{
		sigset_t s;
		union sigval v;
		sigemptyset(&s);
		sigaddset(&s, SIGRTMIN);
		set(SIGRTMIN, h_rt, SA_SIGINFO);
		sigprocmask(SIG_BLOCK, &s, NULL);
		for (int i = 1; i <= 3; i++) {
			v.sival_int = i * 10;
			sigqueue(getpid(), SIGRTMIN, v);
		}
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		CHECK("rt_queued", rt_n == 3 && rt_vals[0] == 10 && rt_vals[1] == 20 && rt_vals[2] == 30);
	}

	/* 7. sigtimedwait */
	{
		sigset_t s;
		siginfo_t si;
		struct timespec ts = { 0, 20000000 };
		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGUSR2);
		CHECK("sigtimedwait_gets", sigtimedwait(&s, &si, &ts) == SIGUSR2 && si.si_signo == SIGUSR2);
		errno = 0;
		CHECK("sigtimedwait_timeout", sigtimedwait(&s, &si, &ts) == -1 && errno == EAGAIN);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
	}

	/* 8. nanosleep interrupted by SIGALRM (itimer) with rem */
	{
		struct itimerval it = { { 0, 0 }, { 0, 50000 } };
		struct timespec req = { 2, 0 }, rem = { 0, 0 };
		set(SIGALRM, h_alarm, 0);
		setitimer(ITIMER_REAL, &it, NULL);
		errno = 0;
		int r = nanosleep(&req, &rem);
		CHECK("nanosleep_eintr", r == -1 && errno == EINTR && alarms == 1 && rem.tv_sec >= 1);
	}

	/* 9. kill a child: wait status */
	{
		pid_t c = fork();
		if (c == 0) {
			for (;;)
				pause();
		}
		int st = 0;
		kill(c, SIGTERM);
		CHECK("wait_killed", waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	}

	/* 10. stop / continue / kill */
	{
		pid_t c = fork();
		if (c == 0) {
			for (;;)
				pause();
		}
		int st = 0;
		kill(c, SIGSTOP);
		CHECK("wait_stopped", waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
		kill(c, SIGCONT);
		CHECK("wait_continued", waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
		kill(c, SIGKILL);
		CHECK("wait_sigkill", waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}

	/* 11. SA_RESTART: waitpid survives a handled SIGALRM; without it, EINTR */
	{
		struct sigaction sa = { .sa_handler = h_alarm, .sa_flags = SA_RESTART };
		struct itimerval it = { { 0, 0 }, { 0, 30000 } };
		int st = 0;
		sigaction(SIGALRM, &sa, NULL);
		pid_t c = fork();
		if (c == 0) {
			struct timespec t = { 0, 150000000 };
			nanosleep(&t, NULL);
			_exit(7);
		}
		alarms = 0;
		setitimer(ITIMER_REAL, &it, NULL);
		pid_t r = waitpid(c, &st, 0);
		CHECK("sa_restart", r == c && alarms == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 7);
		sa.sa_flags = 0;
		sigaction(SIGALRM, &sa, NULL);
		c = fork();
		if (c == 0) {
			struct timespec t = { 0, 150000000 };
			nanosleep(&t, NULL);
			_exit(8);
		}
		setitimer(ITIMER_REAL, &it, NULL);
		errno = 0;
		r = waitpid(c, &st, 0);
		CHECK("no_sa_restart_eintr", r == -1 && errno == EINTR);
		CHECK("wait_after", waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 8);
	}

	/* 12. sigsuspend */
	{
		sigset_t s, empty;
		sigemptyset(&s);
		sigemptyset(&empty);
		sigaddset(&s, SIGUSR1);
		set(SIGUSR1, h_info, SA_SIGINFO);
		sigprocmask(SIG_BLOCK, &s, NULL);
		pid_t c = fork();
		if (c == 0) {
			kill(getppid(), SIGUSR1);
			_exit(0);
		}
		got_sig = 0;
		errno = 0;
		int r = sigsuspend(&empty);
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		CHECK("sigsuspend", r == -1 && errno == EINTR && got_sig == SIGUSR1 && sigismember(&now, SIGUSR1));
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		waitpid(c, NULL, 0);
	}

	/* 13. abort() in a child */
	{
		pid_t c = fork();
		int st = 0;
		if (c == 0)
			abort();
		CHECK("abort_status", waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && !WCOREDUMP(st));
	}

	/* 14. pthreads on futexes */
	{
		pthread_t th[8];
		int ok = 1;
		for (int i = 0; i < 8; i++)
			ok &= pthread_create(&th[i], NULL, worker, NULL) == 0;
		for (int i = 0; i < 8; i++)
			ok &= pthread_join(th[i], NULL) == 0;
		CHECK("pthreads_8", ok && counter == 8 * 20000);
	}

	/* 15. time & info */
	{
		struct timespec a, b;
		struct utsname u;
		unsigned char rnd[16] = { 0 }, zero[16] = { 0 };
		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		CHECK("monotonic", b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
		CHECK("realtime", time(NULL) > 1600000000);
		CHECK("uname", uname(&u) == 0 && !strcmp(u.sysname, "Linux") && !strcmp(u.machine, "x86_64"));
		CHECK("getrandom", getrandom(rnd, 16, 0) == 16 && memcmp(rnd, zero, 16));
		errno = 0;
		CHECK("bad_clock", clock_gettime(99, &a) == -1 && errno == EINVAL);
		CHECK("sigaction_kill_einval", sigaction(SIGKILL, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL) == -1 && errno == EINVAL);
	}


	/* 16. SA_RESETHAND and SA_NODEFER */
	{
		set(SIGUSR1, h_info, SA_SIGINFO | SA_RESETHAND | SA_NODEFER);
		raise(SIGUSR1);
		struct sigaction old;
		sigaction(SIGUSR1, NULL, &old);
		CHECK("resethand", old.sa_handler == SIG_DFL && !sigismember((sigset_t *)&in_mask, SIGUSR1));
	}

	/* 17. SIGFPE from a division by zero */
	{
		set(SIGFPE, h_segv, SA_SIGINFO);
		volatile int z = 0;
		if (!sigsetjmp(jb, 1))
			z = 5 / z;
		CHECK("sigfpe", fault_code == FPE_INTDIV);
	}

	/* 18. SIGCHLD with CLD_EXITED; SA_NOCLDSTOP suppresses stop notifications */
	{
		set(SIGCHLD, h_info, SA_SIGINFO | SA_NOCLDSTOP);
		got_sig = 0;
		pid_t c = fork();
		if (c == 0) {
			raise(SIGSTOP);
			_exit(3);
		}
		int st;
		waitpid(c, &st, WUNTRACED);
		CHECK("nocldstop", WIFSTOPPED(st) && got_sig == 0);
		kill(c, SIGCONT);
		waitpid(c, &st, 0);
		CHECK("sigchld_exited", got_sig == SIGCHLD && got_code == CLD_EXITED && WEXITSTATUS(st) == 3);
		signal(SIGCHLD, SIG_DFL);
	}

	/* 19. nanosleep resumes after stop/continue (restart_syscall) */
	{
		pid_t c = fork();
		if (c == 0) {
			struct timespec t0, t1, req = { 0, 200000000 };
			clock_gettime(CLOCK_MONOTONIC, &t0);
			int r = nanosleep(&req, NULL);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
			_exit(r == 0 && ms >= 200 && ms < 400 ? 0 : 1);
		}
		struct timespec t = { 0, 50000000 };
		int st;
		nanosleep(&t, NULL);
		kill(c, SIGSTOP);
		waitpid(c, &st, WUNTRACED);
		kill(c, SIGCONT);
		CHECK("nanosleep_restart", waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}

	/* 20. process groups, kill(0) and kill(-pgid) */
	{
		pid_t c = fork();
		if (c == 0) {
			setpgid(0, 0);
			for (;;)
				pause();
		}
		setpgid(c, c);
		int st;
		CHECK("getpgid", getpgid(c) == c);
		CHECK("kill_pgrp", kill(-c, SIGTERM) == 0 && waitpid(c, &st, 0) == c && WTERMSIG(st) == SIGTERM);
		errno = 0;
		CHECK("kill_esrch", kill(-c, SIGTERM) == -1 && errno == ESRCH);
	}

	/* 21. pthread_kill reaches the right thread; SIGKILL ends a threaded process */
	{
		pid_t c = fork();
		if (c == 0) {
			pthread_t th[4];
			for (int i = 0; i < 4; i++)
				pthread_create(&th[i], NULL, pauser, NULL);
			for (;;)
				pause();
		}
		struct timespec t = { 0, 30000000 };
		nanosleep(&t, NULL);
		int st;
		kill(c, SIGKILL);
		CHECK("kill_threaded", waitpid(c, &st, 0) == c && WTERMSIG(st) == SIGKILL);
	}

	/* 22. alarm() remaining time, limits, prctl */
	{
		alarm(10);
		CHECK("alarm_left", alarm(0) == 10);
		struct rlimit rl;
		CHECK("rlimit_nofile", getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur <= rl.rlim_max);
		char name[16];
		prctl(PR_SET_NAME, "sigtest-x");
		prctl(PR_GET_NAME, name);
		CHECK("prctl_name", !strcmp(name, "sigtest-x"));
	}

	/* 23. futex: EAGAIN, absolute CLOCK_REALTIME timeout */
	{
		volatile int w = 5;
		struct timespec now, dl, after;
		errno = 0;
		CHECK("futex_eagain", futex(&w, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0) == -1 && errno == EAGAIN);
		clock_gettime(CLOCK_REALTIME, &now);
		dl = now;
		dl.tv_nsec += 20000000;
		if (dl.tv_nsec >= 1000000000) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000;
		}
		errno = 0;
		long r = futex(&w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 5, &dl, NULL, -1);
		clock_gettime(CLOCK_REALTIME, &after);
		long ms = (after.tv_sec - now.tv_sec) * 1000 + (after.tv_nsec - now.tv_nsec) / 1000000;
		CHECK("futex_abs_timeout", r == -1 && errno == ETIMEDOUT && ms >= 19);
	}

	/* 24. futex: CMP_REQUEUE and WAKE_OP between threads */
	{
		pthread_t a, b;
		fw1 = 0;
		fw2 = 1;
		fw_woken = 0;
		pthread_create(&a, NULL, futex_waiter1, NULL);
		pthread_create(&b, NULL, futex_waiter1, NULL);
		settle();
		errno = 0;
		CHECK("futex_cmp_requeue_eagain", futex(&fw1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)2L, &fw2, 7) == -1 && errno == EAGAIN);
		CHECK("futex_cmp_requeue", futex(&fw1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)2L, &fw2, 0) == 2 && fw_woken == 0);
		CHECK("futex_requeued_wake", futex(&fw2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0) == 2);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		CHECK("futex_requeue_woken", fw_woken == 2);

		fw1 = 0;
		fw2 = 1;
		fw_woken = 0;
		pthread_create(&a, NULL, futex_waiter1, NULL);
		pthread_create(&b, NULL, futex_waiter2, NULL);
		settle();
		/* *fw2 = 0; wake one on fw1; if old fw2 > 0, wake one on fw2 */
		int op = FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 0);
		CHECK("futex_wake_op", futex(&fw1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &fw2, op) == 2 && fw2 == 0);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		CHECK("futex_wake_op_woken", fw_woken == 2);
	}

	/* 25. shared futex across fork on a MAP_SHARED page */
	{
		volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		*sh = 0;
		pid_t c = fork();
		if (c == 0) {
			while (*sh == 0)
				futex(sh, FUTEX_WAIT, 0, NULL, NULL, 0);
			_exit(*sh == 1 ? 0 : 1);
		}
		settle();
		*sh = 1;
		long n = futex(sh, FUTEX_WAKE, 1, NULL, NULL, 0);
		int st;
		CHECK("futex_shared_fork", n == 1 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}

	/* 26. robust mutex: the owner thread dies holding it */
	{
		pthread_mutexattr_t at;
		pthread_t th;
		pthread_mutexattr_init(&at);
		pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
		pthread_mutex_init(&robust, &at);
		pthread_create(&th, NULL, robust_holder, NULL);
		pthread_join(th, NULL);
		int r = pthread_mutex_lock(&robust);
		CHECK("robust_owner_died", r == EOWNERDEAD);
		if (r == EOWNERDEAD)
			pthread_mutex_consistent(&robust);
		pthread_mutex_unlock(&robust);
	}

	/* 27. credentials and kill permission in an unprivileged child */
	{
		pid_t c = fork();
		if (c == 0) {
			int bad = 0;
			uid_t r, e, sv;
			if (setgid(1000) || setuid(1000))
				bad |= 1;
			getresuid(&r, &e, &sv);
			if (r != 1000 || e != 1000 || sv != 1000)
				bad |= 2;
			errno = 0;
			if (setuid(0) != -1 || errno != EPERM)
				bad |= 4;
			errno = 0;
			if (kill(getppid(), 0) != -1 || errno != EPERM)
				bad |= 8;
			if (getgid() != 1000 || getegid() != 1000)
				bad |= 16;
			_exit(bad);
		}
		int st;
		CHECK("cred_drop_and_kill_eperm", waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}

	/* 28. setsid in a child; again: EPERM */
	{
		pid_t c = fork();
		if (c == 0) {
			pid_t s = setsid();
			int bad = s != getpid() || getsid(0) != getpid() || getpgrp() != getpid();
			errno = 0;
			bad |= (setsid() != -1 || errno != EPERM) << 1;
			_exit(bad);
		}
		int st;
		CHECK("setsid", waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}

	/* 29. sigaltstack errors */
	{
		static char small[1024];
		stack_t ss = { .ss_sp = small, .ss_size = sizeof(small) };
		errno = 0;
		CHECK("sigaltstack_enomem", sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
		ss.ss_sp = altstack;
		ss.ss_size = sizeof(altstack);
		ss.ss_flags = 0x1234;
		errno = 0;
		CHECK("sigaltstack_einval", sigaltstack(&ss, NULL) == -1 && errno == EINVAL);
	}

	/* 30. a fault inside the SIGSEGV handler kills the process with SIGSEGV */
	{
		pid_t c = fork();
		if (c == 0) {
			signal(SIGSEGV, h_refault);
			*(volatile int *)0x20 = 1;
			_exit(0);
		}
		int st;
		CHECK("fault_in_handler_kills", waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	}

	/* 31. getitimer reports what setitimer armed */
	{
		struct itimerval it = { { 1, 0 }, { 5, 0 } }, got;
		setitimer(ITIMER_REAL, &it, NULL);
		getitimer(ITIMER_REAL, &got);
		CHECK("getitimer", got.it_interval.tv_sec == 1 && got.it_value.tv_sec >= 4 && got.it_value.tv_sec <= 5);
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, &got);
		CHECK("setitimer_old", got.it_interval.tv_sec == 1);
	}

	/* 32. SIGTSTP stops a child in its own (not orphaned) process group */
	{
		pid_t c = fork();
		if (c == 0) {
			setpgid(0, 0);
			for (;;)
				pause();
		}
		setpgid(c, c);
		int st;
		kill(c, SIGTSTP);
		CHECK("sigtstp_stops", waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
		kill(c, SIGKILL);
		waitpid(c, &st, 0);
	}

	/* 33. exceptions: int3, ud2 and a privileged instruction */
	{
		set(SIGTRAP, h_trap, SA_SIGINFO);
		fault_code = -1;
		__asm__ volatile("int3");
		CHECK("int3_sigtrap", fault_code == SI_KERNEL);
		set(SIGILL, h_segv, SA_SIGINFO);
		fault_code = -1;
		if (!sigsetjmp(jb, 1))
			__asm__ volatile("ud2");
		CHECK("ud2_sigill", fault_code == ILL_ILLOPN && fault_addr != NULL);
		set(SIGSEGV, h_segv, SA_SIGINFO);
		fault_code = -1;
		fault_addr = (void *)1;
		if (!sigsetjmp(jb, 1))
			__asm__ volatile("hlt");
		CHECK("hlt_sigsegv", fault_code == SI_KERNEL && fault_addr == NULL);
	}

	/* 34. SA_RESTART on a pipe read; EINTR without it */
	{
		int fd[2];
		char buf[4];
		struct sigaction sa = { .sa_handler = h_alarm, .sa_flags = SA_RESTART };
		struct itimerval it = { { 0, 0 }, { 0, 30000 } };
		if (pipe(fd) == 0) {
			sigaction(SIGALRM, &sa, NULL);
			pid_t c = fork();
			if (c == 0) {
				struct timespec t = { 0, 150000000 };
				nanosleep(&t, NULL);
				write(fd[1], "x", 1);
				_exit(0);
			}
			alarms = 0;
			setitimer(ITIMER_REAL, &it, NULL);
			ssize_t r = read(fd[0], buf, 1);
			CHECK("pipe_read_sa_restart", r == 1 && buf[0] == 'x' && alarms == 1);
			waitpid(c, NULL, 0);
			sa.sa_flags = 0;
			sigaction(SIGALRM, &sa, NULL);
			setitimer(ITIMER_REAL, &it, NULL);
			errno = 0;
			r = read(fd[0], buf, 1);
			CHECK("pipe_read_eintr", r == -1 && errno == EINTR);
			close(fd[0]);
			close(fd[1]);
		} else {
			CHECK("pipe", 0);
		}
	}

	printf("sigtest: %d failures\n", fails);
	return fails;
}
