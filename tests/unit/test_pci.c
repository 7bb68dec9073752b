/*
 * test_pci.c - host tests of PCI enumeration (kernel/drivers/pci/scan.c) over
 * simulated config spaces: BAR sizing and flags, multi-function slots, bridges,
 * and what bad firmware or hardware can present (bridge loops, buses out of
 * range, looping capability lists, BARs that read back garbage), plus random
 * config spaces.  The sysfs text is compared with what Linux 6.1 shows for the
 * same q35 device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/drivers/pci/scan.c"

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)
#define CHECK_EQ(a, b) do { unsigned long long a_ = (a), b_ = (b); if (a_ != b_) { \
	printf("FAIL %s:%d: %s = %#llx, expected %#llx\n", __FILE__, __LINE__, #a, a_, b_); failures++; } } while (0)

/* ---- a simulated segment ---- */

struct fn {
	bool present;
	uint8_t bus, dev, fn;
	uint8_t cfg[4096];
	uint32_t mask[7];	/* writable bits of BAR0..5 (and the ROM, [6]); 0: read-only */
	bool garbage;		/* BARs read back all ones whatever is written */
	int bar_writes_with_decode_on;
};

#define MAXFN 64
static struct fn fns[MAXFN];
static int nfns, reads;

static struct fn *find(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (int i = 0; i < nfns; i++)
		if (fns[i].present && fns[i].bus == bus && fns[i].dev == dev && fns[i].fn == fn)
			return &fns[i];
	return NULL;
}

static int bar_index(unsigned off)
{
	if (off >= 0x10 && off < 0x28)
		return (off - 0x10) / 4;
	return off == 0x30 ? 6 : -1;
}

static uint32_t sim_read(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			 unsigned off, unsigned width)
{
	struct fn *f = find(bus, dev, fn);
	uint32_t v = 0;

	(void)ctx, (void)seg;
	reads++;
	if (!f || off + width > 4096)
		return width == 4 ? 0xffffffff : (1u << (8 * width)) - 1;
	if (f->garbage && bar_index(off & ~3u) >= 0)
		return width == 4 ? 0xffffffff : (1u << (8 * width)) - 1;
	memcpy(&v, f->cfg + off, width);
	return v;
}

static void sim_write(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		      unsigned off, unsigned width, uint32_t val)
{
	struct fn *f = find(bus, dev, fn);
	int b = bar_index(off);

	(void)ctx, (void)seg;
	if (!f || off + width > 4096)
		return;
	if (b >= 0 && width == 4) {
		uint32_t old, cmd = f->cfg[4] | f->cfg[5] << 8;
		memcpy(&old, f->cfg + off, 4);
		if (cmd & 3)
			f->bar_writes_with_decode_on++;
		val = (val & f->mask[b]) | (old & ~f->mask[b]);
	}
	memcpy(f->cfg + off, &val, width);
}

static struct pci_cfg_ops sim = { sim_read, sim_write, true };

static struct fn *add(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor, uint16_t device,
		      uint32_t class, uint8_t header)
{
	struct fn *f = &fns[nfns++];

	memset(f, 0, sizeof(*f));
	f->present = true;
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	memcpy(f->cfg, &vendor, 2);
	memcpy(f->cfg + 2, &device, 2);
	f->cfg[8] = 1;				/* revision */
	f->cfg[9] = class & 0xff;
	f->cfg[10] = (class >> 8) & 0xff;
	f->cfg[11] = class >> 16;
	f->cfg[0x0e] = header;
	f->cfg[4] = 3;				/* io + memory decoding on */
	return f;
}

static void bar(struct fn *f, int i, uint32_t value, uint32_t mask)
{
	memcpy(f->cfg + (i == 6 ? 0x30 : 0x10 + 4 * i), &value, 4);
	f->mask[i] = mask;
}

static void reset(void)
{
	nfns = 0;
	memset(fns, 0, sizeof(fns));
}

/* ---- the scan, keeping devices in an array ---- */

static struct pci_dev kept[300];
static int nkept, keep_limit;

