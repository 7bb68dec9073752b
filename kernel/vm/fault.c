/*
 * fault.c - page faults in user space: demand-zero, file pages, copy-on-write,
 * and the OOM killer when no page can be found.
 *
 * Private pages are mapped writable only while they are exclusively ours.  A
 * write to a private page that is mapped read-only (PTE_COW) copies it, unless
 * its refcount is 1, in which case nobody else can see it and it is simply made
 * writable.  Private file pages start as the page-cache page itself, read-only.
 */
#include <aegis/errno.h>
#include <aegis/printk.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/vfs.h>
#include <asm/cpu.h>
#include <asm/trap.h>
#include "internal.h"

#define PF_PRESENT	0x1
#define PF_WRITE	0x2
#define PF_INSTR	0x10
#define STACK_DEFAULT_MAX (8ul << 20)
#define STACK_GUARD_GAP	(256 * PAGE_SIZE)

static bool access_ok(const struct vma *v, bool write, bool exec)
{
	if (write)
		return v->prot & PROT_WRITE;
	if (exec)
		return v->prot & PROT_EXEC;
	return v->prot != PROT_NONE;	/* x86: write or exec imply read */
}

static int cow_break(struct mm_space *mm, const struct vma *v, vaddr_t va, pte_t *pte)
{
	paddr_t old = *pte & PTE_ADDR_MASK, new;
	struct page *pg = phys_to_page(old);
	uint64_t w = (v->prot & PROT_WRITE) ? PTE_W : 0;

	if (pg && __atomic_load_n(&pg->refcount, __ATOMIC_ACQUIRE) == 1) {
		*pte = (*pte & ~PTE_COW) | w;
		tlb_flush_page(va);
		return 0;
	}
	new = pmm_alloc_page();
	if (!new)
		return -ENOMEM;
	memcpy(phys_to_virt(new), phys_to_virt(old), PAGE_SIZE);
	*pte = new | vm_pte_flags(v) | w;
	tlb_flush_page(va);
	page_put(old);
	return 0;
}

/* The page that backs va before any write: zeroes or the file's bytes. */
static int source_page(const struct vma *v, vaddr_t va, paddr_t *pa)
{
	int err;

	if (!v->file) {
		*pa = pmm_alloc_zeroed_page();
		return *pa ? 0 : -ENOMEM;
	}
	err = vfs_mmap_page(v->file, (v->offset + (va - v->start)) >> PAGE_SHIFT, pa);
	return err == -ENOMEM || err == 0 ? err : -EIO;	/* other errors: SIGBUS */
}

static int fault_in(struct mm_space *mm, const struct vma *v, vaddr_t va, bool write)
{
	uint64_t flags = vm_pte_flags(v);
	paddr_t pa;
	int err = source_page(v, va, &pa);

	if (err)
		return err;
	if (!vma_shared(v)) {
		if (v->file && write) {		/* copy now rather than fault twice */
			paddr_t copy = pmm_alloc_page();

			if (!copy) {
				page_put(pa);
				return -ENOMEM;
			}
			memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
			page_put(pa);
			pa = copy;
		}
		if (v->file && !write)
			flags |= PTE_COW;
		else if (v->prot & PROT_WRITE)
			flags |= PTE_W;
	}
	err = pt_map(mm->root, va, pa, flags);
	if (err) {
		page_put(pa);
		return -ENOMEM;
	}
	if (++mm->rss > mm->rss_peak)
		mm->rss_peak = mm->rss;
	return 0;
}

/* RLIMIT_STACK of the process owning mm if it is the current one, else 8 MiB. */
static uint64_t stack_limit(struct mm_space *mm)
{
	struct task *t = current_task();

	if (t && t->proc && t->proc->mm == mm)
		return t->proc->rlim[RLIMIT_STACK].cur;
	return STACK_DEFAULT_MAX;
}

