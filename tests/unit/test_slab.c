/*
 * test_slab.c - slab caches and kmalloc (kernel/mm/slab.c) over a host arena that
 * the buddy core (kernel/mm/buddy.c) manages as "physical memory": random
 * alloc/free patterns of many sizes with content checks, an owner map of the
 * arena to catch overlaps, krealloc, reports of double and foreign frees, and all
 * pages coming back to the buddy allocator at the end.
 */
#include "../../kernel/mm/buddy.c"
#include "../../kernel/mm/slab.c"

#define ARENA_PAGES	4096			/* 16 MiB */
#define ARENA_ALIGN	(PAGE_SIZE << MAX_ORDER)
#define GRAIN		8

static char *arena;
static struct page arena_pages[ARENA_PAGES];
static struct buddy host_pmm;
static uint32_t *owner;			/* per 8-byte grain of the arena: object id */

/* "Physical" addresses are arena addresses seen through the direct map. */
paddr_t virt_to_phys(const void *va)
{
	if ((const char *)va < arena || (const char *)va >= arena + ARENA_PAGES * PAGE_SIZE)
		return 0;
	return (paddr_t)(uintptr_t)va - DIRECT_MAP_BASE;
}

struct page *phys_to_page(paddr_t pa)
{
	return buddy_pfn_to_page(&host_pmm, pa >> PAGE_SHIFT);
}

paddr_t page_to_phys(const struct page *pg)
{
	return buddy_page_to_pfn(&host_pmm, pg) << PAGE_SHIFT;
}

paddr_t pmm_alloc_pages(unsigned order)
{
	struct page *pg = buddy_alloc(&host_pmm, order);

	return pg ? page_to_phys(pg) : 0;
}

void pmm_free_pages(paddr_t pa, unsigned order)
{
	CHECK(buddy_free(&host_pmm, phys_to_page(pa), order) == 0);
}

#define SLOTS 3000

struct obj {
	uint8_t *p;
	size_t len;
	struct slab_cache *cache;	/* NULL: kmalloc */
	uint32_t id;
};
static struct obj objs[SLOTS];

static void claim(struct obj *o, uint32_t id)
{
	size_t first = (size_t)(o->p - (uint8_t *)arena) / GRAIN;
	size_t last = (size_t)(o->p + o->len - 1 - (uint8_t *)arena) / GRAIN;

	CHECK(o->p >= (uint8_t *)arena && o->p + o->len <= (uint8_t *)arena + ARENA_PAGES * PAGE_SIZE);
	for (size_t g = first; g <= last; g++) {
		CHECK(id ? owner[g] == 0 : owner[g] == o->id);
		owner[g] = id;
	}
}

static void fill(struct obj *o)
{
	for (size_t k = 0; k < o->len; k++)
		o->p[k] = (uint8_t)(o->id * 31 + k);
}

static void verify(const struct obj *o)
{
	for (size_t k = 0; k < o->len; k++)
		CHECK(o->p[k] == (uint8_t)(o->id * 31 + k));
}

static void release(struct obj *o)
{
	verify(o);
	claim(o, 0);
	if (o->cache)
		slab_free(o->cache, o->p);
	else
		kfree(o->p);
	o->p = NULL;
}

int main(void)
{
	struct slab_cache *custom[3];
	uint32_t next_id = 1;
	size_t start_free;

	arena = aligned_alloc(ARENA_ALIGN, ARENA_PAGES * PAGE_SIZE);
	owner = calloc(ARENA_PAGES * PAGE_SIZE / GRAIN, sizeof(*owner));
	CHECK(arena && owner);
	buddy_init(&host_pmm, arena_pages, virt_to_phys(arena) >> PAGE_SHIFT, ARENA_PAGES);
	buddy_add_range(&host_pmm, host_pmm.base_pfn, host_pmm.base_pfn + ARENA_PAGES);
	slab_init();
	custom[0] = slab_cache_create("test24", 24, 8);
	custom[1] = slab_cache_create("test100", 100, 64);
	custom[2] = slab_cache_create("test5000", 5000, 16);
	CHECK(custom[0] && custom[1] && custom[2]);
	CHECK(!slab_cache_create("bad", 16, 3));
	start_free = host_pmm.free_count;

	for (int round = 0; round < 300000; round++) {
		struct obj *o = &objs[host_rng() % SLOTS];
		uint64_t r = host_rng();

		if (o->p) {
			release(o);
			continue;
		}
		o->id = next_id++;
		if (r % 4 == 0) {
			o->cache = custom[r / 4 % 3];
			o->len = o->cache->obj_size;
			o->p = slab_alloc(o->cache);
			if (o->p && o->cache == custom[1])
				CHECK(((uintptr_t)o->p & 63) == 0);
		} else {
			o->cache = NULL;
			o->len = r % 3 ? 1 + host_rng() % 600 : 1 + host_rng() % 9000;
			o->p = kmalloc(o->len);
		}
		if (!o->p)
			continue;	/* arena exhausted: allowed, and must not corrupt */
		CHECK(((uintptr_t)o->p & 7) == 0);
		claim(o, o->id);
		fill(o);
	}

	/* krealloc keeps contents across growth between slab and page sizes */
	for (size_t len = 5; len < 20000; len = len * 3) {
		uint8_t *p = kmalloc(len);

		CHECK(p);
		memset(p, 0xa5, len);
		p = krealloc(p, len * 3);
		CHECK(p);
		for (size_t k = 0; k < len; k++)
			CHECK(p[k] == 0xa5);
		kfree(p);
	}
	CHECK(krealloc(NULL, 10) != NULL);
	CHECK(kzalloc(1000) != NULL);		/* leaked on purpose: found below */

	/* bad frees are reported and change nothing */
	int errors = host_log_errors, local;
	void *x = kmalloc(40), *y;

	host_log_quiet = true;
	kfree(NULL);
	CHECK(host_log_errors == errors);
	kfree(x);
	kfree(x);
	CHECK(host_log_errors == errors + 1);
	kfree(&local);
	CHECK(host_log_errors == errors + 2);
	y = kmalloc(40);
	CHECK(kmalloc(40) != y);		/* the double free did not duplicate it */
	slab_free(custom[0], (char *)kmalloc(16));
	CHECK(host_log_errors == errors + 3);
	host_log_quiet = false;

	for (int i = 0; i < SLOTS; i++)
		if (objs[i].p)
			release(&objs[i]);
	for (size_t g = 0; g < ARENA_PAGES * PAGE_SIZE / GRAIN; g++)
		CHECK(owner[g] == 0);
	/* what is still taken: the deliberate leaks plus one empty slab per cache */
	slab_dump();
	CHECK(start_free - host_pmm.free_count <= 64);
	fprintf(stderr, "slab: %u objects checked\n", next_id);
	free(owner);
	free(arena);
	return 0;
}
