/*
 * vmspace.c - address-space lifetime (create, fork, free, activate) and the
 * mapping operations: mmap, munmap, mprotect, the program break.
 *
 * Every exported function takes mm->lock itself; the *_locked helpers expect it.
 * Nothing here copies to or from user space while holding mm->lock: a fault on
 * the user pointer would take the lock again.
 */
#include <aegis/errno.h>
#include <aegis/string.h>
#include <aegis/vfs.h>
#include <asm/cpu.h>
#include "internal.h"

struct mm_space *vm_create(void)
{
	struct mm_space *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->root = pt_create();
	if (!mm->root) {
		kfree(mm);
		return NULL;
	}
	mutex_init(&mm->lock);
	mm->refcount = 1;
	mm->mmap_base = MMAP_DEFAULT_BASE;
	return mm;
}

void vm_get(struct mm_space *mm)
{
	__atomic_fetch_add(&mm->refcount, 1, __ATOMIC_RELAXED);
}

void vm_put(struct mm_space *mm)
{
	if (!mm || __atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (size_t i = 0; i < mm->vmas.n; i++)
		vm_unmap_pages(mm, mm->vmas.v[i]->start, mm->vmas.v[i]->end);
	vma_set_destroy(&mm->vmas);
	/* never free the tables CR3 still points at */
	if ((read_cr3() & PTE_ADDR_MASK) == mm->root)
		pt_switch(pt_kernel_root());
	pt_destroy(mm->root);
	kfree(mm);
}

void vm_activate(struct mm_space *mm)
{
	paddr_t root = mm ? mm->root : pt_kernel_root();

	if ((read_cr3() & PTE_ADDR_MASK) != root)
		pt_switch(root);
}

/* Shares (or COW-shares) the pages of v from src into dst. */
static int clone_pages(struct mm_space *dst, struct mm_space *src, const struct vma *v)
{
	bool shared = vma_shared(v);

	vaddr_t va = v->start;

	/* one walk per leaf table on each side; entries within it are consecutive */
	while (va < v->end) {
		vaddr_t stop = MIN(v->end, ALIGN_DOWN(va, PT_SPAN) + PT_SPAN);
		pte_t *s = pt_walk(src->root, va, false), *d = NULL;

		for (; s && va < stop; va += PAGE_SIZE, s++, d = d ? d + 1 : NULL) {
			if (!(*s & PTE_P))
				continue;
			if (!d && !(d = pt_walk(dst->root, va, true)))
				return -ENOMEM;
			if (!shared)
				*s = (*s & ~PTE_W) | PTE_COW;
			*d = *s;
			page_get(*s & PTE_ADDR_MASK);
			if (++dst->rss > dst->rss_peak)
				dst->rss_peak = dst->rss;
		}
		va = stop;
	}
	return 0;
}

struct mm_space *vm_clone(struct mm_space *src)
{
	struct mm_space *dst = vm_create();
	int err = 0;

	if (!dst)
		return NULL;
	mutex_lock(&src->lock);
	for (size_t i = 0; i < src->vmas.n && !err; i++) {
		const struct vma *v = src->vmas.v[i];
		struct vma *c = vma_new(v->start, v->end, v->prot, v->flags, v->file, v->offset);

		if (!c || vma_insert(&dst->vmas, c)) {
			if (c)
				vma_free(c);
			err = -ENOMEM;
			break;
		}
		err = clone_pages(dst, src, v);
	}
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->mmap_base = src->mmap_base;
	dst->total = src->total;
	tlb_flush_all();	/* the parent's writable entries are now COW */
	mutex_unlock(&src->lock);
	if (err) {
		vm_put(dst);
		return NULL;
	}
	return dst;
}

int vm_munmap_locked(struct mm_space *mm, vaddr_t start, vaddr_t end)
{
	size_t first, last;

	if (vma_isolate(&mm->vmas, start, end, &first, &last))
		return -ENOMEM;
	for (size_t i = first; i < last; i++) {
		struct vma *v = mm->vmas.v[i];

		vm_unmap_pages(mm, v->start, v->end);
		mm->total -= vma_pages(v);
		vma_free(v);
	}
	vma_remove(&mm->vmas, first, last);
	return 0;
}

static bool range_ok(vaddr_t addr, size_t len)
{
	return !(addr & (PAGE_SIZE - 1)) && len && addr + len > addr && addr + len <= USER_TOP;
}

int vm_munmap(struct mm_space *mm, vaddr_t addr, size_t len)
{
	int err;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (!range_ok(addr, len))
		return -EINVAL;
	mutex_lock(&mm->lock);
	err = vm_munmap_locked(mm, addr, addr + len);
	mutex_unlock(&mm->lock);
	return err;
}

/* Chooses where a new mapping of len bytes goes; 0 if nowhere. */
static vaddr_t place(struct mm_space *mm, vaddr_t hint, size_t len)
{
	hint = ALIGN_UP(hint, PAGE_SIZE);	/* Linux rounds a hint up */
	if (hint >= MMAP_MIN_ADDR && hint + len > hint && hint + len <= USER_TOP &&
	    vma_range_free(&mm->vmas, hint, hint + len))
		return hint;
	return vma_find_gap(&mm->vmas, len, MMAP_MIN_ADDR, mm->mmap_base);
}

static long mmap_locked(struct mm_space *mm, vaddr_t addr, size_t len, int prot, int flags,
			struct file *file, uint64_t offset)
{
	struct vma *v;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!range_ok(addr, len))
			return addr & (PAGE_SIZE - 1) ? -EINVAL : -ENOMEM;
		if (!(flags & MAP_FIXED) && !vma_range_free(&mm->vmas, addr, addr + len))
			return -EEXIST;
	} else {
		addr = place(mm, addr, len);
		if (!addr)
			return -ENOMEM;
	}
	v = vma_new(addr, addr + len, prot, flags, file, offset);
	if (!v)
		return -ENOMEM;
	if (vm_munmap_locked(mm, addr, addr + len) || vma_insert(&mm->vmas, v)) {
		vma_free(v);
		return -ENOMEM;
	}
	mm->total += len >> PAGE_SHIFT;
	if (flags & MAP_POPULATE)	/* best effort, like Linux */
		for (vaddr_t va = addr; va < addr + len; va += PAGE_SIZE)
			if (vm_fault_locked(mm, va, prot & PROT_WRITE, false, true))
				break;
	return addr;
}

