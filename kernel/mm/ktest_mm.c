/*
 * ktest_mm.c - in-kernel self-tests of memory management ("ktest=mm").  They run on
 * the real allocator and page tables, so they check what the host tests cannot:
 * the boot memory map, the hardware page-table format and the kernel's mappings.
 */
#include <aegis/bootinfo.h>
#include <aegis/cpufeature.h>
#include <aegis/ktest.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include "internal.h"

extern char __kernel_start[], __text_end[], __rodata_start[], __data_start[];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

KTEST(mm_pmm_all_pages)
{
	size_t before = pmm_free_pages_count(), n = 0;
	paddr_t head = 0, pa;

	/* chain every free page through its own first word */
	while ((pa = pmm_alloc_page())) {
		KT_ASSERT(!(pa & (PAGE_SIZE - 1)) && pa >= (1ull << 20));
		*(paddr_t *)phys_to_virt(pa) = head;
		head = pa;
		n++;
	}
	KT_ASSERT_EQ(pmm_free_pages_count(), 0);
	KT_ASSERT_EQ(n, before);
	KT_ASSERT_EQ(pmm_alloc_pages(0), 0);
	while (head) {
		pa = head;
		head = *(paddr_t *)phys_to_virt(pa);
		pmm_free_page(pa);
	}
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

KTEST(mm_pmm_orders)
{
	size_t before = pmm_free_pages_count();

	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		paddr_t pa = pmm_alloc_pages(o);
		char *p = phys_to_virt(pa);

		KT_ASSERT(pa);
		if (!pa)
			continue;
		KT_ASSERT_EQ(pa & ((PAGE_SIZE << o) - 1), 0);
		KT_ASSERT_EQ(pmm_free_pages_count(), before - ((size_t)1 << o));
		KT_ASSERT_EQ(phys_to_page(pa)->refcount, 1);
		p[0] = 1;
		p[(PAGE_SIZE << o) - 1] = 2;
		pmm_free_pages(pa, o);
		KT_ASSERT_EQ(pmm_free_pages_count(), before);
	}
	KT_ASSERT_EQ(pmm_alloc_pages(MAX_ORDER + 1), 0);

	/* refcounting: the page goes back on the last put */
	paddr_t pa = pmm_alloc_zeroed_page();
	KT_ASSERT(pa && *(uint64_t *)phys_to_virt(pa) == 0);
	page_get(pa);
	page_put(pa);
	KT_ASSERT_EQ(pmm_free_pages_count(), before - 1);
	page_put(pa);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

#define SLOTS	1024

KTEST(mm_kmalloc_stress)
{
	static uint8_t *ptr[SLOTS];
	static size_t len[SLOTS];
	size_t before = pmm_free_pages_count();

	for (unsigned iter = 0; iter < 20000; iter++) {
		unsigned i = rng() % SLOTS;

		if (ptr[i]) {
			for (size_t k = 0; k < len[i]; k++)
				if (ptr[i][k] != (uint8_t)(i + k)) {
					KT_ASSERT(!"kmalloc contents corrupted");
					break;
				}
			kfree(ptr[i]);
			ptr[i] = NULL;
			continue;
		}
		len[i] = rng() & 1 ? 1 + rng() % 256 : 1 + rng() % 20000;
		ptr[i] = kmalloc(len[i]);
		KT_ASSERT(ptr[i]);
		if (!ptr[i])
			continue;
		for (size_t k = 0; k < len[i]; k++)
			ptr[i][k] = (uint8_t)(i + k);
	}
	for (unsigned i = 0; i < SLOTS; i++) {
		kfree(ptr[i]);
		ptr[i] = NULL;
	}
	kfree(NULL);

	char *p = kmalloc(10);
	KT_ASSERT(p);
	memcpy(p, "123456789", 10);
	p = krealloc(p, 6000);
	KT_ASSERT(p && !memcmp(p, "123456789", 10));
	kfree(p);
	KT_ASSERT(kzalloc(100) != NULL);

	/* caches keep one empty slab each; allow that much */
	KT_ASSERT(before - pmm_free_pages_count() < 64);
}

static bool mapped(vaddr_t va, uint64_t *flags)
{
	pte_t *e = pt_walk(pt_kernel_root(), va, false);

	if (flags && e)
		*flags = *e;
	return e && (*e & PTE_P);
}

KTEST(mm_vmalloc_guards)
{
	size_t before = pmm_free_pages_count();
	size_t sizes[3] = { 3 << 20, 5000, 1 << 20 };
	char *a[3];
	uint64_t f;

	for (int i = 0; i < 3; i++) {
		a[i] = vmalloc(sizes[i]);
		KT_ASSERT(a[i]);
		if (!a[i])
			return;
		KT_ASSERT((vaddr_t)a[i] >= VMALLOC_BASE + PAGE_SIZE);
		memset(a[i], i + 1, sizes[i]);
		for (size_t off = 0; off < sizes[i]; off += PAGE_SIZE) {
			KT_ASSERT(mapped((vaddr_t)a[i] + off, &f));
			KT_ASSERT(f & PTE_W);
			KT_ASSERT(!cpu_features.nx || (f & PTE_NX));
			KT_ASSERT_EQ(virt_to_phys(a[i] + off), f & PTE_ADDR_MASK);
		}
		/* the guard page after the area and the one before are unmapped */
		KT_ASSERT(!mapped(ALIGN_UP((vaddr_t)a[i] + sizes[i], PAGE_SIZE), NULL));
		KT_ASSERT(!mapped((vaddr_t)a[i] - PAGE_SIZE, NULL));
	}
	for (int i = 0; i < 3; i++)
		KT_ASSERT(a[i][0] == i + 1 && a[i][sizes[i] - 1] == i + 1);
	vfree(a[1]);
	KT_ASSERT(!mapped((vaddr_t)a[1], NULL));
	vfree(a[0]);
	vfree(a[2]);

	/* ioremap keeps the offset and maps uncached */
	paddr_t pa = pmm_alloc_zeroed_page();
	*(uint32_t *)phys_to_virt(pa + 0x123) = 0xfeedf00d;
	char *io = ioremap(pa + 0x123, 4);
	KT_ASSERT(io && ((vaddr_t)io & (PAGE_SIZE - 1)) == 0x123);
	if (io) {
		KT_ASSERT_EQ(*(volatile uint32_t *)io, 0xfeedf00d);
		KT_ASSERT(mapped((vaddr_t)io, &f) && (f & PTE_PCD) && (f & PTE_PWT));
		iounmap(io);
	}
	pmm_free_page(pa);
	/* the area descriptors come from kmalloc, which may keep a slab */
	KT_ASSERT(before - pmm_free_pages_count() < 8);
}

KTEST(mm_page_tables)
{
	size_t before = pmm_free_pages_count();
	paddr_t root = pt_create(), frames[3];
	vaddr_t vas[3] = { 0x400000, 0x7fffffffe000ull, 0x12345678000ull };

	KT_ASSERT(root);
	if (!root)
		return;
	KT_ASSERT(!memcmp((pte_t *)phys_to_virt(root) + 256,
			  (pte_t *)phys_to_virt(pt_kernel_root()) + 256, 256 * sizeof(pte_t)));
	for (int i = 0; i < 3; i++) {
		frames[i] = pmm_alloc_page();
		KT_ASSERT_EQ(pt_map(root, vas[i], frames[i], PTE_U | PTE_W), 0);
	}
	for (int i = 0; i < 3; i++) {
		pte_t *e = pt_walk(root, vas[i] + 0x10, false);

		KT_ASSERT(e && (*e & PTE_P) && (*e & PTE_U));
		KT_ASSERT(e && (*e & PTE_ADDR_MASK) == frames[i]);
	}
	KT_ASSERT(!pt_walk(root, 0x200000000ull, false));
	/* the new root runs the kernel just as well */
	pt_switch(root);
	*(volatile int *)phys_to_virt(frames[0]) = 5;
	pt_switch(pt_kernel_root());
	pt_unmap(root, vas[1]);
	KT_ASSERT(!(*pt_walk(root, vas[1], false) & PTE_P));
	pt_destroy(root);
	for (int i = 0; i < 3; i++)
		pmm_free_page(frames[i]);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

KTEST(mm_kernel_mappings)
{
	uint64_t f;
	uint64_t nx = cpu_features.nx ? PTE_NX : 0;

	KT_ASSERT(!mapped(0, NULL));				/* no identity map */
	KT_ASSERT(!mapped(0x200000, NULL));
	KT_ASSERT(mapped((vaddr_t)__kernel_start, &f) && !(f & PTE_W) && !(f & PTE_NX));
	KT_ASSERT(mapped((vaddr_t)__rodata_start, &f) && !(f & PTE_W) && (f & nx) == nx);
	KT_ASSERT(mapped((vaddr_t)__data_start, &f) && (f & PTE_W) && (f & nx) == nx);
	KT_ASSERT(!cpu_features.pge || (f & PTE_G));
	KT_ASSERT(mapped((vaddr_t)phys_to_virt(1ull << 20), &f) && (f & nx) == nx);
	KT_ASSERT_EQ(virt_to_phys(__kernel_start), (paddr_t)(__kernel_start - KERNEL_VMA));
	KT_ASSERT_EQ(virt_to_phys(phys_to_virt(0x123456)), 0x123456);
}

KTEST(mm_reserved_stay_reserved)
{
	extern char __kernel_end[];
	paddr_t ks = (paddr_t)(__kernel_start - KERNEL_VMA);
	paddr_t ke = (paddr_t)(__kernel_end - KERNEL_VMA);

	for (paddr_t pa = 0; pa < (1ull << 20); pa += PAGE_SIZE) {
		struct page *pg = phys_to_page(pa);
		KT_ASSERT(!pg || (pg->flags & PG_RESERVED));
	}
	for (paddr_t pa = ks; pa < ke; pa += PAGE_SIZE)
		KT_ASSERT(phys_to_page(pa)->flags & PG_RESERVED);
	for (unsigned i = 0; i < boot_info.n_mods; i++)
		for (paddr_t pa = ALIGN_DOWN(boot_info.mods[i].start, PAGE_SIZE);
		     pa < boot_info.mods[i].end; pa += PAGE_SIZE)
			KT_ASSERT(phys_to_page(pa)->flags & PG_RESERVED);
	/* the dumps for the debug command run and take their locks */
	pmm_dump();
	slab_dump();
	vmalloc_dump();
}

/*
 * Touches a byte and reports -1 if that faulted: the __ex_table entry sends the
 * page-fault handler back to the label after the access with ret still -1.
 * The write variant stores back the byte it read, so a success changes nothing.
 */
static int probe(volatile char *p, bool write)
{
	int ret = -1;
	char c = 0;

	if (write)
		__asm__ volatile("movb (%[p]), %[c]\n"
				 "1: movb %[c], (%[p])\n"
				 "movl $0, %[r]\n"
				 "2:\n"
				 ".pushsection __ex_table, \"a\"\n"
				 ".balign 8\n.quad 1b, 2b\n"
				 ".popsection\n"
				 : [r] "+r"(ret), [c] "+q"(c) : [p] "r"(p) : "memory");
	else
		__asm__ volatile("1: movb (%[p]), %[c]\n"
				 "movl $0, %[r]\n"
				 "2:\n"
				 ".pushsection __ex_table, \"a\"\n"
				 ".balign 8\n.quad 1b, 2b\n"
				 ".popsection\n"
				 : [r] "+r"(ret), [c] "+q"(c) : [p] "r"(p) : "memory");
	return ret;
}

KTEST(mm_faults)
{
	static char data_byte;
	char *v = vmalloc(2 * PAGE_SIZE);

	KT_ASSERT_EQ(probe(NULL, false), -1);			/* NULL faults */
	KT_ASSERT_EQ(probe((char *)0x200000, false), -1);	/* no identity map */
	KT_ASSERT_EQ(probe(__kernel_start, true), -1);		/* text is read-only */
	KT_ASSERT_EQ(probe(__kernel_start, false), 0);
	KT_ASSERT_EQ(probe(__rodata_start, true), -1);		/* so is rodata */
	KT_ASSERT_EQ(probe(&data_byte, true), 0);
	KT_ASSERT_EQ(probe(phys_to_virt(0x1000), true), 0);	/* direct map is RW */
	KT_ASSERT(v);
	if (!v)
		return;
	KT_ASSERT_EQ(probe(v + PAGE_SIZE, true), 0);
	KT_ASSERT_EQ(probe(v + 2 * PAGE_SIZE, false), -1);	/* guard after */
	KT_ASSERT_EQ(probe(v - 1, false), -1);			/* guard before */
	vfree(v);
	KT_ASSERT_EQ(probe(v, false), -1);			/* gone after vfree */
}