static struct pci_dev *keep(struct pci_scan *s, const struct pci_dev *d)
{
	(void)s;
	if (nkept >= keep_limit)
		return NULL;
	kept[nkept] = *d;
	return &kept[nkept++];
}

static unsigned scan(uint8_t end)
{
	struct pci_scan s = { .ops = &sim, .bus_end = end, .found = keep };

	nkept = 0;
	keep_limit = 300;
	return pci_scan_bus(&s, 0, NULL);
}

static struct pci_dev *got(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (int i = 0; i < nkept; i++)
		if (kept[i].bus == bus && kept[i].dev == dev && kept[i].fn == fn)
			return &kept[i];
	return NULL;
}

/* ---- tests ---- */

static void test_bars(void)
{
	struct fn *f, before;
	struct pci_dev *d;

	reset();
	f = add(0, 2, 0, 0x8086, 0x10d3, 0x020000, 0);
	bar(f, 0, 0xfeb80000, 0xfffe0000);		/* 128 KiB memory */
	bar(f, 1, 0x0000c041, 0x0000ffe0);		/* 32 I/O ports (16-bit decoder) */
	bar(f, 2, 0x0000000c, 0xffffc000);		/* 64-bit prefetchable, 16 KiB */
	bar(f, 3, 0x00000008, 0xffffffff);		/*   its upper half: 0x8_0000_0000 */
	memcpy(f->cfg + 0x1c, (uint32_t[]){ 8 }, 4);
	bar(f, 6, 0xfeb40000, 0xfffc0000);		/* 256 KiB ROM, disabled */
	f->cfg[0x3c] = 11;
	f->cfg[0x3d] = 1;
	before = *f;
	CHECK_EQ(scan(255), 1);
	d = got(0, 2, 0);
	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_EQ(d->bar[0].base, 0xfeb80000);
	CHECK_EQ(d->bar[0].size, 0x20000);
	CHECK_EQ(d->bar[0].flags, 0x40200);
	CHECK_EQ(d->bar[1].base, 0xc040);
	CHECK_EQ(d->bar[1].size, 0x20);
	CHECK_EQ(d->bar[1].flags, 0x40101);
	CHECK_EQ(d->bar[2].base, 0x800000000ull);
	CHECK_EQ(d->bar[2].size, 0x4000);
	CHECK_EQ(d->bar[2].flags, 0x14220c);		/* Linux: MEM_64 | SIZEALIGN | PREFETCH | MEM | 0xc */
	CHECK_EQ(d->bar[3].size, 0);			/* the upper half is not a BAR */
	CHECK_EQ(d->rom.size, 0x40000);
	CHECK_EQ(d->rom.flags, 0x46200);
	CHECK_EQ(d->irq_line, 11);
	/* every register as before, decoding was off while BARs were written */
	CHECK(!memcmp(f->cfg, before.cfg, sizeof(f->cfg)));
	CHECK_EQ(f->bar_writes_with_decode_on, 0);
	CHECK_EQ(d->cfg_size, 256);			/* no PCI Express capability */
}

static void test_functions_and_bridges(void)
{
	struct fn *f;
	struct pci_dev *d;

	reset();
	add(0, 0, 0, 0x8086, 0x29c0, 0x060000, 0);
	add(0, 0, 1, 0x8086, 0x1111, 0x088000, 0);	/* fn 1 of a single-function slot: ignored */
	add(0, 0x1f, 0, 0x8086, 0x2918, 0x060100, 0x80);
	add(0, 0x1f, 2, 0x8086, 0x2922, 0x010601, 0);
	add(0, 0x1f, 7, 0x8086, 0x2930, 0x0c0500, 0);
	add(0, 5, 0, 0x0000, 0x1234, 0x020000, 0);	/* vendor 0: not a device */
	f = add(0, 3, 0, 0x1b36, 0x000c, 0x060400, 1);	/* bridge to bus 1, then 2 behind it */
	f->cfg[0x19] = 1;
	f->cfg[0x1a] = 2;
	f = add(1, 0, 0, 0x1b36, 0x0001, 0x060400, 1);
	f->cfg[0x19] = 2;
	f->cfg[0x1a] = 2;
	add(2, 3, 0, 0x1af4, 0x1044, 0x00ff00, 0);
	CHECK_EQ(scan(255), 7);
	CHECK(got(0, 0, 0) && !got(0, 0, 1));
	CHECK(got(0, 0x1f, 0) && got(0, 0x1f, 2) && got(0, 0x1f, 7));
	CHECK(!got(0, 5, 0));
	d = got(2, 3, 0);
	CHECK(d && d->bridge && d->bridge->bus == 1 && d->bridge->bridge && d->bridge->bridge->bus == 0);
	CHECK(got(1, 0, 0) && got(1, 0, 0)->secondary == 2);
	/* buses outside the segment's range are not scanned */
	CHECK_EQ(scan(1), 6);
	CHECK(!got(2, 3, 0));
}

