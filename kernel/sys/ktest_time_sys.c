/* ktest_time_sys.c - self-tests for the time conversions, limits and the generator. */
#include <aegis/ktest.h>
#include <aegis/proc.h>
#include <aegis/random.h>
#include <aegis/string.h>
#include <aegis/time_abi.h>

KTEST(time_sys_conversions)
{
	struct k_timespec ts = { 3, 500 }, bad = { 1, 1000000000 };
	struct k_timeval tv = ns_to_timeval(1234567891ull);

	KT_ASSERT(timespec_valid(&ts));
	KT_ASSERT(!timespec_valid(&bad));
	KT_ASSERT_EQ(timespec_to_ns(&ts), 3000000500ull);
	ts = ns_to_timespec(5000000007ull);
	KT_ASSERT_EQ(ts.tv_sec, 5);
	KT_ASSERT_EQ(ts.tv_nsec, 7);
	KT_ASSERT_EQ(tv.tv_sec, 1);
	KT_ASSERT_EQ(tv.tv_usec, 234567);
	ts.tv_sec = 0x7fffffffffffffffll;
	KT_ASSERT_EQ(timespec_to_ns(&ts), ~0ull >> 1);	/* saturates */
	KT_ASSERT(deadline_after(~0ull) != 0);
}

KTEST(time_sys_random_differs)
{
	uint8_t a[64], b[64];

	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KT_ASSERT(memcmp(a, b, sizeof(a)) != 0);
}
