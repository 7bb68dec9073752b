/*
 * switch.S - kernel context switch.  Only callee-saved registers need saving: the
 * switch is an ordinary function call from the compiler's point of view.
 *
 *   void arch_context_switch(uint64_t *save_rsp, uint64_t load_rsp)
 */
	.section .text
	.global arch_context_switch
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	/*
	 * First code a new thread runs: arch_thread_init() leaves its entry function
	 * in r12 and argument in r13 on the initial stack.
	 */
	.global arch_thread_start
arch_thread_start:
	call sched_finish_switch
	sti
	movq %r13, %rdi
	call *%r12
	xorl %edi, %edi
	call kthread_exit
	ud2

	.section .note.GNU-stack, "", @progbits

	/*
	 * void arch_enter_user(struct trap_frame *f): leave the kernel for user mode
	 * with the registers in f (which is at the top of this task's kernel stack).
	 * Interrupts must be disabled.
	 */
	.section .text
	.global arch_enter_user
arch_enter_user:
	movq %rdi, %rsp
	jmp trap_return
