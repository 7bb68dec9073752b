/* internal.h - private to kernel/mm: what its files tell each other. */
#ifndef AEGIS_MM_INTERNAL_H
#define AEGIS_MM_INTERNAL_H

#include <aegis/mm.h>

/* pmm.c: a block that ends below limit (boot: reachable through the boot tables). */
paddr_t pmm_alloc_pages_below(unsigned order, paddr_t limit);

/* paging.c: builds the kernel's tables and switches to them (after pmm_init). */
void paging_init(void);
/* Page-table pages allocated so far for the kernel root (for the boot report). */
size_t paging_kernel_table_pages(void);
/* The flags kernel data mappings get: W, NX and G where the CPU has them. */
uint64_t paging_kernel_data_flags(void);
/* Changes to the kernel half below the PML4 go through this lock. */
unsigned long kpt_lock(void);
void kpt_unlock(unsigned long flags);

#endif
