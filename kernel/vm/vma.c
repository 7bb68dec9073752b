/*
 * vma.c - the sorted VMA array: lookup, insert, split, merge, gaps.
 * Pure range logic; see vma.h for why an array.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/vfs.h>
#include <aegis/vm.h>
#include "vma.h"

size_t vma_lower_bound(const struct vma_set *s, vaddr_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid]->end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct vma *vma_find(const struct vma_set *s, vaddr_t addr)
{
	size_t i = vma_lower_bound(s, addr);

	return i < s->n && s->v[i]->start <= addr ? s->v[i] : NULL;
}

struct vma *vma_new(vaddr_t start, vaddr_t end, int prot, int flags, struct file *f,
		    uint64_t offset)
{
	struct vma *v = kmalloc(sizeof(*v));

	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags & VMA_KEEP_FLAGS;
	v->file = f;
	v->offset = f ? offset : 0;
	if (f)
		file_get(f);
	return v;
}

void vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	kfree(v);
}

/* Room for one more pointer, so later steps cannot fail half way. */
static int reserve(struct vma_set *s)
{
	size_t cap;
	struct vma **nv;

	if (s->n < s->cap)
		return 0;
	cap = s->cap ? s->cap * 2 : 16;
	nv = krealloc(s->v, cap * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	s->v = nv;
	s->cap = cap;
	return 0;
}

static void insert_at(struct vma_set *s, size_t i, struct vma *v)
{
	for (size_t j = s->n; j > i; j--)
		s->v[j] = s->v[j - 1];
	s->v[i] = v;
	s->n++;
}

void vma_remove(struct vma_set *s, size_t first, size_t last)
{
	size_t k = last - first;

	for (size_t j = first; j + k < s->n; j++)
		s->v[j] = s->v[j + k];
	s->n -= k;
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
	       a->file == b->file &&
	       (!a->file || a->offset + (a->end - a->start) == b->offset);
}

void vma_merge_at(struct vma_set *s, size_t i)
{
	if (i + 1 < s->n && mergeable(s->v[i], s->v[i + 1])) {
		s->v[i]->end = s->v[i + 1]->end;
		vma_free(s->v[i + 1]);
		vma_remove(s, i + 1, i + 2);
	}
	if (i > 0 && mergeable(s->v[i - 1], s->v[i])) {
		s->v[i - 1]->end = s->v[i]->end;
		vma_free(s->v[i]);
		vma_remove(s, i, i + 1);
	}
}

int vma_insert(struct vma_set *s, struct vma *v)
{
	size_t i;

	if (reserve(s))
		return -ENOMEM;
	i = vma_lower_bound(s, v->start);
	insert_at(s, i, v);
	vma_merge_at(s, i);
	return 0;
}

/* Splits the VMA containing addr (if any, and not at its start) at addr. */
static int split_at(struct vma_set *s, vaddr_t addr)
{
	size_t i = vma_lower_bound(s, addr);
	struct vma *v, *hi;

	if (i >= s->n || s->v[i]->start >= addr)
		return 0;
	v = s->v[i];
	if (reserve(s))
		return -ENOMEM;
	hi = vma_new(addr, v->end, v->prot, v->flags, v->file,
		     v->offset + (addr - v->start));
	if (!hi)
		return -ENOMEM;
	v->end = addr;
	insert_at(s, i + 1, hi);
	return 0;
}

int vma_isolate(struct vma_set *s, vaddr_t start, vaddr_t end, size_t *first, size_t *last)
{
	if (split_at(s, start) || split_at(s, end))
		return -ENOMEM;
	*first = vma_lower_bound(s, start);
	*last = vma_lower_bound(s, end);
	if (*last < s->n && s->v[*last]->start < end)
		(*last)++;
	return 0;
}

bool vma_range_free(const struct vma_set *s, vaddr_t start, vaddr_t end)
{
	size_t i = vma_lower_bound(s, start);

	return i >= s->n || s->v[i]->start >= end;
}

bool vma_range_covered(const struct vma_set *s, vaddr_t start, vaddr_t end)
{
	size_t i = vma_lower_bound(s, start);
	vaddr_t at = start;

	for (; i < s->n && at < end; i++) {
		if (s->v[i]->start > at)
			return false;
		at = s->v[i]->end;
	}
	return at >= end;
}

vaddr_t vma_find_gap(const struct vma_set *s, size_t len, vaddr_t lo, vaddr_t hi)
{
	size_t i = vma_lower_bound(s, hi);
	vaddr_t top = hi;

	if (hi <= lo || len > hi - lo)
		return 0;
	/* walk down from hi: each gap lies between v[i-1]->end and top */
	for (;;) {
		vaddr_t bottom = i > 0 ? s->v[i - 1]->end : lo;

		if (i < s->n && s->v[i]->start < top)
			top = s->v[i]->start;
		if (bottom < lo)
			bottom = lo;
		if (top >= bottom && top - bottom >= len)
			return top - len;
		if (i == 0 || s->v[i - 1]->end <= lo)
			return 0;
		i--;
		top = s->v[i]->start;
	}
}

void vma_set_destroy(struct vma_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		vma_free(s->v[i]);
	kfree(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
