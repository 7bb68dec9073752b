/*
 * pci.c - PCI at boot: pick the config access method, enumerate every root bus
 * (scan.c), keep the devices, and bind drivers to them.
 *
 * Root buses: the first bus of each ACPI MCFG range (ECAM), or bus 0 through
 * the legacy ports when there is no MCFG (i440fx machines, old firmware).
 * `pci=nommconf` on the command line (as in Linux) forces the ports.  Drivers register at any
 * time after pci_init(); each unbound device they match is probed in the order
 * found, and a device keeps the first driver whose probe accepts it.
 */
#include <aegis/acpi.h>
#include <aegis/bootinfo.h>
#include <aegis/cmdline.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/pci.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/string.h>

#include "pci_internal.h"

struct list_head pci_devices = LIST_HEAD_INIT(pci_devices);	/* fixed after pci_init() */
unsigned pci_ndevices;
struct list_head pci_drivers = LIST_HEAD_INIT(pci_drivers);	/* [pci_bind_lock] */
struct mutex pci_bind_lock;		/* [pci_drivers, every dev->driver] */

static struct pci_dev *keep(struct pci_scan *s, const struct pci_dev *proto)
{
	struct pci_dev *d = kmalloc(sizeof(*d));

	(void)s;
	if (!d) {
		pr_err("pci: out of memory: the devices after %s are not listed\n", proto->name);
		return NULL;
	}
	*d = *proto;
	list_add_tail(&pci_devices, &d->link);
	pci_ndevices++;
	return d;
}

static void report(const struct pci_dev *d)
{
	pr_info("pci: %s %04x:%04x class %06x%s%s\n", d->name, d->vendor, d->device, d->class,
		d->header_type == 1 ? " bridge" : "", d->cfg_size == PCI_CFG_SIZE_EXT ? " (PCIe)" : "");
	for (int i = 0; i < 6; i++)
		if (d->bar[i].size)
			pr_debug("pci: %s BAR%d %s %#llx size %#llx%s\n", d->name, i,
				 d->bar[i].flags & PCI_RES_IO ? "io" : "mem",
				 (unsigned long long)d->bar[i].base, (unsigned long long)d->bar[i].size,
				 d->bar[i].flags & PCI_RES_MEM_64 ? " 64-bit" : "");
}

const char *pci_access_method(void)
{
	return pci_cfg == &pci_ecam_ops ? "ECAM" : pci_cfg == &pci_port_ops ? "ports" : "none";
}

/* Is anything at 00:00.0 through the ports?  (Without MCFG, on a machine with
 * no PCI at all, 0xcfc reads all ones.) */
static bool ports_work(void)
{
	uint32_t id = pci_port_ops.read(NULL, 0, 0, 0, 0, PCI_VENDOR_ID, 4);
	return (id & 0xffff) != 0xffff && (id & 0xffff) != 0;
}

void pci_init(void)
{
	struct pci_scan s = { .found = keep };
	char opt[16] = "";

	mutex_init(&pci_bind_lock);
	cmdline_get(boot_info.cmdline, "pci", opt, sizeof(opt));
	if (acpi.n_mcfg && strcmp(opt, "nommconf")) {
		pci_cfg = &pci_ecam_ops;
		s.ops = pci_cfg;
		for (unsigned i = 0; i < acpi.n_mcfg && !s.stop; i++) {
			s.seg = acpi.mcfg[i].segment;
			s.bus_start = acpi.mcfg[i].bus_start;
			s.bus_end = acpi.mcfg[i].bus_end;
			memset(s.scanned, 0, sizeof(s.scanned));
			pci_scan_bus(&s, s.bus_start, NULL);
		}
	} else if (ports_work()) {
		pci_cfg = &pci_port_ops;
		s.ops = pci_cfg;
		s.bus_end = 255;
		pci_scan_bus(&s, 0, NULL);
	}
	list_for_each_entry(d, &pci_devices, struct pci_dev, link)
		report(d);
	pr_info("pci: %u functions through %s\n", pci_ndevices, pci_access_method());
}

struct pci_dev *pci_get_slot(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	list_for_each_entry(d, &pci_devices, struct pci_dev, link)
		if (d->seg == seg && d->bus == bus && d->dev == dev && d->fn == fn)
			return d;
	return NULL;
}

const struct pci_device_id *pci_match(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_device_id *id = drv->ids; id && id->vendor; id++)
		if ((id->vendor == PCI_ANY_ID || id->vendor == d->vendor) &&
		    (id->device == PCI_ANY_ID || id->device == d->device) &&
		    (d->class & id->class_mask) == id->class)
			return id;
	return NULL;
}

static void try_bind(struct pci_driver *drv, struct pci_dev *d)
{
	const struct pci_device_id *id = pci_match(drv, d);
	int err;

	if (d->driver || !id)
		return;
	err = drv->probe(d, id);
	if (err) {
		pr_info("pci: %s: %s declined it (%d)\n", d->name, drv->name, err);
		return;
	}
	d->driver = drv;
	pr_info("pci: %s: bound to %s\n", d->name, drv->name);
}

int pci_register_driver(struct pci_driver *drv)
{
	if (!drv || !drv->name || !drv->ids || !drv->probe)
		return -EINVAL;
	mutex_lock(&pci_bind_lock);
	list_for_each_entry(other, &pci_drivers, struct pci_driver, link)
		if (other == drv) {
			mutex_unlock(&pci_bind_lock);
			return -EBUSY;
		}
	list_add_tail(&pci_drivers, &drv->link);
	list_for_each_entry(d, &pci_devices, struct pci_dev, link)
		try_bind(drv, d);
	mutex_unlock(&pci_bind_lock);
	return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
	mutex_lock(&pci_bind_lock);
	list_for_each_entry(d, &pci_devices, struct pci_dev, link)
		if (d->driver == drv) {
			if (drv->remove)
				drv->remove(d);
			d->driver = NULL;
			d->driver_data = NULL;
		}
	list_for_each_entry(other, &pci_drivers, struct pci_driver, link)
		if (other == drv) {
			list_del(&drv->link);
			break;
		}
	mutex_unlock(&pci_bind_lock);
}
