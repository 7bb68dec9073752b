/*
 * internal.h - what the files of kernel/vm/ share: the mm_space itself and the
 * page-table helpers that work on its user half.
 *
 * Locking key: [I] immutable, [a] atomic, [lock] mm->lock (a mutex: faults sleep).
 */
#ifndef AEGIS_VM_INTERNAL_H
#define AEGIS_VM_INTERNAL_H

#include <aegis/mm.h>
#include <aegis/sched.h>
#include <aegis/vm.h>
#include "vma.h"

#define MMAP_MIN_ADDR	0x10000ul		/* like Linux's vm.mmap_min_addr */
#define MMAP_DEFAULT_BASE 0x7f0000000000ul	/* when exec has not set one */

/* The span of one leaf page table: 512 pages. */
#define PT_SPAN		(512 * PAGE_SIZE)

struct mm_space {
	struct mutex lock;
	int refcount;			/* [a] */
	paddr_t root;			/* [I] PML4 */
	struct vma_set vmas;		/* [lock] */
	vaddr_t brk_start, brk;		/* [lock] program break */
	vaddr_t mmap_base;		/* [lock] top-down placement starts below */
	size_t rss;			/* [lock] mapped pages; read racily for stats */
	size_t rss_peak;		/* [lock] the most rss has been (ru_maxrss) */
	size_t total;			/* [lock] pages covered by VMAs */
};

static inline size_t vma_pages(const struct vma *v)
{
	return (v->end - v->start) >> PAGE_SHIFT;
}

/* PTE bits a VMA allows for a page (PTE_W only for shared writable mappings:
 * private pages get it at fault time once they are exclusively ours). */
uint64_t vm_pte_flags(const struct vma *v);
/* Drops the pages mapped in [start, end); the caller holds mm->lock. */
void vm_unmap_pages(struct mm_space *mm, vaddr_t start, vaddr_t end);
/* Applies v's protection to its pages in [start, end). */
void vm_protect_pages(struct mm_space *mm, const struct vma *v, vaddr_t start, vaddr_t end);
/* The fault path with mm->lock held; force ignores the VMA's protection (for
 * vm_access and vm_zero_range). */
int vm_fault_locked(struct mm_space *mm, vaddr_t addr, bool write, bool exec, bool force);
/* Picks the process with the largest RSS and sends it SIGKILL. */
void vm_oom_kill(void);
/* munmap with the lock held. */
int vm_munmap_locked(struct mm_space *mm, vaddr_t start, vaddr_t end);

#endif
