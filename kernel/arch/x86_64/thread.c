/*
 * thread.c - the architecture's part of threads: the initial stack of a new
 * thread and the per-CPU state that follows the running thread (the kernel stack
 * used on entry from user mode).
 */
#include <aegis/percpu.h>
#include <aegis/sched.h>
#include <asm/trap.h>

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

/* The CPU is about to run t: point the ring-0 entry stacks at its kernel stack. */
void arch_switch_to(struct task *t)
{
	struct cpu *c = this_cpu();
	uint64_t top = (uint64_t)t->kstack + KSTACK_SIZE;

	c->tss.rsp[0] = top;
	c->syscall_rsp = top;
}
