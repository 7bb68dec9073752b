/*
 * cpu.c - CPU identification and the protections we turn on: NX (EFER.NXE),
 * SMEP, SMAP, UMIP, write protection in ring 0, global pages, and the SSE/XSAVE
 * state user programs need.  Features are listed once at boot.
 */
#include <aegis/arch.h>
#include <aegis/cpufeature.h>
#include <aegis/percpu.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/string.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/trap.h>

struct cpu_features cpu_features;
extern uint8_t uaccess_smap;

static const struct {
	const char *name;
	uint32_t leaf, sub;
	int reg;	/* 1 ebx, 2 ecx, 3 edx */
	int bit;
	size_t off;
} feature_bits[] = {
#define F(n, l, s, r, b) { #n, l, s, r, b, offsetof(struct cpu_features, n) }
	F(sse3, 1, 0, 2, 0),
	F(pcid, 1, 0, 2, 17),
	F(x2apic, 1, 0, 2, 21),
	F(tsc_deadline, 1, 0, 2, 24),
	F(xsave, 1, 0, 2, 26),
	F(avx, 1, 0, 2, 28),
	F(rdrand, 1, 0, 2, 30),
	F(hypervisor, 1, 0, 2, 31),
	F(apic, 1, 0, 3, 9),
	F(pge, 1, 0, 3, 13),
	F(pat, 1, 0, 3, 16),
	F(fxsr, 1, 0, 3, 24),
	F(sse2, 1, 0, 3, 26),
	F(fsgsbase, 7, 0, 1, 0),
	F(smep, 7, 0, 1, 7),
	F(invpcid, 7, 0, 1, 10),
	F(rdseed, 7, 0, 1, 18),
	F(smap, 7, 0, 1, 20),
	F(umip, 7, 0, 2, 2),
	F(nx, 0x80000001, 0, 3, 20),
	F(page1gb, 0x80000001, 0, 3, 26),
	F(rdtscp, 0x80000001, 0, 3, 27),
	F(invariant_tsc, 0x80000007, 0, 3, 8),
#undef F
};

static void detect_features(void)
{
	uint32_t r[4], max_leaf, max_ext;

	cpuid(0, 0, r);
	max_leaf = r[0];
	memcpy(cpu_features.vendor, &r[1], 4);
	memcpy(cpu_features.vendor + 4, &r[3], 4);
	memcpy(cpu_features.vendor + 8, &r[2], 4);
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	if (max_ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(cpu_features.model + 16 * i, r, 16);
		}
	}
	cpuid(1, 0, r);
	cpu_features.family = ((r[0] >> 8) & 0xf) + ((r[0] >> 20) & 0xff);
	cpu_features.model_id = ((r[0] >> 4) & 0xf) | ((r[0] >> 12) & 0xf0);
	for (size_t i = 0; i < ARRAY_SIZE(feature_bits); i++) {
		uint32_t leaf = feature_bits[i].leaf;
		if ((leaf < 0x80000000 && leaf > max_leaf) ||
		    (leaf >= 0x80000000 && leaf > max_ext))
			continue;
		cpuid(leaf, feature_bits[i].sub, r);
		if (r[feature_bits[i].reg] & (1u << feature_bits[i].bit))
			*((bool *)&cpu_features + feature_bits[i].off) = true;
	}
}

static void list_features(void)
{
	char line[256];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(feature_bits); i++)
		if (*((bool *)&cpu_features + feature_bits[i].off))
			n += snprintf(line + n, sizeof(line) - n, " %s",
				      feature_bits[i].name);
	pr_info("cpu: %s %s\n", cpu_features.vendor, cpu_features.model);
	pr_info("cpu: features:%s\n", line);
}

/* Turns on what the CPU offers. Called on every CPU. */
static void enable_protections(void)
{
	uint64_t cr4 = read_cr4();

	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	cr4 &= ~CR4_TSD;	/* the vDSO reads the TSC in user mode */
	if (cpu_features.pge)
		cr4 |= CR4_PGE;
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap) {
		cr4 |= CR4_SMAP;
		uaccess_smap = 1;	/* uaccess.S brackets user accesses with stac/clac */
	}
	if (cpu_features.umip)
		cr4 |= CR4_UMIP;
	if (cpu_features.fsgsbase)
		cr4 |= CR4_FSGSBASE;
	if (cpu_features.xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (cpu_features.xsave) {
		uint32_t r[4];
		cpuid(0xd, 0, r);
		/* x87 + SSE (+ AVX if present): what user programs may use */
		uint64_t xcr0 = 3 | (cpu_features.avx ? 4 : 0);
		xcr0 &= ((uint64_t)r[3] << 32) | r[0];
		__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)xcr0),
				 "d"((uint32_t)(xcr0 >> 32)));
		cpu_features.xcr0 = xcr0;
		cpuid(0xd, 0, r);
		cpu_features.xsave_size = r[1];
	}
	/* clear CR0.EM, set MP: SSE instructions execute normally */
	write_cr0((read_cr0() & ~(1ul << 2)) | (1ul << 1));
}

void arch_early_init(void)
{
	gdt_init_cpu(&cpus[0]);
	idt_init();
	detect_features();
	enable_protections();
}

void arch_cpu_report(void)
{
	list_features();
	pr_info("cpu: protections: NX %s, SMEP %s, SMAP %s, UMIP %s, WP on\n",
		cpu_features.nx ? "on" : "absent", cpu_features.smep ? "on" : "absent",
		cpu_features.smap ? "on" : "absent", cpu_features.umip ? "on" : "absent");
}

void arch_halt_forever(void)
{
	for (;;) {
		arch_irq_disable();
		arch_halt();
	}
}

void arch_qemu_exit(int code)
{
	/* isa-debug-exit at port 0xf4 (tools/qemu.sh adds it): status = code*2+1 */
	outl(0xf4, code);
}
