/*
 * random.c - a ChaCha20-based CSPRNG.  The key is seeded from RDSEED/RDRAND when
 * the CPU has them, always mixed with TSC jitter; after every request the
 * generator rekeys itself from its own output (fast key erasure), so a later
 * compromise of the state does not reveal earlier output.
 */
#include <aegis/arch.h>
#include <aegis/cpufeature.h>
#include <aegis/random.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>

static uint32_t key[8];				/* [rng_lock] */
static uint64_t counter;			/* [rng_lock] */
static bool seeded;				/* [rng_lock] */
static struct spinlock rng_lock = SPINLOCK_INIT("random");

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))
#define QR(a, b, c, d)						\
	(a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12),	\
	 a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))

static void chacha_block(const uint32_t k[8], uint64_t ctr, uint32_t out[16])
{
	uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
			   k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
			   (uint32_t)ctr, (uint32_t)(ctr >> 32), 0, 0 };
	uint32_t x[16];

	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + s[i];
}

static inline uint64_t rdtsc_raw(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static bool hw_random(uint64_t *v)
{
	unsigned char ok = 0;

	for (int tries = 0; tries < 10 && !ok; tries++) {
		if (cpu_features.rdseed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		else if (cpu_features.rdrand)
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		else
			return false;
	}
	return ok;
}

/* rng_lock held. */
static void seed(void)
{
	uint32_t block[16];

	for (int i = 0; i < 8; i++) {
		uint64_t v = 0, t0 = rdtsc_raw();
		hw_random(&v);
		/* Jitter: the low bits of a short timed loop vary run to run. */
		for (volatile int k = 0; k < 64 + (int)(t0 & 63); k++)
			;
		key[i] ^= (uint32_t)v ^ (uint32_t)(v >> 32) ^ (uint32_t)(rdtsc_raw() - t0) ^
			  (uint32_t)t0;
	}
	chacha_block(key, ~0ull, block);
	memcpy(key, block, sizeof(key));
	seeded = true;
}

void get_random_bytes(void *buf, size_t n)
{
	uint32_t block[16];
	unsigned long flags = spin_lock_irqsave(&rng_lock);
	char *p = buf;

	if (!seeded)
		seed();
	key[0] ^= (uint32_t)rdtsc_raw();
	while (n) {
		chacha_block(key, counter++, block);
		size_t k = MIN(n, sizeof(block));
		memcpy(p, block, k);
		p += k;
		n -= k;
	}
	chacha_block(key, counter++, block);	/* fast key erasure */
	memcpy(key, block, sizeof(key));
	memset(block, 0, sizeof(block));
	spin_unlock_irqrestore(&rng_lock, flags);
}
