/*
 * time.h - clocks and timers.
 *
 * time_ns() is the monotonic clock: nanoseconds since the kernel started, from the
 * TSC calibrated against the HPET (PIT fallback).  Timers are one-shot callbacks run
 * from the timer interrupt; the local APIC timer is programmed for the earliest one
 * (TSC-deadline mode where the CPU has it).
 */
#ifndef AEGIS_TIME_H
#define AEGIS_TIME_H

#include <aegis/types.h>

#define NSEC_PER_SEC	1000000000ull
#define NSEC_PER_MSEC	1000000ull
#define NSEC_PER_USEC	1000ull

uint64_t time_ns(void);			/* monotonic, since boot */
uint64_t time_boot_tsc(void);		/* TSC value at kernel entry */
uint64_t tsc_to_ns(uint64_t tsc_delta);
uint64_t time_ns_mult(void);		/* ns per TSC tick << 32 (0 before calibration) */
uint64_t time_realtime_offset_ns(void);	/* wall clock = time_ns() + this (from RTC) */
void time_set_realtime_ns(uint64_t wall_ns);
extern uint64_t tsc_hz;
extern uint64_t boot_tsc;		/* rdtsc() first thing in kmain */

struct timer {
	uint64_t deadline;		/* time_ns() value */
	void (*fn)(struct timer *t);
	void *data;
	struct timer *next;		/* [timer_lock] */
	bool pending;			/* [timer_lock] */
};

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data);
void timer_add(struct timer *t, uint64_t deadline);	/* re-arms if pending */
bool timer_cancel(struct timer *t);			/* true if it was pending */
/* Arms the clock event for the first pending timer again, for code (tests) that
 * armed it directly. */
void timer_rearm(void);

/* Provided by the platform (arch) clock-event code: */
/* Interrupt at or after deadline (replacing any earlier deadline); false if the
 * clock event is not running yet. */
bool clockevent_arm(uint64_t deadline_ns);
/* Called by the platform's timer interrupt handler. */
void timer_interrupt(void);

/* Busy-wait, for early boot and drivers that must poll hardware. */
void udelay(uint64_t usec);

#endif