long vm_mmap(struct mm_space *mm, vaddr_t addr, size_t len, int prot, int flags,
	     struct file *file, uint64_t offset)
{
	long r;

	if (!len || ALIGN_UP(len, PAGE_SIZE) < len)
		return len ? -ENOMEM : -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	flags &= ~VMA_SPECIAL;
	if (file)
		flags &= ~MAP_ANONYMOUS;
	else
		flags |= MAP_ANONYMOUS;
	mutex_lock(&mm->lock);
	r = mmap_locked(mm, addr, len, prot, flags, file, offset);
	mutex_unlock(&mm->lock);
	return r;
}

/*
 * Shared anonymous memory is an unlinked tmpfs file, as Linux's shmem: every
 * process that inherits the mapping faults the same pages, even those nobody
 * touched before fork, and the pages go with the last mapping.
 */
long vm_mmap_shared_anon(struct mm_space *mm, vaddr_t addr, size_t len, int prot, int flags)
{
	struct file *f = tmpfs_anon_file(ALIGN_UP(len, PAGE_SIZE));
	long r;

	if (IS_ERR(f))
		return PTR_ERR(f);
	r = vm_mmap(mm, addr, len, prot, (flags & ~(MAP_TYPE | MAP_ANONYMOUS)) | MAP_SHARED, f, 0);
	file_put(f);
	return r;
}

int vm_map_special(struct mm_space *mm, vaddr_t addr, const paddr_t *pages, size_t n,
		   int prot, int kind)
{
	size_t len = n * PAGE_SIZE;
	struct vma *v;
	int err = 0;

	if (!n || !range_ok(addr, len) || prot & PROT_WRITE)
		return -EINVAL;
	mutex_lock(&mm->lock);
	if (!vma_range_free(&mm->vmas, addr, addr + len)) {
		err = -EEXIST;
		goto out;
	}
	v = vma_new(addr, addr + len, prot,
		    MAP_SHARED | MAP_ANONYMOUS | (kind == VM_SPECIAL_VVAR ? VMA_VVAR : VMA_VDSO),
		    NULL, 0);
	if (!v || vma_insert(&mm->vmas, v)) {
		if (v)
			vma_free(v);
		err = -ENOMEM;
		goto out;
	}
	mm->total += n;
	for (size_t i = 0; i < n; i++) {
		pte_t *pte = pt_walk(mm->root, addr + i * PAGE_SIZE, true);

		if (!pte) {	/* the pages mapped so far go with the VMA */
			vm_munmap_locked(mm, addr, addr + len);
			err = -ENOMEM;
			goto out;
		}
		page_get(pages[i]);
		*pte = pages[i] | vm_pte_flags(v);
		if (++mm->rss > mm->rss_peak)
			mm->rss_peak = mm->rss;
	}
out:
	mutex_unlock(&mm->lock);
	return err;
}

