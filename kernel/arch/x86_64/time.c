/*
 * time.c - the clocks of time.h: time_ns() from the calibrated TSC (counted from
 * boot_tsc, read first thing in kmain), the wall clock from the CMOS RTC read once
 * at boot, and udelay().  time_ns() is 0 until the TSC is calibrated.
 */
#include <aegis/acpi.h>
#include <aegis/printk.h>
#include <aegis/spinlock.h>
#include <aegis/time.h>
#include <aegis/vdso.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/platform.h>

static uint64_t ns_mult;		/* ns per TSC tick << 32; [I] after time_init */
static uint64_t realtime_offset;	/* [a] */

uint64_t time_boot_tsc(void)
{
	return boot_tsc;
}

uint64_t tsc_to_ns(uint64_t tsc_delta)
{
	return ((unsigned __int128)tsc_delta * ns_mult) >> 32;
}

uint64_t time_ns_mult(void)
{
	return ns_mult;
}

uint64_t time_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

uint64_t time_realtime_offset_ns(void)
{
	return __atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
}

void time_set_realtime_ns(uint64_t wall_ns)
{
	uint64_t off = wall_ns - time_ns();

	__atomic_store_n(&realtime_offset, off, __ATOMIC_RELAXED);
	vdso_set_realtime_offset(off);	/* the vDSO's copy, under its seqcount */
}

void udelay(uint64_t usec)
{
	if (!tsc_hz) {
		while (usec--)
			io_wait();	/* a port 0x80 write takes about 1 us */
		return;
	}
	uint64_t end = rdtsc() + usec * tsc_hz / 1000000;
	while ((int64_t)(rdtsc() - end) < 0)
		arch_cpu_relax();
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg | 0x80);		/* keep NMIs disabled */
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's method). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void rtc_read_time(uint64_t *unix_seconds)
{
	uint8_t r[7], prev[7];
	uint8_t century_reg = acpi.century ? acpi.century : 0;
	int tries = 0;

	/* read until two consecutive reads agree, outside an update */
	do {
		for (unsigned long spins = 0; cmos_read(0x0a) & 0x80 && spins < 1000000; spins++)
			;
		for (int i = 0; i < 7; i++)
			prev[i] = r[i];
		r[0] = cmos_read(0x00);
		r[1] = cmos_read(0x02);
		r[2] = cmos_read(0x04);
		r[3] = cmos_read(0x07);
		r[4] = cmos_read(0x08);
		r[5] = cmos_read(0x09);
		r[6] = century_reg ? cmos_read(century_reg) : 0;
	} while ((tries++ == 0 || __builtin_memcmp(r, prev, 7)) && tries < 10);

	uint8_t b = cmos_read(0x0b);
	bool bin = b & 0x04, pm = !(b & 0x02) && (r[2] & 0x80);
	unsigned sec = bcd(r[0], bin), min = bcd(r[1], bin);
	unsigned hour = bcd(r[2] & 0x7f, bin), day = bcd(r[3], bin), mon = bcd(r[4], bin);
	unsigned year = bcd(r[5], bin), century = century_reg ? bcd(r[6], bin) : 0;

	if (!(b & 0x02))
		hour = hour % 12 + (pm ? 12 : 0);
	if (century < 19 || century > 99)	/* absent or garbage */
		century = year < 70 ? 20 : 19;
	year += century * 100;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
		pr_warn("time: RTC reads garbage; wall clock starts at the epoch\n");
		*unix_seconds = 0;
		return;
	}
	*unix_seconds = (uint64_t)days_from_civil(year, mon, day) * 86400 + hour * 3600 +
			min * 60 + sec;
}

void time_init(void)
{
	uint64_t secs;

	hpet_init();
	tsc_calibrate();
	ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
	printk_set_clock(time_ns);
	rtc_read_time(&secs);
	time_set_realtime_ns(secs * NSEC_PER_SEC);
	pr_info("time: wall clock from RTC: %llu s since the epoch\n",
		(unsigned long long)secs);
}