static void test_bad_firmware(void)
{
	struct fn *f;
	int before;

	reset();
	/* bridges that point at their own bus, backwards, or at a bus another
	 * bridge already claimed: each bus is scanned once */
	f = add(0, 1, 0, 0x1b36, 0x000c, 0x060400, 1);
	f->cfg[0x19] = 0;
	f = add(0, 2, 0, 0x1b36, 0x000c, 0x060400, 1);
	f->cfg[0x19] = 3;
	f = add(0, 4, 0, 0x1b36, 0x000c, 0x060400, 1);
	f->cfg[0x19] = 3;
	f = add(3, 0, 0, 0x1b36, 0x000c, 0x060400, 1);
	f->cfg[0x19] = 1;				/* back below: ignored */
	f = add(3, 1, 0, 0x1b36, 0x000c, 0x060400, 1);
	f->cfg[0x19] = 3;				/* itself */
	add(3, 2, 0, 0x1af4, 0x1000, 0x020000, 0);
	CHECK_EQ(scan(255), 6);
	/* a device whose BARs read back all ones, and one with a looping
	 * capability list that claims PCI Express */
	reset();
	f = add(0, 1, 0, 0x1234, 0x0001, 0x020000, 0);
	f->garbage = true;
	f = add(0, 2, 0, 0x1234, 0x0002, 0x020000, 0);
	f->cfg[6] = PCI_STATUS_CAP_LIST;
	f->cfg[0x34] = 0x40;
	f->cfg[0x40] = 0x05;				/* MSI, next 0x48 */
	f->cfg[0x41] = 0x48;
	f->cfg[0x48] = 0x09;				/* vendor-specific, next 0x40 */
	f->cfg[0x49] = 0x40;
	f = add(0, 3, 0, 0x1234, 0x0003, 0x020000, 0x7f);	/* unknown header type */
	bar(f, 0, 0xfe000000, 0xfff00000);
	CHECK_EQ(scan(255), 3);
	CHECK(got(0, 1, 0) && got(0, 1, 0)->bar[0].size == 0);
	CHECK(got(0, 2, 0) && got(0, 2, 0)->cfg_size == 256);
	CHECK(got(0, 3, 0) && got(0, 3, 0)->bar[0].size == 0);
	CHECK_EQ(fns[2].cfg[0x10], 0x00);		/* never written */
	/* running out of memory stops the scan cleanly */
	reset();
	for (uint8_t d = 0; d < 10; d++)
		add(0, d, 0, 0x1234, d, 0x020000, 0);
	{
		struct pci_scan s = { .ops = &sim, .bus_end = 255, .found = keep };
		nkept = 0;
		keep_limit = 4;
		before = reads;
		CHECK_EQ(pci_scan_bus(&s, 0, NULL), 4);
		CHECK(s.stop);
		CHECK(reads > before);
	}
}

