/*
 * power.c - power-off and reboot.
 *
 * Power-off writes the \_S5_ sleep type with SLP_EN to PM1a/PM1b control (ACPI
 * soft-off), turning ACPI mode on first through SMI_CMD if firmware left it off.
 * If the machine is still running, the emulator shutdown ports (QEMU/Bochs,
 * VirtualBox) are tried, then the CPU halts.  Reboot uses the FADT reset register,
 * then the keyboard controller, then PCI reset (0xcf9), then a triple fault.
 */
#include <aegis/acpi.h>
#include <aegis/arch.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/time.h>
#include <asm/io.h>
#include <asm/platform.h>

#define PM1_SCI_EN	(1u << 0)
#define PM1_SLP_TYP(t)	((uint32_t)(t) << 10)
#define PM1_SLP_TYP_MASK (7u << 10)
#define PM1_SLP_EN	(1u << 13)

static uint32_t gas_read(const struct acpi_gas *g)
{
	if (g->space == ACPI_SPACE_IO) {
		if (g->bit_width == 32)
			return inl(g->address);
		if (g->bit_width == 8)
			return inb(g->address);
		return inw(g->address);
	}
	volatile void *p = ioremap(g->address, 4);
	if (!p)
		return 0;
	if (g->bit_width == 32)
		return *(volatile uint32_t *)p;
	if (g->bit_width == 8)
		return *(volatile uint8_t *)p;
	return *(volatile uint16_t *)p;
}

static void gas_write(const struct acpi_gas *g, uint32_t v)
{
	if (g->space == ACPI_SPACE_IO) {
		if (g->bit_width == 32)
			outl(g->address, v);
		else if (g->bit_width == 8)
			outb(g->address, v);
		else
			outw(g->address, v);
		return;
	}
	volatile void *p = ioremap(g->address, 4);
	if (!p)
		return;
	if (g->bit_width == 32)
		*(volatile uint32_t *)p = v;
	else if (g->bit_width == 8)
		*(volatile uint8_t *)p = v;
	else
		*(volatile uint16_t *)p = v;
}

static void acpi_enable_mode(void)
{
	if (gas_read(&acpi.pm1a_cnt) & PM1_SCI_EN)
		return;
	if (!acpi.smi_cmd || !acpi.acpi_enable)
		return;			/* hardware-reduced or always in ACPI mode */
	outb(acpi.smi_cmd, acpi.acpi_enable);
	for (int i = 0; i < 300 && !(gas_read(&acpi.pm1a_cnt) & PM1_SCI_EN); i++)
		udelay(1000);
}

static void sleep_s5(void)
{
	const struct acpi_gas *cnt[2] = { &acpi.pm1a_cnt, &acpi.pm1b_cnt };
	uint8_t typ[2] = { acpi.slp_typa, acpi.slp_typb };

	if (!acpi.have_fadt || !acpi.have_s5 || !acpi.pm1a_cnt.address)
		return;
	acpi_enable_mode();
	/* as Linux does: the sleep type first, then SLP_EN */
	for (int i = 0; i < 2; i++) {
		if (!cnt[i]->address)
			continue;
		uint32_t v = gas_read(cnt[i]) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
		gas_write(cnt[i], v | PM1_SLP_TYP(typ[i]));
	}
	for (int i = 0; i < 2; i++) {
		if (!cnt[i]->address)
			continue;
		uint32_t v = gas_read(cnt[i]) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
		gas_write(cnt[i], v | PM1_SLP_TYP(typ[i]) | PM1_SLP_EN);
	}
	udelay(100000);
	pr_warn("power: ACPI S5 did not power off\n");
}

void arch_poweroff(void)
{
	arch_irq_disable();
	pr_notice("power: powering off\n");
	sleep_s5();
	outw(0x604, 0x2000);		/* QEMU q35/ICH9 PM1a_CNT */
	outw(0xb004, 0x2000);		/* Bochs, old QEMU (PIIX4) */
	outw(0x4004, 0x3400);		/* VirtualBox */
	pr_emerg("power: could not power off; halting\n");
	arch_halt_forever();
}

static void kbc_wait_input_empty(void)
{
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		io_wait();
}

void arch_reboot(void)
{
	arch_irq_disable();
	pr_notice("power: rebooting\n");
	if (acpi.reset_supported) {
		gas_write(&(struct acpi_gas){ .space = acpi.reset_reg.space, .bit_width = 8,
					      .address = acpi.reset_reg.address },
			  acpi.reset_value);
		udelay(50000);
	}
	kbc_wait_input_empty();
	outb(0x64, 0xfe);		/* keyboard controller: pulse reset */
	udelay(50000);
	outb(0xcf9, 0x02);		/* PCI reset control: hard reset */
	outb(0xcf9, 0x06);
	udelay(50000);
	/* triple fault: no IDT, then an exception */
	struct { uint16_t limit; uint64_t base; } __packed null_idt = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(null_idt));
	arch_halt_forever();
}

void power_init(void)
{
	if (acpi.have_s5 && acpi.pm1a_cnt.address)
		pr_info("power: off by ACPI S5 (PM1a_CNT %s %#llx, SLP_TYP %u/%u)\n",
			acpi.pm1a_cnt.space == ACPI_SPACE_IO ? "port" : "mem",
			(unsigned long long)acpi.pm1a_cnt.address, acpi.slp_typa,
			acpi.slp_typb);
	else
		pr_info("power: no ACPI S5; power-off uses emulator ports only\n");
	if (acpi.reset_supported)
		pr_info("power: reset register %s %#llx value %#x\n",
			acpi.reset_reg.space == ACPI_SPACE_IO ? "port" : "mem",
			(unsigned long long)acpi.reset_reg.address, acpi.reset_value);
}
