/*
 * buddy.c - the binary buddy allocator's core, free of any boot or locking concern
 * so that it also builds on the host (tests/unit/test_buddy.c).
 *
 * A struct buddy manages the page frames [base_pfn, base_pfn + npages) described by
 * a caller-provided struct page array (pages[i] is frame base_pfn + i).  Blocks are
 * aligned to their size in absolute frame numbers, so the buddy of a block is found
 * by flipping one bit of its frame number.  Only the head page of a block carries
 * its order and PG_FREE; the other pages of a free block have no flags, those of an
 * allocated block PG_TAIL (so freeing the middle of a block is caught).
 *
 * Every frame starts out reserved; buddy_add_range() hands usable frames over.
 * The caller serializes all calls (pmm.c holds its lock around each).
 */
#include "buddy.h"

void buddy_init(struct buddy *b, struct page *pages, uint64_t base_pfn, size_t npages)
{
	b->pages = pages;
	b->base_pfn = base_pfn;
	b->npages = npages;
	b->free_count = 0;
	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		b->free_list[o] = NULL;
		b->free_blocks[o] = 0;
	}
	for (size_t i = 0; i < npages; i++) {
		struct page *pg = &pages[i];

		pg->refcount = 0;
		pg->flags = PG_RESERVED;
		pg->order = 0;
		pg->pad = 0;
		pg->next = pg->prev = NULL;
		pg->private = NULL;
		pg->freelist = NULL;
	}
}

static uint64_t page_pfn(const struct buddy *b, const struct page *pg)
{
	return b->base_pfn + (uint64_t)(pg - b->pages);
}

static struct page *pfn_page(struct buddy *b, uint64_t pfn)
{
	if (pfn < b->base_pfn || pfn - b->base_pfn >= b->npages)
		return NULL;
	return &b->pages[pfn - b->base_pfn];
}

static void list_push(struct buddy *b, struct page *pg, unsigned order)
{
	pg->flags = PG_FREE;
	pg->order = order;
	pg->refcount = 0;
	pg->prev = NULL;
	pg->next = b->free_list[order];
	if (pg->next)
		pg->next->prev = pg;
	b->free_list[order] = pg;
	b->free_blocks[order]++;
	b->free_count += (size_t)1 << order;
}

static void list_remove(struct buddy *b, struct page *pg, unsigned order)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		b->free_list[order] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
	pg->flags = 0;
	b->free_blocks[order]--;
	b->free_count -= (size_t)1 << order;
}

/* Takes the free block pg of order o off its list and splits it down to order. */
static struct page *take_block(struct buddy *b, struct page *pg, unsigned o,
			       unsigned order)
{
	list_remove(b, pg, o);
	/* split: hand the upper halves back, keep the lower */
	while (o > order) {
		o--;
		list_push(b, pg + ((size_t)1 << o), o);
	}
	pg->flags = 0;
	for (size_t i = 1; i < ((size_t)1 << order); i++)
		pg[i].flags = PG_TAIL;
	pg->order = order;
	pg->refcount = 1;
	pg->private = NULL;
	pg->freelist = NULL;
	return pg;
}

struct page *buddy_alloc(struct buddy *b, unsigned order)
{
	for (unsigned o = order; o <= MAX_ORDER; o++)
		if (b->free_list[o])
			return take_block(b, b->free_list[o], o, order);
	return NULL;
}

struct page *buddy_alloc_below(struct buddy *b, unsigned order, uint64_t limit_pfn)
{
	for (unsigned o = order; o <= MAX_ORDER; o++)
		for (struct page *pg = b->free_list[o]; pg; pg = pg->next)
			if (page_pfn(b, pg) + ((uint64_t)1 << order) <= limit_pfn)
				return take_block(b, pg, o, order);
	return NULL;
}

/* Merges with free buddies as far as possible; pg must not be in any list. */
static void free_block(struct buddy *b, struct page *pg, unsigned order)
{
	uint64_t pfn = page_pfn(b, pg);

	while (order < MAX_ORDER) {
		struct page *buddy = pfn_page(b, pfn ^ ((uint64_t)1 << order));

		if (!buddy || !(buddy->flags & PG_FREE) || buddy->order != order)
			break;
		list_remove(b, buddy, order);
		pfn &= ~((uint64_t)1 << order);
		order++;
	}
	list_push(b, pfn_page(b, pfn), order);
}

int buddy_free(struct buddy *b, struct page *pg, unsigned order)
{
	uint64_t pfn;

	if (pg < b->pages || pg >= b->pages + b->npages || order > MAX_ORDER)
		return -1;
	pfn = page_pfn(b, pg);
	if ((pfn & (((uint64_t)1 << order) - 1)) ||
	    pfn - b->base_pfn + ((size_t)1 << order) > b->npages)
		return -1;
	if ((pg->flags & (PG_FREE | PG_RESERVED | PG_TAIL)) || pg->order != order)
		return -1;	/* double free, never allocated, or the wrong size */
	for (size_t i = 1; i < ((size_t)1 << order); i++)
		pg[i].flags = 0;
	pg->next = pg->prev = NULL;
	pg->private = NULL;
	pg->freelist = NULL;
	free_block(b, pg, order);
	return 0;
}

void buddy_add_range(struct buddy *b, uint64_t start_pfn, uint64_t end_pfn)
{
	uint64_t lo = b->base_pfn, hi = b->base_pfn + b->npages;

	start_pfn = start_pfn < lo ? lo : start_pfn;
	end_pfn = end_pfn > hi ? hi : end_pfn;
	while (start_pfn < end_pfn) {
		unsigned order = 0;

		/* the largest aligned block that starts here and fits */
		while (order < MAX_ORDER &&
		       !(start_pfn & (((uint64_t)2 << order) - 1)) &&
		       start_pfn + ((uint64_t)2 << order) <= end_pfn)
			order++;
		for (uint64_t i = 0; i < ((uint64_t)1 << order); i++)
			pfn_page(b, start_pfn + i)->flags = 0;
		free_block(b, pfn_page(b, start_pfn), order);
		start_pfn += (uint64_t)1 << order;
	}
}

struct page *buddy_pfn_to_page(struct buddy *b, uint64_t pfn)
{
	return pfn_page(b, pfn);
}

uint64_t buddy_page_to_pfn(const struct buddy *b, const struct page *pg)
{
	return page_pfn(b, pg);
}
