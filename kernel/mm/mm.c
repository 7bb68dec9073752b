/*
 * mm.c - bringing memory management up at boot, in the only order that works:
 * physical pages (through the boot tables' direct map), then our own page tables,
 * then the heap.  Nothing may allocate before mm_init().
 */
#include <aegis/mm.h>
#include <aegis/printk.h>
#include "internal.h"

extern char __kernel_start[], __kernel_end[];

void mm_init(void)
{
	pmm_init();
	paging_init();
	slab_init();
	mm_report();
}

void mm_report(void)
{
	size_t image = (size_t)(__kernel_end - __kernel_start);
	size_t used = pmm_total_pages_count() - pmm_free_pages_count();

	pr_info("mm: %zu MiB free of %zu MiB\n", pmm_free_pages_count() >> (20 - PAGE_SHIFT),
		pmm_total_pages_count() >> (20 - PAGE_SHIFT));
	pr_info("mm: kernel image %zu KiB, in use after boot %zu KiB "
		"(%zu KiB of kernel page tables)\n", image >> 10, used * (PAGE_SIZE >> 10),
		paging_kernel_table_pages() * (PAGE_SIZE >> 10));
}