/* End of the mapped run that starts at start (start itself if unmapped). */
static vaddr_t mapped_until(const struct vma_set *s, vaddr_t start, vaddr_t end)
{
	vaddr_t at = start;

	for (size_t i = vma_lower_bound(s, start); i < s->n && at < end; i++) {
		if (s->v[i]->start > at)
			break;
		at = s->v[i]->end;
	}
	return MIN(at, end);
}

/*
 * A shared file mapping may become writable only if the file was opened for
 * writing, a special mapping never: stops end at the first VMA that may not
 * (-EACCES, as Linux).
 */
static vaddr_t may_write_until(const struct vma_set *s, vaddr_t start, vaddr_t end, int *err)
{
	for (size_t i = vma_lower_bound(s, start); i < s->n && s->v[i]->start < end; i++) {
		const struct vma *v = s->v[i];

		if ((v->flags & VMA_SPECIAL) ||
		    (v->file && vma_shared(v) && (file_flags(v->file) & 3) != 2 /* O_RDWR */)) {
			*err = -EACCES;
			return MAX(v->start, start);
		}
	}
	return end;
}

/* Like Linux: changes the mapped run from addr and fails with -ENOMEM at a hole. */
int vm_mprotect(struct mm_space *mm, vaddr_t addr, size_t len, int prot)
{
	size_t first, last;
	vaddr_t end;
	int err = 0;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (addr & (PAGE_SIZE - 1) || addr + len < addr || addr + len > USER_TOP)
		return -EINVAL;
	if (!len)
		return 0;
	mutex_lock(&mm->lock);
	end = mapped_until(&mm->vmas, addr, addr + len);
	if (end < addr + len)
		err = -ENOMEM;
	if (prot & PROT_WRITE)
		end = may_write_until(&mm->vmas, addr, end, &err);
	if (end > addr && vma_isolate(&mm->vmas, addr, end, &first, &last) == 0) {
		for (size_t i = first; i < last; i++) {
			mm->vmas.v[i]->prot = prot;
			vm_protect_pages(mm, mm->vmas.v[i], mm->vmas.v[i]->start,
					 mm->vmas.v[i]->end);
		}
		/* merge from the right so indexes below stay valid */
		for (size_t i = last + 1; i-- > first;)
			if (i < mm->vmas.n)
				vma_merge_at(&mm->vmas, i);
	} else if (end > addr) {
		err = -ENOMEM;
	}
	mutex_unlock(&mm->lock);
	return err;
}

void vm_set_brk_start(struct mm_space *mm, vaddr_t start)
{
	mutex_lock(&mm->lock);
	/* Linux page-aligns the initial break: the bss tail page is not heap */
	mm->brk_start = mm->brk = ALIGN_UP(start, PAGE_SIZE);
	mutex_unlock(&mm->lock);
}

void vm_set_mmap_base(struct mm_space *mm, vaddr_t base)
{
	mutex_lock(&mm->lock);
	mm->mmap_base = ALIGN_DOWN(base, PAGE_SIZE);
	mutex_unlock(&mm->lock);
}

vaddr_t vm_brk(struct mm_space *mm, vaddr_t want)
{
	vaddr_t old_end, new_end, r;

	mutex_lock(&mm->lock);
	r = mm->brk;
	if (!mm->brk_start || want < mm->brk_start || want >= mm->mmap_base)
		goto out;
	old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	new_end = ALIGN_UP(want, PAGE_SIZE);
	if (new_end > old_end) {
		if (!vma_range_free(&mm->vmas, old_end, new_end) ||
		    mmap_locked(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0) < 0)
			goto out;
	} else if (new_end < old_end && vm_munmap_locked(mm, new_end, old_end)) {
		goto out;
	}
	r = mm->brk = want;
out:
	mutex_unlock(&mm->lock);
	return r;
}

size_t vm_rss_peak_pages(struct mm_space *mm)
{
	return mm ? __atomic_load_n(&mm->rss_peak, __ATOMIC_RELAXED) : 0;
}

size_t vm_rss_pages(struct mm_space *mm)
{
	return __atomic_load_n(&mm->rss, __ATOMIC_RELAXED);
}

size_t vm_total_pages(struct mm_space *mm)
{
	return __atomic_load_n(&mm->total, __ATOMIC_RELAXED);
}
