/*
 * vdso.c - the kernel side of the vDSO: the pages every process shares, kept
 * current, and mapped by exec.
 *
 * The object built from kernel/vdso/user/ is embedded in the kernel image
 * (vdso_image, made by the Makefile); vdso_init copies it into page-allocator
 * pages and allocates the [vvar] page.  Those pages keep the reference taken at
 * allocation forever, so unmapping them from a process never frees them.
 */
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <aegis/vdso.h>
#include <aegis/vm.h>

#define VDSO_MAX_PAGES	4

extern const uint8_t vdso_image[], vdso_image_end[];

static paddr_t vvar_pa;				/* [I] after vdso_init */
static paddr_t text_pa[VDSO_MAX_PAGES];		/* [I] */
static size_t text_pages;			/* [I] */
static struct vdso_data *vdata;			/* [I] vvar_pa in the direct map */
static struct spinlock seq_lock = SPINLOCK_INIT("vdso seq");	/* serialises writers of seq */

void vdso_init(void)
{
	size_t size = (size_t)(vdso_image_end - vdso_image);

	text_pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	if (!text_pages || text_pages > VDSO_MAX_PAGES)
		panic("vdso: image of %zu bytes", size);
	if (!(vvar_pa = pmm_alloc_zeroed_page()))
		panic("vdso: out of memory");
	for (size_t i = 0; i < text_pages; i++) {
		size_t n = MIN(size - i * PAGE_SIZE, PAGE_SIZE);

		if (!(text_pa[i] = pmm_alloc_zeroed_page()))
			panic("vdso: out of memory");
		memcpy(phys_to_virt(text_pa[i]), vdso_image + i * PAGE_SIZE, n);
	}
	vdata = phys_to_virt(vvar_pa);
	vdata->boot_tsc = time_boot_tsc();
	vdata->ns_mult = time_ns_mult();
	vdata->realtime_offset = time_realtime_offset_ns();
	vdata->ready = vdata->ns_mult != 0;
}

void vdso_set_realtime_offset(uint64_t offset)
{
	unsigned long flags;

	if (!vdata)
		return;
	flags = spin_lock_irqsave(&seq_lock);
	__atomic_store_n(&vdata->seq, vdata->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&vdata->realtime_offset, offset, __ATOMIC_RELAXED);
	__atomic_store_n(&vdata->seq, vdata->seq + 1, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&seq_lock, flags);
}

size_t vdso_map_size(void)
{
	return (1 + text_pages) * PAGE_SIZE;
}

long vdso_map(struct mm_space *mm, vaddr_t base)
{
	int err;

	err = vm_map_special(mm, base, &vvar_pa, 1, PROT_READ, VM_SPECIAL_VVAR);
	if (err)
		return err;
	err = vm_map_special(mm, base + PAGE_SIZE, text_pa, text_pages, PROT_READ | PROT_EXEC,
			     VM_SPECIAL_VDSO);
	return err ? err : (long)(base + PAGE_SIZE);
}
