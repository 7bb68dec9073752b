/*
 * ksyms.c - function names for backtraces.  The build links the kernel twice: the
 * second link carries a table generated from the first (tools/gen-ksyms.sh) in the
 * .ksyms section, which the linker script places last so no other address moves.
 */
#include <aegis/panic.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_offsets[];
extern const char ksyms_names[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (hi == 0 || addr < ksyms_addrs[0])
		return NULL;
	while (hi - lo > 1) {	/* last symbol at or below addr */
		uint64_t mid = (lo + hi) / 2;
		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return &ksyms_names[ksyms_offsets[lo]];
}
