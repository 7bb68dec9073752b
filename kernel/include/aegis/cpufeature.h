/* cpufeature.h - what the boot CPU offers (arch/x86_64/cpu.c fills it in). */
#ifndef AEGIS_CPUFEATURE_H
#define AEGIS_CPUFEATURE_H

#include <aegis/types.h>

struct cpu_features {
	char vendor[13];
	char model[49];
	unsigned family, model_id;
	bool sse3, pcid, x2apic, tsc_deadline, xsave, avx, rdrand, hypervisor;
	bool apic, pge, pat, fxsr, sse2, fsgsbase, smep, invpcid, rdseed, smap, umip;
	bool nx, page1gb, rdtscp, invariant_tsc;
	uint64_t xcr0;
	uint32_t xsave_size;
};

extern struct cpu_features cpu_features;
void arch_cpu_report(void);

#endif