/*
 * A fault just below a MAP_GROWSDOWN VMA extends it down to the faulting page,
 * within the stack limit and keeping a guard gap above the next VMA below (as
 * Linux's stack_guard_gap).  Returns the grown VMA or NULL.
 */
static struct vma *grow_stack(struct mm_space *mm, vaddr_t addr)
{
	size_t i = vma_lower_bound(&mm->vmas, addr);
	vaddr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vma *v;

	if (i >= mm->vmas.n)
		return NULL;
	v = mm->vmas.v[i];
	if (!(v->flags & MAP_GROWSDOWN) || v->file || v->end - va > stack_limit(mm))
		return NULL;
	if (va < STACK_GUARD_GAP ||
	    (i > 0 && mm->vmas.v[i - 1]->end > va - STACK_GUARD_GAP))
		return NULL;
	mm->total += (v->start - va) >> PAGE_SHIFT;
	v->start = va;
	return v;
}

int vm_fault_locked(struct mm_space *mm, vaddr_t addr, bool write, bool exec, bool force)
{
	struct vma *v = vma_find(&mm->vmas, addr);
	vaddr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	pte_t *pte;

	if (!v && !(v = grow_stack(mm, addr)))
		return -EFAULT;
	if (!force && !access_ok(v, write, exec))
		return -EACCES;
	pte = pt_walk(mm->root, va, false);
	if ((!pte || !(*pte & PTE_P)) && (v->flags & VMA_SPECIAL))
		return -EFAULT;		/* its pages were moved away (mremap) */
	if (!pte || !(*pte & PTE_P))
		return fault_in(mm, v, va, write);
	if (write && !(*pte & PTE_W) && (*pte & PTE_COW))
		return cow_break(mm, v, va, pte);
	/* already resolved (another thread, or a stale TLB entry) */
	tlb_flush_page(va);
	return 0;
}

int vm_fault(struct mm_space *mm, vaddr_t addr, uint64_t err)
{
	int r;

	if (addr >= USER_TOP)
		return -EFAULT;
	mutex_lock(&mm->lock);
	r = vm_fault_locked(mm, addr, err & PF_WRITE, err & PF_INSTR, false);
	mutex_unlock(&mm->lock);
	if (r == -ENOMEM)
		vm_oom_kill();
	return r;
}

int mm_handle_page_fault(struct trap_frame *f, uint64_t addr)
{
	struct task *t = current_task();
	struct process *p = t ? t->proc : NULL;
	int r;

	if (addr >= USER_TOP || !p || !p->mm)
		return -EFAULT;
	if (f->rflags & RFLAGS_IF) {
		arch_irq_enable();	/* we may sleep on mm->lock */
		r = vm_fault(p->mm, addr, f->error);
	} else {
		/* a user copy with interrupts off must not sleep: fail it instead */
		if (!mutex_trylock(&p->mm->lock))
			return -EFAULT;
		r = vm_fault_locked(p->mm, addr, f->error & PF_WRITE, f->error & PF_INSTR, false);
		mutex_unlock(&p->mm->lock);
	}
	if (r == 0)
		__atomic_fetch_add(&p->min_flt, 1, __ATOMIC_RELAXED);
	return r;
}

struct oom_pick {
	int pid;
	size_t rss;
};

static void oom_consider(struct process *p, void *arg)
{
	struct oom_pick *best = arg;
	size_t rss = p->mm ? vm_rss_pages(p->mm) : 0;

	if (p->pid > 1 && rss > best->rss) {
		best->pid = p->pid;
		best->rss = rss;
	}
}

void vm_oom_kill(void)
{
	struct oom_pick best = { 0, 0 };
	struct process *p;

	proc_for_each(oom_consider, &best);
	if (!best.pid || !(p = proc_find(best.pid)))
		return;
	printk(LOG_ERR, "oom: killed process %d (%s), rss %zu KiB\n", p->pid, p->comm,
	       best.rss * (PAGE_SIZE / 1024));
	signal_send_proc(p, SIGKILL, NULL);
	proc_put(p);
}
