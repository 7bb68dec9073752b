/*
 * vmalloc.c - virtually contiguous kernel areas in [VMALLOC_BASE, +VMALLOC_SIZE):
 * vmalloc() backs them with single pages from anywhere, ioremap() maps device
 * memory there uncached.
 *
 * Areas are kept in an address-sorted list (there are few of them) and placed first
 * fit; each is followed by one unmapped guard page, and the area space starts with
 * one, so running off either end of an area faults instead of corrupting a
 * neighbour.  All mapping goes into the kernel root below PML4 entries that every
 * address space shares, so no root needs to be told.
 */
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/spinlock.h>
#include "internal.h"

struct vm_area {
	vaddr_t start;			/* [I] first mapped byte */
	size_t pages;			/* [I] mapped pages (the guard page follows) */
	bool io;			/* [I] ioremap: the frames are not ours */
	struct vm_area *next;		/* [vm_lock] sorted by start */
};

static struct spinlock vm_lock = SPINLOCK_INIT("vmalloc");
static struct vm_area *vm_areas;	/* [vm_lock] */

/* Reserves pages + 1 guard page of address space; 0 if none is left. */
static vaddr_t area_insert(struct vm_area *a, size_t pages)
{
	struct vm_area **link = &vm_areas;
	vaddr_t start = VMALLOC_BASE + PAGE_SIZE;
	unsigned long flags = spin_lock_irqsave(&vm_lock);

	for (struct vm_area *n = vm_areas; n; n = n->next) {
		if (n->start - start >= (pages + 1) * PAGE_SIZE)
			break;
		start = n->start + (n->pages + 1) * PAGE_SIZE;
		link = &n->next;
	}
	if (start + (pages + 1) * PAGE_SIZE > VMALLOC_BASE + VMALLOC_SIZE) {
		spin_unlock_irqrestore(&vm_lock, flags);
		return 0;
	}
	a->start = start;
	a->pages = pages;
	a->next = *link;
	*link = a;
	spin_unlock_irqrestore(&vm_lock, flags);
	return start;
}

static struct vm_area *area_remove(vaddr_t start)
{
	unsigned long flags = spin_lock_irqsave(&vm_lock);
	struct vm_area **link = &vm_areas, *a;

	while ((a = *link) && a->start != start)
		link = &a->next;
	if (a)
		*link = a->next;
	spin_unlock_irqrestore(&vm_lock, flags);
	return a;
}

/* Unmaps an area's first n pages, freeing the frames unless it is an io area. */
static void area_unmap(struct vm_area *a, size_t n)
{
	paddr_t root = pt_kernel_root();

	for (size_t i = 0; i < n; i++) {
		vaddr_t va = a->start + i * PAGE_SIZE;
		unsigned long flags = kpt_lock();
		pte_t *e = pt_walk(root, va, false);
		paddr_t pa = e && (*e & PTE_P) ? *e & PTE_ADDR_MASK : 0;

		if (e)
			*e = 0;
		kpt_unlock(flags);
		tlb_flush_page(va);
		if (pa && !a->io)
			pmm_free_page(pa);
	}
}

static int area_map_page(vaddr_t va, paddr_t pa, uint64_t flags)
{
	unsigned long irq = kpt_lock();
	int err = pt_map(pt_kernel_root(), va, pa, flags);

	kpt_unlock(irq);
	return err;
}

void *vmalloc(size_t size)
{
	size_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	struct vm_area *a;

	if (!size || pages > VMALLOC_SIZE / PAGE_SIZE / 2)
		return NULL;
	a = kmalloc(sizeof(*a));
	if (!a)
		return NULL;
	a->io = false;
	if (!area_insert(a, pages)) {
		kfree(a);
		return NULL;
	}
	for (size_t i = 0; i < pages; i++) {
		paddr_t pa = pmm_alloc_page();

		if (!pa || area_map_page(a->start + i * PAGE_SIZE, pa,
					 paging_kernel_data_flags())) {
			if (pa)
				pmm_free_page(pa);
			area_unmap(a, i);
			area_remove(a->start);
			kfree(a);
			return NULL;
		}
	}
	return (void *)a->start;
}

void vfree(void *p)
{
	struct vm_area *a;

	if (!p)
		return;
	a = area_remove((vaddr_t)p & ~(PAGE_SIZE - 1));
	if (!a || (!a->io && (vaddr_t)p != a->start)) {
		pr_err("vmalloc: vfree of %p, which is no vmalloc area\n", p);
		return;
	}
	area_unmap(a, a->pages);
	kfree(a);
}

void *ioremap(paddr_t pa, size_t size)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t pages = (ALIGN_UP(pa + size, PAGE_SIZE) - base) / PAGE_SIZE;
	uint64_t flags = paging_kernel_data_flags() | PTE_PCD | PTE_PWT;
	struct vm_area *a;

	if (!size || pa + size < pa)
		return NULL;
	a = kmalloc(sizeof(*a));
	if (!a)
		return NULL;
	a->io = true;
	if (!area_insert(a, pages)) {
		kfree(a);
		return NULL;
	}
	for (size_t i = 0; i < pages; i++) {
		if (area_map_page(a->start + i * PAGE_SIZE, base + i * PAGE_SIZE, flags)) {
			area_unmap(a, i);
			area_remove(a->start);
			kfree(a);
			return NULL;
		}
	}
	return (void *)(a->start + (pa - base));
}

void iounmap(void *p)
{
	vfree(p);
}

void vmalloc_dump(void)
{
	unsigned long flags = spin_lock_irqsave(&vm_lock);

	for (struct vm_area *a = vm_areas; a; a = a->next)
		pr_info("vmalloc: %#llx-%#llx %zu pages%s\n", (unsigned long long)a->start,
			(unsigned long long)(a->start + a->pages * PAGE_SIZE - 1), a->pages,
			a->io ? " ioremap" : "");
	spin_unlock_irqrestore(&vm_lock, flags);
}
