/*
 * isr.S - interrupt and exception entry.  One small stub per vector pushes a dummy
 * error code where the CPU pushes none, then the vector number, and joins
 * isr_common, which saves the registers as a struct trap_frame and calls
 * trap_dispatch().  swapgs happens exactly when crossing from or to ring 3.
 */
#include <asm/frame.h>

	.section .text

	/* 256 stubs, 16 bytes apart: the IDT computes isr_stubs + 16 * vector */
	.balign 16
	.global isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17 || vec == 21 || vec == 29 || vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

	.global isr_common
isr_common:
	testb $3, 24(%rsp)		/* CS of the interrupted context */
	jz 1f
	swapgs
1:	SAVE_GPRS
	cld
	movq %rsp, %rdi
	call trap_dispatch
	.global trap_return
trap_return:
	RESTORE_GPRS
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	addq $16, %rsp			/* vector and error code */
	iretq


	.section .note.GNU-stack, "", @progbits
