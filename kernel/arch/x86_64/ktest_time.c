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
	while (hpet_ticks_between(h0, hpet_read()) < ticks)
		arch_cpu_relax();
	t1 = tsc_hpet_pair(&h1);
	uint64_t hpet_ns = hpet_ticks_between(h0, h1) * period / 1000000, tsc_ns = tsc_to_ns(t1 - t0);
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

/* Arms the clock event for deadline and waits (interrupts on) for it; 0 if lost. */
static uint64_t wait_clockevent(uint64_t deadline)
{
	unsigned long flags = arch_irq_save();
	uint64_t fired0 = clockevent_fired, give_up = time_ns() + 200 * NSEC_PER_MSEC;
	uint64_t at = 0;

	clockevent_arm(deadline);
	arch_irq_enable();
	while (clockevent_fired == fired0 && time_ns() < give_up)
		arch_cpu_relax();
	arch_irq_disable();
	if (clockevent_fired != fired0)
		at = clockevent_last_ns;
	timer_rearm();	/* the kernel's timers own the clock event again */
	arch_irq_restore(flags);
	return at;
}

/* A clock event armed 2 ms ahead fires, and not before its deadline. */
KTEST(time_clockevent_oneshot)
{
	uint64_t deadline = time_ns() + 2 * NSEC_PER_MSEC;
	uint64_t at = wait_clockevent(deadline);

	KT_ASSERT(at != 0);
	KT_ASSERT(at >= deadline);
	pr_info("ktest %s: fired %llu ns after the deadline\n", ctx->name,
		(unsigned long long)(at - deadline));
}

/* Many deadlines from the past to 3 ms ahead: each fires, none early. */
KTEST(time_clockevent_many)
{
	uint64_t worst = 0;

	for (int i = 0; i < 24; i++) {
		uint64_t now = time_ns();
		uint64_t deadline = i == 0 ? now - 1000 : now + (uint64_t)i * i * 5000;
		uint64_t at = wait_clockevent(deadline);
		KT_ASSERT(at != 0);
		KT_ASSERT(at >= deadline);
		if (at > deadline && at - deadline > worst)
			worst = at - deadline;
	}
	pr_info("ktest %s: worst latency %llu ns\n", ctx->name, (unsigned long long)worst);
}

/* Re-arming replaces the deadline: a far one, then a near one, fires near. */
KTEST(time_clockevent_rearm)
{
	clockevent_arm(time_ns() + 500 * NSEC_PER_MSEC);
	uint64_t deadline = time_ns() + NSEC_PER_MSEC;
	uint64_t at = wait_clockevent(deadline);

	KT_ASSERT(at >= deadline);
	KT_ASSERT(at < deadline + 100 * NSEC_PER_MSEC);
}

KTEST(time_realtime_rtc)
{
	/* 2020-01-01 .. 2200-01-01 */
	uint64_t wall_s = (time_ns() + time_realtime_offset_ns()) / NSEC_PER_SEC;

	KT_ASSERT(wall_s > 1577836800ull);
	KT_ASSERT(wall_s < 7258118400ull);
}
