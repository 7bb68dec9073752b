/*
 * scan.c - PCI enumeration over any config-space access method (pci.h: struct
 * pci_cfg_ops), and the text of the sysfs attributes.  Pure: no allocation, no
 * globals, so tests/unit/test_pci.c runs it over simulated buses.
 *
 * Config space comes from hardware and firmware, so it is treated as input:
 * absent functions read all ones, a bridge may name a bus outside its segment's
 * range or one already scanned (each bus is scanned at most once), a capability
 * list may loop (the walk is bounded), a BAR may read back garbage (its size is
 * the lowest writable address bit, or 0).
 */
#include <aegis/pci.h>
#include <aegis/printf.h>
#include <aegis/string.h>

static uint32_t rd(struct pci_scan *s, uint8_t bus, uint8_t dev, uint8_t fn, unsigned off,
		   unsigned width)
{
	return s->ops->read(s->ctx, s->seg, bus, dev, fn, off, width);
}

static void wr(struct pci_scan *s, uint8_t bus, uint8_t dev, uint8_t fn, unsigned off,
	       unsigned width, uint32_t val)
{
	s->ops->write(s->ctx, s->seg, bus, dev, fn, off, width, val);
}

uint64_t pci_bar_size(uint64_t value, uint64_t readback, uint64_t mask)
{
	uint64_t bits = readback & mask;

	if (!bits)
		return 0;
	bits &= ~(bits - 1);			/* the lowest writable address bit */
	/* reading back the value itself: only real if it was all ones already */
	if (value == readback && ((value | (bits - 1)) & mask) != mask)
		return 0;
	return bits;
}

