/*
 * random.c - a ChaCha20 generator with fast key erasure.
 *
 * The key comes from RDSEED/RDRAND when the CPU has them, mixed with TSC jitter
 * (the low bits of timing a short loop, which vary with caches and interrupts).
 * Each request generates ChaCha20 blocks under the current key, then the first
 * 32 bytes of a fresh block become the next key, so earlier output cannot be
 * recomputed from a later state.  Hardware randomness is mixed in on every call.
 */
#include <aegis/cpufeature.h>
#include <aegis/random.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>
#include <asm/cpu.h>

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint32_t key[8];		/* [random_lock] */
static uint64_t counter;	/* [random_lock] */
static bool seeded;		/* [random_lock] */

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d) \
	(a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), \
	 a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))

void chacha20_block(const uint32_t k[8], uint64_t ctr, uint64_t nonce, uint32_t out[16])
{
	uint32_t in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
		k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
		(uint32_t)ctr, (uint32_t)(ctr >> 32), (uint32_t)nonce, (uint32_t)(nonce >> 32),
	};
	uint32_t x[16];

	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

static bool hw_random(uint64_t *v)
{
	unsigned char ok = 0;

	for (int i = 0; i < 10 && !ok; i++) {
		if (cpu_features.rdseed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (!ok && cpu_features.rdrand)
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (!cpu_features.rdseed && !cpu_features.rdrand)
			break;
	}
	return ok;
}

static uint64_t tsc_jitter(void)
{
	uint64_t acc = 0;

	for (int i = 0; i < 64; i++) {
		uint64_t t0 = rdtsc();
		for (volatile int j = 0; j < 16 + (int)(t0 & 7); j++)
			;
		acc = (acc << 1 | acc >> 63) ^ (rdtsc() - t0) ^ t0;
	}
	return acc;
}

/* Mixes 64 bits into the key (caller holds random_lock). */
static void mix(uint64_t v)
{
	key[0] ^= (uint32_t)v;
	key[1] ^= (uint32_t)(v >> 32);
}

void get_random_bytes(void *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&random_lock);
	uint8_t *p = buf;
	uint32_t block[16];
	uint64_t hw;

	if (!seeded) {
		for (int i = 0; i < 4; i++) {
			uint64_t v = tsc_jitter();
			if (hw_random(&hw))
				v ^= hw;
			key[2 * i] ^= (uint32_t)v;
			key[2 * i + 1] ^= (uint32_t)(v >> 32);
		}
		seeded = true;
	}
	if (hw_random(&hw))
		mix(hw);
	mix(rdtsc());
	while (len) {
		size_t n = len < sizeof(block) ? len : sizeof(block);
		chacha20_block(key, counter++, 0, block);
		memcpy(p, block, n);
		p += n;
		len -= n;
	}
	chacha20_block(key, counter++, 1, block);	/* fast key erasure */
	memcpy(key, block, sizeof(key));
	memset(block, 0, sizeof(block));
	spin_unlock_irqrestore(&random_lock, flags);
}
