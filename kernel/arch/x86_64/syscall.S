/*
 * syscall.S - the SYSCALL entry.  The CPU leaves the user rip in rcx and rflags in
 * r11 and masks IF; we switch to the task's kernel stack and build the same struct
 * trap_frame an interrupt from user mode would, so signals, fork and exec treat
 * both alike.  Return is by SYSRET when syscall_dispatch() says it is safe
 * (canonical user rip equal to rcx, rflags equal to r11), otherwise by IRET,
 * which avoids SYSRET's #GP-in-ring-0 on a non-canonical rip.
 */
#define USER_DS		0x23
#define USER_CS		0x2b
#define SYSCALL_VECTOR	0x100

#include <asm/frame.h>

	.section .text
	.global syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:16		/* cpu->user_rsp */
	movq %gs:8, %rsp		/* cpu->syscall_rsp: top of the kernel stack */
	pushq $USER_DS			/* ss */
	pushq %gs:16			/* rsp */
	pushq %r11			/* rflags */
	pushq $USER_CS			/* cs */
	pushq %rcx			/* rip */
	pushq $0			/* error code */
	pushq $SYSCALL_VECTOR
	SAVE_GPRS
	movq %rsp, %rdi
	call syscall_dispatch		/* returns with interrupts disabled */
	testl %eax, %eax
	jz trap_return			/* the general path: iretq */
	RESTORE_GPRS				/* rcx == rip, r11 == rflags here */
	movq 8 * 5(%rsp), %rsp		/* skip vector, error, rip, cs, rflags: user rsp */
	swapgs
	sysretq

	.section .note.GNU-stack, "", @progbits
