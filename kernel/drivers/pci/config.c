/*
 * config.c - the two ways to reach PCI configuration space on x86.
 *
 * ECAM (PCI Express, from the ACPI MCFG table): each bus of a range has 1 MiB
 * of memory-mapped config space, 4 KiB per function.  A bus is mapped
 * (uncached, ioremap) the first time it is touched, so an MCFG range of 256
 * buses costs page tables only for the buses that exist.
 *
 * The legacy mechanism #1: write the address to port 0xcf8, move the data
 * through 0xcfc..0xcff.  The pair must not be interleaved, hence the lock; it
 * reaches only the first 256 bytes of segment 0.
 */
#include <aegis/acpi.h>
#include <aegis/mm.h>
#include <aegis/pci.h>
#include <aegis/spinlock.h>
#include <asm/io.h>

#include "pci_internal.h"

/* ---- ECAM ---- */

static uint8_t *ecam_bus[ACPI_MAX_MCFG][256];	/* mapped buses, by MCFG entry */
static struct spinlock ecam_lock = SPINLOCK_INIT("pci_ecam");	/* [ecam_bus] */

static volatile uint8_t *ecam_addr(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	if (dev >= 32 || fn >= 8 || off >= PCI_CFG_SIZE_EXT)
		return NULL;
	for (unsigned i = 0; i < acpi.n_mcfg; i++) {
		const struct acpi_mcfg *m = &acpi.mcfg[i];
		uint8_t *b;
		if (m->segment != seg || bus < m->bus_start || bus > m->bus_end)
			continue;
		b = __atomic_load_n(&ecam_bus[i][bus], __ATOMIC_ACQUIRE);
		if (!b) {
			unsigned long f = spin_lock_irqsave(&ecam_lock);
			b = ecam_bus[i][bus];
			if (!b) {
				/* ioremap may sleep for memory: not under the lock */
				spin_unlock_irqrestore(&ecam_lock, f);
				b = ioremap(m->base + ((paddr_t)(bus - m->bus_start) << 20), 1 << 20);
				if (!b)
					return NULL;
				f = spin_lock_irqsave(&ecam_lock);
				if (ecam_bus[i][bus]) {
					uint8_t *won = ecam_bus[i][bus];
					spin_unlock_irqrestore(&ecam_lock, f);
					iounmap(b);
					b = won;
				} else {
					__atomic_store_n(&ecam_bus[i][bus], b, __ATOMIC_RELEASE);
					spin_unlock_irqrestore(&ecam_lock, f);
				}
			} else {
				spin_unlock_irqrestore(&ecam_lock, f);
			}
		}
		return b + ((unsigned)dev << 15 | (unsigned)fn << 12 | off);
	}
	return NULL;
}

static uint32_t ecam_read(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			  unsigned off, unsigned width)
{
	volatile uint8_t *p = ecam_addr(seg, bus, dev, fn, off);

	(void)ctx;
	if (!p)
		return 0xffffffff;
	switch (width) {
	case 1: return *p;
	case 2: return *(volatile uint16_t *)p;
	default: return *(volatile uint32_t *)p;
	}
}

static void ecam_write(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		       unsigned off, unsigned width, uint32_t val)
{
	volatile uint8_t *p = ecam_addr(seg, bus, dev, fn, off);

	(void)ctx;
	if (!p)
		return;
	switch (width) {
	case 1: *p = (uint8_t)val; break;
	case 2: *(volatile uint16_t *)p = (uint16_t)val; break;
	default: *(volatile uint32_t *)p = val; break;
	}
}

const struct pci_cfg_ops pci_ecam_ops = { ecam_read, ecam_write, true };

/* ---- ports 0xcf8/0xcfc ---- */

static struct spinlock port_lock = SPINLOCK_INIT("pci_ports");	/* [the 0xcf8 address] */

static uint32_t port_read(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			  unsigned off, unsigned width)
{
	uint32_t v;
	unsigned long f;

	(void)ctx;
	if (seg || dev >= 32 || fn >= 8 || off >= PCI_CFG_SIZE)
		return 0xffffffff;
	f = spin_lock_irqsave(&port_lock);
	outl(0xcf8, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc));
	switch (width) {
	case 1: v = inb(0xcfc + (off & 3)); break;
	case 2: v = inw(0xcfc + (off & 2)); break;
	default: v = inl(0xcfc); break;
	}
	spin_unlock_irqrestore(&port_lock, f);
	return v;
}

static void port_write(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		       unsigned off, unsigned width, uint32_t val)
{
	unsigned long f;

	(void)ctx;
	if (seg || dev >= 32 || fn >= 8 || off >= PCI_CFG_SIZE)
		return;
	f = spin_lock_irqsave(&port_lock);
	outl(0xcf8, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc));
	switch (width) {
	case 1: outb(0xcfc + (off & 3), (uint8_t)val); break;
	case 2: outw(0xcfc + (off & 2), (uint16_t)val); break;
	default: outl(0xcfc, val); break;
	}
	spin_unlock_irqrestore(&port_lock, f);
}

const struct pci_cfg_ops pci_port_ops = { port_read, port_write, false };

/* ---- the method in use ---- */

const struct pci_cfg_ops *pci_cfg;

static bool valid(const struct pci_dev *d, unsigned off, unsigned width)
{
	/* off + width could wrap: compare with what is left */
	return pci_cfg && (width == 1 || width == 2 || width == 4) && off % width == 0 &&
	       off < d->cfg_size && width <= d->cfg_size - off;
}

uint32_t pci_read(const struct pci_dev *d, unsigned off, unsigned width)
{
	if (!valid(d, off, width))
		return 0xffffffffu >> (32 - 8 * (width == 1 || width == 2 || width == 4 ? width : 4));
	return pci_cfg->read(NULL, d->seg, d->bus, d->dev, d->fn, off, width);
}

void pci_write(const struct pci_dev *d, unsigned off, unsigned width, uint32_t val)
{
	if (valid(d, off, width))
		pci_cfg->write(NULL, d->seg, d->bus, d->dev, d->fn, off, width, val);
}
