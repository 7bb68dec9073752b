/*
 * platform.c - arch_init(): bring up the PC platform after memory management, in
 * dependency order: ACPI tables, legacy PICs off, local APIC, I/O APICs, clocks
 * (HPET, TSC, RTC), the APIC timer as clock event, and the serial and keyboard
 * interrupts.  Interrupts stay disabled; the scheduler start enables them.
 */
#include <aegis/acpi.h>
#include <aegis/arch.h>
#include <aegis/kernel.h>
#include <aegis/printk.h>
#include <aegis/serial.h>
#include <aegis/time.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/platform.h>

/* Weak hooks until the TTY and keyboard drivers exist: input is dropped. */
__attribute__((weak)) void tty_serial_input(char c)
{
	(void)c;
}

__attribute__((weak)) void kbd_scancode(uint8_t sc)
{
	(void)sc;
}

static void serial_irq(struct trap_frame *f, void *ctx)
{
	int c;

	for (int n = 0; n < 64 && (c = uart_getc_nowait()) >= 0; n++)
		tty_serial_input((char)c);
}

#define I8042_DATA	0x60
#define I8042_STATUS	0x64
#define I8042_OBF	0x01
#define I8042_AUX	0x20

static void kbd_irq(struct trap_frame *f, void *ctx)
{
	uint8_t st;

	for (int n = 0; n < 16 && ((st = inb(I8042_STATUS)) & I8042_OBF); n++) {
		uint8_t b = inb(I8042_DATA);
		if (!(st & I8042_AUX))
			kbd_scancode(b);
	}
}

static void route_legacy_devices(void)
{
	if (irq_route_isa(4, serial_irq, NULL) >= 0)
		uart_enable_rx_irq();
	else
		pr_warn("serial: no interrupt route; input is not available\n");
	/* routed even if the FADT denies an 8042: firmware often gets that bit wrong */
	if (irq_route_isa(1, kbd_irq, NULL) < 0)
		pr_warn("kbd: no interrupt route\n");
}

void arch_init(void)
{
	uint64_t t0 = rdtsc();

	acpi_init();
	pic_disable();
	lapic_init();
	ioapic_init();
	time_init();
	lapic_timer_init();
	power_init();
	route_legacy_devices();
	pr_info("platform: up in %llu us\n", (unsigned long long)tsc_to_ns(rdtsc() - t0) / 1000);
}
