/*
 * pci.h - PCI and PCI Express: configuration space access, the devices found at
 * boot, and drivers that bind to them by ID or class.
 *
 * Config space is reached through ECAM (the ACPI MCFG table; all of the 4 KiB
 * extended space) or, without MCFG, through the legacy ports 0xcf8/0xcfc (the
 * first 256 bytes of segment 0).  pci_init() enumerates every bus reachable from
 * the root buses once, at boot; devices are never added or removed afterwards
 * (no hot plug), so the device list needs no lock once pci_init() has returned.
 */
#ifndef AEGIS_PCI_H
#define AEGIS_PCI_H

#include <aegis/list.h>
#include <aegis/types.h>
#include <asm/trap.h>

/* the standard configuration header */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x1
#define  PCI_COMMAND_MEMORY	0x2
#define  PCI_COMMAND_MASTER	0x4
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x10
#define PCI_REVISION_ID		0x08	/* then prog-if, subclass, class: 0x09..0x0b */
#define PCI_HEADER_TYPE		0x0e
#define  PCI_HEADER_MULTIFUNC	0x80
#define PCI_BAR0		0x10
#define PCI_PRIMARY_BUS		0x18	/* type 1 (bridge) header */
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c	/* type 0 header */
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_ROM_ADDRESS		0x30	/* type 0; a bridge's is at 0x38 */
#define PCI_ROM_ADDRESS1	0x38
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAP_ID_SSVID	0x0d	/* a bridge's subsystem IDs */
#define PCI_CAP_ID_EXP		0x10	/* PCI Express */

#define PCI_CFG_SIZE		256
#define PCI_CFG_SIZE_EXT	4096

/*
 * What a BAR decodes, with the flags Linux shows in /sys/.../resource (its
 * IORESOURCE_* bits plus the BAR's own low bits), so tools read the same thing.
 */
#define PCI_RES_IO		0x00000100
#define PCI_RES_MEM		0x00000200
#define PCI_RES_PREFETCH	0x00002000
#define PCI_RES_READONLY	0x00004000
#define PCI_RES_SIZEALIGN	0x00040000
#define PCI_RES_MEM_64		0x00100000
#define PCI_RES_ROM_ENABLE	0x00000001

struct pci_bar {
	uint64_t base, size;		/* size 0: the BAR is not implemented */
	uint32_t flags;			/* PCI_RES_* */
};

struct pci_driver;

struct pci_dev {
	struct list_head link;		/* in pci_devices, in the order found */
	struct pci_dev *bridge;		/* the bridge it sits behind; NULL on a root bus */
	uint16_t seg;
	uint8_t bus, dev, fn;
	uint8_t header_type;		/* without the multi-function bit */
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class;			/* class << 16 | subclass << 8 | prog-if */
	uint8_t revision;
	uint8_t irq_line, irq_pin;	/* as the firmware left them (no routing yet) */
	uint8_t secondary, subordinate;	/* bridges: the buses behind */
	uint16_t cfg_size;		/* PCI_CFG_SIZE, or _EXT for PCI Express over ECAM */
	struct pci_bar bar[6];
	struct pci_bar rom;
	struct pci_driver *driver;	/* bound driver, or NULL */
	void *driver_data;
	volatile uint32_t *msix_table;	/* mapped once MSI-X is in use */
	uint16_t msix_size;
	char name[16];			/* "0000:00:1f.2" */
};

/* A driver's match table ends with an entry whose vendor is 0. */
#define PCI_ANY_ID 0xffffffffu
struct pci_device_id {
	uint32_t vendor, device;	/* PCI_ANY_ID matches any */
	uint32_t class, class_mask;	/* matches if (dev->class & mask) == class */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *ids;
	/* 0: the device is now this driver's; -errno: leave it unbound */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *dev);
	struct list_head link;
};

/* Config space access.  Widths 1, 2 and 4 at naturally aligned offsets below
 * dev->cfg_size; anything else reads as all ones and writes nothing. */
uint32_t pci_read(const struct pci_dev *dev, unsigned off, unsigned width);
void pci_write(const struct pci_dev *dev, unsigned off, unsigned width, uint32_t val);
static inline uint8_t pci_read8(const struct pci_dev *d, unsigned off) { return (uint8_t)pci_read(d, off, 1); }
static inline uint16_t pci_read16(const struct pci_dev *d, unsigned off) { return (uint16_t)pci_read(d, off, 2); }
static inline uint32_t pci_read32(const struct pci_dev *d, unsigned off) { return pci_read(d, off, 4); }

