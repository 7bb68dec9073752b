/*
 * ktest_vm_model.c - random mmap/munmap/mprotect/fault sequences checked against
 * a reference model of the address space (one protection per page), then a leak
 * check.  The VMA array must also stay canonical: sorted, disjoint, and with no
 * two adjacent VMAs that could have been merged.
 */
#include <aegis/errno.h>
#include <aegis/ktest.h>
#include "internal.h"

#define NPAGES	64
#define BASE	0x1000000ul
#define NONE_	(-1)

static uint64_t seed = 0x853c49e6748fea9bull;

static unsigned rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

static bool canonical(struct mm_space *mm)
{
	for (size_t i = 0; i < mm->vmas.n; i++) {
		struct vma *v = mm->vmas.v[i];

		if (v->start >= v->end)
			return false;
		if (i && (mm->vmas.v[i - 1]->end > v->start ||
			  (mm->vmas.v[i - 1]->end == v->start &&
			   mm->vmas.v[i - 1]->prot == v->prot)))
			return false;
	}
	return true;
}

static bool matches(struct mm_space *mm, const int *model)
{
	size_t total = 0;

	for (int i = 0; i < NPAGES; i++) {
		struct vma *v = vma_find(&mm->vmas, BASE + i * PAGE_SIZE);

		if ((model[i] == NONE_) != !v || (v && v->prot != model[i]))
			return false;
		total += model[i] != NONE_;
	}
	return total == vm_total_pages(mm) && canonical(mm);
}

static void one_step(struct ktest_ctx *ctx, struct mm_space *mm, int *model)
{
	unsigned a = rnd(NPAGES), n = 1 + rnd(NPAGES - a), op = rnd(4);
	int prot = rnd(4) == 0 ? PROT_NONE : (int)(1 + rnd(3));
	vaddr_t va = BASE + a * PAGE_SIZE;
	bool covered = true;

	for (unsigned i = a; i < a + n; i++)
		covered &= model[i] != NONE_;
	if (op == 0) {
		KT_ASSERT_EQ(vm_mmap(mm, va, n * PAGE_SIZE, prot,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), va);
		for (unsigned i = a; i < a + n; i++)
			model[i] = prot;
	} else if (op == 1) {
		KT_ASSERT_EQ(vm_munmap(mm, va, n * PAGE_SIZE), 0);
		for (unsigned i = a; i < a + n; i++)
			model[i] = NONE_;
	} else if (op == 2) {
		/* Linux: the mapped run from va changes, a hole gives ENOMEM */
		KT_ASSERT_EQ(vm_mprotect(mm, va, n * PAGE_SIZE, prot), covered ? 0 : -ENOMEM);
		for (unsigned i = a; i < a + n && model[i] != NONE_; i++)
			model[i] = prot;
	} else {
		int want = model[a] == NONE_ ? -EFAULT :
			   (model[a] & PROT_WRITE) ? 0 : -EACCES;

		KT_ASSERT_EQ(vm_fault(mm, va, 0x6), want);
	}
}

KTEST(vm_random_model)
{
	int model[NPAGES];
	struct mm_space *mm;
	size_t before;

	mm = vm_create();		/* warm the caches before measuring */
	vm_mmap(mm, BASE, NPAGES * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_FIXED, NULL, 0);
	vm_put(mm);
	before = pmm_free_pages_count();
	mm = vm_create();
	for (int i = 0; i < NPAGES; i++)
		model[i] = NONE_;
	for (int step = 0; step < 3000 && !ctx->failures; step++) {
		one_step(ctx, mm, model);
		if (!matches(mm, model)) {
			printk(LOG_ERR, "vm_random_model: mismatch after step %d\n", step);
			ctx->failures++;
		}
	}
	vm_munmap(mm, BASE, NPAGES * PAGE_SIZE);
	KT_ASSERT_EQ(vm_rss_pages(mm), 0);
	KT_ASSERT_EQ(mm->vmas.n, 0);
	vm_put(mm);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}
