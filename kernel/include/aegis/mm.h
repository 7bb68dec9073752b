/*
 * mm.h - kernel memory: physical pages (buddy), the direct map, page tables,
 * slab caches with kmalloc, and vmalloc.  Implemented in kernel/mm/.
 *
 * Allocation functions never panic when memory runs out; they return NULL / 0.
 * All of them may be called with interrupts disabled (they use irqsave locks) and
 * none of them sleeps.
 */
#ifndef AEGIS_MM_H
#define AEGIS_MM_H

#include <aegis/layout.h>
#include <aegis/types.h>

struct trap_frame;

#define MAX_ORDER	10		/* largest block: 2^10 pages = 4 MiB */

/*
 * One per physical page frame, in a flat array indexed by page frame number.
 * Fields other than refcount belong to whoever owns the page (buddy while free,
 * then the allocating subsystem); only a block's head page is meaningful.
 */
struct page {
	uint32_t refcount;		/* [a] users of the page (COW sharing);
					   slab pages: objects in use [cache lock] */
	uint16_t flags;			/* PG_* */
	uint8_t order;			/* buddy order when free / head of a block */
	uint8_t pad;
	struct page *next, *prev;	/* free lists / LRU, owned by whoever holds it */
	void *private;			/* slab: owning struct slab_cache; others: theirs */
	union {
		void *freelist;		/* slab: first free object */
		size_t size;		/* PG_KMALLOC: bytes requested */
	};
};

#define PG_RESERVED	0x1		/* firmware, kernel image, modules: never freed */
#define PG_FREE		0x2		/* in a buddy free list */
#define PG_SLAB		0x4		/* slab page (head of the slab's block) */
#define PG_KMALLOC	0x8		/* large kmalloc block (head) */
#define PG_TAIL		0x10		/* allocated, but not the head of its block */

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}
paddr_t virt_to_phys(const void *va);	/* direct map or kernel image */

/* Physical pages.  pmm_alloc_pages returns 0 when nothing is free. */
void pmm_init(void);
paddr_t pmm_alloc_pages(unsigned order);
void pmm_free_pages(paddr_t pa, unsigned order);
static inline paddr_t pmm_alloc_page(void) { return pmm_alloc_pages(0); }
static inline void pmm_free_page(paddr_t pa) { pmm_free_pages(pa, 0); }
paddr_t pmm_alloc_zeroed_page(void);
struct page *phys_to_page(paddr_t pa);
paddr_t page_to_phys(const struct page *pg);
void page_get(paddr_t pa);		/* refcount++ */
void page_put(paddr_t pa);		/* refcount--, frees at zero */
size_t pmm_free_pages_count(void);
size_t pmm_total_pages_count(void);
void pmm_free_blocks(size_t blocks[MAX_ORDER + 1]);	/* per order, for /proc/buddyinfo */
void pmm_dump(void);			/* free blocks per order, for the debug command */

/* Kernel heap. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *p);
void *krealloc(void *p, size_t size);
struct slab_cache;
struct slab_cache *slab_cache_create(const char *name, size_t size, size_t align);
void *slab_alloc(struct slab_cache *c);
void slab_free(struct slab_cache *c, void *obj);
void slab_init(void);
void slab_dump(void);			/* every cache's use, for the debug command */

/* Large, virtually contiguous areas. */
void *vmalloc(size_t size);
void vfree(void *p);
/* Maps device memory (uncached) into kernel space. */
void *ioremap(paddr_t pa, size_t size);
void iounmap(void *p);
void vmalloc_dump(void);		/* every area, for the debug command */

/* Page tables. */
typedef uint64_t pte_t;
#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_U		(1ull << 2)
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_A		(1ull << 5)
#define PTE_D		(1ull << 6)
#define PTE_PS		(1ull << 7)
#define PTE_G		(1ull << 8)
#define PTE_COW		(1ull << 9)	/* software: copy on write */
#define PTE_SHARED	(1ull << 10)	/* software: shared mapping, never COW */
#define PTE_NX		(1ull << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ull

/* A page-table root (PML4), physical. The kernel half is shared by all. */
paddr_t pt_create(void);		/* new root with the kernel half; 0 on OOM */
void pt_destroy(paddr_t root);		/* frees user-half tables (not the pages) */
/* Maps one 4 KiB page (PTE_P is added); 0, -ENOMEM, or -EEXIST in a huge page. */
int pt_map(paddr_t root, vaddr_t va, paddr_t pa, uint64_t flags);
/*
 * Returns the PTE for va, creating tables if create; NULL if absent or OOM.  Where a
 * huge page maps va (the direct map) it returns that entry, with PTE_PS set.
 * Callers serialize changes to one root (user roots: the address space's lock).
 */
pte_t *pt_walk(paddr_t root, vaddr_t va, bool create);
void pt_unmap(paddr_t root, vaddr_t va);
void pt_switch(paddr_t root);
paddr_t pt_kernel_root(void);
void tlb_flush_page(vaddr_t va);
void tlb_flush_all(void);

/* Boot: sets up the direct map and kernel mappings with proper permissions. */
void mm_init(void);
/* Prints free memory, the kernel image size and the memory in use. */
void mm_report(void);
/* Page fault entry (kernel/mm/fault.c or the process code). 0 = handled. */
int mm_handle_page_fault(struct trap_frame *f, uint64_t addr);

#endif
