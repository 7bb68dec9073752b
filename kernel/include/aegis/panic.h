/* panic.h - fatal errors, assertions and backtraces. */
#ifndef AEGIS_PANIC_H
#define AEGIS_PANIC_H

#include <aegis/types.h>

struct trap_frame;

/* For broken invariants only, never for bad input. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);
__noreturn void panic_frame(const struct trap_frame *f, const char *fmt, ...)
	__printf(2, 3);
void backtrace_print(uint64_t rbp, uint64_t rip);
/* Name of the function containing addr, and the offset into it; NULL if unknown. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* Set by "ktest" on the command line: panics exit QEMU with a failure code. */
extern bool kernel_test_mode;

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#define assert(cond)							\
	do {								\
		if (unlikely(!(cond)))					\
			panic("assertion failed at %s:%d: %s", __FILE__,	\
			      __LINE__, #cond);				\
	} while (0)

#endif
