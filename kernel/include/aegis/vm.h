/*
 * vm.h - user address spaces (kernel/vm/).
 *
 * A struct mm_space is a page-table root plus the VM areas (VMAs) that say what
 * each range of the lower half is: anonymous or file-backed, private or shared,
 * with which protection.  Pages are filled on demand by the fault handler: zero
 * pages, file pages, copy-on-write copies after fork.
 *
 * Every function taking an mm locks it itself (mm->lock, a mutex: faults may sleep).
 */
#ifndef AEGIS_VM_H
#define AEGIS_VM_H

#include <aegis/types.h>

struct mm_space;
struct file;
struct trap_frame;

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE	0x0f
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_GROWSDOWN	0x0100
#define MAP_DENYWRITE	0x0800
#define MAP_EXECUTABLE	0x1000
#define MAP_LOCKED	0x2000
#define MAP_NORESERVE	0x4000
#define MAP_POPULATE	0x8000
#define MAP_NONBLOCK	0x10000
#define MAP_STACK	0x20000
#define MAP_HUGETLB	0x40000
#define MAP_FIXED_NOREPLACE 0x100000

/*
 * Lifetime.  Exec should map the main stack with MAP_GROWSDOWN: /proc/<pid>/maps
 * labels such VMAs [stack], and a fault below one grows it (up to
 * RLIMIT_STACK, keeping a 1 MiB gap above the mapping below).
 */
struct mm_space *vm_create(void);			/* empty; NULL on OOM */
struct mm_space *vm_clone(struct mm_space *src);	/* fork: COW copy; NULL on OOM */
void vm_get(struct mm_space *mm);
void vm_put(struct mm_space *mm);			/* last put frees everything */
void vm_activate(struct mm_space *mm);			/* load its page tables (CR3) */

/*
 * Mapping, as mmap(2) does it, for exec and for sys_mmap: addr is a hint unless
 * MAP_FIXED/MAP_FIXED_NOREPLACE; file may be NULL (anonymous).  Returns the
 * address or -errno.
 */
long vm_mmap(struct mm_space *mm, vaddr_t addr, size_t len, int prot, int flags,
	     struct file *file, uint64_t offset);
/* MAP_SHARED anonymous memory: a vm_mmap of a new unlinked tmpfs file (shmem). */
long vm_mmap_shared_anon(struct mm_space *mm, vaddr_t addr, size_t len, int prot, int flags);
int vm_munmap(struct mm_space *mm, vaddr_t addr, size_t len);
/*
 * Maps the n kernel-owned physical pages at addr (which must be free) as a special
 * mapping (the vDSO's): never writable, shared with the children of fork,
 * labelled [vvar] or [vdso] in /proc/<pid>/maps.  The pages are referenced per
 * mapping; the caller keeps its own reference.  0 or -errno.
 */
#define VM_SPECIAL_VVAR	1
#define VM_SPECIAL_VDSO	2
int vm_map_special(struct mm_space *mm, vaddr_t addr, const paddr_t *pages, size_t n,
		   int prot, int kind);
int vm_mprotect(struct mm_space *mm, vaddr_t addr, size_t len, int prot);
/* mremap(2): MREMAP_MAYMOVE 1, MREMAP_FIXED 2.  Returns the new address or -errno. */
long vm_mremap(struct mm_space *mm, vaddr_t old, size_t old_len, size_t new_len, int flags,
	       vaddr_t new_addr);
/* brk(2): moves the break to want if it can; returns the break (old one on failure). */
vaddr_t vm_brk(struct mm_space *mm, vaddr_t want);
/* madvise(MADV_DONTNEED): drops private pages in the range (they refault as zeroes
 * or file bytes).  -ENOMEM if part of the range is unmapped. */
int vm_dontneed(struct mm_space *mm, vaddr_t addr, size_t len);
/* mincore: vec[i] = 1 if page i of [addr, addr+len) is resident; -ENOMEM if unmapped. */
int vm_mincore(struct mm_space *mm, vaddr_t addr, size_t len, uint8_t *vec);
bool vm_range_mapped(struct mm_space *mm, vaddr_t addr, size_t len);
/*
 * Zeroes [start, end) through mm's page tables, faulting pages in and breaking COW
 * regardless of the VMAs' protection: exec uses it for the bss part of the last
 * file page of a segment.  0 or -EFAULT/-ENOMEM.
 */
int vm_zero_range(struct mm_space *mm, vaddr_t start, vaddr_t end);
/* Sets the program break's start (exec: the end of the bss; rounded up to a page). */
void vm_set_brk_start(struct mm_space *mm, vaddr_t start);
/* Top-down placement starts below this (exec sets it under the stack). */
void vm_set_mmap_base(struct mm_space *mm, vaddr_t base);
/*
 * Copies out/in through the page tables of mm (another process's, for /proc; exec's
 * stack), faulting pages in like a debugger (VMA protection not checked; the
 * range must be mapped).  Returns the bytes copied, or -EFAULT if none.
 */
long vm_access(struct mm_space *mm, vaddr_t addr, void *buf, size_t len, bool write);

/*
 * Resolves a user-space fault at addr in the current process.  err is the x86
 * page-fault error code.  Returns 0 (mapped), -EFAULT (no VMA: SEGV_MAPERR),
 * -EACCES (protection: SEGV_ACCERR), -EIO (SIGBUS: beyond the file's end),
 * -ENOMEM (out of memory: the OOM killer has run).
 */
int vm_fault(struct mm_space *mm, vaddr_t addr, uint64_t err);

/* Statistics for /proc. */
size_t vm_rss_pages(struct mm_space *mm);
size_t vm_rss_peak_pages(struct mm_space *mm);	/* high-water mark */
size_t vm_total_pages(struct mm_space *mm);
/* Writes /proc/<pid>/maps text into buf; returns the length. */
size_t vm_format_maps(struct mm_space *mm, char *buf, size_t size);

#endif
