/*
 * test_vma.c - the sorted VMA array (kernel/vm/vma.c) on the host: lookup,
 * isolate (split) and remove, merging of equal neighbours, file references kept
 * balanced across splits and merges, and top-down gap search, all checked against
 * a per-page reference model with random operations.
 */
#include "../../kernel/vm/vma.c"

void *kmalloc(size_t n) { return malloc(n); }
void *krealloc(void *p, size_t n) { return realloc(p, n); }
void kfree(const void *p) { free((void *)p); }

/* Fake files: a reference count per file. */
struct file {
	int refs;
};
static struct file files[2];
void file_get(struct file *f) { f->refs++; }
void file_put(struct file *f)
{
	if (--f->refs < 0) {
		printf("file_put below zero\n");
		exit(1);
	}
}

#define NP	96
#define B	0x100000ul
#define P	4096ul

static int fails;
#define CHECK(c) do { if (!(c)) { printf("%s:%d: %s\n", __FILE__, __LINE__, #c); fails++; } } while (0)

struct cell {
	int prot;	/* -1: unmapped */
	int file;	/* -1 anonymous, else index; offset is page index */
};
static struct cell model[NP];
static uint64_t seed = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed % n;
}

static void map(struct vma_set *s, unsigned a, unsigned n, int prot, int file)
{
	size_t first, last;
	struct vma *v;

	CHECK(vma_isolate(s, B + a * P, B + (a + n) * P, &first, &last) == 0);
	for (size_t i = first; i < last; i++)
		vma_free(s->v[i]);
	vma_remove(s, first, last);
	v = vma_new(B + a * P, B + (a + n) * P, prot, MAP_PRIVATE,
		    file < 0 ? NULL : &files[file], a * P);
	CHECK(vma_insert(s, v) == 0);
	for (unsigned i = a; i < a + n; i++)
		model[i] = (struct cell){ prot, file };
}

static void unmap(struct vma_set *s, unsigned a, unsigned n)
{
	size_t first, last;

	CHECK(vma_isolate(s, B + a * P, B + (a + n) * P, &first, &last) == 0);
	for (size_t i = first; i < last; i++)
		vma_free(s->v[i]);
	vma_remove(s, first, last);
	for (unsigned i = a; i < a + n; i++)
		model[i].prot = -1;
}

static void verify(struct vma_set *s)
{
	int refs[2] = { 0, 0 };

	for (unsigned i = 0; i < NP; i++) {
		struct vma *v = vma_find(s, B + i * P);

		CHECK((model[i].prot < 0) == !v);
		if (!v || model[i].prot < 0)
			continue;
		CHECK(v->prot == model[i].prot);
		CHECK(v->file == (model[i].file < 0 ? NULL : &files[model[i].file]));
		if (v->file)
			CHECK(v->offset + (B + i * P - v->start) == i * P);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct vma *v = s->v[i];

		if (v->file)
			refs[v->file - files]++;
		if (i) {
			struct vma *u = s->v[i - 1];

			CHECK(u->end <= v->start);
			/* canonical: equal adjacent neighbours are always merged */
			CHECK(!(u->end == v->start && u->prot == v->prot && u->file == v->file));
		}
	}
	CHECK(refs[0] == files[0].refs && refs[1] == files[1].refs);
}

static void test_gap(void)
{
	struct vma_set s = { 0 };

	CHECK(vma_find_gap(&s, 4 * P, B, B + 16 * P) == B + 12 * P);
	CHECK(vma_find_gap(&s, P, B + P, B) == 0);
	CHECK(vma_insert(&s, vma_new(B + 12 * P, B + 16 * P, 1, MAP_PRIVATE, NULL, 0)) == 0);
	CHECK(vma_insert(&s, vma_new(B + 4 * P, B + 10 * P, 3, MAP_PRIVATE, NULL, 0)) == 0);
	CHECK(vma_find_gap(&s, 2 * P, B, B + 16 * P) == B + 10 * P);
	CHECK(vma_find_gap(&s, 3 * P, B, B + 16 * P) == B + P);
	CHECK(vma_find_gap(&s, 5 * P, B, B + 16 * P) == 0);
	CHECK(vma_find_gap(&s, P, B + 5 * P, B + 11 * P) == B + 10 * P);
	CHECK(vma_range_covered(&s, B + 4 * P, B + 10 * P));
	CHECK(!vma_range_covered(&s, B + 4 * P, B + 11 * P));
	CHECK(vma_range_free(&s, B + 10 * P, B + 12 * P));
	CHECK(!vma_range_free(&s, B + 10 * P, B + 13 * P));
	vma_set_destroy(&s);
}

int main(void)
{
	struct vma_set s = { 0 };

	test_gap();
	for (unsigned i = 0; i < NP; i++)
		model[i].prot = -1;
	for (int step = 0; step < 20000 && !fails; step++) {
		unsigned a = rnd(NP), n = 1 + rnd(NP - a);

		if (rnd(3))
			map(&s, a, n, (int)rnd(3), (int)rnd(3) - 1);
		else
			unmap(&s, a, n);
		verify(&s);
	}
	vma_set_destroy(&s);
	CHECK(files[0].refs == 0 && files[1].refs == 0);
	printf("vma: %d failures\n", fails);
	return fails != 0;
}
