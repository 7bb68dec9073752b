/*
 * crashtest.c - "crash=<kind>" on the command line makes the kernel fault on
 * purpose after boot, so the tests can check the panic report (registers, faulting
 * address, symbolized backtrace) and, with "ktest", the failure exit code.
 */
#include <aegis/cmdline.h>
#include <aegis/bootinfo.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/string.h>

/* noinline and separate functions, so the backtrace has frames to show */
static __attribute__((noinline)) void crash_null(void)
{
	volatile int *volatile p = (int *)8;

	*p = 1;	/* NULL page: unmapped once mm has built its tables */
}

static __attribute__((noinline)) void crash_ud(void)
{
	__asm__ volatile("ud2");
}

static __attribute__((noinline)) void crash_divide(void)
{
	unsigned long zero = 0;

	/* in asm: the compiler may not assume the division away */
	__asm__ volatile("xorl %%edx, %%edx; movl $1, %%eax; divq %0"
			 : : "r"(zero) : "rax", "rdx");
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static __attribute__((noinline)) void crash_recurse(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	crash_recurse(depth + 1);	/* overflows into the guard: double fault */
	(void)pad[0];
}

static void stack_crasher(void *unused)
{
	crash_recurse(0);
}

static struct task *kthread_create_started(void (*fn)(void *), void *arg,
					   const char *name)
{
	struct task *t = kthread_create(fn, arg, name);

	if (t)
		kthread_start(t);
	return t;
}

void crashtest_maybe(void)
{
	char kind[16];

	if (!cmdline_get(boot_info.cmdline, "crash", kind, sizeof(kind)))
		return;
	pr_warn("crashtest: triggering '%s' on purpose\n", kind);
	if (!strcmp(kind, "null"))
		crash_null();
	else if (!strcmp(kind, "ud"))
		crash_ud();
	else if (!strcmp(kind, "divide"))
		crash_divide();
	else if (!strcmp(kind, "stack"))
		kthread_join(kthread_create_started(stack_crasher, NULL, "crasher"));
	else
		pr_err("crashtest: unknown kind '%s' (null, ud, divide, stack)\n", kind);
}
