/* time_abi.h - Linux's time structures (x86-64) and conversions, for the syscalls. */
#ifndef AEGIS_TIME_ABI_H
#define AEGIS_TIME_ABI_H

#include <aegis/time.h>
#include <aegis/types.h>

struct k_timespec {
	int64_t tv_sec, tv_nsec;
};

struct k_timeval {
	int64_t tv_sec, tv_usec;
};

struct k_itimerval {
	struct k_timeval it_interval, it_value;
};

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7
#define TIMER_ABSTIME			1

static inline bool timespec_valid(const struct k_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)NSEC_PER_SEC;
}

/* Saturates instead of overflowing (huge timeouts mean "forever"). */
static inline uint64_t timespec_to_ns(const struct k_timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= (~0ull >> 1) / NSEC_PER_SEC)
		return ~0ull >> 1;
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static inline struct k_timespec ns_to_timespec(uint64_t ns)
{
	return (struct k_timespec){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
}

static inline struct k_timeval ns_to_timeval(uint64_t ns)
{
	return (struct k_timeval){ (int64_t)(ns / NSEC_PER_SEC),
				   (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

/* A deadline for time_ns() from now + ns, saturating. */
static inline uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = time_ns();

	return now + ns < now ? ~0ull >> 1 : now + ns;
}

#endif
