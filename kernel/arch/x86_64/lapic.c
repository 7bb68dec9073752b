/*
 * lapic.c - the local APIC: end of interrupt, spurious and error vectors, LINT NMIs
 * from the MADT, and the clock event (the APIC timer).
 *
 * Registers are reached through MMIO (xAPIC) or MSRs 0x800+ (x2APIC, when the CPU
 * has it and we are not in safe mode).  The timer runs in TSC-deadline mode when
 * the CPU offers it: the deadline is written in TSC units and no calibration is
 * needed.  Otherwise it runs one-shot with divider 16 and a count computed from
 * the APIC timer rate, which is measured against the calibrated TSC.
 */
#include <aegis/acpi.h>
#include <aegis/arch.h>
#include <aegis/cpufeature.h>
#include <aegis/kernel.h>
#include <aegis/mm.h>
#include <aegis/percpu.h>
#include <aegis/printk.h>
#include <aegis/time.h>
#include <asm/cpu.h>
#include <asm/platform.h>

#define LAPIC_ID	0x020
#define LAPIC_VERSION	0x030
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_ESR	0x280
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERROR	0x370
#define LAPIC_TIMER_ICR	0x380
#define LAPIC_TIMER_CCR	0x390
#define LAPIC_TIMER_DCR	0x3e0

#define APIC_BASE_ENABLE	(1u << 11)
#define APIC_BASE_X2APIC	(1u << 10)
#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_NMI			(4u << 8)
#define LVT_LEVEL		(1u << 15)
#define LVT_ACTIVE_LOW		(1u << 13)
#define LVT_TIMER_DEADLINE	(2u << 17)
#define DCR_DIV16		0x3

static volatile uint32_t *mmio;
static bool x2apic, ready, tsc_deadline;
uint64_t lapic_timer_hz;
static uint64_t timer_mult;		/* APIC ticks per ns << 32 */
static uint64_t tsc_per_ns_mult;	/* TSC ticks per ns << 24 */
volatile uint64_t clockevent_fired;
volatile uint64_t clockevent_last_ns;

static uint32_t lapic_read(unsigned reg)
{
	return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : mmio[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

void arch_irq_eoi(unsigned vector)
{
	(void)vector;
	if (ready)
		lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

static void lapic_error_irq(struct trap_frame *f, void *ctx)
{
	lapic_write(LAPIC_ESR, 0);
	pr_warn("lapic: error interrupt, ESR %#x\n", lapic_read(LAPIC_ESR));
}

/* LINT pins wired to NMI by the MADT (for this CPU or all CPUs). */
static void setup_lint_nmis(void)
{
	uint32_t me = cpus[0].apic_id;

	for (unsigned i = 0; i < acpi.n_nmis; i++) {
		const struct acpi_nmi *n = &acpi.nmis[i];
		uint32_t lvt = LVT_NMI;
		bool for_me = n->uid == 0xffffffffu;

		for (unsigned c = 0; c < acpi.n_lapics && !for_me; c++)
			for_me = acpi.lapics[c].uid == n->uid && acpi.lapics[c].apic_id == me;
		if (n->is_gsi || !for_me || n->lint > 1)
			continue;
		if ((n->flags & ACPI_POL_MASK) == ACPI_POL_LOW)
			lvt |= LVT_ACTIVE_LOW;
		if ((n->flags & ACPI_TRIG_MASK) == ACPI_TRIG_LEVEL)
			lvt |= LVT_LEVEL;
		lapic_write(n->lint ? LAPIC_LVT_LINT1 : LAPIC_LVT_LINT0, lvt);
	}
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	paddr_t pa = acpi.have_madt && acpi.lapic_base ? acpi.lapic_base
						       : (base & ~0xfffull);

	x2apic = cpu_features.x2apic && boot_mode != BOOT_SAFE;
	base |= APIC_BASE_ENABLE;
	wrmsr(MSR_APIC_BASE, base);
	if (x2apic) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	} else {
		mmio = ioremap(pa, 0x1000);
		if (!mmio) {
			pr_err("lapic: cannot map %#llx\n", (unsigned long long)pa);
			return;
		}
	}
	ready = true;
	cpus[0].apic_id = lapic_id();
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_APIC_TIMER);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	setup_lint_nmis();
	irq_set_handler(VEC_APIC_ERROR, lapic_error_irq, NULL);
	lapic_write(LAPIC_LVT_ERROR, VEC_APIC_ERROR);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_EOI, 0);
	pr_info("lapic: %s mode, id %u, version %#x\n", x2apic ? "x2APIC" : "xAPIC",
		cpus[0].apic_id, lapic_read(LAPIC_VERSION) & 0xff);
}

