/*
 * asm/platform.h - the x86-64 PC platform: 8259 PICs, local APIC, I/O APIC, HPET,
 * PIT, TSC and the CMOS clock.  Private to kernel/arch/x86_64/ (generic code uses
 * arch.h and time.h).
 */
#ifndef ASM_PLATFORM_H
#define ASM_PLATFORM_H

#include <aegis/types.h>
#include <asm/trap.h>

#define VEC_APIC_TIMER	0xf0
#define VEC_APIC_ERROR	0xfe
#define VEC_SPURIOUS	0xff

/* pic.c */
void pic_disable(void);

/* lapic.c */
void lapic_init(void);			/* boot CPU; after acpi_init() */
uint32_t lapic_id(void);
bool lapic_is_x2apic(void);
/* Clock event: counts one-shot deadlines met; see clockevent_arm() in time.h. */
void lapic_timer_init(void);		/* after tsc_calibrate() */
extern uint64_t lapic_timer_hz;		/* 0 in TSC-deadline mode */
extern volatile uint64_t clockevent_fired;	/* interrupts taken */
extern volatile uint64_t clockevent_last_ns;	/* time_ns() at the last one */

/* ioapic.c */
void ioapic_init(void);
/* Routes an ISA IRQ (after MADT overrides) to a new vector; returns it or -errno. */
int irq_route_isa(unsigned isa_irq, irq_handler_t fn, void *ctx);
void ioapic_mask_gsi(uint32_t gsi, bool mask);

/* hpet.c */
int hpet_init(void);			/* 0, or -ENODEV */
bool hpet_present(void);
uint64_t hpet_read(void);		/* main counter */
uint64_t hpet_period_fs(void);		/* femtoseconds per tick */
uint64_t hpet_ticks_between(uint64_t a, uint64_t b);

/* pit.c: waits ~ms using PIT channel 2; returns TSC ticks elapsed */
uint64_t pit_measure_tsc(unsigned ms);

/* tsc.c */
void tsc_calibrate(void);
/* An HPET reading and the TSC at that moment (tightest of a few tries). */
uint64_t tsc_hpet_pair(uint64_t *hpet);
extern uint64_t tsc_calibration_ns;	/* how long calibration took */
extern const char *tsc_source;

/* time.c */
void time_init(void);			/* clock, RTC, printk timestamps */
void rtc_read_time(uint64_t *unix_seconds);

/* power.c */
void power_init(void);

#endif
