/*
 * test_buddy.c - the buddy core (kernel/mm/buddy.c) against a reference model:
 * long random alloc/free sequences over a frame range with holes, checking that
 * blocks are aligned, inside usable memory and never overlap, that the counts agree
 * with the model, that bad frees are refused, and that freeing everything coalesces
 * back to exactly the maximal blocks.
 */
#include "../../kernel/mm/buddy.c"

#define NPAGES	5000

struct range {
	uint64_t start, end;
};
static const struct range usable[] = { { 3, 1000 }, { 1000, 4099 }, { 4200, NPAGES } };

static struct page pages[NPAGES];
static struct buddy b;
static int owner[NPAGES];		/* model: -1 reserved, 0 free, else block id */

struct block {
	uint64_t pfn;
	unsigned order;
};
static struct block live[20000];
static size_t nlive;

static size_t model_free(void)
{
	size_t n = 0;

	for (int i = 0; i < NPAGES; i++)
		n += owner[i] == 0;
	return n;
}

/* Free lists agree with the counters and only hold free, aligned heads. */
static void check_lists(void)
{
	size_t total = 0;

	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		size_t n = 0;

		for (struct page *pg = b.free_list[o]; pg; pg = pg->next) {
			uint64_t pfn = buddy_page_to_pfn(&b, pg);

			CHECK(pg->flags == PG_FREE && pg->order == o);
			CHECK((pfn & ((1ull << o) - 1)) == 0);
			CHECK(!pg->next || pg->next->prev == pg);
			for (uint64_t i = pfn; i < pfn + (1ull << o); i++)
				CHECK(owner[i] == 0);
			n++;
		}
		CHECK(n == b.free_blocks[o]);
		total += n << o;
	}
	CHECK(total == b.free_count);
	CHECK(b.free_count == model_free());
}

static void do_alloc(unsigned order, int id)
{
	struct page *pg = buddy_alloc(&b, order);
	uint64_t pfn;

	if (!pg) {
		/* only acceptable if no free block of that size exists */
		for (unsigned o = order; o <= MAX_ORDER; o++)
			CHECK(!b.free_list[o]);
		return;
	}
	pfn = buddy_page_to_pfn(&b, pg);
	CHECK((pfn & ((1ull << order) - 1)) == 0);
	CHECK(pfn + (1ull << order) <= NPAGES);
	CHECK(pg->refcount == 1 && pg->order == order);
	for (uint64_t i = pfn; i < pfn + (1ull << order); i++) {
		CHECK(owner[i] == 0);
		owner[i] = id;
	}
	live[nlive++] = (struct block){ pfn, order };
}

static void do_free(size_t k)
{
	struct block bl = live[k];

	CHECK(buddy_free(&b, buddy_pfn_to_page(&b, bl.pfn), bl.order) == 0);
	for (uint64_t i = bl.pfn; i < bl.pfn + (1ull << bl.order); i++)
		owner[i] = 0;
	live[k] = live[--nlive];
}

/* The maximal aligned blocks covering the usable set, counted per order. */
static void expected_blocks(size_t *want)
{
	uint64_t s = 3;

	memset(want, 0, sizeof(size_t) * (MAX_ORDER + 1));
	for (int pass = 0; pass < 2; pass++) {
		uint64_t e = pass ? NPAGES : 4099;

		s = pass ? 4200 : 3;
		while (s < e) {
			unsigned o = 0;

			while (o < MAX_ORDER && !(s & ((2ull << o) - 1)) && s + (2ull << o) <= e)
				o++;
			want[o]++;
			s += 1ull << o;
		}
	}
}

int main(void)
{
	size_t want[MAX_ORDER + 1], usable_pages = 0;
	int id = 1;

	buddy_init(&b, pages, 0, NPAGES);
	for (int i = 0; i < NPAGES; i++)
		owner[i] = -1;
	for (size_t r = 0; r < ARRAY_SIZE(usable); r++) {
		buddy_add_range(&b, usable[r].start, usable[r].end);
		for (uint64_t i = usable[r].start; i < usable[r].end; i++)
			owner[i] = 0;
		usable_pages += usable[r].end - usable[r].start;
	}
	check_lists();
	expected_blocks(want);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		CHECK(b.free_blocks[o] == want[o]);

	/* bad frees change nothing */
	CHECK(buddy_free(&b, &pages[0], 0) == -1);		/* reserved */
	CHECK(buddy_free(&b, &pages[8], 0) == -1);		/* free */
	do_alloc(2, id++);
	CHECK(buddy_free(&b, buddy_pfn_to_page(&b, live[0].pfn), 1) == -1);
	CHECK(buddy_free(&b, buddy_pfn_to_page(&b, live[0].pfn + 1), 0) == -1);
	do_free(0);
	CHECK(buddy_free(&b, buddy_pfn_to_page(&b, 4), 2) == -1);	/* double */
	check_lists();

	for (int round = 0; round < 200000; round++) {
		uint64_t r = host_rng();

		if (nlive && (r % 100 < 45 || nlive == ARRAY_SIZE(live))) {
			do_free(host_rng() % nlive);
		} else {
			unsigned order = r % 7 == 0 ? host_rng() % (MAX_ORDER + 1) :
					 host_rng() % 3;
			do_alloc(order, id++);
		}
		if (round % 997 == 0)
			check_lists();
		/* now and then drain almost everything so coalescing is exercised */
		if (round % 50000 == 49999)
			while (nlive > 3)
				do_free(host_rng() % nlive);
	}
	check_lists();

	/* exhaustion: order-0 allocations take every page, then fail */
	while (b.free_count)
		do_alloc(0, id++);
	CHECK(buddy_alloc(&b, 0) == NULL);
	check_lists();

	while (nlive)
		do_free(host_rng() % nlive);
	check_lists();
	CHECK(b.free_count == usable_pages);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		CHECK(b.free_blocks[o] == want[o]);

	/* allocation below a limit */
	struct page *low = buddy_alloc_below(&b, 1, 10);
	CHECK(low && buddy_page_to_pfn(&b, low) + 2 <= 10);
	CHECK(buddy_alloc_below(&b, 3, 10) == NULL);
	CHECK(buddy_free(&b, low, 1) == 0);
	CHECK(b.free_count == usable_pages);
	fprintf(stderr, "buddy: %d allocations checked\n", id);
	return 0;
}
