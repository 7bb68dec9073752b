/*
 * asm/frame.h - the general registers of a struct trap_frame, saved and restored in
 * one place for every entry path (interrupts, exceptions, SYSCALL).  Assembly only.
 */
#ifndef ASM_FRAME_H
#define ASM_FRAME_H

	/* pushes rax..r15 so that rsp points at a struct trap_frame */
	.macro SAVE_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	/* the reverse: leaves rsp at the frame's vector field */
	.macro RESTORE_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm

#endif