/*
 * The access method under everything: read/write one naturally aligned 1-, 2- or
 * 4-byte register of (seg, bus, dev, fn).  A device that is not there reads as
 * all ones.  ext tells whether offsets 256..4095 are reachable.
 */
struct pci_cfg_ops {
	uint32_t (*read)(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			 unsigned off, unsigned width);
	void (*write)(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		      unsigned off, unsigned width, uint32_t val);
	bool ext;
};

/*
 * Enumeration (scan.c, pure: the unit tests run it over simulated config
 * spaces).  Scans the bus `bus` and, depth first, every bus behind a bridge
 * whose secondary bus lies in [bus_start, bus_end] and was not scanned yet, so
 * bad firmware (loops, two bridges claiming one bus) cannot make it run away.
 * For each function found it fills a pci_dev and calls found(), which keeps
 * it and returns the kept copy (the bridge of the devices behind it), or NULL
 * to stop the scan (out of memory).  Sizing a BAR writes it (decoding off),
 * then restores the BAR and the command register.  Returns the number of
 * functions found.
 */
struct pci_scan {
	const struct pci_cfg_ops *ops;
	void *ctx;
	uint16_t seg;
	uint8_t bus_start, bus_end;
	struct pci_dev *(*found)(struct pci_scan *s, const struct pci_dev *d);
	void *user;
	bool stop;
	uint8_t scanned[32];		/* a bit per bus */
	unsigned nfound;
};
unsigned pci_scan_bus(struct pci_scan *s, uint8_t bus, struct pci_dev *bridge);

/* The size a BAR decodes from its value and what it read back after all ones
 * were written to it (pure; 0 if it decodes nothing). */
uint64_t pci_bar_size(uint64_t value, uint64_t readback, uint64_t mask);
/* Offset of capability `id` in the standard list, or 0 (bounded: a looping
 * list ends the walk). */
unsigned pci_find_cap(const struct pci_cfg_ops *ops, void *ctx, const struct pci_dev *d,
		      uint8_t id);

/* Text of the sysfs attributes (pure; buf of at least 160 bytes, resource 1024). */
int pci_format_uevent(const struct pci_dev *d, char *buf, size_t len);
int pci_format_modalias(const struct pci_dev *d, char *buf, size_t len);
int pci_format_resource(const struct pci_dev *d, char *buf, size_t len);

/* MSI-X (msix.c): table entry `entry` raises a new CPU vector that runs fn(ctx)
 * (the first call turns MSI-X on and INTx off).  The vector, or -ENODEV (no
 * MSI-X, or its table outside the BARs), -EINVAL (no such entry), -ENOSPC. */
int pci_msix_vector(struct pci_dev *d, unsigned entry, irq_handler_t fn, void *ctx);
/* Undo pci_msix_vector for a driver that gives up on its device: the entry
 * masked, the vector's handler removed (a late interrupt finds no context). */
void pci_msix_release(struct pci_dev *d, unsigned entry, int vec);
/* MSI (msix.c): the function's one message raises a new vector running fn(ctx).
 * The vector, or -ENODEV (no MSI capability), -ENOSPC. */
int pci_msi_vector(struct pci_dev *d, irq_handler_t fn, void *ctx);

/* The devices found by pci_init(), and driver binding. */
extern struct list_head pci_devices;
extern unsigned pci_ndevices;
void pci_init(void);
const char *pci_access_method(void);	/* "ECAM", "ports" or "none" */
struct pci_dev *pci_get_slot(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn);
const struct pci_device_id *pci_match(const struct pci_driver *drv, const struct pci_dev *dev);
/* Binds drv to every unbound device it matches (probe in list order); 0, or
 * -EINVAL for a driver without name, table or probe, -EBUSY if registered twice.
 * Takes a mutex and probes may sleep: only once the scheduler runs. */
int pci_register_driver(struct pci_driver *drv);
void pci_unregister_driver(struct pci_driver *drv);
extern struct list_head pci_drivers;

/* /sys/devices/pci* and /sys/bus/pci, added when sysfs is mounted (sysfs.c) */
struct dentry;
void pci_sysfs_fill(struct dentry *devices, struct dentry *bus);

#endif
