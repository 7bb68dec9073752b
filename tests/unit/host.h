/*
 * host.h - shims that let kernel .c files build and run as ordinary host programs
 * under ASan/UBSan.  run.sh force-includes it (-include) before anything else, so it
 * claims the include guards of the kernel headers that cannot work in user space
 * (arch.h's cli/sti, the spinlocks, printk, panic, string.h's clash with libc) and
 * supplies host versions; every other kernel header is used as is.
 */
#ifndef AEGIS_TESTS_HOST_H
#define AEGIS_TESTS_HOST_H

#define AEGIS_HOST 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AEGIS_ARCH_H
#define AEGIS_SPINLOCK_H
#define AEGIS_PRINTK_H
#define AEGIS_PANIC_H
#define AEGIS_STRING_H

#include <aegis/types.h>

/* arch.h: single-threaded host, interrupts are a fiction */
static inline void arch_irq_disable(void) { }
static inline void arch_irq_enable(void) { }
static inline void arch_cpu_relax(void) { }
static inline unsigned long arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(unsigned long flags) { (void)flags; }
static inline bool arch_irqs_enabled(void) { return true; }

/* spinlock.h: a lock that checks it is used in pairs */
struct spinlock {
	int held;
	const char *name;
};
#define SPINLOCK_INIT(n) { 0, n }
static inline void spin_init(struct spinlock *l, const char *name)
{
	l->held = 0;
	l->name = name;
}
static inline void spin_lock(struct spinlock *l)
{
	if (l->held++) {
		fprintf(stderr, "host: recursive lock %s\n", l->name);
		abort();
	}
}
static inline void spin_unlock(struct spinlock *l)
{
	if (--l->held) {
		fprintf(stderr, "host: unlock of unheld lock %s\n", l->name);
		abort();
	}
}
static inline bool spin_is_locked(struct spinlock *l) { return l->held; }
static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	spin_lock(l);
	return 0;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long f)
{
	(void)f;
	spin_unlock(l);
}

/* printk.h: to stderr; tests may count the errors the code reported */
enum log_level {
	LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR,
	LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
};
static int host_log_errors;
static bool host_log_quiet;
static void printk(int level, const char *fmt, ...) __printf(2, 3);
static void printk(int level, const char *fmt, ...)
{
	va_list ap;

	if (level <= LOG_ERR)
		host_log_errors++;
	if (host_log_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
#define pr_emerg(...)	printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...)	printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...)	printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)	printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	printk(LOG_DEBUG, __VA_ARGS__)

/* panic.h */
#define panic(...)	(fprintf(stderr, "panic: " __VA_ARGS__), fputc('\n', stderr), abort())
#define BUG_ON(cond)	do { if (cond) panic("BUG: %s", #cond); } while (0)
#define assert(cond)	do { if (!(cond)) panic("assertion failed: %s", #cond); } while (0)
static bool kernel_test_mode __attribute__((unused));

/* string.h: libc has all but these (glibc < 2.38) */
static inline size_t host_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = 0;
	}
	return n;
}
static inline size_t host_strlcat(char *dst, const char *src, size_t size)
{
	size_t d = strnlen(dst, size);

	if (d == size)
		return d + strlen(src);
	return d + host_strlcpy(dst + d, src, size - d);
}
#define strlcpy host_strlcpy
#define strlcat host_strlcat

/* Test helpers: failures abort with a message; main() returning 0 means PASS. */
#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			exit(1);					\
		}							\
	} while (0)

static uint64_t host_rng_state = 88172645463325252ull;
static inline uint64_t host_rng(void)
{
	host_rng_state ^= host_rng_state << 13;
	host_rng_state ^= host_rng_state >> 7;
	host_rng_state ^= host_rng_state << 17;
	return host_rng_state;
}

#endif
