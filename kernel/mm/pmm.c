/*
 * pmm.c - the physical page allocator: buddy.c's core over the boot memory map,
 * behind one irq-safe lock.
 *
 * The struct page array covers frames 0 .. the end of the highest usable region and
 * is itself carved out of usable memory (the first low region big enough, so the
 * boot tables' direct map of the first 4 GiB already reaches it).  Frames that are
 * not usable RAM, the first MiB (BIOS data, real-mode leftovers, DMA-able low
 * memory we keep out of the way), the kernel image, the boot modules (the
 * initramfs, read later) and the array itself stay PG_RESERVED forever.
 */
#include <aegis/bootinfo.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/printk.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>
#include "buddy.h"
#include "internal.h"

extern char __kernel_start[], __kernel_end[];

static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");
static struct buddy pmm;		/* [pmm_lock] */
static size_t pmm_total;		/* [I] usable RAM pages, before reservations */
static paddr_t pmm_array_pa;		/* [I] where the struct page array lives */
static size_t pmm_array_bytes;		/* [I] */

struct reserved {
	paddr_t start, end;
};

/* The ranges every usable region is clipped against, in no particular order. */
static unsigned collect_reserved(struct reserved *r, unsigned max)
{
	unsigned n = 0;

	r[n++] = (struct reserved){ 0, 1ull << 20 };
	r[n++] = (struct reserved){ (paddr_t)(__kernel_start - KERNEL_VMA),
				    (paddr_t)(__kernel_end - KERNEL_VMA) };
	for (unsigned i = 0; i < boot_info.n_mods && n < max; i++)
		r[n++] = (struct reserved){ boot_info.mods[i].start, boot_info.mods[i].end };
	if (pmm_array_bytes && n < max)
		r[n++] = (struct reserved){ pmm_array_pa, pmm_array_pa + pmm_array_bytes };
	return n;
}

/* The lowest page-aligned piece of [start, end) that overlaps no reserved range. */
static bool first_free_piece(paddr_t *start, paddr_t end, const struct reserved *r,
			     unsigned n, paddr_t *piece_end)
{
	paddr_t s = ALIGN_UP(*start, PAGE_SIZE);

	for (bool moved = true; moved;) {
		moved = false;
		for (unsigned i = 0; i < n; i++) {
			if (s < r[i].end && s >= ALIGN_DOWN(r[i].start, PAGE_SIZE)) {
				s = ALIGN_UP(r[i].end, PAGE_SIZE);
				moved = true;
			}
		}
	}
	if (s >= ALIGN_DOWN(end, PAGE_SIZE))
		return false;
	*piece_end = ALIGN_DOWN(end, PAGE_SIZE);
	for (unsigned i = 0; i < n; i++)
		if (r[i].start > s && ALIGN_DOWN(r[i].start, PAGE_SIZE) < *piece_end)
			*piece_end = ALIGN_DOWN(r[i].start, PAGE_SIZE);
	*start = s;
	return true;
}

static paddr_t find_array_home(size_t bytes)
{
	struct reserved r[BOOT_MAX_MODS + 3];
	unsigned n = collect_reserved(r, ARRAY_SIZE(r));

	for (unsigned i = 0; i < boot_info.n_mem; i++) {
		const struct mem_region *m = &boot_info.mem[i];
		paddr_t s = m->base, e;

		if (m->type != MEM_USABLE)
			continue;
		while (first_free_piece(&s, m->base + m->len, r, n, &e)) {
			if (e - s >= bytes && e <= (4ull << 30))
				return s;
			s = e;
		}
	}
	return 0;
}