static void test_pcie_and_text(void)
{
	struct fn *f;
	struct pci_dev *d;
	char buf[1024];

	reset();
	add(0, 0x1f, 0, 0x8086, 0x2918, 0x060100, 0x80);	/* function 0 of the slot */
	f = add(0, 0x1f, 2, 0x8086, 0x2922, 0x010601, 0);
	f->cfg[8] = 2;
	memcpy(f->cfg + 0x2c, (uint16_t[]){ 0x1af4, 0x1100 }, 4);
	bar(f, 4, 0x0000c061, 0x0000ffe0);
	bar(f, 5, 0xfebd5000, 0xfffff000);
	f->cfg[0x3c] = 10;
	f->cfg[0x3d] = 1;
	f = add(0, 2, 0, 0x8086, 0x10d3, 0x020000, 0);	/* PCI Express endpoint */
	f->cfg[6] = PCI_STATUS_CAP_LIST;
	f->cfg[0x34] = 0xc8;
	f->cfg[0xc8] = 0x01;
	f->cfg[0xc9] = 0xe0;
	f->cfg[0xe0] = PCI_CAP_ID_EXP;
	CHECK_EQ(scan(255), 3);
	CHECK(got(0, 2, 0) && got(0, 2, 0)->cfg_size == 4096);
	sim.ext = false;				/* through the ports: 256 bytes */
	CHECK_EQ(scan(255), 3);
	CHECK(got(0, 2, 0) && got(0, 2, 0)->cfg_size == 256);
	sim.ext = true;
	d = got(0, 0x1f, 2);
	CHECK(d != NULL);
	if (!d)
		return;
	/* what Linux 6.1 prints for QEMU's ICH9 AHCI */
	pci_format_uevent(d, buf, sizeof(buf));
	CHECK(!strcmp(buf, "PCI_CLASS=10601\nPCI_ID=8086:2922\nPCI_SUBSYS_ID=1AF4:1100\n"
		      "PCI_SLOT_NAME=0000:00:1f.2\n"
		      "MODALIAS=pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01\n"));
	pci_format_resource(d, buf, sizeof(buf));
	CHECK(!strncmp(buf, "0x0000000000000000 0x0000000000000000 0x0000000000000000\n", 57));
	CHECK(strstr(buf, "0x000000000000c060 0x000000000000c07f 0x0000000000040101\n"
		      "0x00000000febd5000 0x00000000febd5fff 0x0000000000040200\n") != NULL);
	CHECK_EQ(strlen(buf), 13 * 57);
	/* a short buffer is never overrun */
	CHECK(pci_format_resource(d, buf, 10) > 10 && strlen(buf) == 9);
	CHECK(pci_format_uevent(d, buf, 20) > 20 && strlen(buf) == 19);
}

static void test_bar_size(void)
{
	CHECK_EQ(pci_bar_size(0xfebd5000, 0xfffff000, 0xfffffff0), 0x1000);
	CHECK_EQ(pci_bar_size(0, 0, 0xfffffff0), 0);
	/* reads back its own value: an all-ones BAR is real, anything else not */
	CHECK_EQ(pci_bar_size(0xfff00000, 0xfff00000, 0xfffffff0), 0x100000);
	CHECK_EQ(pci_bar_size(0x12340000, 0x12340000, 0xfffffff0), 0);
}

/* Random config spaces: whatever they hold, the scan ends, scans each bus at
 * most once and touches nothing outside the simulated functions (ASan). */
static void test_random(void)
{
	unsigned long long x = 0x9e3779b97f4a7c15ull;

	for (int round = 0; round < 3000; round++) {
		reset();
		int n = 1 + (int)(x % MAXFN);
		for (int i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			struct fn *f = &fns[nfns++];
			f->present = true;
			f->bus = x % 4 ? (uint8_t)(x >> 8) % 8 : (uint8_t)(x >> 8);
			f->dev = (x >> 16) % 32;
			f->fn = (x >> 24) % 8;
			for (int k = 0; k < 256; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				f->cfg[k] = (uint8_t)x;
			}
			if (x % 3 == 0)
				f->cfg[0x0e] = (x >> 5) % 2 | ((x >> 6) % 2) << 7;
			for (int b = 0; b < 7; b++)
				f->mask[b] = (uint32_t)(x >> b);
			f->garbage = x % 11 == 0;
		}
		unsigned found = scan((uint8_t)(x >> 40));
		CHECK(found <= (unsigned)n);
	}
}

int main(void)
{
	test_bar_size();
	test_bars();
	test_functions_and_bridges();
	test_bad_firmware();
	test_pcie_and_text();
	test_random();
	printf("pci: %s\n", failures ? "failures" : "all passed");
	return failures != 0;
}
