/*
 * layout.h - the kernel's virtual address space, usable from C and assembly.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user space (lower half)
 *   0xffff800000000000 .. +64 TiB             direct map of all physical memory
 *   0xffffc90000000000 .. +32 TiB             vmalloc area
 *   0xffffffff80000000 .. +2 GiB              kernel image (phys + KERNEL_VMA)
 */
#ifndef AEGIS_LAYOUT_H
#define AEGIS_LAYOUT_H

#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define KERNEL_VMA	_UL(0xffffffff80000000)
#define KERNEL_PHYS	_UL(0x200000)
#define DIRECT_MAP_BASE	_UL(0xffff800000000000)
#define DIRECT_MAP_SIZE	_UL(0x0000400000000000)
#define VMALLOC_BASE	_UL(0xffffc90000000000)
#define VMALLOC_SIZE	_UL(0x0000200000000000)
#define USER_TOP	_UL(0x0000800000000000)
#define PAGE_SIZE	_UL(4096)
#define PAGE_SHIFT	12

#endif
