/*
 * hpet.c - the HPET main counter, the reference clock for TSC calibration and the
 * time self-tests.  Only the counter is used; its comparators stay off.
 */
#include <aegis/acpi.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <asm/platform.h>

#define HPET_CAP	0x000
#define HPET_CONFIG	0x010
#define HPET_COUNTER	0x0f0
#define HPET_ENABLE	0x1

static volatile uint8_t *hpet;
static uint64_t period_fs;
static bool counter64;

static uint64_t rd(unsigned reg) { return *(volatile uint64_t *)(hpet + reg); }
static void wr(unsigned reg, uint64_t v) { *(volatile uint64_t *)(hpet + reg) = v; }

int hpet_init(void)
{
	uint64_t cap;

	if (!acpi.have_hpet)
		return -ENODEV;
	hpet = ioremap(acpi.hpet_base, 0x400);
	if (!hpet)
		return -ENOMEM;
	cap = rd(HPET_CAP);
	period_fs = cap >> 32;
	counter64 = cap & (1u << 13);
	/* the spec allows at most 100 ns (1e8 fs) per tick */
	if (period_fs == 0 || period_fs > 100000000ull) {
		pr_warn("hpet: bad period %llu fs, not used\n", (unsigned long long)period_fs);
		hpet = NULL;
		return -ENODEV;
	}
	wr(HPET_CONFIG, rd(HPET_CONFIG) | HPET_ENABLE);
	pr_info("hpet: at %#llx, %llu Hz, %u-bit counter, %llu timers\n",
		(unsigned long long)acpi.hpet_base,
		(unsigned long long)(1000000000000000ull / period_fs),
		counter64 ? 64 : 32, (unsigned long long)((cap >> 8) & 0x1f) + 1);
	return 0;
}

bool hpet_present(void)
{
	return hpet != NULL;
}

uint64_t hpet_read(void)
{
	return counter64 ? rd(HPET_COUNTER) : *(volatile uint32_t *)(hpet + HPET_COUNTER);
}

uint64_t hpet_period_fs(void)
{
	return period_fs;
}

/* Ticks from an earlier reading a to a later one b, across a 32-bit wrap. */
uint64_t hpet_ticks_between(uint64_t a, uint64_t b)
{
	return counter64 ? b - a : (uint32_t)(b - a);
}
