/*
 * ktest_vm.c - self-tests of user address spaces ("ktest=vm_").  They drive an
 * mm_space directly (vm_fault, vm_access) without running user code, and check
 * the VMA array, the page tables, page refcounts and that nothing leaks.
 */
#include <aegis/errno.h>
#include <aegis/ktest.h>
#include <aegis/string.h>
#include "internal.h"

#define BASE	0x400000ul
#define PF_W	0x6	/* user write */
#define PF_R	0x4	/* user read */
#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)

static pte_t pte_of(struct mm_space *mm, vaddr_t va)
{
	pte_t *p = pt_walk(mm->root, va, false);

	return p ? *p : 0;
}

static struct vma *vma_at(struct mm_space *mm, size_t i)
{
	return i < mm->vmas.n ? mm->vmas.v[i] : NULL;
}

/* Kernel caches grow on first use: run once before measuring leaks. */
static void warm_up(void)
{
	struct mm_space *mm = vm_create();

	vm_mmap(mm, BASE, 64 * PAGE_SIZE, RW, ANON, NULL, 0);
	for (int i = 0; i < 64; i++)
		vm_fault(mm, BASE + i * PAGE_SIZE, PF_W);
	vm_put(vm_clone(mm));
	vm_put(mm);
}

KTEST(vm_map_split_merge)
{
	struct mm_space *mm = vm_create();

	KT_ASSERT(mm);
	KT_ASSERT_EQ(vm_mmap(mm, BASE, 4 * PAGE_SIZE, RW, ANON, NULL, 0), BASE);
	KT_ASSERT_EQ(mm->vmas.n, 1);
	KT_ASSERT_EQ(vm_munmap(mm, BASE + PAGE_SIZE, PAGE_SIZE), 0);
	KT_ASSERT_EQ(mm->vmas.n, 2);
	KT_ASSERT_EQ(vma_at(mm, 0)->end, BASE + PAGE_SIZE);
	KT_ASSERT_EQ(vma_at(mm, 1)->start, BASE + 2 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_total_pages(mm), 3);
	KT_ASSERT_EQ(vm_mmap(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW, ANON, NULL, 0),
		     BASE + PAGE_SIZE);
	KT_ASSERT_EQ(mm->vmas.n, 1);
	KT_ASSERT_EQ(vma_at(mm, 0)->end, BASE + 4 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_mmap(mm, BASE, PAGE_SIZE, RW,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0), -EEXIST);
	/* a hint that is taken, then placement top-down below mmap_base */
	KT_ASSERT_EQ(vm_mmap(mm, 0x10000000, PAGE_SIZE, RW, MAP_PRIVATE, NULL, 0), 0x10000000);
	vm_set_mmap_base(mm, 0x20000000);
	KT_ASSERT_EQ(vm_mmap(mm, 0, 2 * PAGE_SIZE, RW, MAP_PRIVATE, NULL, 0),
		     0x20000000 - 2 * PAGE_SIZE);
	vm_put(mm);
}

