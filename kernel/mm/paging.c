/*
 * paging.c - 4-level page tables: the kernel's own tables and the pt_* API that
 * user address spaces build on.
 *
 * At boot we replace boot.S's tables (identity + direct map of 4 GiB, 1 GiB of
 * kernel image, all RWX) with: a direct map of every region in the memory map using
 * the largest pages that fit, NX and global; the kernel image in 4 KiB pages with
 * each section's permissions; nothing in the lower half, so NULL faults.
 *
 * The kernel half (PML4 entries 256..511) has all its PDPTs allocated here, once:
 * pt_create() copies those 256 entries and every address space then shares every
 * later change below them (vmalloc, ioremap) without any synchronisation of roots.
 *
 * Locking: a user root belongs to its address space, whose lock the caller holds.
 * Changes below the kernel half go through kpt_lock (vmalloc holds it).
 */
#include <aegis/bootinfo.h>
#include <aegis/cpufeature.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/printk.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>
#include <asm/cpu.h>
#include "internal.h"

extern char __kernel_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[], __kernel_end[];

#define PTE_TABLE_KERNEL	(PTE_P | PTE_W)
#define PTE_TABLE_USER		(PTE_P | PTE_W | PTE_U)
#define GIB			(1ull << 30)

static paddr_t kernel_root;		/* [I] after paging_init */
static bool paging_booting;		/* [I] tables must come from the low 4 GiB */
static size_t kernel_table_pages;	/* [kpt_lock] */
static struct spinlock kpt_spin = SPINLOCK_INIT("kpt");

unsigned long kpt_lock(void)
{
	return spin_lock_irqsave(&kpt_spin);
}

void kpt_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&kpt_spin, flags);
}

static pte_t *table_of(paddr_t pa)
{
	return phys_to_virt(pa & PTE_ADDR_MASK);
}

