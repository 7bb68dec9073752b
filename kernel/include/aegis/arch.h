/*
 * arch.h - what generic kernel code may ask of the architecture.  Each
 * kernel/arch/<arch>/ provides these; generic code includes nothing else from there.
 */
#ifndef AEGIS_ARCH_H
#define AEGIS_ARCH_H

#include <aegis/types.h>

static inline void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void arch_cpu_relax(void) { __asm__ volatile("pause"); }
static inline void arch_halt(void) { __asm__ volatile("hlt" ::: "memory"); }
/* Enable interrupts and halt atomically: no wakeup is lost between the two. */
static inline void arch_idle(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}
static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9))
		__asm__ volatile("sti" ::: "memory");
}
static inline bool arch_irqs_enabled(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

void arch_percpu_early(void);	/* per-CPU pointer of the boot CPU, first thing */
void arch_early_init(void);	/* GDT, IDT, CPU features: before anything else */
void arch_init(void);		/* interrupt controllers and timers: after memory */
__noreturn void arch_halt_forever(void);
void arch_qemu_exit(int code);	/* isa-debug-exit; returns if the device is absent */
__noreturn void arch_poweroff(void);
__noreturn void arch_reboot(void);

#endif
