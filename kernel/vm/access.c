/*
 * access.c - reaching another address space's memory through its page tables
 * (exec's initial stack, /proc/<pid>/mem, bss zeroing) and /proc/<pid>/maps.
 */
#include <aegis/errno.h>
#include <aegis/printf.h>
#include <aegis/string.h>
#include <aegis/vfs.h>
#include "internal.h"

/*
 * The physical page behind va, faulted in (and made private if write) as a
 * debugger would: the VMA's protection is not checked, except that special
 * mappings are never written.  Caller holds mm->lock.
 */
static int page_for(struct mm_space *mm, vaddr_t va, bool write, paddr_t *pa)
{
	pte_t *pte = pt_walk(mm->root, va, false);
	bool ok = pte && (*pte & PTE_P) && (!write || !(*pte & PTE_COW));
	const struct vma *v;
	int err;

	/* the vDSO's pages are every process's: a debugger may not patch them */
	if (write && (v = vma_find(&mm->vmas, va)) && (v->flags & VMA_SPECIAL))
		return -EFAULT;
	if (!ok) {
		err = vm_fault_locked(mm, va, write, false, true);
		if (err)
			return err;
		pte = pt_walk(mm->root, va, false);
	}
	*pa = *pte & PTE_ADDR_MASK;
	return 0;
}

long vm_access(struct mm_space *mm, vaddr_t addr, void *buf, size_t len, bool write)
{
	size_t done = 0;
	int err = 0;

	if (addr >= USER_TOP)
		return -EFAULT;
	len = MIN(len, USER_TOP - addr);
	mutex_lock(&mm->lock);
	while (done < len) {
		vaddr_t va = addr + done;
		size_t off = va & (PAGE_SIZE - 1), n = MIN(len - done, PAGE_SIZE - off);
		paddr_t pa;
		char *p;

		err = page_for(mm, va - off, write, &pa);
		if (err)
			break;
		p = (char *)phys_to_virt(pa) + off;
		if (write)
			memcpy(p, (char *)buf + done, n);
		else
			memcpy((char *)buf + done, p, n);
		done += n;
	}
	mutex_unlock(&mm->lock);
	if (err == -ENOMEM)
		vm_oom_kill();
	return done ? (long)done : (len ? (err == -ENOMEM ? -ENOMEM : -EFAULT) : 0);
}

int vm_zero_range(struct mm_space *mm, vaddr_t start, vaddr_t end)
{
	size_t len;
	char zeros[256];
	long r = 0;

	memset(zeros, 0, sizeof(zeros));
	for (; start < end && r >= 0; start += len) {
		len = MIN(end - start, sizeof(zeros));
		r = vm_access(mm, start, zeros, len, true);
		if (r >= 0 && (size_t)r != len)
			r = -EFAULT;
	}
	return r < 0 ? (int)r : 0;
}

/* The /proc/<pid>/maps label of v: its file, [heap], [vvar], [vdso], [stack] or none. */
static void label(struct mm_space *mm, const struct vma *v, char *buf, size_t size)
{
	buf[0] = 0;
	if (v->file) {
		if (vfs_file_path(v->file, buf, size) < 0)
			buf[0] = 0;
	} else if (mm->brk_start && v->start <= mm->brk && v->end >= mm->brk_start) {
		/* Linux's rule: the VMA touches [start_brk, brk] (bss may merge in) */
		snprintf(buf, size, "[heap]");
	} else if (v->flags & VMA_VVAR) {
		snprintf(buf, size, "[vvar]");
	} else if (v->flags & VMA_VDSO) {
		snprintf(buf, size, "[vdso]");
	} else if (v->flags & MAP_GROWSDOWN) {
		snprintf(buf, size, "[stack]");
	}
}

static size_t format_one(struct mm_space *mm, const struct vma *v, char *out, size_t size)
{
	char name[128];
	int n;

	label(mm, v, name, sizeof(name));
	n = snprintf(out, size, "%08lx-%08lx %c%c%c%c %08llx 00:00 0 ", v->start, v->end,
		     v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
		     v->prot & PROT_EXEC ? 'x' : '-',
		     vma_shared(v) && !(v->flags & VMA_SPECIAL) ? 's' : 'p',	/* as Linux */
		     (unsigned long long)v->offset);
	if (name[0]) /* Linux pads the path to column 73 */
		n += snprintf(out + MIN((size_t)n, size), size - MIN((size_t)n, size),
			      "%*s%s", n < 73 ? 73 - n : 0, "", name);
	n += snprintf(out + MIN((size_t)n, size), size - MIN((size_t)n, size), "\n");
	return n;
}

size_t vm_format_maps(struct mm_space *mm, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = 0;
	mutex_lock(&mm->lock);
	for (size_t i = 0; i < mm->vmas.n && len < size; i++) {
		size_t n = format_one(mm, mm->vmas.v[i], buf + len, size - len);

		if (len + n >= size) {	/* whole lines only */
			buf[len] = 0;
			break;
		}
		len += n;
	}
	mutex_unlock(&mm->lock);
	return len;
}