static unsigned pt_index(vaddr_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static uint64_t level_size(int level)
{
	return 1ull << (PAGE_SHIFT + 9 * (level - 1));
}

static uint64_t nx_bit(void)
{
	return cpu_features.nx ? PTE_NX : 0;
}

static uint64_t global_bit(void)
{
	return cpu_features.pge ? PTE_G : 0;
}

uint64_t paging_kernel_data_flags(void)
{
	return PTE_W | nx_bit() | global_bit();
}

static paddr_t alloc_table(void)
{
	paddr_t pa;

	/* while the boot tables are live only their 4 GiB direct map is reachable */
	pa = paging_booting ? pmm_alloc_pages_below(0, 4 * GIB) : pmm_alloc_page();
	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/*
 * The entry for va at level target (1 = PT), creating tables on the way if create.
 * Stops early at a huge page and reports the level reached in *level.
 */
static pte_t *walk(paddr_t root, vaddr_t va, int target, bool create, int *level)
{
	pte_t *t = table_of(root);
	int l;

	for (l = 4; l > target; l--) {
		pte_t *e = &t[pt_index(va, l)];

		if (!(*e & PTE_P)) {
			paddr_t pa;

			if (!create || !(pa = alloc_table()))
				return NULL;
			if (va >= USER_TOP)
				kernel_table_pages++;
			*e = pa | (va < USER_TOP ? PTE_TABLE_USER : PTE_TABLE_KERNEL);
		} else if (*e & PTE_PS) {
			break;
		}
		t = table_of(*e);
	}
	if (level)
		*level = l;
	return &t[pt_index(va, l)];
}

/*
 * Maps [va, va + size) to [pa, ...) with the largest pages alignment allows (if
 * huge), skipping what is already mapped: memory-map regions rounded to pages may
 * share a page, and a huge page may already cover a small region.
 */
static int map_range(paddr_t root, vaddr_t va, paddr_t pa, uint64_t size,
		     uint64_t flags, bool huge)
{
	uint64_t off = pa - va, end = va + size;

	while (va < end) {
		int target = 1, level;
		pte_t *e;

		if (huge && cpu_features.page1gb && !((va | (va + off)) & (GIB - 1)) &&
		    end - va >= GIB)
			target = 3;
		else if (huge && !((va | (va + off)) & (level_size(2) - 1)) &&
			 end - va >= level_size(2))
			target = 2;
		for (;;) {
			e = walk(root, va, target, true, &level);
			if (!e)
				return -ENOMEM;
			/* a table already hangs here: use smaller pages for this stretch */
			if (level == target && level > 1 && (*e & PTE_P) && !(*e & PTE_PS)) {
				target--;
				continue;
			}
			break;
		}
		if (!(*e & PTE_P))
			*e = (va + off) | flags | PTE_P | (level > 1 ? PTE_PS : 0);
		va = ALIGN_DOWN(va, level_size(level)) + level_size(level);
	}
	return 0;
}

static void map_direct(void)
{
	uint64_t flags = PTE_W | nx_bit() | global_bit();

	for (unsigned i = 0; i < boot_info.n_mem; i++) {
		const struct mem_region *m = &boot_info.mem[i];
		paddr_t s = ALIGN_DOWN(m->base, PAGE_SIZE);
		paddr_t e = ALIGN_UP(m->base + m->len, PAGE_SIZE);

		if (e > DIRECT_MAP_SIZE)
			e = DIRECT_MAP_SIZE;
		if (s < e && map_range(kernel_root, DIRECT_MAP_BASE + s, s, e - s, flags, true))
			panic("mm: out of memory building the direct map");
	}
}

static void map_kernel_part(const char *start, const char *end, uint64_t flags)
{
	vaddr_t s = ALIGN_DOWN((vaddr_t)start, PAGE_SIZE);
	vaddr_t e = ALIGN_UP((vaddr_t)end, PAGE_SIZE);

	if (s < e && map_range(kernel_root, s, s - KERNEL_VMA, e - s, flags | global_bit(),
			       false))
		panic("mm: out of memory mapping the kernel image");
}

static void map_kernel_image(void)
{
	const char *rodata = (const char *)ALIGN_UP((vaddr_t)__text_end, PAGE_SIZE);
	const char *ksyms = (const char *)ALIGN_UP((vaddr_t)__bss_end, PAGE_SIZE);

	map_kernel_part(__kernel_start, __text_end, 0);
	map_kernel_part(rodata, __data_start, nx_bit());
	map_kernel_part(__data_start, __bss_end, PTE_W | nx_bit());
	map_kernel_part(ksyms, __kernel_end, nx_bit());
}

void paging_init(void)
{
	paging_booting = true;
	kernel_root = alloc_table();
	if (!kernel_root)
		panic("mm: no memory for the kernel page tables");
	for (unsigned i = 256; i < 512; i++) {
		paddr_t pdpt = alloc_table();

		if (!pdpt)
			panic("mm: no memory for the kernel page tables");
		table_of(kernel_root)[i] = pdpt | PTE_TABLE_KERNEL;
	}
	kernel_table_pages = 257;
	map_direct();
	map_kernel_image();
	write_cr3(kernel_root);
	tlb_flush_all();
	paging_booting = false;
}

size_t paging_kernel_table_pages(void)
{
	return kernel_table_pages;
}

paddr_t pt_kernel_root(void)
{
	return kernel_root;
}

paddr_t pt_create(void)
{
	paddr_t root = alloc_table();

	if (root)
		memcpy(table_of(root) + 256, table_of(kernel_root) + 256, 256 * sizeof(pte_t));
	return root;
}

static void free_tables(paddr_t table, int level)
{
	pte_t *t = table_of(table);

	if (level > 1)
		for (unsigned i = 0; i < 512; i++)
			if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
				free_tables(t[i] & PTE_ADDR_MASK, level - 1);
	pmm_free_page(table);
}

void pt_destroy(paddr_t root)
{
	pte_t *t = table_of(root);

	if (!root || root == kernel_root)
		return;
	for (unsigned i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			free_tables(t[i] & PTE_ADDR_MASK, 3);
	pmm_free_page(root);
}

pte_t *pt_walk(paddr_t root, vaddr_t va, bool create)
{
	return walk(root, va, 1, create, NULL);
}

int pt_map(paddr_t root, vaddr_t va, paddr_t pa, uint64_t flags)
{
	int level;
	pte_t *e = walk(root, va, 1, true, &level);

	if (!e)
		return -ENOMEM;
	if (level != 1)
		return -EEXIST;	/* inside a huge page */
	*e = (pa & PTE_ADDR_MASK) | flags | PTE_P;
	return 0;
}

static bool is_current(paddr_t root, vaddr_t va)
{
	return va >= USER_TOP || (read_cr3() & PTE_ADDR_MASK) == root;
}

void pt_unmap(paddr_t root, vaddr_t va)
{
	pte_t *e = walk(root, va, 1, false, NULL);

	if (!e || !(*e & PTE_P))
		return;
	*e = 0;
	if (is_current(root, va))
		tlb_flush_page(va);
}

void pt_switch(paddr_t root)
{
	write_cr3(root);
}

void tlb_flush_page(vaddr_t va)
{
	invlpg(va);
}

void tlb_flush_all(void)
{
	uint64_t cr4 = read_cr4();

	/* toggling PGE drops global entries too; a CR3 write alone would keep them */
	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

paddr_t virt_to_phys(const void *p)
{
	vaddr_t va = (vaddr_t)p;
	int level;
	pte_t *e;

	if (va >= KERNEL_VMA)
		return va - KERNEL_VMA;
	if (va >= DIRECT_MAP_BASE && va < DIRECT_MAP_BASE + DIRECT_MAP_SIZE)
		return va - DIRECT_MAP_BASE;
	if (!kernel_root || va < USER_TOP)
		return 0;
	e = walk(kernel_root, va, 1, false, &level);
	if (!e || !(*e & PTE_P))
		return 0;
	return (*e & PTE_ADDR_MASK & ~(level_size(level) - 1)) + (va & (level_size(level) - 1));
}