static void timer_irq(struct trap_frame *f, void *ctx)
{
	clockevent_last_ns = time_ns();
	clockevent_fired++;
	timer_interrupt();
}

/* Measures the APIC timer rate (divider 16) against the calibrated TSC over 5 ms. */
static void calibrate_oneshot(void)
{
	uint64_t t0, t1;
	uint32_t left;

	lapic_write(LAPIC_TIMER_DCR, DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_APIC_TIMER);
	t0 = rdtsc();
	lapic_write(LAPIC_TIMER_ICR, 0xffffffffu);
	udelay(5000);
	left = lapic_read(LAPIC_TIMER_CCR);
	t1 = rdtsc();
	lapic_write(LAPIC_TIMER_ICR, 0);
	lapic_timer_hz = (uint64_t)(0xffffffffu - left) * tsc_hz / (t1 - t0);
	timer_mult = (lapic_timer_hz << 32) / NSEC_PER_SEC;
}

void lapic_timer_init(void)
{
	if (!ready || !tsc_hz)
		return;
	irq_set_handler(VEC_APIC_TIMER, timer_irq, NULL);
	tsc_deadline = cpu_features.tsc_deadline && boot_mode != BOOT_SAFE;
	if (tsc_deadline) {
		tsc_per_ns_mult = (tsc_hz << 24) / NSEC_PER_SEC;
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC_APIC_TIMER);
		__asm__ volatile("mfence" ::: "memory");
		pr_info("lapic: timer in TSC-deadline mode\n");
	} else {
		calibrate_oneshot();
		lapic_write(LAPIC_LVT_TIMER, VEC_APIC_TIMER);	/* one-shot */
		pr_info("lapic: timer one-shot, %llu Hz after divide-by-16\n",
			(unsigned long long)lapic_timer_hz);
	}
}

/* The first TSC value at which time_ns() reads at least ns. */
static uint64_t ns_to_boot_tsc(uint64_t ns)
{
	uint64_t tsc = ((unsigned __int128)ns * tsc_per_ns_mult) >> 24;

	for (int i = 0; i < 4 && tsc_to_ns(tsc) < ns; i++)
		tsc += (ns - tsc_to_ns(tsc)) * tsc_hz / NSEC_PER_SEC + 1;
	return tsc;
}

/* Context: any, including the timer interrupt itself. */
bool clockevent_arm(uint64_t deadline_ns)
{
	uint64_t now = time_ns();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;

	if (!ready || !tsc_hz)
		return false;
	if (tsc_deadline) {
		uint64_t tsc = time_boot_tsc() + ns_to_boot_tsc(deadline_ns);
		uint64_t t = rdtsc() + 1;
		wrmsr(MSR_TSC_DEADLINE, tsc > t ? tsc : t);
	} else {
		/* round up, plus a margin for the rate's measurement error: late, not early */
		unsigned __int128 c = ((unsigned __int128)delta * timer_mult) >> 32;
		c += c / 4096 + 2;
		lapic_write(LAPIC_TIMER_ICR, c > 0xffffffffu ? 0xffffffffu : (uint32_t)c);
	}
	return true;
}
