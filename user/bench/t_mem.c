/*
 * Virtual memory: anonymous page faults (first touch of fresh pages; huge pages are
 * declined with MADV_NOHUGEPAGE where the kernel has it) and mmap+munmap of one page
 * and of 1 MiB, untouched.
 */
#include <errno.h>
#include <sys/mman.h>

#include "bench.h"

static int64_t round_fault(long iters)
{
	long len = iters * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int64_t t0, t;

	if (p == MAP_FAILED)
		return -errno;
	madvise(p, len, MADV_NOHUGEPAGE);
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		p[i * 4096] = 1;
	t = now_ns() - t0;
	munmap(p, len);
	return t;
}

static int64_t round_mmap(long iters, long len)
{
	int64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -errno;
		if (munmap(p, len) < 0)
			return -errno;
	}
	return now_ns() - t0;
}

static int64_t round_mmap_4k(long iters)
{
	return round_mmap(iters, 4096);
}

static int64_t round_mmap_1m(long iters)
{
	return round_mmap(iters, MIB);
}

const struct bench_test mem_tests[] = {
	{ "page_fault", BENCH_PER_OP, 4096, 1, NULL, round_fault, NULL },
	{ "mmap_munmap_4k", BENCH_PER_OP, 5000, 1, NULL, round_mmap_4k, NULL },
	{ "mmap_munmap_1m", BENCH_PER_OP, 2000, 1, NULL, round_mmap_1m, NULL },
	{ 0 },
};
