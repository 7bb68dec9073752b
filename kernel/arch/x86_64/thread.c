/*
 * thread.c - the architecture's part of threads: the initial stack of a new
 * thread and the per-CPU state that follows the running thread (the kernel stack
 * used on entry from user mode).
 */
#include <aegis/percpu.h>
#include <aegis/proc.h>
#include <aegis/sched.h>
#include <aegis/vm.h>
#include <asm/cpu.h>
#include <asm/trap.h>

void fpu_switch(struct task *prev, struct task *next);

extern void arch_thread_start(void);

/*
 * Lays out a stack that arch_context_switch() "returns" into arch_thread_start;
 * after the ret, rsp is the 16-byte aligned stack top, as the ABI wants for a call.
 */
void arch_thread_init(struct task *t, void (*fn)(void *), void *arg)
{
	uint64_t *sp = (uint64_t *)((char *)t->kstack + KSTACK_SIZE);

	*--sp = (uint64_t)arch_thread_start;	/* return address */
	*--sp = 0;				/* rbp */
	*--sp = 0;				/* rbx */
	*--sp = (uint64_t)fn;			/* r12 */
	*--sp = (uint64_t)arg;			/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	t->rsp = (uint64_t)sp;
}

/*
 * A user thread starts like a kernel thread, but its switch frame sits below the
 * struct trap_frame that holds its user registers at the top of the stack.
 */
void arch_thread_init_user(struct task *t, void (*fn)(void *), void *arg)
{
	uint64_t *sp = (uint64_t *)((struct trap_frame *)((char *)t->kstack + KSTACK_SIZE) - 1);

	*--sp = (uint64_t)arch_thread_start;	/* the frame is 16-byte sized: aligned */
	*--sp = 0;				/* rbp */
	*--sp = 0;				/* rbx */
	*--sp = (uint64_t)fn;			/* r12 */
	*--sp = (uint64_t)arg;			/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	t->rsp = (uint64_t)sp;
}

/*
 * The CPU switches from prev to next: point the ring-0 entry stacks at next's
 * kernel stack and swap the user state that lives in the CPU: FPU registers,
 * FS/GS bases, and the page tables.  Kernel threads keep the page tables they find.
 */
void arch_switch_to(struct task *prev, struct task *next)
{
	struct cpu *c = this_cpu();
	uint64_t top = (uint64_t)next->kstack + KSTACK_SIZE;

	c->tss.rsp[0] = top;
	c->syscall_rsp = top;
	if (prev->proc) {
		prev->user.fs_base = rdmsr(MSR_FS_BASE);
		prev->user.gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	}
	fpu_switch(prev, next);
	if (next->proc) {
		vm_activate(next->proc->mm);
		wrmsr(MSR_FS_BASE, next->user.fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, next->user.gs_base);
	}
}
