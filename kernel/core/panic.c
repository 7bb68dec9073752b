/*
 * panic.c - the end of the line: report as much as is safely possible, then halt,
 * or in test mode leave QEMU with a failure code so the test runner sees it.
 */
#include <aegis/arch.h>
#include <aegis/panic.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/layout.h>
#include <asm/trap.h>

bool kernel_test_mode;
static volatile int panicking;

#define QEMU_EXIT_PANIC	0x11	/* QEMU exit status (0x11 << 1) | 1 = 35 */

static void raw_print(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static bool kernel_text_addr(uint64_t a)
{
	extern char __kernel_start[], __text_end[];

	return a >= (uint64_t)__kernel_start && a < (uint64_t)__text_end;
}

static void print_addr(uint64_t a)
{
	uint64_t off;
	const char *name = ksym_lookup(a, &off);

	if (name)
		raw_print("  [<%016llx>] %s+0x%llx\n", (unsigned long long)a, name,
			  (unsigned long long)off);
	else
		raw_print("  [<%016llx>] ?\n", (unsigned long long)a);
}

void backtrace_print(uint64_t rbp, uint64_t rip)
{
	raw_print("Backtrace:\n");
	print_addr(rip);
	/* frame pointers: [rbp] = caller's rbp, [rbp+8] = return address */
	for (int depth = 0; depth < 32; depth++) {
		uint64_t *frame = (uint64_t *)rbp;
		if (rbp < KERNEL_VMA && rbp < DIRECT_MAP_BASE)
			break;
		if (rbp & 7)
			break;
		if (!kernel_text_addr(frame[1]))
			break;
		print_addr(frame[1]);
		if (frame[0] <= rbp)
			break;	/* stacks grow down: callers are above */
		rbp = frame[0];
	}
}

static __noreturn void panic_finish(void)
{
	raw_print("--- end of panic report ---\n");
	if (kernel_test_mode)
		arch_qemu_exit(QEMU_EXIT_PANIC);
	arch_halt_forever();
}

static void panic_begin(void)
{
	arch_irq_disable();
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST)) {
		raw_print("nested panic\n");
		panic_finish();
	}
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	uint64_t rbp;

	panic_begin();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	raw_print("\nKERNEL PANIC: %s\n", msg);
	__asm__ volatile("movq %%rbp, %0" : "=r"(rbp));
	backtrace_print(rbp, (uint64_t)__builtin_return_address(0));
	panic_finish();
}

void panic_frame(const struct trap_frame *f, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	raw_print("\nKERNEL PANIC: %s\n", msg);
	trap_dump(f);
	backtrace_print(f->rbp, f->rip);
	panic_finish();
}
