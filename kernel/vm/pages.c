/*
 * pages.c - the user half of an address space's page tables: PTE flags from a
 * VMA, dropping and re-protecting ranges, and the copy-on-write copy for fork.
 *
 * Every mapped user page holds one reference (page_get/page_put) per PTE that maps
 * it, so fork shares a page by taking a reference, and the last unmap frees it.
 * Walking a range skips 2 MiB at a time where no page table exists, so large
 * sparse mappings are cheap to unmap.  Callers hold mm->lock.
 */
#include <aegis/cpufeature.h>
#include <aegis/mm.h>
#include "internal.h"


uint64_t vm_pte_flags(const struct vma *v)
{
	uint64_t f = PTE_P;

	if (v->prot != PROT_NONE)
		f |= PTE_U;
	if (vma_shared(v)) {
		f |= PTE_SHARED;
		if (v->prot & PROT_WRITE)
			f |= PTE_W;
	}
	if (!(v->prot & PROT_EXEC) && cpu_features.nx)
		f |= PTE_NX;
	return f;
}

/* Calls fn on each present PTE of [start, end). */
static void for_each_pte(paddr_t root, vaddr_t start, vaddr_t end,
			 void (*fn)(pte_t *pte, vaddr_t va, void *arg), void *arg)
{
	vaddr_t va = start;

	/* one table walk per leaf table; its entries are then consecutive */
	while (va < end) {
		vaddr_t stop = MIN(end, ALIGN_DOWN(va, PT_SPAN) + PT_SPAN);
		pte_t *pte = pt_walk(root, va, false);

		for (; pte && va < stop; va += PAGE_SIZE, pte++)
			if (*pte & PTE_P)
				fn(pte, va, arg);
		va = stop;
	}
}

static void unmap_one(pte_t *pte, vaddr_t va, void *arg)
{
	struct mm_space *mm = arg;
	paddr_t pa = *pte & PTE_ADDR_MASK;

	*pte = 0;
	tlb_flush_page(va);
	page_put(pa);
	mm->rss--;
}

void vm_unmap_pages(struct mm_space *mm, vaddr_t start, vaddr_t end)
{
	for_each_pte(mm->root, start, end, unmap_one, mm);
}

static void protect_one(pte_t *pte, vaddr_t va, void *arg)
{
	const struct vma *v = arg;
	uint64_t keep = *pte & (PTE_ADDR_MASK | PTE_A | PTE_D);

	if (vma_shared(v))
		*pte = keep | vm_pte_flags(v);
	else	/* the next write decides, by refcount, whether to copy */
		*pte = keep | vm_pte_flags(v) | PTE_COW;
	tlb_flush_page(va);
}

void vm_protect_pages(struct mm_space *mm, const struct vma *v, vaddr_t start, vaddr_t end)
{
	for_each_pte(mm->root, start, end, protect_one, (void *)v);
}
