/*
 * ktest_time.c - self-tests of the clocks: time_ns() against the HPET, monotonicity,
 * udelay, the one-shot clock event and the RTC wall clock.
 */
#include <aegis/arch.h>
#include <aegis/ktest.h>
#include <aegis/time.h>
#include <asm/platform.h>

KTEST(time_monotonic)
{
	uint64_t prev = time_ns(), back = 0;

	for (int i = 0; i < 200000; i++) {
		uint64_t now = time_ns();
		if (now < prev)
			back++;
		prev = now;
	}
	KT_ASSERT_EQ(back, 0);
	KT_ASSERT(prev > 0);
}

/* time_ns() over 50 ms of HPET time must agree within 1%. */
KTEST(time_accuracy_hpet)
{
	if (!hpet_present()) {
		pr_info("ktest %s: no HPET, skipped\n", ctx->name);
		return;
	}
	uint64_t period = hpet_period_fs();
	uint64_t ticks = 50 * 1000000000000ull / period;
	uint64_t h0 = 0, h1 = 0, t0, t1;

	t0 = tsc_hpet_pair(&h0);
	while (hpet_read() - h0 < ticks)
		arch_cpu_relax();
	t1 = tsc_hpet_pair(&h1);
	uint64_t hpet_ns = (h1 - h0) * period / 1000000, tsc_ns = tsc_to_ns(t1 - t0);
	uint64_t diff = hpet_ns > tsc_ns ? hpet_ns - tsc_ns : tsc_ns - hpet_ns;
	pr_info("ktest %s: HPET %llu ns, time_ns %llu ns, off by %llu ns\n", ctx->name,
		(unsigned long long)hpet_ns, (unsigned long long)tsc_ns,
		(unsigned long long)diff);
	KT_ASSERT(diff * 100 <= hpet_ns);
}

KTEST(time_udelay)
{
	uint64_t t0 = time_ns();

	udelay(5000);
	uint64_t dt = time_ns() - t0;
	KT_ASSERT(dt >= 5000 * NSEC_PER_USEC);
	KT_ASSERT(dt < 50 * NSEC_PER_MSEC);
}

/* A clock event armed 2 ms ahead fires, and not before its deadline. */
KTEST(time_clockevent_oneshot)
{
	unsigned long flags = arch_irq_save();
	uint64_t fired0 = clockevent_fired;
	uint64_t deadline = time_ns() + 2 * NSEC_PER_MSEC;
	uint64_t give_up = deadline + 200 * NSEC_PER_MSEC;

	clockevent_arm(deadline);
	arch_irq_enable();
	while (clockevent_fired == fired0 && time_ns() < give_up)
		arch_cpu_relax();
	arch_irq_disable();
	uint64_t at = clockevent_last_ns;
	arch_irq_restore(flags);
	KT_ASSERT(clockevent_fired != fired0);
	KT_ASSERT(at >= deadline);
	pr_info("ktest %s: fired %llu ns after the deadline\n", ctx->name,
		(unsigned long long)(at - deadline));
}

KTEST(time_realtime_rtc)
{
	/* 2020-01-01 .. 2200-01-01 */
	uint64_t wall_s = (time_ns() + time_realtime_offset_ns()) / NSEC_PER_SEC;

	KT_ASSERT(wall_s > 1577836800ull);
	KT_ASSERT(wall_s < 7258118400ull);
}
