/*
 * msix.c - MSI-X: a device interrupt as a memory write to the local APIC.
 *
 * The MSI-X capability names a table (in one of the function's memory BARs)
 * of 16-byte entries {address low, address high, data, vector control}.  An
 * entry programmed with the LAPIC's address (0xfee00000 | APIC ID << 12) and a
 * CPU vector as data raises that vector, edge-triggered, with no I/O APIC and no
 * interrupt routing tables involved.  The table's place comes from the device,
 * so it is checked to lie inside an implemented memory BAR.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/pci.h>
#include <aegis/printk.h>
#include <asm/platform.h>

#include "pci_internal.h"

#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000
#define MSIX_ENTRY_MASKED	1
#define PCI_COMMAND_INTX_DISABLE 0x400

static int map_table(struct pci_dev *d, unsigned cap)
{
	uint32_t where = pci_read32(d, cap + 4);
	uint16_t ctrl = pci_read16(d, cap + 2);
	unsigned n = (ctrl & 0x7ff) + 1, bir = where & 7;
	uint64_t off = where & ~7u;
	const struct pci_bar *b;

	if (bir > 5)
		return -ENODEV;
	b = &d->bar[bir];
	if (!b->size || !(b->flags & PCI_RES_MEM) || off > b->size || (uint64_t)n * 16 > b->size - off)
		return -ENODEV;
	d->msix_table = ioremap(b->base + off, (size_t)n * 16);
	if (!d->msix_table)
		return -ENOMEM;
	d->msix_size = (uint16_t)n;
	/* every entry masked, then MSI-X on (and INTx off) with the function unmasked */
	for (unsigned i = 0; i < n; i++)
		d->msix_table[4 * i + 3] = MSIX_ENTRY_MASKED;
	pci_write(d, cap + 2, 2, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	pci_write(d, PCI_COMMAND, 2, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	pci_write(d, cap + 2, 2, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	return 0;
}

int pci_msix_vector(struct pci_dev *d, unsigned entry, irq_handler_t fn, void *ctx)
{
	unsigned cap;
	int vec, err;

	if (!pci_cfg)
		return -ENODEV;
	cap = pci_find_cap(pci_cfg, NULL, d, PCI_CAP_ID_MSIX);
	if (!cap)
		return -ENODEV;
	if (!d->msix_table && (err = map_table(d, cap)))
		return err;
	if (entry >= d->msix_size)
		return -EINVAL;
	vec = irq_alloc_vector();
	if (vec < 0)
		return -ENOSPC;
	irq_set_handler((unsigned)vec, fn, ctx);
	d->msix_table[4 * entry + 0] = 0xfee00000u | (lapic_id() & 0xff) << 12;
	d->msix_table[4 * entry + 1] = 0;
	d->msix_table[4 * entry + 2] = (uint32_t)vec;	/* fixed delivery, edge */
	d->msix_table[4 * entry + 3] = 0;		/* unmasked */
	pr_info("pci: %s MSI-X entry %u -> vector %#x\n", d->name, entry, vec);
	return vec;
}

void pci_msix_release(struct pci_dev *d, unsigned entry, int vec)
{
	if (d->msix_table && entry < d->msix_size)
		d->msix_table[4 * entry + 3] = MSIX_ENTRY_MASKED;
	if (vec >= 0)
		irq_set_handler((unsigned)vec, NULL, NULL);	/* its context is going away */
}

/* MSI (capability 0x05): one message, its address and data in config space. */
int pci_msi_vector(struct pci_dev *d, irq_handler_t fn, void *ctx)
{
	unsigned cap;
	uint16_t ctrl;
	int vec;

	if (!pci_cfg || !(cap = pci_find_cap(pci_cfg, NULL, d, PCI_CAP_ID_MSI)))
		return -ENODEV;
	vec = irq_alloc_vector();
	if (vec < 0)
		return -ENOSPC;
	irq_set_handler((unsigned)vec, fn, ctx);
	ctrl = pci_read16(d, cap + 2);
	pci_write(d, cap + 4, 4, 0xfee00000u | (lapic_id() & 0xff) << 12);
	if (ctrl & 0x80) {				/* 64-bit address */
		pci_write(d, cap + 8, 4, 0);
		pci_write(d, cap + 12, 2, (uint16_t)vec);
	} else {
		pci_write(d, cap + 8, 2, (uint16_t)vec);
	}
	/* one vector (MME 0), enabled; legacy INTx off */
	pci_write(d, cap + 2, 2, (uint16_t)((ctrl & ~0x70) | 1));
	pci_write(d, PCI_COMMAND, 2, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	pr_info("pci: %s MSI -> vector %#x\n", d->name, vec);
	return vec;
}