unsigned pci_find_cap(const struct pci_cfg_ops *ops, void *ctx, const struct pci_dev *d,
		      uint8_t id)
{
	unsigned pos;

	if (!(ops->read(ctx, d->seg, d->bus, d->dev, d->fn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = ops->read(ctx, d->seg, d->bus, d->dev, d->fn, PCI_CAPABILITY_LIST, 1);
	/* at most 48 capabilities fit in 192 bytes: more means a loop */
	for (int n = 0; n < 48 && pos >= 0x40; n++) {
		uint32_t hdr;
		pos &= ~3u;
		hdr = ops->read(ctx, d->seg, d->bus, d->dev, d->fn, pos, 2);
		if ((hdr & 0xff) == 0xff)
			return 0;
		if ((hdr & 0xff) == id)
			return pos;
		pos = hdr >> 8;
	}
	return 0;
}

/*
 * One BAR at `off` (decoding already off): its base, size and flags.  Returns
 * the number of registers it takes (2 for a 64-bit memory BAR).
 */
static unsigned size_bar(struct pci_scan *s, struct pci_dev *d, unsigned off, unsigned last,
			 struct pci_bar *b)
{
	uint32_t lo = rd(s, d->bus, d->dev, d->fn, off, 4), lo_rb, hi = 0, hi_rb = 0;
	bool is64 = !(lo & 1) && (lo & 6) == 4 && off < last;

	wr(s, d->bus, d->dev, d->fn, off, 4, 0xffffffff);
	lo_rb = rd(s, d->bus, d->dev, d->fn, off, 4);
	wr(s, d->bus, d->dev, d->fn, off, 4, lo);
	if (is64) {
		hi = rd(s, d->bus, d->dev, d->fn, off + 4, 4);
		wr(s, d->bus, d->dev, d->fn, off + 4, 4, 0xffffffff);
		hi_rb = rd(s, d->bus, d->dev, d->fn, off + 4, 4);
		wr(s, d->bus, d->dev, d->fn, off + 4, 4, hi);
	}
	memset(b, 0, sizeof(*b));
	if (lo_rb == 0xffffffff && !is64)
		lo_rb = 0;			/* nothing answers: not implemented */
	if (lo & 1) {				/* I/O space: 16 address bits on x86 */
		b->size = pci_bar_size(lo & ~3u, lo_rb & ~3u, 0xfffc);
		b->base = lo & 0xfffc;
		b->flags = PCI_RES_IO | PCI_RES_SIZEALIGN | (lo & 3);
	} else {
		uint64_t v = (lo & ~0xfull) | (uint64_t)hi << 32;
		uint64_t r = (lo_rb & ~0xfull) | (uint64_t)hi_rb << 32;
		b->size = pci_bar_size(v, r, is64 ? ~0xfull : 0xfffffff0ull);
		b->base = v;
		b->flags = PCI_RES_MEM | PCI_RES_SIZEALIGN | (lo & 0xf) |
			   (lo & 8 ? PCI_RES_PREFETCH : 0) | (is64 ? PCI_RES_MEM_64 : 0);
	}
	if (!b->size)
		memset(b, 0, sizeof(*b));
	return is64 ? 2 : 1;
}

static void size_rom(struct pci_scan *s, struct pci_dev *d, unsigned off)
{
	uint32_t v = rd(s, d->bus, d->dev, d->fn, off, 4), rb;

	wr(s, d->bus, d->dev, d->fn, off, 4, 0xfffff800);	/* enable bit off */
	rb = rd(s, d->bus, d->dev, d->fn, off, 4);
	wr(s, d->bus, d->dev, d->fn, off, 4, v);
	if (rb == 0xffffffff)
		rb = 0;
	d->rom.size = pci_bar_size(v & 0xfffff800u, rb & 0xfffff800u, 0xfffff800u);
	if (d->rom.size) {
		d->rom.base = v & 0xfffff800u;
		d->rom.flags = PCI_RES_MEM | PCI_RES_PREFETCH | PCI_RES_READONLY | PCI_RES_SIZEALIGN |
			       (v & 1 ? PCI_RES_ROM_ENABLE : 0);
	}
}

/* BARs and ROM, with memory and I/O decoding off meanwhile (but for host
 * bridges, which may decode the memory the kernel runs from) */
static void size_bars(struct pci_scan *s, struct pci_dev *d)
{
	unsigned nbars = d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0;
	unsigned rom = d->header_type == 0 ? PCI_ROM_ADDRESS : d->header_type == 1 ? PCI_ROM_ADDRESS1 : 0;
	uint16_t cmd = (uint16_t)rd(s, d->bus, d->dev, d->fn, PCI_COMMAND, 2);
	bool toggle = d->class >> 8 != 0x0600 && (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY));

	if (toggle)
		wr(s, d->bus, d->dev, d->fn, PCI_COMMAND, 2,
		   cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned i = 0; i < nbars;) {
		unsigned n = size_bar(s, d, PCI_BAR0 + 4 * i, PCI_BAR0 + 4 * (nbars - 1), &d->bar[i]);
		if (n == 2 && d->bar[i].size)
			memset(&d->bar[i + 1], 0, sizeof(d->bar[i + 1]));
		i += n;
	}
	if (rom)
		size_rom(s, d, rom);
	if (toggle)
		wr(s, d->bus, d->dev, d->fn, PCI_COMMAND, 2, cmd);
}

/* Fill d from the function's header; false if nothing is there. */
static bool read_function(struct pci_scan *s, struct pci_dev *d, uint8_t bus, uint8_t dev,
			  uint8_t fn, struct pci_dev *bridge)
{
	uint32_t id = rd(s, bus, dev, fn, PCI_VENDOR_ID, 4), cls;

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return false;
	memset(d, 0, sizeof(*d));
	d->seg = s->seg;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->bridge = bridge;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	cls = rd(s, bus, dev, fn, PCI_REVISION_ID, 4);
	d->revision = cls & 0xff;
	d->class = cls >> 8;
	d->header_type = rd(s, bus, dev, fn, PCI_HEADER_TYPE, 1) & 0x7f;
	if (d->header_type == 0) {
		d->subsys_vendor = (uint16_t)rd(s, bus, dev, fn, PCI_SUBSYSTEM_VENDOR_ID, 2);
		d->subsys_device = (uint16_t)rd(s, bus, dev, fn, PCI_SUBSYSTEM_ID, 2);
	}
	if (d->header_type <= 1) {
		d->irq_line = (uint8_t)rd(s, bus, dev, fn, PCI_INTERRUPT_LINE, 1);
		d->irq_pin = (uint8_t)rd(s, bus, dev, fn, PCI_INTERRUPT_PIN, 1);
	}
	if (d->header_type == 1) {
		/* a bridge's subsystem IDs live in its SSVID capability, if any */
		unsigned cap = pci_find_cap(s->ops, s->ctx, d, PCI_CAP_ID_SSVID);
		if (cap) {
			d->subsys_vendor = (uint16_t)rd(s, bus, dev, fn, cap + 4, 2);
			d->subsys_device = (uint16_t)rd(s, bus, dev, fn, cap + 6, 2);
		}
		d->secondary = (uint8_t)rd(s, bus, dev, fn, PCI_SECONDARY_BUS, 1);
		d->subordinate = (uint8_t)rd(s, bus, dev, fn, PCI_SUBORDINATE_BUS, 1);
	}
	snprintf(d->name, sizeof(d->name), "%04x:%02x:%02x.%u", s->seg, bus, dev, fn);
	size_bars(s, d);
	/* the extended space, if this is PCI Express and it answers there */
	d->cfg_size = PCI_CFG_SIZE;
	if (s->ops->ext && pci_find_cap(s->ops, s->ctx, d, PCI_CAP_ID_EXP) &&
	    rd(s, bus, dev, fn, PCI_CFG_SIZE, 4) != 0xffffffff)
		d->cfg_size = PCI_CFG_SIZE_EXT;
	return true;
}

static bool scanned(struct pci_scan *s, unsigned bus)
{
	return s->scanned[bus / 8] & (1u << (bus % 8));
}

unsigned pci_scan_bus(struct pci_scan *s, uint8_t bus, struct pci_dev *bridge)
{
	unsigned before = s->nfound;

	if (s->stop || bus < s->bus_start || bus > s->bus_end || scanned(s, bus))
		return 0;
	s->scanned[bus / 8] |= 1u << (bus % 8);
	for (uint8_t dev = 0; dev < 32 && !s->stop; dev++) {
		uint8_t nfn = 1;
		for (uint8_t fn = 0; fn < nfn && !s->stop; fn++) {
			struct pci_dev d, *kept;
			if (!read_function(s, &d, bus, dev, fn, bridge))
				continue;
			if (fn == 0 && (rd(s, bus, dev, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC))
				nfn = 8;
			kept = s->found(s, &d);
			if (!kept) {
				s->stop = true;
				break;
			}
			s->nfound++;
			if (d.header_type == 1 && d.secondary > bus)
				pci_scan_bus(s, d.secondary, kept);
		}
	}
	return s->nfound - before;
}

/* ---- sysfs attribute text, as Linux writes it ---- */

int pci_format_modalias(const struct pci_dev *d, char *buf, size_t len)
{
	return snprintf(buf, len, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
			d->vendor, d->device, d->subsys_vendor, d->subsys_device,
			(d->class >> 16) & 0xff, (d->class >> 8) & 0xff, d->class & 0xff);
}

int pci_format_uevent(const struct pci_dev *d, char *buf, size_t len)
{
	int n = 0;

	if (d->driver)
		n += snprintf(buf, len, "DRIVER=%s\n", d->driver->name);
	n += snprintf(buf + n, len > (size_t)n ? len - n : 0,
		      "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\nMODALIAS=",
		      d->class, d->vendor, d->device, d->subsys_vendor, d->subsys_device, d->name);
	if ((size_t)n < len)
		n += pci_format_modalias(d, buf + n, len - n);
	return n;
}

/* 13 lines, as Linux: the six BARs, the ROM, then six bridge windows (not
 * read yet: zero) */
int pci_format_resource(const struct pci_dev *d, char *buf, size_t len)
{
	int n = 0;

	for (int i = 0; i < 13; i++) {
		const struct pci_bar *b = i < 6 ? &d->bar[i] : i == 6 ? &d->rom : NULL;
		uint64_t start = 0, end = 0, flags = 0;
		if (b && b->size) {
			start = b->base;
			end = b->base + b->size - 1;
			flags = b->flags;
		}
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "0x%016llx 0x%016llx 0x%016llx\n",
			      (unsigned long long)start, (unsigned long long)end,
			      (unsigned long long)flags);
	}
	return n;
}
