/*
 * sysfs.c - the PCI part of /sys, laid out as Linux does, so tools that read it
 * (lspci from pciutils, busybox lspci, udev-style scripts) work unchanged:
 *
 *   /sys/devices/pci0000:00/0000:00:1f.2/{vendor,device,class,...}
 *   /sys/devices/pci0000:00/0000:00:03.0/0000:01:00.0/...   behind a bridge
 *   /sys/bus/pci/devices/0000:00:1f.2 -> ../../../devices/pci0000:00/0000:00:1f.2
 *   /sys/bus/pci/drivers/<driver>/<device> -> the device directory
 *   <device>/driver -> ../../../bus/pci/drivers/<driver>, <device>/subsystem -> bus/pci
 *
 * Values are read when sysfs is mounted; `config` is a copy of the whole
 * config space (256 bytes, or 4096 for PCI Express) as it was then.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/pci.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/string.h>
#include <aegis/vfs.h>

#include "pci_internal.h"

struct node {
	const struct pci_dev *dev;
	struct dentry *root;	/* /sys/devices/pciSSSS:BB of its root bus */
	struct dentry *dir;
	char path[192];		/* below /sys/devices: pci0000:00/0000:00:03.0/... */
	int depth;		/* directories between it and /sys */
};

static void text(struct dentry *dir, const char *name, const char *fmt, unsigned long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), fmt, v);
	sysfs_add_file(dir, name, 0444, buf, (size_t)n);
}

/* "../" depth times, then `to` */
static void up_link(struct dentry *dir, const char *name, int depth, const char *to)
{
	char target[320];
	int n = 0;

	for (int i = 0; i < depth && n < 200; i++)
		n += snprintf(target + n, sizeof(target) - n, "../");
	snprintf(target + n, sizeof(target) - n, "%s", to);
	sysfs_add_link(dir, name, target);
}

static void attributes(struct node *nd, char *buf, size_t len)
{
	const struct pci_dev *d = nd->dev;
	struct dentry *dir = nd->dir;
	uint8_t *cfg;
	int n;

	text(dir, "vendor", "0x%04llx\n", d->vendor);
	text(dir, "device", "0x%04llx\n", d->device);
	text(dir, "class", "0x%06llx\n", d->class);
	text(dir, "revision", "0x%02llx\n", d->revision);
	text(dir, "subsystem_vendor", "0x%04llx\n", d->subsys_vendor);
	text(dir, "subsystem_device", "0x%04llx\n", d->subsys_device);
	text(dir, "irq", "%llu\n", d->irq_pin ? d->irq_line : 0);
	n = pci_format_uevent(d, buf, len);
	sysfs_add_file(dir, "uevent", 0644, buf, (size_t)n);
	n = pci_format_modalias(d, buf, len);
	sysfs_add_file(dir, "modalias", 0444, buf, (size_t)n);
	n = pci_format_resource(d, buf, len);
	sysfs_add_file(dir, "resource", 0444, buf, (size_t)n);
	cfg = kmalloc(d->cfg_size);
	if (cfg) {
		for (unsigned off = 0; off < d->cfg_size; off += 4) {
			uint32_t v = pci_read32(d, off);
			memcpy(cfg + off, &v, 4);
		}
		sysfs_add_file(dir, "config", 0644, cfg, d->cfg_size);
		kfree(cfg);
	}
	up_link(dir, "subsystem", nd->depth, "bus/pci");
	if (d->driver) {
		char to[96];
		snprintf(to, sizeof(to), "bus/pci/drivers/%s", d->driver->name);
		up_link(dir, "driver", nd->depth, to);
	}
}

/* /sys/devices/pciSSSS:BB, made for the first device of a root bus */
static struct dentry *root_dir(struct dentry *devices, const struct pci_dev *d, struct node *nodes,
			       unsigned n, char *name, size_t len)
{
	snprintf(name, len, "pci%04x:%02x", d->seg, d->bus);
	for (unsigned i = 0; i < n; i++)
		if (!nodes[i].dev->bridge && nodes[i].dev->seg == d->seg && nodes[i].dev->bus == d->bus)
			return nodes[i].root;
	return sysfs_add_dir(devices, name);
}

void pci_sysfs_fill(struct dentry *devices, struct dentry *bus)
{
	struct dentry *pci = sysfs_add_dir(bus, "pci");
	struct dentry *bdevs = sysfs_add_dir(pci, "devices");
	struct dentry *bdrvs = sysfs_add_dir(pci, "drivers");
	struct node *nodes;
	char *buf, link[256];
	unsigned n = 0;

	if (!bdevs || !bdrvs)
		return;
	nodes = kzalloc((pci_ndevices ? pci_ndevices : 1) * sizeof(*nodes));
	buf = kmalloc(1024);
	if (!nodes || !buf) {
		pr_warn("pci: out of memory for /sys/bus/pci\n");
		kfree(nodes);
		kfree(buf);
		return;
	}
	mutex_lock(&pci_bind_lock);
	list_for_each_entry(d, &pci_devices, struct pci_dev, link) {
		struct node *nd = &nodes[n], *parent = NULL;
		char root[16];
		/* a bridge is listed before the devices behind it (scan.c) */
		for (unsigned i = 0; i < n && d->bridge; i++)
			if (nodes[i].dev == d->bridge)
				parent = &nodes[i];
		nd->dev = d;
		if (d->bridge && !parent)
			continue;	/* its bridge has no directory: cannot happen */
		if (parent) {
			nd->root = parent->root;
			nd->dir = sysfs_add_dir(parent->dir, d->name);
			snprintf(nd->path, sizeof(nd->path), "%s/%s", parent->path, d->name);
			nd->depth = parent->depth + 1;
		} else {
			nd->root = root_dir(devices, d, nodes, n, root, sizeof(root));
			nd->dir = sysfs_add_dir(nd->root, d->name);
			snprintf(nd->path, sizeof(nd->path), "%s/%s", root, d->name);
			nd->depth = 3;
		}
		n++;
		if (!nd->dir)
			continue;
		attributes(nd, buf, 1024);
		snprintf(link, sizeof(link), "devices/%s", nd->path);
		up_link(bdevs, d->name, 3, link);
	}
	list_for_each_entry(drv, &pci_drivers, struct pci_driver, link) {
		struct dentry *dd = sysfs_add_dir(bdrvs, drv->name);
		for (unsigned i = 0; i < n && dd; i++)
			if (nodes[i].dev->driver == drv) {
				snprintf(link, sizeof(link), "devices/%s", nodes[i].path);
				up_link(dd, nodes[i].dev->name, 4, link);
			}
	}
	mutex_unlock(&pci_bind_lock);
	kfree(nodes);
	kfree(buf);
}