KTEST(vm_fault_demand_zero)
{
	struct mm_space *mm;
	size_t before;
	pte_t p;

	warm_up();
	before = pmm_free_pages_count();
	mm = vm_create();
	vm_mmap(mm, BASE, 8 * PAGE_SIZE, RW, ANON, NULL, 0);
	vm_mmap(mm, BASE + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON, NULL, 0);
	KT_ASSERT_EQ(vm_fault(mm, BASE + 5, PF_W), 0);
	p = pte_of(mm, BASE);
	KT_ASSERT((p & (PTE_P | PTE_U | PTE_W)) == (PTE_P | PTE_U | PTE_W));
	KT_ASSERT(!memcmp(phys_to_virt(p & PTE_ADDR_MASK), (char *)phys_to_virt(p & PTE_ADDR_MASK) + 1,
			  PAGE_SIZE - 1));
	KT_ASSERT_EQ(vm_fault(mm, BASE + PAGE_SIZE, PF_R), 0);
	KT_ASSERT_EQ(vm_rss_pages(mm), 2);
	KT_ASSERT_EQ(vm_fault(mm, BASE + 8 * PAGE_SIZE, PF_W), -EACCES);
	KT_ASSERT_EQ(vm_fault(mm, BASE + 8 * PAGE_SIZE, PF_R), 0);
	KT_ASSERT(!(pte_of(mm, BASE + 8 * PAGE_SIZE) & PTE_W));
	KT_ASSERT_EQ(vm_fault(mm, BASE + 20 * PAGE_SIZE, PF_R), -EFAULT);
	KT_ASSERT_EQ(vm_fault(mm, USER_TOP + 1, PF_R), -EFAULT);
	vm_put(mm);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

KTEST(vm_access_rw)
{
	struct mm_space *mm = vm_create();
	char buf[32];

	vm_mmap(mm, BASE, 2 * PAGE_SIZE, RW, ANON, NULL, 0);
	KT_ASSERT_EQ(vm_access(mm, BASE + PAGE_SIZE - 5, "hello, world", 13, true), 13);
	memset(buf, 0, sizeof(buf));
	KT_ASSERT_EQ(vm_access(mm, BASE + PAGE_SIZE - 5, buf, 13, false), 13);
	KT_ASSERT(!strcmp(buf, "hello, world"));
	KT_ASSERT_EQ(vm_access(mm, BASE + 2 * PAGE_SIZE - 4, buf, 8, false), 4);
	KT_ASSERT_EQ(vm_access(mm, BASE + 2 * PAGE_SIZE, buf, 8, false), -EFAULT);
	KT_ASSERT_EQ(vm_zero_range(mm, BASE + PAGE_SIZE - 2, BASE + PAGE_SIZE + 2), 0);
	vm_access(mm, BASE + PAGE_SIZE - 5, buf, 13, false);
	KT_ASSERT(!memcmp(buf, "hel\0\0\0\0world", 13));
	vm_put(mm);
}

KTEST(vm_clone_cow)
{
	struct mm_space *parent, *child;
	size_t before;
	char buf[8];
	paddr_t pa;

	warm_up();
	before = pmm_free_pages_count();
	parent = vm_create();
	vm_mmap(parent, BASE, PAGE_SIZE, RW, ANON, NULL, 0);
	vm_access(parent, BASE, "parent", 7, true);
	pa = pte_of(parent, BASE) & PTE_ADDR_MASK;
	child = vm_clone(parent);
	KT_ASSERT(child);
	KT_ASSERT_EQ(phys_to_page(pa)->refcount, 2);
	KT_ASSERT(!(pte_of(parent, BASE) & PTE_W) && (pte_of(parent, BASE) & PTE_COW));
	KT_ASSERT_EQ(pte_of(child, BASE) & PTE_ADDR_MASK, pa);
	KT_ASSERT_EQ(vm_access(child, BASE, "child", 6, true), 6);
	KT_ASSERT((pte_of(child, BASE) & PTE_ADDR_MASK) != pa);
	KT_ASSERT_EQ(phys_to_page(pa)->refcount, 1);
	vm_access(parent, BASE, buf, 7, false);
	KT_ASSERT(!strcmp(buf, "parent"));
	vm_access(child, BASE, buf, 6, false);
	KT_ASSERT(!strcmp(buf, "child"));
	vm_put(child);
	/* sole owner again: the write fault reuses the page */
	KT_ASSERT_EQ(vm_fault(parent, BASE, PF_W), 0);
	KT_ASSERT_EQ(pte_of(parent, BASE) & (PTE_ADDR_MASK | PTE_W), pa | PTE_W);
	vm_put(parent);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

/* Shared anonymous memory: a page first touched after fork is the same page in
 * both spaces, and it is freed with the last mapping. */
KTEST(vm_shared_anon_fork)
{
	struct mm_space *parent, *child;
	size_t before;
	char buf[8];

	warm_up();
	parent = vm_create();	/* warm the inode and file caches too */
	vm_mmap_shared_anon(parent, BASE, PAGE_SIZE, RW, MAP_SHARED | MAP_FIXED);
	vm_fault(parent, BASE, PF_W);
	vm_put(parent);
	before = pmm_free_pages_count();
	parent = vm_create();
	KT_ASSERT_EQ(vm_mmap_shared_anon(parent, BASE, 4 * PAGE_SIZE, RW, MAP_SHARED | MAP_FIXED),
		     BASE);
	child = vm_clone(parent);
	KT_ASSERT(child);
	KT_ASSERT_EQ(vm_access(child, BASE + PAGE_SIZE, "child", 6, true), 6);
	KT_ASSERT_EQ(vm_access(parent, BASE + PAGE_SIZE, buf, 6, false), 6);
	KT_ASSERT(!strcmp(buf, "child"));
	KT_ASSERT_EQ(pte_of(parent, BASE + PAGE_SIZE) & PTE_ADDR_MASK,
		     pte_of(child, BASE + PAGE_SIZE) & PTE_ADDR_MASK);
	KT_ASSERT_EQ(vm_access(parent, BASE + 3 * PAGE_SIZE, "parent", 7, true), 7);
	KT_ASSERT_EQ(vm_munmap(parent, BASE, 4 * PAGE_SIZE), 0);
	vm_put(parent);
	/* the child's mapping still holds the file and its pages */
	KT_ASSERT_EQ(vm_access(child, BASE + 3 * PAGE_SIZE, buf, 7, false), 7);
	KT_ASSERT(!strcmp(buf, "parent"));
	vm_put(child);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

KTEST(vm_munmap_frees)
{
	struct mm_space *mm;
	size_t before;

	warm_up();
	before = pmm_free_pages_count();
	mm = vm_create();
	vm_mmap(mm, BASE, 300 * PAGE_SIZE, RW, ANON | MAP_POPULATE, NULL, 0);
	KT_ASSERT_EQ(vm_rss_pages(mm), 300);
	KT_ASSERT(pmm_free_pages_count() < before - 300);
	KT_ASSERT_EQ(vm_munmap(mm, BASE + PAGE_SIZE, 299 * PAGE_SIZE), 0);
	KT_ASSERT_EQ(vm_rss_pages(mm), 1);
	KT_ASSERT_EQ(vm_munmap(mm, BASE, 0), -EINVAL);
	KT_ASSERT_EQ(vm_munmap(mm, BASE + 1, PAGE_SIZE), -EINVAL);
	vm_put(mm);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

KTEST(vm_mprotect_split)
{
	struct mm_space *mm = vm_create();

	vm_mmap(mm, BASE, 3 * PAGE_SIZE, RW, ANON | MAP_POPULATE, NULL, 0);
	KT_ASSERT_EQ(vm_mprotect(mm, BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	KT_ASSERT_EQ(mm->vmas.n, 3);
	KT_ASSERT_EQ(vma_at(mm, 1)->prot, PROT_READ);
	KT_ASSERT(!(pte_of(mm, BASE + PAGE_SIZE) & PTE_W));
	KT_ASSERT_EQ(vm_fault(mm, BASE + PAGE_SIZE, PF_W), -EACCES);
	KT_ASSERT_EQ(vm_mprotect(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW), 0);
	KT_ASSERT_EQ(mm->vmas.n, 1);
	KT_ASSERT_EQ(vm_fault(mm, BASE + PAGE_SIZE, PF_W), 0);
	KT_ASSERT(pte_of(mm, BASE + PAGE_SIZE) & PTE_W);
	KT_ASSERT_EQ(vm_mprotect(mm, BASE, 4 * PAGE_SIZE, RW), -ENOMEM);
	KT_ASSERT_EQ(vm_mprotect(mm, BASE, PAGE_SIZE, PROT_NONE), 0);
	KT_ASSERT(!(pte_of(mm, BASE) & PTE_U));
	KT_ASSERT_EQ(vm_fault(mm, BASE, PF_R), -EACCES);
	vm_put(mm);
}

KTEST(vm_mremap_moves)
{
	struct mm_space *mm = vm_create();
	uint32_t v = 0;
	long to;

	vm_mmap(mm, BASE, 2 * PAGE_SIZE, RW, ANON, NULL, 0);
	for (uint32_t i = 0; i < 2; i++)
		vm_access(mm, BASE + i * PAGE_SIZE, &(uint32_t){ 0xabc0 + i }, 4, true);
	vm_mmap(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON, NULL, 0);
	KT_ASSERT_EQ(vm_mremap(mm, BASE, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), -ENOMEM);
	to = vm_mremap(mm, BASE, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 1, 0);
	KT_ASSERT(to > 0 && (vaddr_t)to != BASE);
	vm_access(mm, to + PAGE_SIZE, &v, 4, false);
	KT_ASSERT_EQ(v, 0xabc1);
	KT_ASSERT(!vma_find(&mm->vmas, BASE));
	KT_ASSERT_EQ(vm_access(mm, to + 3 * PAGE_SIZE, &v, 4, false), 4);
	KT_ASSERT_EQ(v, 0);
	/* grow in place into free space, then shrink */
	KT_ASSERT_EQ(vm_mremap(mm, to, 4 * PAGE_SIZE, 6 * PAGE_SIZE, 0, 0), to);
	KT_ASSERT_EQ(vm_total_pages(mm), 7);
	KT_ASSERT_EQ(vm_mremap(mm, to, 6 * PAGE_SIZE, PAGE_SIZE, 0, 0), to);
	KT_ASSERT_EQ(vm_total_pages(mm), 2);
	vm_put(mm);
}

KTEST(vm_brk_and_maps)
{
	struct mm_space *mm = vm_create();
	char buf[512];

	vm_mmap(mm, BASE, PAGE_SIZE, PROT_READ | PROT_EXEC, ANON, NULL, 0);
	vm_set_brk_start(mm, BASE + PAGE_SIZE + 0x10);
	KT_ASSERT_EQ(vm_brk(mm, 0), BASE + 2 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_brk(mm, BASE + 3 * PAGE_SIZE), BASE + 3 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_access(mm, BASE + 3 * PAGE_SIZE - 4, buf, 4, false), 4);
	vm_mmap(mm, 0x7ff000000000, PAGE_SIZE, RW, ANON | MAP_GROWSDOWN, NULL, 0);
	vm_format_maps(mm, buf, sizeof(buf));
	KT_ASSERT(!strcmp(buf,
		"00400000-00401000 r-xp 00000000 00:00 0 \n"
		"00402000-00403000 rw-p 00000000 00:00 0                                  [heap]\n"
		"7ff000000000-7ff000001000 rw-p 00000000 00:00 0                          [stack]\n"));
	if (ctx->failures)
		printk(LOG_ERR, "maps:\n%s", buf);
	KT_ASSERT_EQ(vm_brk(mm, BASE), BASE + 3 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_brk(mm, BASE + 2 * PAGE_SIZE + 0x10), BASE + 2 * PAGE_SIZE + 0x10);
	KT_ASSERT(vma_find(&mm->vmas, BASE + 2 * PAGE_SIZE));
	KT_ASSERT_EQ(vm_brk(mm, BASE + 2 * PAGE_SIZE), BASE + 2 * PAGE_SIZE);
	KT_ASSERT(!vma_find(&mm->vmas, BASE + 2 * PAGE_SIZE));
	vm_put(mm);
}

KTEST(vm_mremap_fixed_below)
{
	struct mm_space *mm = vm_create();
	uint32_t v = 0;

	/* the target lies inside the same VMA, below the moved part */
	vm_mmap(mm, BASE, 10 * PAGE_SIZE, RW, ANON, NULL, 0);
	vm_access(mm, BASE + 5 * PAGE_SIZE, &(uint32_t){ 0x5555 }, 4, true);
	KT_ASSERT_EQ(vm_mremap(mm, BASE + 5 * PAGE_SIZE, 2 * PAGE_SIZE, 2 * PAGE_SIZE, 3, BASE),
		     BASE);
	vm_access(mm, BASE, &v, 4, false);
	KT_ASSERT_EQ(v, 0x5555);
	KT_ASSERT(!vma_find(&mm->vmas, BASE + 5 * PAGE_SIZE));
	KT_ASSERT_EQ(vm_total_pages(mm), 8);
	KT_ASSERT_EQ(vm_mremap(mm, BASE, PAGE_SIZE, PAGE_SIZE, 2, BASE), -EINVAL);
	vm_put(mm);
}

KTEST(vm_stack_grows)
{
	struct mm_space *mm = vm_create();
	vaddr_t top = 0x7ff000000000;

	vm_mmap(mm, top - PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_GROWSDOWN, NULL, 0);
	KT_ASSERT_EQ(vm_fault(mm, top - 3 * PAGE_SIZE + 8, PF_W), 0);
	KT_ASSERT_EQ(mm->vmas.n, 1);
	KT_ASSERT_EQ(vma_at(mm, 0)->start, top - 3 * PAGE_SIZE);
	KT_ASSERT_EQ(vm_total_pages(mm), 3);
	KT_ASSERT_EQ(vm_fault(mm, top - (9ul << 20), PF_W), -EFAULT);
	/* a mapping just below leaves no room for the guard gap */
	vm_mmap(mm, top - 4 * PAGE_SIZE - (1ul << 20), PAGE_SIZE, RW, ANON, NULL, 0);
	KT_ASSERT_EQ(vm_fault(mm, top - 4 * PAGE_SIZE, PF_W), -EFAULT);
	vm_put(mm);
}

/* Takes every free page, chained through their first words. */
static paddr_t grab_all(void)
{
	paddr_t head = 0, pa;

	while ((pa = pmm_alloc_page())) {
		*(paddr_t *)phys_to_virt(pa) = head;
		head = pa;
	}
	return head;
}

static void release_all(paddr_t head)
{
	while (head) {
		paddr_t next = *(paddr_t *)phys_to_virt(head);

		pmm_free_page(head);
		head = next;
	}
}

KTEST(vm_fault_out_of_memory)
{
	struct mm_space *mm;
	size_t before;
	paddr_t hoard;

	warm_up();
	before = pmm_free_pages_count();
	mm = vm_create();
	vm_mmap(mm, BASE, 2 * PAGE_SIZE, RW, ANON, NULL, 0);
	KT_ASSERT_EQ(vm_fault(mm, BASE, PF_W), 0);
	hoard = grab_all();
	KT_ASSERT_EQ(vm_fault(mm, BASE + PAGE_SIZE, PF_W), -ENOMEM);
	KT_ASSERT(!vm_clone(mm));
	KT_ASSERT_EQ(vm_rss_pages(mm), 1);
	release_all(hoard);
	KT_ASSERT_EQ(vm_fault(mm, BASE + PAGE_SIZE, PF_W), 0);
	vm_put(mm);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
}

/* A special mapping: shared by fork, never writable, its pages never freed by us. */
KTEST(vm_map_special)
{
	struct mm_space *mm, *child;
	paddr_t pa;
	size_t before;
	char buf[512];

	warm_up();
	pa = pmm_alloc_zeroed_page();
	KT_ASSERT(pa);
	before = pmm_free_pages_count();
	mm = vm_create();
	KT_ASSERT_EQ(vm_map_special(mm, BASE, &pa, 1, PROT_READ | PROT_EXEC, VM_SPECIAL_VDSO), 0);
	KT_ASSERT_EQ(vm_map_special(mm, BASE, &pa, 1, PROT_READ, VM_SPECIAL_VVAR), -EEXIST);
	KT_ASSERT_EQ(pte_of(mm, BASE) & PTE_ADDR_MASK, pa);
	KT_ASSERT_EQ(phys_to_page(pa)->refcount, 2);
	child = vm_clone(mm);
	KT_ASSERT(child);
	KT_ASSERT_EQ(pte_of(child, BASE) & (PTE_ADDR_MASK | PTE_W | PTE_COW), pa);
	KT_ASSERT_EQ(phys_to_page(pa)->refcount, 3);
	KT_ASSERT_EQ(vm_mprotect(child, BASE, PAGE_SIZE, PROT_READ | PROT_WRITE), -EACCES);
	KT_ASSERT_EQ(vm_access(child, BASE, "x", 1, true), -EFAULT);
	KT_ASSERT_EQ(vm_access(child, BASE, buf, 1, false), 1);
	vm_format_maps(child, buf, sizeof(buf));
	KT_ASSERT(strstr(buf, " r-xp ") && strstr(buf, "[vdso]"));
	vm_put(child);
	KT_ASSERT_EQ(vm_munmap(mm, BASE, PAGE_SIZE), 0);
	KT_ASSERT_EQ(phys_to_page(pa)->refcount, 1);
	vm_put(mm);
	KT_ASSERT_EQ(pmm_free_pages_count(), before);
	page_put(pa);
}
