/*
 * percpu.h - per-CPU state.  GS base points at the CPU's struct cpu while in the
 * kernel (swapgs on entry from user mode), so this_cpu() is one load.  Only the boot
 * CPU exists until SMP bring-up, but everything per-CPU already lives here.
 */
#ifndef AEGIS_PERCPU_H
#define AEGIS_PERCPU_H

#include <aegis/types.h>

#define MAX_CPUS	64

struct task;

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct cpu {
	struct cpu *self;		/* [I] gs:0, for this_cpu() */
	uint64_t syscall_rsp;		/* gs:8 kernel stack top for SYSCALL entry */
	uint64_t user_rsp;		/* gs:16 scratch: user rsp during SYSCALL entry */
	struct task *current;		/* gs:24 the running task */
	unsigned id;			/* [I] logical CPU number */
	uint32_t apic_id;		/* [I] */
	int preempt_count;		/* >0: no preemption */
	bool need_resched;		/* set by the tick, acted on at a safe point */
	uint64_t irq_count;		/* interrupts taken */
	struct tss tss __aligned(16);
	uint64_t gdt[8] __aligned(16);
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned ncpus;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

#endif
