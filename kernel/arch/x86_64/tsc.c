/*
 * tsc.c - TSC frequency calibration.  The reference is the HPET main counter
 * (exact, from ACPI) over a 10 ms window; without an HPET, the PIT's channel 2 over
 * 10 ms.  An invariant TSC (CPUID 0x80000007) runs at this rate in every P/C-state,
 * so time_ns() can use it; without one the clock may drift and we say so.
 */
#include <aegis/arch.h>
#include <aegis/cpufeature.h>
#include <aegis/printk.h>
#include <aegis/time.h>
#include <asm/cpu.h>
#include <asm/platform.h>

#define CAL_MS		10

uint64_t tsc_hz;
uint64_t tsc_calibration_ns;
const char *tsc_source = "none";

/*
 * Reads the HPET bracketed by two TSC reads and returns the TSC midpoint; of a few
 * tries keeps the tightest bracket, so a slow MMIO read or a vCPU preempted
 * between the two clocks does not skew the pair.
 */
uint64_t tsc_hpet_pair(uint64_t *hpet)
{
	uint64_t best = ~0ull, tsc = 0;

	for (int i = 0; i < 5; i++) {
		uint64_t a = rdtsc(), h = hpet_read(), b = rdtsc();
		if (b - a < best) {
			best = b - a;
			tsc = a + (b - a) / 2;
			*hpet = h;
		}
	}
	return tsc;
}

static uint64_t calibrate_hpet(void)
{
	uint64_t period = hpet_period_fs();
	uint64_t ticks = CAL_MS * 1000000000000ull / period;	/* fs per ms = 1e12 */
	uint64_t h0 = 0, h1 = 0, t0, t1, ns;

	t0 = tsc_hpet_pair(&h0);
	while (hpet_ticks_between(h0, hpet_read()) < ticks)
		arch_cpu_relax();
	t1 = tsc_hpet_pair(&h1);
	ns = hpet_ticks_between(h0, h1) * period / 1000000;
	return ns ? (t1 - t0) * NSEC_PER_SEC / ns : 0;
}

void tsc_calibrate(void)
{
	uint64_t start = rdtsc(), cycles;

	if (hpet_present()) {
		tsc_hz = calibrate_hpet();
		tsc_source = "HPET";
	}
	/* a delay (emulator, SMI) only lengthens a PIT run: keep the shortest of 3 */
	cycles = 0;
	for (int i = 0; !tsc_hz && i < 3; i++) {
		uint64_t c = pit_measure_tsc(CAL_MS);
		if (c && (!cycles || c < cycles))
			cycles = c;
	}
	if (!tsc_hz && cycles) {
		/* the PIT counted CAL_MS ms rounded down to whole PIT ticks */
		uint64_t pit_ticks = 1193182u * CAL_MS / 1000;
		tsc_hz = cycles * 1193182u / pit_ticks;
		tsc_source = "PIT";
	}
	if (!tsc_hz) {
		pr_err("tsc: no reference clock; assuming 1 GHz\n");
		tsc_hz = 1000000000ull;
		tsc_source = "guess";
	}
	tsc_calibration_ns = (rdtsc() - start) * NSEC_PER_SEC / tsc_hz;
	pr_info("tsc: %llu.%06llu MHz (from %s, %s), calibration took %llu us\n",
		(unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz % 1000000),
		tsc_source, cpu_features.invariant_tsc ? "invariant" : "NOT invariant",
		(unsigned long long)(tsc_calibration_ns / 1000));
}
