/*
 * ioapic.c - I/O APICs: every redirection entry starts masked; irq_route_isa()
 * maps an ISA IRQ to its GSI through the MADT's interrupt source overrides (with
 * their polarity and trigger), gives it a vector and unmasks it, delivered in
 * fixed mode to the boot CPU.
 */
#include <aegis/acpi.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/spinlock.h>
#include <asm/platform.h>

#define IOREGSEL	0
#define IOWIN		4		/* in uint32_t units: offset 0x10 */
#define IOAPIC_VER	1
#define REDIR(n)	(0x10 + 2 * (n))

#define RTE_ACTIVE_LOW	(1u << 13)
#define RTE_LEVEL	(1u << 15)
#define RTE_MASKED	(1u << 16)

static struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base, n_pins;
} ioapics[ACPI_MAX_IOAPICS];
static unsigned n_ioapics;
static struct spinlock ioapic_lock = SPINLOCK_INIT("ioapic");

static uint32_t io_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL] = reg;
	return io->regs[IOWIN];
}

static void io_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL] = reg;
	io->regs[IOWIN] = v;
}

static struct ioapic *ioapic_for_gsi(uint32_t gsi, unsigned *pin)
{
	for (unsigned i = 0; i < n_ioapics; i++) {
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].n_pins) {
			*pin = gsi - ioapics[i].gsi_base;
			return &ioapics[i];
		}
	}
	return NULL;
}

void ioapic_init(void)
{
	for (unsigned i = 0; i < acpi.n_ioapics && n_ioapics < ACPI_MAX_IOAPICS; i++) {
		struct ioapic *io = &ioapics[n_ioapics];
		io->regs = ioremap(acpi.ioapics[i].base, 0x20);
		if (!io->regs)
			continue;
		io->gsi_base = acpi.ioapics[i].gsi_base;
		io->n_pins = ((io_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
		if (io->n_pins > 240) {		/* all-ones: nothing answered */
			pr_warn("ioapic: id %u at %#llx does not respond, ignored\n",
				acpi.ioapics[i].id, (unsigned long long)acpi.ioapics[i].base);
			continue;
		}
		for (unsigned p = 0; p < io->n_pins; p++) {
			io_write(io, REDIR(p), RTE_MASKED);
			io_write(io, REDIR(p) + 1, 0);
		}
		pr_info("ioapic: id %u at %#llx, GSIs %u-%u\n", acpi.ioapics[i].id,
			(unsigned long long)acpi.ioapics[i].base, io->gsi_base,
			io->gsi_base + io->n_pins - 1);
		n_ioapics++;
	}
	if (!n_ioapics)
		pr_warn("ioapic: none found; device interrupts will not work\n");
}

void ioapic_mask_gsi(uint32_t gsi, bool mask)
{
	unsigned pin;
	struct ioapic *io = ioapic_for_gsi(gsi, &pin);
	unsigned long flags;

	if (!io)
		return;
	flags = spin_lock_irqsave(&ioapic_lock);
	uint32_t lo = io_read(io, REDIR(pin));
	io_write(io, REDIR(pin), mask ? lo | RTE_MASKED : lo & ~RTE_MASKED);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

/* Each call takes a new vector: route each IRQ once.  Context: boot, may not sleep. */
int irq_route_isa(unsigned isa_irq, irq_handler_t fn, void *ctx)
{
	uint32_t gsi = isa_irq, lo;
	uint16_t flags = 0;
	struct ioapic *io;
	unsigned pin;
	int vec;

	if (isa_irq >= 16)
		return -EINVAL;
	for (unsigned i = 0; i < acpi.n_isos; i++) {
		if (acpi.isos[i].bus == 0 && acpi.isos[i].source == isa_irq) {
			gsi = acpi.isos[i].gsi;
			flags = acpi.isos[i].flags;
		}
	}
	io = ioapic_for_gsi(gsi, &pin);
	if (!io)
		return -ENODEV;
	vec = irq_alloc_vector();
	if (vec < 0)
		return -ENOSPC;
	irq_set_handler(vec, fn, ctx);
	/* ISA defaults (conforming): edge-triggered, active high */
	lo = vec;
	if ((flags & ACPI_POL_MASK) == ACPI_POL_LOW)
		lo |= RTE_ACTIVE_LOW;
	if ((flags & ACPI_TRIG_MASK) == ACPI_TRIG_LEVEL)
		lo |= RTE_LEVEL;
	unsigned long irqf = spin_lock_irqsave(&ioapic_lock);
	io_write(io, REDIR(pin) + 1, lapic_id() << 24);
	io_write(io, REDIR(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, irqf);
	pr_info("ioapic: ISA IRQ %u -> GSI %u -> vector %#x\n", isa_irq, gsi, vec);
	return vec;
}
