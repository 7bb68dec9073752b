/*
 * vma.h - the VM areas of one address space, kept in a sorted array (private to
 * kernel/vm/).
 *
 * An address space has tens of VMAs, rarely thousands, and is searched far more
 * often than changed: a sorted array of pointers gives O(log n) lookup by binary
 * search, cache-friendly scans for placement and /proc, and O(n) memmove on insert
 * or remove, which is cheap at these sizes.  This file is pure range logic (no page
 * tables) so it also builds on the host (tests/unit/test_vma.c).
 *
 * Locking: a vma_set belongs to one mm_space and is guarded by mm->lock.
 */
#ifndef AEGIS_VM_VMA_H
#define AEGIS_VM_VMA_H

#include <aegis/types.h>

struct file;

struct vma {
	vaddr_t start, end;	/* page aligned, start < end */
	int prot;		/* PROT_* */
	int flags;		/* MAP_SHARED or MAP_PRIVATE, | MAP_ANONYMOUS, MAP_GROWSDOWN,
				 * VMA_VVAR, VMA_VDSO */
	struct file *file;	/* referenced (file_get); NULL when anonymous */
	uint64_t offset;	/* file offset that start maps */
};

struct vma_set {
	struct vma **v;		/* sorted by start, non-overlapping */
	size_t n, cap;
};

/* Special mappings (vm_map_special): kernel pages, shared by fork, named in maps. */
#define VMA_VVAR	0x10000000
#define VMA_VDSO	0x20000000
#define VMA_SPECIAL	(VMA_VVAR | VMA_VDSO)
#define VMA_KEEP_FLAGS	(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | VMA_SPECIAL)

static inline bool vma_shared(const struct vma *v)
{
	return (v->flags & MAP_TYPE) == MAP_SHARED;
}

/* Index of the first VMA ending above addr (n if none). */
size_t vma_lower_bound(const struct vma_set *s, vaddr_t addr);
/* The VMA containing addr, or NULL. */
struct vma *vma_find(const struct vma_set *s, vaddr_t addr);
/* A new VMA (file referenced); NULL on OOM. */
struct vma *vma_new(vaddr_t start, vaddr_t end, int prot, int flags, struct file *f,
		    uint64_t offset);
void vma_free(struct vma *v);	/* drops the file reference */
/* Inserts v (which must not overlap) and merges it with equal neighbours. */
int vma_insert(struct vma_set *s, struct vma *v);
/*
 * Splits VMAs so that those overlapping [start, end) lie exactly inside it, and
 * returns their index range [*first, *last).  0 or -ENOMEM (nothing changed then
 * except harmless splits).
 */
int vma_isolate(struct vma_set *s, vaddr_t start, vaddr_t end, size_t *first, size_t *last);
/* Removes (without freeing) the VMAs at [first, last). */
void vma_remove(struct vma_set *s, size_t first, size_t last);
/* Merges the VMA at i with its neighbours where they are equal and adjacent. */
void vma_merge_at(struct vma_set *s, size_t i);
bool vma_range_free(const struct vma_set *s, vaddr_t start, vaddr_t end);
/* True if every byte of [start, end) is inside some VMA. */
bool vma_range_covered(const struct vma_set *s, vaddr_t start, vaddr_t end);
/* Highest free gap of len bytes inside [lo, hi); 0 if none. */
vaddr_t vma_find_gap(const struct vma_set *s, size_t len, vaddr_t lo, vaddr_t hi);
void vma_set_destroy(struct vma_set *s);	/* frees the VMAs and the array */

#endif
