/*
 * Bump allocation from chained blocks (see arena.h). Objects are never freed
 * one by one; a vector that grows leaves its old copy behind, which costs a
 * little memory and saves a free per object.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Big enough that a directory of 10,000 units needs ~50 blocks. */
#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	/* objects follow, 8-aligned */
};

struct arena *arena_new(void)
{
	struct arena *a = xcalloc(1, sizeof(*a));
	a->refs = 1;
	return a;
}

struct arena *arena_ref(struct arena *a)
{
	a->refs++;
	return a;
}

void arena_unref(struct arena *a)
{
	if (!a || --a->refs > 0)
		return;
	while (a->blocks) {
		struct arena_block *next = a->blocks->next;
		free(a->blocks);
		a->blocks = next;
	}
	free(a);
}

/* A new block for n (rounded) bytes; a large object gets a block of its own. */
void *arena_alloc_slow(struct arena *a, size_t n)
{
	size_t hdr = (sizeof(struct arena_block) + 7) & ~(size_t)7;
	size_t size = n + hdr > ARENA_BLOCK ? n + hdr : ARENA_BLOCK;
	struct arena_block *b = xmalloc(size);
	char *p = (char *)b + hdr;
	if (size == ARENA_BLOCK || !a->blocks) {
		b->next = a->blocks;
		a->blocks = b;
		a->cur = p + n;
		a->end = (char *)b + size;
	} else { /* keep allocating from the current block */
		b->next = a->blocks->next;
		a->blocks->next = b;
	}
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	return memset(arena_alloc(a, n), 0, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_grow(struct arena *a, const void *old, size_t old_n, size_t new_n)
{
	void *p = arena_alloc(a, new_n);
	if (old_n)
		memcpy(p, old, old_n);
	return p;
}

void arena_strv_push(struct arena *a, struct strv *sv, const char *s, size_t len)
{
	if (sv->n == sv->cap) { /* most lists hold one or two names */
		int ncap = sv->cap ? sv->cap * 2 : 2;
		sv->v = arena_grow(a, sv->v, sv->v ? sizeof(char *) * (size_t)(sv->cap + 1) : 0,
				   sizeof(char *) * (size_t)(ncap + 1));
		sv->cap = ncap;
	}
	sv->v[sv->n++] = arena_strndup(a, s, len);
	sv->v[sv->n] = NULL;
}

void arena_intv_push(struct arena *a, struct intv *iv, int x)
{
	if (iv->n == iv->cap) {
		int ncap = iv->cap ? iv->cap * 2 : 2;
		iv->v = arena_grow(a, iv->v, sizeof(int) * (size_t)iv->cap,
				   sizeof(int) * (size_t)ncap);
		iv->cap = ncap;
	}
	iv->v[iv->n++] = x;
}
