/*
 * vdso.h - the vDSO: clock_gettime, gettimeofday, time, getcpu and clock_getres in
 * user mode, without entering the kernel (kernel/vdso/).
 *
 * Exec maps two special mappings into every process, the same physical pages for
 * all: [vvar], one read-only page holding struct vdso_data, and just above it
 * [vdso], a small ELF shared object (built from kernel/vdso/user/) whose functions
 * read that page and the TSC.  AT_SYSINFO_EHDR gives libc the object's address.
 * The user side computes exactly what time_ns() computes, so the vDSO and the
 * syscalls agree to the nanosecond and MONOTONIC never goes backwards between them.
 *
 * This header is also compiled into the vDSO itself: plain types only.
 */
#ifndef AEGIS_VDSO_H
#define AEGIS_VDSO_H

#include <aegis/types.h>

/*
 * The [vvar] page.  boot_tsc and ns_mult are fixed before the first process runs;
 * realtime_offset changes under seq (a seqcount: odd while the kernel writes, so a
 * reader that sees it odd or changed retries).
 */
struct vdso_data {
	uint32_t seq;			/* [a] even when the fields are stable */
	uint32_t ready;			/* [I] 0: no calibrated TSC, use the syscalls */
	uint64_t boot_tsc;		/* [I] time_ns() = (rdtsc() - boot_tsc) * ns_mult >> 32 */
	uint64_t ns_mult;		/* [I] */
	uint64_t realtime_offset;	/* [seq] wall clock = time_ns() + this */
};

#ifndef AEGIS_VDSO_USER
struct mm_space;

/* Builds the vDSO pages; after time_init, before the first exec.  May not fail. */
void vdso_init(void);
/*
 * Maps [vvar] at base and [vdso] above it into a new address space (exec).
 * Returns the user address of the vDSO's ELF header, or -errno.
 */
long vdso_map(struct mm_space *mm, vaddr_t base);
/* Bytes vdso_map needs at base. */
size_t vdso_map_size(void);
/* Publishes a new wall-clock offset (settimeofday, clock_settime).  Any context. */
void vdso_set_realtime_offset(uint64_t offset);
#endif

#endif
