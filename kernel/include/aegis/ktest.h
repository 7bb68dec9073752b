/*
 * ktest.h - in-kernel self-tests.  A test registers itself with KTEST(name) and
 * reports failures with KT_ASSERT; "ktest" on the command line runs them all after
 * boot ("ktest=prefix" runs those whose name starts with prefix), prints one
 * "PASS name" / "FAIL name" line each and a summary, and exits QEMU through
 * isa-debug-exit with 0x10 (all passed) or 0x11.
 */
#ifndef AEGIS_KTEST_H
#define AEGIS_KTEST_H

#include <aegis/printk.h>
#include <aegis/types.h>

struct ktest_ctx;

struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *ctx);
};

struct ktest_ctx {
	int failures;
	const char *name;
};

#define KTEST(tname)							\
	static void ktest_fn_##tname(struct ktest_ctx *ctx);		\
	static const struct ktest ktest_desc_##tname			\
		__attribute__((used, section(".ktest"), aligned(8))) =	\
		{ #tname, ktest_fn_##tname };				\
	static void ktest_fn_##tname(struct ktest_ctx *ctx)

#define KT_ASSERT(cond)							\
	do {								\
		if (!(cond)) {						\
			printk(LOG_ERR, "ktest %s: %s:%d: assertion failed: %s\n", \
			       ctx->name, __FILE__, __LINE__, #cond);	\
			ctx->failures++;				\
		}							\
	} while (0)

#define KT_ASSERT_EQ(a, b)						\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			printk(LOG_ERR, "ktest %s: %s:%d: %s == %lld, expected %lld\n", \
			       ctx->name, __FILE__, __LINE__, #a, _a, _b);	\
			ctx->failures++;				\
		}							\
	} while (0)

void ktest_run_all(const char *filter);

#endif
