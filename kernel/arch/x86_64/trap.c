/*
 * trap.c - where every interrupt and exception lands.
 *
 * Device interrupts go to the handler registered for their vector.  Exceptions in
 * user mode become signals (through trap_user_fault, provided by the process
 * code); in kernel mode they are either expected (an __ex_table fixup, as in
 * copy_from_user) or a bug, which panics with registers and a backtrace.
 */
#include <aegis/arch.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/percpu.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/signal.h>
#include <asm/cpu.h>
#include <asm/trap.h>


static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved",
	"x87 floating point", "alignment check", "machine check", "SIMD floating point",
	"virtualization", "control protection", "reserved", "reserved", "reserved",
	"reserved", "reserved", "reserved", "hypervisor injection", "VMM communication",
	"security", "reserved",
};

static struct {
	irq_handler_t fn;
	void *ctx;
} irq_table[256];
static int next_free_vector = 48;	/* 32..47: legacy ISA IRQs via the I/O APIC */

void irq_set_handler(unsigned vector, irq_handler_t fn, void *ctx)
{
	if (vector < 32 || vector > 255)
		return;
	irq_table[vector].ctx = ctx;
	__atomic_store_n(&irq_table[vector].fn, fn, __ATOMIC_RELEASE);
}

int irq_alloc_vector(void)
{
	int v = __atomic_fetch_add(&next_free_vector, 1, __ATOMIC_RELAXED);

	return v < 0xf0 ? v : -1;	/* 0xf0.. reserved for APIC timer, IPIs, spurious */
}

void trap_dump(const struct trap_frame *f)
{
	printk(LOG_EMERG, "vector %llu (%s) error %#llx  cr2 %#llx\n",
	       (unsigned long long)f->vector,
	       f->vector < 32 ? exception_names[f->vector] : "irq",
	       (unsigned long long)f->error, (unsigned long long)read_cr2());
	printk(LOG_EMERG, "rip %04llx:%016llx rsp %04llx:%016llx rflags %08llx\n",
	       (unsigned long long)f->cs, (unsigned long long)f->rip,
	       (unsigned long long)f->ss, (unsigned long long)f->rsp,
	       (unsigned long long)f->rflags);
	printk(LOG_EMERG, "rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx,
	       (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	printk(LOG_EMERG, "rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n",
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	       (unsigned long long)f->rbp, (unsigned long long)f->r8);
	printk(LOG_EMERG, "r9  %016llx r10 %016llx r11 %016llx r12 %016llx\n",
	       (unsigned long long)f->r9, (unsigned long long)f->r10,
	       (unsigned long long)f->r11, (unsigned long long)f->r12);
	printk(LOG_EMERG, "r13 %016llx r14 %016llx r15 %016llx cr3 %016llx\n",
	       (unsigned long long)f->r13, (unsigned long long)f->r14,
	       (unsigned long long)f->r15, (unsigned long long)read_cr3());
}

static bool extable_fixup(struct trap_frame *f)
{
	extern const struct extable_entry __ex_table_start[], __ex_table_end[];

	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}

/* Weak defaults until the process code supplies signal delivery. */
__attribute__((weak)) void trap_user_fault(struct trap_frame *f, int signo, int code,
					   uint64_t addr)
{
	(void)code;
	(void)addr;
	panic_frame(f, "user fault (signal %d) with no process support", signo);
}

__attribute__((weak)) void trap_return_to_user(struct trap_frame *f)
{
	(void)f;
}

__attribute__((weak)) int mm_handle_page_fault(struct trap_frame *f, uint64_t addr)
{
	(void)f;
	(void)addr;
	return -EFAULT;
}

static int exception_signal(unsigned vec, int *code)
{
	*code = 0;
	switch (vec) {
	case 0: *code = 1; return SIGFPE;	/* FPE_INTDIV */
	case 1: case 3: *code = SI_KERNEL; return SIGTRAP;	/* as Linux's do_int3 */
	case 6: *code = 2; return SIGILL;	/* ILL_ILLOPN */
	case 16: case 19: return SIGFPE;
	case 17: *code = 1; return SIGBUS;	/* BUS_ADRALN */
	default: *code = SI_KERNEL; return SIGSEGV;	/* #GP & co.: si_addr 0 */
	}
}

/* What a failed user page fault becomes (see vm_fault() in vm.h). */
static int page_fault_signal(int err, int *code)
{
	switch (err) {
	case -EACCES: *code = SEGV_ACCERR; return SIGSEGV;
	case -EIO: *code = BUS_ADRERR; return SIGBUS;
	case -ENOMEM: *code = SI_KERNEL; return SIGKILL;
	default: *code = SEGV_MAPERR; return SIGSEGV;
	}
}

static void handle_exception(struct trap_frame *f)
{
	uint64_t addr = f->vector == 14 ? read_cr2() : f->rip;
	int sig, code, err = 0;

	if (f->vector == 14) {
		/* interrupts may be re-enabled inside: the fault handler may sleep */
		err = mm_handle_page_fault(f, addr);
		if (err == 0)
			return;
	}
	if (f->vector == 2) {
		printk(LOG_WARNING, "NMI received\n");
		return;
	}
	if (trap_from_user(f)) {
		sig = f->vector == 14 ? page_fault_signal(err, &code) :
		      exception_signal(f->vector, &code);
		trap_user_fault(f, sig, code, code == SI_KERNEL ? 0 : addr);
		return;
	}
	if (extable_fixup(f))
		return;
	if ((f->vector == 8 || f->vector == 14) && current_task() &&
	    (kstack_guard_hit(current_task(), read_cr2()) ||
	     kstack_guard_hit(current_task(), f->rsp)))
		panic_frame(f, "kernel stack overflow in thread %s (tid %d)",
			    current_task()->name, current_task()->tid);
	panic_frame(f, "unexpected %s in kernel mode at %#llx",
		    exception_names[f->vector], (unsigned long long)f->rip);
}

__attribute__((weak)) void arch_irq_eoi(unsigned vector)
{
	(void)vector;
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32) {
		handle_exception(f);
	} else {
		irq_handler_t fn = __atomic_load_n(&irq_table[f->vector].fn,
						   __ATOMIC_ACQUIRE);
		this_cpu()->irq_count++;
		if (fn)
			fn(f, irq_table[f->vector].ctx);
		else if (f->vector != 0xff)
			printk(LOG_WARNING, "spurious interrupt on vector %llu\n",
			       (unsigned long long)f->vector);
		if (f->vector != 0xff)
			arch_irq_eoi(f->vector);
		sched_irq_exit();
	}
	if (trap_from_user(f))
		trap_return_to_user(f);
}
