/* asm/trap.h - the register frame saved on every interrupt, exception and syscall. */
#ifndef ASM_TRAP_H
#define ASM_TRAP_H

#include <aegis/types.h>

#define GDT_KERNEL_CS	0x08
#define GDT_KERNEL_DS	0x10
#define GDT_USER_DS	0x23
#define GDT_USER_CS	0x2b
#define GDT_TSS		0x30

#define IST_DOUBLE_FAULT 1
#define IST_NMI		2
#define IST_MCE		3

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;		/* pushed by the CPU */
};

static inline bool trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

typedef void (*irq_handler_t)(struct trap_frame *f, void *ctx);

/* Installs a handler for an IDT vector (32..255). */
void irq_set_handler(unsigned vector, irq_handler_t fn, void *ctx);
/* Allocates a free vector for a device interrupt; returns -1 if none is left. */
int irq_alloc_vector(void);

/*
 * Exception fixups: a faulting kernel instruction listed in the __ex_table section
 * resumes at its fixup address (used by copy_from_user and friends).
 */
struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

/* Hook for user-mode faults (signals); the process code provides it. */
void trap_user_fault(struct trap_frame *f, int signo, int code, uint64_t addr);
/* Called after every interrupt/exception return path toward user mode. */
void trap_return_to_user(struct trap_frame *f);

struct cpu;
void gdt_init_cpu(struct cpu *c);
void idt_init(void);
void idt_load(void);
void trap_dump(const struct trap_frame *f);

#endif
