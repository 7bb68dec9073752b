/*
 * vclock.c - the functions of the vDSO, run in user mode inside every process.
 *
 * They read struct vdso_data from the [vvar] page (mapped one page below this
 * object's first byte, found through the hidden symbol vvar_page that vdso.lds
 * places there, so no relocation is needed) and the TSC, and compute what the
 * kernel's clock_read() computes.  Clocks kept per task (the CPU-time clocks) and
 * anything unknown fall back to the real system call.
 */
#include <aegis/vdso.h>	/* built with -DAEGIS_VDSO_USER */

#define NSEC_PER_SEC	1000000000ull

#define SYS_gettimeofday	96
#define SYS_time		201
#define SYS_clock_gettime	228
#define SYS_clock_getres	229
#define SYS_getcpu		309

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7

struct k_timespec {
	int64_t tv_sec, tv_nsec;
};
struct k_timeval {
	int64_t tv_sec, tv_usec;
};
struct k_timezone {
	int tz_minuteswest, tz_dsttime;
};

extern const struct vdso_data vvar_page __attribute__((visibility("hidden")));

static long syscall2(long nr, long a, long b)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b)
			 : "rcx", "r11", "memory");
	return r;
}

static long syscall3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Exactly time_ns(). */
static inline uint64_t mono_ns(const volatile struct vdso_data *vd)
{
	return ((unsigned __int128)(rdtsc() - vd->boot_tsc) * vd->ns_mult) >> 32;
}

static uint64_t real_ns(const volatile struct vdso_data *vd)
{
	uint32_t seq;
	uint64_t off;

	do {
		while ((seq = __atomic_load_n(&vd->seq, __ATOMIC_ACQUIRE)) & 1)
			__builtin_ia32_pause();
		off = vd->realtime_offset;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&vd->seq, __ATOMIC_RELAXED) != seq);
	return mono_ns(vd) + off;
}

/* 0 with *ns set, or -1 when the kernel must answer. */
static int clock_ns(int clk, uint64_t *ns)
{
	const volatile struct vdso_data *vd = &vvar_page;

	if (!vd->ready)
		return -1;
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = real_ns(vd);
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = mono_ns(vd);
		return 0;
	default:
		return -1;
	}
}

int __vdso_clock_gettime(int clk, struct k_timespec *ts)
{
	uint64_t ns;

	if (clock_ns(clk, &ns))
		return (int)syscall2(SYS_clock_gettime, clk, (long)ts);
	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
	return 0;
}

int __vdso_gettimeofday(struct k_timeval *tv, struct k_timezone *tz)
{
	uint64_t ns;

	if (clock_ns(CLOCK_REALTIME, &ns))
		return (int)syscall2(SYS_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
		tv->tv_usec = (int64_t)(ns % NSEC_PER_SEC / 1000);
	}
	if (tz) {
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

long __vdso_time(long *t)
{
	uint64_t ns;
	long now;

	if (clock_ns(CLOCK_REALTIME, &ns))
		return syscall2(SYS_time, (long)t, 0);
	now = (long)(ns / NSEC_PER_SEC);
	if (t)
		*t = now;
	return now;
}

/* One CPU, one node: what sys_getcpu answers. */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
	(void)cache;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

int __vdso_clock_getres(int clk, struct k_timespec *res)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		if (res) {
			res->tv_sec = 0;
			res->tv_nsec = 1;
		}
		return 0;
	default:
		return (int)syscall3(SYS_clock_getres, clk, (long)res, 0);
	}
}

int clock_gettime(int, struct k_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct k_timeval *, struct k_timezone *)
	__attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(int, struct k_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
