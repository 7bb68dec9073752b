/* ktest_time_sys.c - self-tests for the time conversions, limits and the generator. */
#include <aegis/ktest.h>
#include <aegis/proc.h>
#include <aegis/random.h>
#include <aegis/string.h>
#include <aegis/time_abi.h>

void chacha20_block(const uint32_t k[8], uint64_t ctr, uint64_t nonce, uint32_t out[16]);

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

/* RFC 8439 section 2.3.2 (with its 96-bit nonce split as counter high word + nonce). */
KTEST(time_sys_chacha20_vector_and_random)
{
	uint32_t key[8], out[16];
	uint8_t a[64], b[64];

	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	/* block counter 1, nonce 00:00:00:09 00:00:00:4a 00:00:00:00 */
	chacha20_block(key, 1 | (uint64_t)0x09000000 << 32, 0x4a000000, out);
	KT_ASSERT_EQ(out[0], 0xe4e7f110);
	KT_ASSERT_EQ(out[1], 0x15593bd1);
	KT_ASSERT_EQ(out[15], 0x4e3c50a2);
	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KT_ASSERT(memcmp(a, b, sizeof(a)) != 0);
}
