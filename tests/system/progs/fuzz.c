/*
 * A syscall fuzzer: workers running as uid 1000 make >= 10^5 random system calls with
 * boundary arguments; the parent restarts a worker that dies or hangs.  Calls that would
 * end or flood the test (exit, fork, kill, reboot, exec) or that only block are skipped.
 * The only output is "survived": a kernel that panics or hangs never prints it.
 * By hand: FUZZ_SEED=N (another sequence of workers), FUZZ_CALLS (default 10^5) and
 * FUZZ_SECONDS (default 60) make longer or different runs; FUZZ_VERBOSE counts.
 */
#include "t.h"
#include <sys/prctl.h>
#define TOTAL 100000
#define PER_WORKER 5000
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static unsigned long long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static const int skip[] = { 7, 13, 14, 15, 22, 23, 34, 35, 43, 45, 47, 56, 57, 58, 59, 60, 62,
	65, 68, 69, 70, 71, 101, 128, 130, 169, 200, 202, 230, 231, 232, 234, 240, 241, 242,
	243, 244, 245, 253, 270, 271, 281, 282, 283, 284, 288, 289, 290, 293, 294, 322, 323,
	425, 426, 427, 435 };
static char scratch[8192];
static long arg(void)
{
	static const unsigned long fixed[] = { 0, 1, -1UL, 0x7fffffff, 0x80000000, 4096,
		0xffffffffUL, 0x7ffffffff000UL, 0xffff800000000000UL, 0xffffffff80000000UL,
		0x10000, 0x1000, 64, -4096UL };
	unsigned long r = next();
	switch (r % 5) {
	case 0: return fixed[(r >> 8) % (sizeof(fixed) / sizeof(fixed[0]))];
	case 1: return (long)(scratch + ((r >> 8) % 4096));
	case 2: return (r >> 8) % 256;
	case 3: return (long)(r >> 3);
	default: return -(long)((r >> 8) % 200);
	}
}
static long number(void)
{
	unsigned long r = next();
	for (;;) {
		long n;
		switch (r % 10) {
		case 0: n = 335 + (r >> 4) % 2000; break;
		case 1: n = (r >> 4) % 3 == 0 ? -1 : (long)(0x40000000 | ((r >> 6) % 512)); break;
		default: n = (r >> 4) % 460; break;
		}
		int bad = 0;
		for (unsigned i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
			bad |= n == skip[i];
		if (!bad)
			return n;
		r = next();
	}
}
static void worker(volatile long *done, unsigned long long seed)
{
	rng ^= seed * 0x2545f4914f6cdd1dULL;
	for (int fd = 0; fd < 256; fd++)
		close(fd);
	open("/dev/null", O_RDWR);
	dup(0);
	dup(0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setgid(1000) || setuid(1000))
		_exit(3);
	alarm(5);
	for (int i = 0; i < PER_WORKER; i++) {
		long n = number(), a[6];
		for (int j = 0; j < 6; j++)
			a[j] = arg();
		syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
		(*done)++;
	}
	_exit(0);
}
int main(void)
{
	t_init();
	t_workdir("fuzz");
	chown(".", 1000, 1000);
	volatile long *done = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long total = 0, calls = TOTAL, seconds = 60;
	unsigned long long base = 0;
	time_t start = time(NULL);
	if (getenv("FUZZ_SEED"))
		base = strtoull(getenv("FUZZ_SEED"), NULL, 0) * 0x100000001b3ULL;
	if (getenv("FUZZ_CALLS"))
		calls = atol(getenv("FUZZ_CALLS"));
	if (getenv("FUZZ_SECONDS"))
		seconds = atol(getenv("FUZZ_SECONDS"));
	for (unsigned long long w = 1; total < calls && time(NULL) - start < seconds; w++) {
		*done = 0;
		pid_t c = fork();
		if (c == 0)
			worker(done, base + w);
		int st, waited = 0;
		while (waitpid(c, &st, WNOHANG) == 0) {
			usleep(20000);
			if (++waited > 200) {
				kill(c, SIGKILL);
				waitpid(c, &st, 0);
				break;
			}
		}
		long d = *done;
		total += d > 0 ? d : 1;
		/* reap anything a worker left (it cannot fork, but be safe) */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz: %ld calls in %lds\n", total, (long)(time(NULL) - start));
	say("survived\n");
	return 0;
}