void pmm_init(void)
{
	struct reserved r[BOOT_MAX_MODS + 3];
	uint64_t max_pfn = 0;
	unsigned n;

	for (unsigned i = 0; i < boot_info.n_mem; i++) {
		const struct mem_region *m = &boot_info.mem[i];

		if (m->type != MEM_USABLE)
			continue;
		pmm_total += (ALIGN_DOWN(m->base + m->len, PAGE_SIZE) -
			      ALIGN_UP(m->base, PAGE_SIZE)) / PAGE_SIZE;
		max_pfn = MAX(max_pfn, (m->base + m->len) >> PAGE_SHIFT);
	}
	pmm_array_bytes = ALIGN_UP(max_pfn * sizeof(struct page), PAGE_SIZE);
	pmm_array_pa = find_array_home(pmm_array_bytes);
	if (!pmm_array_pa)
		panic("mm: no room for the page array (%zu KiB)", pmm_array_bytes >> 10);
	buddy_init(&pmm, phys_to_virt(pmm_array_pa), 0, max_pfn);

	n = collect_reserved(r, ARRAY_SIZE(r));
	for (unsigned i = 0; i < boot_info.n_mem; i++) {
		const struct mem_region *m = &boot_info.mem[i];
		paddr_t s = m->base, e;

		if (m->type != MEM_USABLE)
			continue;
		while (first_free_piece(&s, m->base + m->len, r, n, &e)) {
			buddy_add_range(&pmm, s >> PAGE_SHIFT, e >> PAGE_SHIFT);
			s = e;
		}
	}
	pr_info("mm: %zu MiB free of %zu MiB at start (page array %zu KiB at %#llx)\n",
		pmm.free_count >> (20 - PAGE_SHIFT), pmm_total >> (20 - PAGE_SHIFT),
		pmm_array_bytes >> 10, (unsigned long long)pmm_array_pa);
}

paddr_t pmm_alloc_pages(unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = buddy_alloc(&pmm, order);
	paddr_t pa = pg ? buddy_page_to_pfn(&pmm, pg) << PAGE_SHIFT : 0;

	spin_unlock_irqrestore(&pmm_lock, flags);
	return pa;
}

paddr_t pmm_alloc_pages_below(unsigned order, paddr_t limit)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = buddy_alloc_below(&pmm, order, limit >> PAGE_SHIFT);
	paddr_t pa = pg ? buddy_page_to_pfn(&pmm, pg) << PAGE_SHIFT : 0;

	spin_unlock_irqrestore(&pmm_lock, flags);
	return pa;
}

void pmm_free_pages(paddr_t pa, unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = buddy_pfn_to_page(&pmm, pa >> PAGE_SHIFT);
	int err = (pa & (PAGE_SIZE - 1)) || !pg ? -1 : buddy_free(&pmm, pg, order);

	spin_unlock_irqrestore(&pmm_lock, flags);
	if (err)
		pr_err("mm: bad free of %#llx order %u (double free or not allocated)\n",
		       (unsigned long long)pa, order);
}

paddr_t pmm_alloc_zeroed_page(void)
{
	paddr_t pa = pmm_alloc_page();

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

struct page *phys_to_page(paddr_t pa)
{
	return buddy_pfn_to_page(&pmm, pa >> PAGE_SHIFT);
}

paddr_t page_to_phys(const struct page *pg)
{
	return buddy_page_to_pfn(&pmm, pg) << PAGE_SHIFT;
}

void page_get(paddr_t pa)
{
	struct page *pg = phys_to_page(pa);

	if (pg)
		__atomic_fetch_add(&pg->refcount, 1, __ATOMIC_RELAXED);
}

void page_put(paddr_t pa)
{
	struct page *pg = phys_to_page(pa);

	if (!pg || (pg->flags & (PG_RESERVED | PG_FREE | PG_TAIL))) {
		pr_err("mm: page_put on a page that is not allocated (%#llx)\n",
		       (unsigned long long)pa);
		return;
	}
	if (__atomic_sub_fetch(&pg->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		pmm_free_pages(pa & ~(PAGE_SIZE - 1), pg->order);
}

size_t pmm_free_pages_count(void)
{
	return __atomic_load_n(&pmm.free_count, __ATOMIC_RELAXED);
}

size_t pmm_total_pages_count(void)
{
	return pmm_total;
}

/* Free blocks per order, for /proc/buddyinfo. */
void pmm_free_blocks(size_t blocks[MAX_ORDER + 1])
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);

	for (unsigned o = 0; o <= MAX_ORDER; o++)
		blocks[o] = pmm.free_blocks[o];
	spin_unlock_irqrestore(&pmm_lock, flags);
}

void pmm_dump(void)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	size_t blocks[MAX_ORDER + 1], free = pmm.free_count;

	for (unsigned o = 0; o <= MAX_ORDER; o++)
		blocks[o] = pmm.free_blocks[o];
	spin_unlock_irqrestore(&pmm_lock, flags);
	pr_info("pmm: %zu of %zu pages free\n", free, pmm_total);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		pr_info("pmm: order %2u (%5zu KiB): %zu free blocks\n", o,
			(PAGE_SIZE << o) >> 10, blocks[o]);
}
