/*
 * ktest.c - runs the registered in-kernel self-tests (see ktest.h).  Each test runs
 * in its own kernel thread so a test that sleeps or blocks is an ordinary thread.
 */
#include <aegis/arch.h>
#include <aegis/ktest.h>
#include <aegis/sched.h>
#include <aegis/string.h>
#include <aegis/time.h>

extern const struct ktest __ktest_start[], __ktest_end[];

static void ktest_thread(void *arg)
{
	struct ktest_ctx *ctx = arg;
	const struct ktest *t = NULL;

	for (const struct ktest *k = __ktest_start; k < __ktest_end; k++)
		if (k->name == ctx->name)
			t = k;
	t->fn(ctx);
	kthread_exit(0);
}

void ktest_run_all(const char *filter)
{
	int passed = 0, failed = 0;
	size_t flen = filter ? strlen(filter) : 0;

	printk(LOG_INFO, "ktest: running self-tests%s%s\n", flen ? " matching " : "",
	       flen ? filter : "");
	for (const struct ktest *k = __ktest_start; k < __ktest_end; k++) {
		struct ktest_ctx ctx = { 0, k->name };
		uint64_t t0 = time_ns();
		struct task *t;

		if (flen && strncmp(k->name, filter, flen))
			continue;
		t = kthread_create(ktest_thread, &ctx, "ktest");
		if (!t) {
			ctx.failures++;
		} else {
			kthread_start(t);
			kthread_join(t);
		}
		printk(LOG_INFO, "%s %s (%llu us)\n", ctx.failures ? "FAIL" : "PASS",
		       k->name, (unsigned long long)(time_ns() - t0) / 1000);
		if (ctx.failures)
			failed++;
		else
			passed++;
	}
	printk(LOG_INFO, "ktest: %d passed, %d failed\n", passed, failed);
	arch_qemu_exit(failed ? 0x11 : 0x10);
}
