/*
 * buddy.h - private to kernel/mm: the buddy allocator core (buddy.c), which knows
 * nothing of boot information or locks.  pmm.c wraps it for the kernel.
 */
#ifndef AEGIS_MM_BUDDY_H
#define AEGIS_MM_BUDDY_H

#include <aegis/mm.h>

struct buddy {
	struct page *pages;			/* [I] pages[i] is frame base_pfn + i */
	uint64_t base_pfn;			/* [I] */
	size_t npages;				/* [I] */
	struct page *free_list[MAX_ORDER + 1];	/* heads of free blocks per order */
	size_t free_blocks[MAX_ORDER + 1];
	size_t free_count;			/* free pages in all orders */
};

/* Marks every frame reserved; nothing is free until buddy_add_range(). */
void buddy_init(struct buddy *b, struct page *pages, uint64_t base_pfn, size_t npages);
/* Frees the frames [start_pfn, end_pfn) (clipped to the managed range). */
void buddy_add_range(struct buddy *b, uint64_t start_pfn, uint64_t end_pfn);
/* Head page of a 2^order block (refcount 1), or NULL. */
struct page *buddy_alloc(struct buddy *b, unsigned order);
/* Like buddy_alloc, but the block ends at or below frame limit_pfn (a list scan). */
struct page *buddy_alloc_below(struct buddy *b, unsigned order, uint64_t limit_pfn);
/* 0, or -1 if pg is not an allocated block head of that order (nothing changes). */
int buddy_free(struct buddy *b, struct page *pg, unsigned order);
struct page *buddy_pfn_to_page(struct buddy *b, uint64_t pfn);
uint64_t buddy_page_to_pfn(const struct buddy *b, const struct page *pg);

#endif
