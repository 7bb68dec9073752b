/*
 * syscall.c - the architecture's side of system calls: the MSRs that route
 * SYSCALL to syscall_entry, and where the user registers live.
 */
#include <aegis/percpu.h>
#include <aegis/sched.h>
#include <aegis/syscall.h>
#include <asm/cpu.h>
#include <asm/trap.h>

extern void syscall_entry(void);

void syscall_init_cpu(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL: CS = 0x08, SS = 0x10.  SYSRET: CS = 0x18 + 16 | 3, SS = 0x18 + 8 | 3 */
	wrmsr(MSR_STAR, ((uint64_t)(0x18 | 3) << 48) | ((uint64_t)GDT_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* cleared on entry: IF (no interrupts until the stack is ours), TF, DF, AC, NT */
	wrmsr(MSR_SFMASK, (1u << 9) | (1u << 8) | (1u << 10) | (1u << 18) | (1u << 14));
}

struct trap_frame *current_user_frame(void)
{
	struct task *t = current_task();

	return (struct trap_frame *)((char *)t->kstack + KSTACK_SIZE) - 1;
}

/* True when SYSRET restores exactly what the frame says (see syscall.S). */
bool arch_can_sysret(const struct trap_frame *f)
{
	return f->rcx == f->rip && f->r11 == f->rflags &&
	       f->rip < 0x00007ffffffff000ull && f->cs == GDT_USER_CS &&
	       f->ss == GDT_USER_DS && !(f->rflags & ((1u << 16) | (1u << 8)));
}
