/*
 * boot.S - the first instructions of Aegis.
 *
 * Two loaders reach us, both in 32-bit protected mode with paging off:
 *   - GRUB via Multiboot2 (eax = 0x36d76289, ebx = multiboot2 info), BIOS or UEFI;
 *   - QEMU's -kernel via the PVH ELF note (ebx = hvm_start_info).
 * We build just enough page tables to enter long mode: the low 4 GiB identity mapped
 * (for the jump itself), the same 4 GiB at the direct-map base, and the first 1 GiB at
 * the kernel's link address.  kmain() replaces them with proper tables later.
 */
#include <aegis/layout.h>

#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH	0
#define PVH_LOADER_MAGIC 0x336ec578

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))
	/* information request: cmdline, modules, mmap, framebuffer, ACPI, EFI mmap */
	.balign 8
1:	.short 1, 1			/* optional: BIOS GRUB lacks some */
	.long 2f - 1b
	.long 1, 3, 6, 8, 14, 15, 17
2:	.balign 8
	/* framebuffer: any mode, 32 bpp preferred; optional */
1:	.short 5, 1
	.long 2f - 1b
	.long 1024, 768, 32
2:	.balign 8
	/* modules must be page aligned */
1:	.short 6, 0
	.long 8
	.balign 8
	/* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

	/* PVH entry point for QEMU -kernel (XEN_ELFNOTE_PHYS32_ENTRY = 18) */
	.section .note.Xen, "a"
	.balign 4
	.long 4
	.long 4
	.long 18
	.asciz "Xen"
	.balign 4
	.long _start_pvh - KERNEL_VMA

	.section .boot.text, "ax"
	.code32
	.global _start
	.global _start_pvh
_start_pvh:
	movl $PVH_LOADER_MAGIC, %eax
_start:
	cli
	cld
	movl %eax, %edi			/* loader magic, kept for kmain */
	movl %ebx, %esi			/* loader info (physical) */
	movl $(boot_stack_top - KERNEL_VMA), %esp

	/* PML4[0] and PML4[256] -> identity PDPT; PML4[511] -> high PDPT */
	movl $(boot_pdpt_low - KERNEL_VMA + 3), boot_pml4 - KERNEL_VMA
	movl $(boot_pdpt_low - KERNEL_VMA + 3), boot_pml4 - KERNEL_VMA + 256 * 8
	movl $(boot_pdpt_high - KERNEL_VMA + 3), boot_pml4 - KERNEL_VMA + 511 * 8

	/* four page directories of 2 MiB pages cover 0..4 GiB */
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax			/* present, writable, 2 MiB */
	movl %ecx, %edx
	shrl $11, %edx			/* high dword of phys = ecx >> 11 */
	movl %eax, boot_pd - KERNEL_VMA(, %ecx, 8)
	movl %edx, boot_pd - KERNEL_VMA + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $(boot_pd - KERNEL_VMA + 3), %eax
	movl %eax, boot_pdpt_low - KERNEL_VMA(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 2b
	/* -2 GiB (PDPT index 510) -> first GiB of physical memory */
	movl $(boot_pd - KERNEL_VMA + 3), boot_pdpt_high - KERNEL_VMA + 510 * 8

	movl $(boot_pml4 - KERNEL_VMA), %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	orl $0x100, %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG, WP, PE */
	movl %eax, %cr0

	lgdt boot_gdtr - KERNEL_VMA
	ljmp $0x08, $(long_mode_entry - KERNEL_VMA)

	.code64
long_mode_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $high_entry, %rax
	jmp *%rax

	.section .text
high_entry:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* edi = magic, esi = info phys: already the first two arguments */
	movl %edi, %edi
	movl %esi, %esi
	call kmain
1:	cli
	hlt
	jmp 1b

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdtr:
	.short boot_gdtr - boot_gdt - 1
	.long boot_gdt - KERNEL_VMA

	.section .bss
	.balign 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4096 * 4
	.balign 16
	.global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
