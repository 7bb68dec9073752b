/*
 * ktest_vm_trap.c - the real fault path: the test thread borrows a fake process
 * whose mm is loaded in CR3, then touches user addresses with copy_to_user and
 * copy_from_user, so #PF -> mm_handle_page_fault -> vm_fault runs for real
 * (demand zero, COW break on a kernel write, -EFAULT through the extable).
 */
#include <aegis/errno.h>
#include <aegis/ktest.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>
#include "internal.h"

#define BASE	0x500000ul
#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)

KTEST(vm_trap_uaccess)
{
	struct task *t = current_task();
	struct process *fake = kzalloc(sizeof(*fake));
	struct mm_space *mm = vm_create(), *child;
	char buf[8] = { 0 };

	KT_ASSERT(fake && mm && !t->proc);
	if (!fake || !mm || t->proc)
		return;
	vm_mmap(mm, BASE, 2 * PAGE_SIZE, RW, ANON, NULL, 0);
	vm_mmap(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON, NULL, 0);
	fake->mm = mm;
	t->proc = fake;
	vm_activate(mm);

	KT_ASSERT_EQ(copy_to_user((void __user *)(BASE + 100), "abc", 4), 0);
	KT_ASSERT_EQ(copy_from_user(buf, (const void __user *)(BASE + 100), 4), 0);
	KT_ASSERT(!strcmp(buf, "abc"));
	KT_ASSERT_EQ(copy_from_user(buf, (const void __user *)(BASE + 2 * PAGE_SIZE), 4), 0);
	KT_ASSERT(copy_to_user((void __user *)(BASE + 2 * PAGE_SIZE), "x", 1) != 0);
	KT_ASSERT(copy_from_user(buf, (const void __user *)(BASE + 3 * PAGE_SIZE), 1) != 0);
	KT_ASSERT_EQ(vm_rss_pages(mm), 2);

	child = vm_clone(mm);
	KT_ASSERT_EQ(copy_to_user((void __user *)(BASE + 100), "xyz", 4), 0);
	vm_access(child, BASE + 100, buf, 4, false);
	KT_ASSERT(!strcmp(buf, "abc"));
	KT_ASSERT(fake->min_flt >= 3);

	t->proc = NULL;
	vm_activate(NULL);
	vm_put(child);
	vm_put(mm);
	kfree(fake);
}
