/*
 * uaccess.S - the only code that touches user memory.  Each access instruction has
 * an __ex_table entry: if it faults (and the page-fault handler cannot map the
 * page), the trap code resumes at the fixup, which returns -EFAULT.  stac/clac open
 * and close the SMAP window around the access (patched to no-ops without SMAP).
 *
 *   long arch_copy_from_user(void *dst, const void *src, size_t n)    0 / -EFAULT
 *   long arch_copy_to_user(void *dst, const void *src, size_t n)      0 / -EFAULT
 *   long arch_strnlen_user(const char *s, size_t max)  length, max if none, -EFAULT
 *   long arch_probe_read(const void *addr, uint64_t *out)  0 / -EFAULT (any address)
 */
#define EFAULT 14

	.macro EXTABLE insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
	.endm

	.macro STAC
	.byte 0x0f, 0x01, 0xcb
	.endm
	.macro CLAC
	.byte 0x0f, 0x01, 0xca
	.endm

	.section .text
	.global arch_copy_from_user, arch_copy_to_user
arch_copy_from_user:
arch_copy_to_user:
	call uaccess_open
	movq %rdx, %rcx
	shrq $3, %rcx
1:	rep movsq			/* eight bytes at a time, then the tail */
	movq %rdx, %rcx
	andq $7, %rcx
9:	rep movsb
	call uaccess_close
	xorl %eax, %eax
	ret
2:	call uaccess_close
	movq $-EFAULT, %rax
	ret
	EXTABLE 1b, 2b
	EXTABLE 9b, 2b

	.global arch_strnlen_user
arch_strnlen_user:
	call uaccess_open
	xorl %eax, %eax
3:	cmpq %rsi, %rax
	jae 5f
4:	cmpb $0, (%rdi, %rax)
	je 5f
	incq %rax
	jmp 3b
5:	call uaccess_close
	ret
6:	call uaccess_close
	movq $-EFAULT, %rax
	ret
	EXTABLE 4b, 6b

	.global arch_probe_read
arch_probe_read:
	call uaccess_open
7:	movq (%rdi), %rax
	movq %rax, (%rsi)
	call uaccess_close
	xorl %eax, %eax
	ret
8:	call uaccess_close
	movq $-EFAULT, %rax
	ret
	EXTABLE 7b, 8b

	/* stac/clac only where the CPU has SMAP (they are #UD otherwise) */
uaccess_open:
	cmpb $0, uaccess_smap(%rip)
	je 1f
	STAC
1:	ret
uaccess_close:
	cmpb $0, uaccess_smap(%rip)
	je 1f
	CLAC
1:	ret

	.section .data
	.global uaccess_smap
uaccess_smap:
	.byte 0

	.section .note.GNU-stack, "", @progbits
