/*
 * Arenas: many small allocations that are released together. Loading a unit
 * directory makes ~10 small strings and vectors per unit; taking them from one
 * arena instead of malloc each is most of what loading 10,000 units costs.
 *
 * An arena is reference counted: a unit table holds one reference and so does
 * every unit configuration parsed into it, because daemon-reload moves the
 * configuration of a still-running unit into the new table; the memory goes
 * when the last holder lets go.
 */
#ifndef AEGIS_INIT_ARENA_H
#define AEGIS_INIT_ARENA_H

#include <stddef.h>

#include "util.h"

struct arena_block;

struct arena {
	struct arena_block *blocks;
	char *cur, *end; /* free space in the newest block */
	int refs;
};

struct arena *arena_new(void);
struct arena *arena_ref(struct arena *a); /* returns a */
void arena_unref(struct arena *a);	   /* NULL is fine */

void *arena_alloc_slow(struct arena *a, size_t n);

/* n bytes aligned to 8, not zeroed; valid until the arena goes. Inline: it is
 * called several times per unit loaded. */
static inline void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if ((size_t)(a->end - a->cur) < n)
		return arena_alloc_slow(a, n);
	void *p = a->cur;
	a->cur += n;
	return p;
}
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* A copy of old (old_n bytes) in a new block of new_n bytes; old is abandoned. */
void *arena_grow(struct arena *a, const void *old, size_t old_n, size_t new_n);

/* strv_push and intv_push for vectors whose storage (and strings) is in a. */
void arena_strv_push(struct arena *a, struct strv *sv, const char *s, size_t len);
void arena_intv_push(struct arena *a, struct intv *iv, int x);

#endif
