/*
 * remap.c - mremap (grow in place, or move the page-table entries), and the
 * range queries and hints: madvise(MADV_DONTNEED), mincore, msync checks.
 */
#include <aegis/errno.h>
#include "internal.h"

#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2

/* Moves the PTEs of [from, from+len) to `to` (both ranges in mm, disjoint). */
static int move_ptes(struct mm_space *mm, vaddr_t from, vaddr_t to, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		pte_t *s = pt_walk(mm->root, from + off, false), *d;

		if (!s || !(*s & PTE_P))
			continue;
		d = pt_walk(mm->root, to + off, true);
		if (!d)
			return -ENOMEM;
		*d = *s;
		*s = 0;
		tlb_flush_page(from + off);
	}
	return 0;
}

/* A VMA like v for [start, end), its file offset following v's. */
static struct vma *vma_like(const struct vma *v, vaddr_t at, vaddr_t start, vaddr_t end)
{
	return vma_new(start, end, v->prot, v->flags, v->file, v->offset + (at - v->start));
}

static long move_mapping(struct mm_space *mm, struct vma *v, vaddr_t old, size_t old_len,
			 vaddr_t to, size_t new_len)
{
	struct vma *n = vma_like(v, old, to, to + new_len);
	size_t keep = MIN(old_len, new_len);

	if (!n || vma_insert(&mm->vmas, n)) {
		if (n)
			vma_free(n);
		return -ENOMEM;
	}
	mm->total += new_len >> PAGE_SHIFT;
	if (move_ptes(mm, old, to, keep))
		return -ENOMEM;
	vm_munmap_locked(mm, old, old + old_len);
	return to;
}

static long mremap_locked(struct mm_space *mm, vaddr_t old, size_t old_len, size_t new_len,
			  int flags, vaddr_t new_addr)
{
	struct vma *v = vma_find(&mm->vmas, old);
	vaddr_t to;

	if (!v || old + old_len > v->end)
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if (new_addr < old + old_len && old < new_addr + new_len)
			return -EINVAL;
		if (vm_munmap_locked(mm, new_addr, new_addr + new_len))
			return -ENOMEM;
		v = vma_find(&mm->vmas, old);	/* the unmap may have split v */
		return move_mapping(mm, v, old, old_len, new_addr, new_len);
	}
	if (new_len <= old_len) {
		if (new_len < old_len && vm_munmap_locked(mm, old + new_len, old + old_len))
			return -ENOMEM;
		return old;
	}
	if (old + old_len == v->end && old + new_len <= USER_TOP && old + new_len > old &&
	    vma_range_free(&mm->vmas, old + old_len, old + new_len)) {
		struct vma *n = vma_like(v, old + old_len, old + old_len, old + new_len);

		if (!n || vma_insert(&mm->vmas, n)) {
			if (n)
				vma_free(n);
			return -ENOMEM;
		}
		mm->total += (new_len - old_len) >> PAGE_SHIFT;
		return old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	to = vma_find_gap(&mm->vmas, new_len, MMAP_MIN_ADDR, mm->mmap_base);
	if (!to)
		return -ENOMEM;
	return move_mapping(mm, v, old, old_len, to, new_len);
}

long vm_mremap(struct mm_space *mm, vaddr_t old, size_t old_len, size_t new_len, int flags,
	       vaddr_t new_addr)
{
	long r;

	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || old & (PAGE_SIZE - 1) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!new_len || !old_len)
		return -EINVAL;
	if ((flags & MREMAP_FIXED) &&
	    (new_addr & (PAGE_SIZE - 1) || new_addr + new_len > USER_TOP || new_addr + new_len < new_addr))
		return -EINVAL;
	mutex_lock(&mm->lock);
	r = mremap_locked(mm, old, old_len, new_len, flags, new_addr);
	mutex_unlock(&mm->lock);
	return r;
}

int vm_dontneed(struct mm_space *mm, vaddr_t addr, size_t len)
{
	int err = 0;

	mutex_lock(&mm->lock);
	if (!vma_range_covered(&mm->vmas, addr, addr + len))
		err = -ENOMEM;
	/* dropping the pages is enough: the next touch re-reads zeroes or the file */
	for (size_t i = vma_lower_bound(&mm->vmas, addr);
	     i < mm->vmas.n && mm->vmas.v[i]->start < addr + len; i++) {
		const struct vma *v = mm->vmas.v[i];

		if (!vma_shared(v))
			vm_unmap_pages(mm, MAX(v->start, addr), MIN(v->end, addr + len));
	}
	mutex_unlock(&mm->lock);
	return err;
}

int vm_mincore(struct mm_space *mm, vaddr_t addr, size_t len, uint8_t *vec)
{
	int err = 0;

	mutex_lock(&mm->lock);
	if (!vma_range_covered(&mm->vmas, addr, addr + len)) {
		err = -ENOMEM;
	} else {
		for (size_t i = 0; i < len >> PAGE_SHIFT; i++) {
			pte_t *pte = pt_walk(mm->root, addr + i * PAGE_SIZE, false);

			vec[i] = pte && (*pte & PTE_P);
		}
	}
	mutex_unlock(&mm->lock);
	return err;
}

bool vm_range_mapped(struct mm_space *mm, vaddr_t addr, size_t len)
{
	bool r;

	mutex_lock(&mm->lock);
	r = vma_range_covered(&mm->vmas, addr, addr + len);
	mutex_unlock(&mm->lock);
	return r;
}
