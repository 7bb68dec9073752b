/*
 * gdt.c - segments and the task state segment.  Long mode ignores segment bases and
 * limits; the GDT exists for privilege levels, the SYSCALL/SYSRET selector layout,
 * and the TSS (kernel stack for ring 3 -> 0 transitions and IST stacks for faults
 * that must not trust the current stack: double fault, NMI, machine check).
 */
#include <aegis/panic.h>
#include <aegis/percpu.h>
#include <aegis/string.h>
#include <asm/cpu.h>
#include <asm/trap.h>

struct cpu cpus[MAX_CPUS];
unsigned ncpus = 1;

#define IST_STACK_SIZE	8192
/*
 * The boot CPU's IST stacks.  Secondary CPUs (SMP bring-up, not written yet) will
 * allocate theirs when they come up instead of reserving 64 CPUs' worth here.
 */
static uint8_t boot_ist_stacks[3][IST_STACK_SIZE] __aligned(16);

struct gdtr {
	uint16_t limit;
	uint64_t base;
} __packed;

static void gdt_set_tss(uint64_t *gdt, unsigned idx, struct tss *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	gdt[idx] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		   (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		   (((base >> 24) & 0xff) << 56);
	gdt[idx + 1] = base >> 32;
}

void arch_percpu_early(void)
{
	cpus[0].self = &cpus[0];
	wrmsr(MSR_GS_BASE, (uint64_t)&cpus[0]);
}

void gdt_init_cpu(struct cpu *c)
{
	struct gdtr gdtr = { sizeof(c->gdt) - 1, (uint64_t)c->gdt };

	c->self = c;
	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffff;	/* 0x08 kernel code, 64-bit */
	c->gdt[2] = 0x00cf92000000ffff;	/* 0x10 kernel data */
	c->gdt[3] = 0x00cffa000000ffff;	/* 0x18 user code, 32-bit (unused) */
	c->gdt[4] = 0x00cff2000000ffff;	/* 0x20 user data */
	c->gdt[5] = 0x00affa000000ffff;	/* 0x28 user code, 64-bit */
	memset(&c->tss, 0, sizeof(c->tss));
	BUG_ON(c->id != 0);	/* see boot_ist_stacks */
	for (int i = 0; i < 3; i++)
		c->tss.ist[i] = (uint64_t)&boot_ist_stacks[i][IST_STACK_SIZE];
	c->tss.iomap_base = sizeof(c->tss);	/* no I/O bitmap: all ports denied */
	gdt_set_tss(c->gdt, 6, &c->tss);

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ds\n\t"
		"movw %w2, %%es\n\t"
		"movw %w2, %%ss\n\t"
		"ltr %w3\n\t"
		: : "m"(gdtr), "i"((uint64_t)GDT_KERNEL_CS), "r"(GDT_KERNEL_DS),
		    "r"(GDT_TSS) : "rax", "memory");
	/* fs/gs selectors must be null so their MSR bases are used */
	__asm__ volatile("movw %w0, %%fs; movw %w0, %%gs" : : "r"(0));
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
