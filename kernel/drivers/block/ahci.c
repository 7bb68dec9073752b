/*
 * ahci.c - SATA disks behind an AHCI controller (PCI class 01:06:01) as
 * /dev/sda, /dev/sdb, ...
 *
 * The HBA's registers are in BAR5.  Each implemented port that reports a
 * device with an established link (PxSSTS.DET = 3) and an ATA signature gets
 * a command list and a received-FIS area, is started (FRE, then ST), and is
 * asked IDENTIFY DEVICE; a disk that supports 48-bit LBA becomes /dev/sdX
 * (ATAPI devices, CD-ROMs, are left alone).  Commands use slot 0, one at a
 * time per port (the block layer's lock): READ/WRITE DMA EXT through a 64 KiB
 * bounce buffer (one PRD entry), completing by MSI (or, without it, by polling
 * PxCI); a task-file error is EIO, a command not done in 10 s gives the disk up.
 */
#include <aegis/blkdev.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/pci.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/string.h>
#include <aegis/time.h>

#define HBA_CAP		0x00
#define HBA_GHC		0x04
#define HBA_IS		0x08
#define HBA_PI		0x0c
#define GHC_AE		(1u << 31)
#define GHC_IE		(1u << 1)

#define P_CLB		0x00
#define P_FB		0x08
#define P_IS		0x10
#define P_IE		0x14
#define P_CMD		0x18
#define P_TFD		0x20
#define P_SIG		0x24
#define P_SSTS		0x28
#define P_SERR		0x30
#define P_CI		0x38
#define CMD_ST		(1u << 0)
#define CMD_FRE		(1u << 4)
#define CMD_FR		(1u << 14)
#define CMD_CR		(1u << 15)
#define IS_TFES		(1u << 30)		/* task file error */
#define TFD_ERR		0x01
#define TFD_BUSY	0x88			/* BSY or DRQ */
#define SIG_ATA		0x00000101

#define ATA_IDENTIFY	0xec
#define ATA_READ_EXT	0x25
#define ATA_WRITE_EXT	0x35

#define BOUNCE_ORDER	4			/* 64 KiB: 128 sectors */
#define SD_MAJOR	8
#define MAX_DISKS	16
#define CMD_TIMEOUT_NS	(10 * NSEC_PER_SEC)

struct ahci_hba {
	volatile uint8_t *abar;
	uint64_t abar_size;
	struct pci_dev *pci;
	struct wait_queue wq;		/* woken by the HBA's interrupt */
	bool msi;
};

struct ahci_port {
	struct blkdev bd;
	struct ahci_hba *hba;
	volatile uint8_t *regs;
	unsigned num;
	paddr_t mem;			/* one page: command list, FIS area, command table */
	paddr_t bounce;
	bool broken;
};

static unsigned ndisks;

static uint32_t prd(struct ahci_port *p, unsigned off) { return *(volatile uint32_t *)(p->regs + off); }
static void pwr(struct ahci_port *p, unsigned off, uint32_t v) { *(volatile uint32_t *)(p->regs + off) = v; }
static uint32_t hrd(struct ahci_hba *h, unsigned off) { return *(volatile uint32_t *)(h->abar + off); }
static void hwr(struct ahci_hba *h, unsigned off, uint32_t v) { *(volatile uint32_t *)(h->abar + off) = v; }

/* Interrupt: acknowledge every port's status, then the HBA's, and wake. */
static void ahci_irq(struct trap_frame *f, void *ctx)
{
	struct ahci_hba *h = ctx;
	uint32_t is = hrd(h, HBA_IS);

	(void)f;
	for (unsigned i = 0; i < 32; i++)
		/* only ports whose registers are inside the BAR, whatever IS claims */
		if ((is & (1u << i)) && 0x100 + 0x80 * (i + 1) <= h->abar_size) {
			volatile uint32_t *pis = (volatile uint32_t *)(h->abar + 0x100 + 0x80 * i + P_IS);
			uint32_t bits = *pis;
			*pis = bits;		/* write 1 to clear what was set */
		}
	hwr(h, HBA_IS, is);
	wq_wake_all(&h->wq);
}

static bool slot0_done(void *arg)
{
	struct ahci_port *p = arg;
	return !(prd(p, P_CI) & 1) || (prd(p, P_IS) & IS_TFES);
}

/* bits 0..31 until they read `want` under mask, or the deadline */
static bool wait_bits(struct ahci_port *p, unsigned off, uint32_t mask, uint32_t want, uint64_t ns)
{
	uint64_t deadline = time_ns() + ns;

	while ((prd(p, off) & mask) != want) {
		if (time_ns() > deadline)
			return false;
		sleep_ns(10000);
	}
	return true;
}

/* One ATA command on slot 0: count sectors (0: none) through the bounce buffer. */
static int command(struct ahci_port *p, uint8_t ata, uint64_t lba, uint32_t count, bool write, size_t bytes)
{
	uint8_t *mem = phys_to_virt(p->mem), *fis = mem + 0x500;
	uint32_t *hdr = (uint32_t *)mem, *prdt = (uint32_t *)(mem + 0x580);
	uint64_t deadline = time_ns() + CMD_TIMEOUT_NS;

	if (p->broken)
		return -EIO;
	if (!wait_bits(p, P_TFD, TFD_BUSY, 0, CMD_TIMEOUT_NS))
		goto dead;
	memset(fis, 0, 0x80);
	fis[0] = 0x27;				/* register FIS, host to device */
	fis[1] = 0x80;				/* a command */
	fis[2] = ata;
	fis[4] = (uint8_t)lba;
	fis[5] = (uint8_t)(lba >> 8);
	fis[6] = (uint8_t)(lba >> 16);
	fis[7] = 0x40;				/* LBA mode */
	fis[8] = (uint8_t)(lba >> 24);
	fis[9] = (uint8_t)(lba >> 32);
	fis[10] = (uint8_t)(lba >> 40);
	fis[12] = (uint8_t)count;
	fis[13] = (uint8_t)(count >> 8);
	prdt[0] = (uint32_t)p->bounce;
	prdt[1] = (uint32_t)(p->bounce >> 32);
	prdt[2] = 0;
	prdt[3] = (uint32_t)(bytes - 1);	/* byte count - 1; no interrupt per PRD */
	hdr[0] = 5 | (write ? 1u << 6 : 0) | 1u << 16;	/* 5-dword FIS, one PRD */
	hdr[1] = 0;
	hdr[2] = (uint32_t)(p->mem + 0x500);
	hdr[3] = (uint32_t)((p->mem + 0x500) >> 32);
	pwr(p, P_IS, ~0u);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pwr(p, P_CI, 1);
	if (wq_wait_device(&p->hba->wq, p->hba->msi, slot0_done, p, deadline))
		goto dead;
	if ((prd(p, P_IS) & IS_TFES) || (prd(p, P_TFD) & TFD_ERR)) {
		/* recover the port: stop and start it again */
		pwr(p, P_CMD, prd(p, P_CMD) & ~CMD_ST);
		wait_bits(p, P_CMD, CMD_CR, 0, NSEC_PER_SEC);
		pwr(p, P_SERR, ~0u);
		pwr(p, P_IS, ~0u);
		pwr(p, P_CMD, prd(p, P_CMD) | CMD_ST);
		return -EIO;
	}
	return 0;
dead:
	pr_err("ahci: %s: command %#x not completed in 10 s; giving up on the disk\n",
	       p->bd.name[0] ? p->bd.name : "port", ata);
	p->broken = true;
	return -EIO;
}

static int ahci_request(struct blkdev *bd, uint64_t sector, uint32_t n, bool write)
{
	return command(bd->priv, write ? ATA_WRITE_EXT : ATA_READ_EXT, sector, n, write,
		       (size_t)n * SECTOR_SIZE);
}

static const struct blkdev_ops ahci_ops = { .request = ahci_request };

static void port_free(struct ahci_port *p)
{
	if (p->regs)
		pwr(p, P_CMD, prd(p, P_CMD) & ~(CMD_ST | CMD_FRE));
	if (p->mem)
		pmm_free_page(p->mem);
	if (p->bounce)
		pmm_free_pages(p->bounce, BOUNCE_ORDER);
	kfree(p);
}

/* Set up port n; 0 and a registered disk, or -errno (no disk there, ATAPI, ...). */
static int port_start(struct ahci_hba *h, unsigned n)
{
	struct ahci_port *p = kzalloc(sizeof(*p));
	const uint16_t *id;
	uint64_t sectors;
	int err;

	if (!p)
		return -ENOMEM;
	p->hba = h;
	p->num = n;
	p->regs = h->abar + 0x100 + 0x80 * n;
	if ((prd(p, P_SSTS) & 0xf) != 3 || prd(p, P_SIG) != SIG_ATA) {
		p->regs = NULL;
		port_free(p);
		return -ENODEV;			/* nothing there, or not a disk */
	}
	p->mem = pmm_alloc_page();
	p->bounce = pmm_alloc_pages(BOUNCE_ORDER);
	if (!p->mem || !p->bounce) {
		port_free(p);
		return -ENOMEM;
	}
	memset(phys_to_virt(p->mem), 0, PAGE_SIZE);
	/* stop the port (the firmware may have used it), then point it at our memory */
	pwr(p, P_CMD, prd(p, P_CMD) & ~CMD_ST);
	if (!wait_bits(p, P_CMD, CMD_CR, 0, NSEC_PER_SEC)) {
		port_free(p);
		return -EIO;
	}
	pwr(p, P_CMD, prd(p, P_CMD) & ~CMD_FRE);
	if (!wait_bits(p, P_CMD, CMD_FR, 0, NSEC_PER_SEC)) {
		port_free(p);
		return -EIO;
	}
	pwr(p, P_CLB, (uint32_t)p->mem);
	pwr(p, P_CLB + 4, (uint32_t)(p->mem >> 32));
	pwr(p, P_FB, (uint32_t)(p->mem + 0x400));	/* 256-byte received-FIS area */
	pwr(p, P_FB + 4, (uint32_t)((p->mem + 0x400) >> 32));
	pwr(p, P_SERR, ~0u);
	pwr(p, P_IS, ~0u);
	pwr(p, P_IE, h->msi ? 0x7dc000ffu : 0);	/* completions and errors */
	pwr(p, P_CMD, prd(p, P_CMD) | CMD_FRE);
	pwr(p, P_CMD, prd(p, P_CMD) | CMD_ST);
	err = command(p, ATA_IDENTIFY, 0, 0, false, 512);
	if (err) {
		port_free(p);
		return err;
	}
	id = phys_to_virt(p->bounce);
	if (!(id[83] & (1u << 10))) {
		pr_warn("ahci: port %u: the disk has no 48-bit LBA: not supported\n", n);
		port_free(p);
		return -ENODEV;
	}
	sectors = id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;
	if (!sectors) {
		port_free(p);
		return -ENODEV;
	}
	p->bd.nsectors = sectors;
	p->bd.ops = &ahci_ops;
	p->bd.priv = p;
	p->bd.bounce = phys_to_virt(p->bounce);
	p->bd.max_sectors = (PAGE_SIZE << BOUNCE_ORDER) / SECTOR_SIZE;
	snprintf(p->bd.name, sizeof(p->bd.name), "sd%c", 'a' + ndisks);
	err = blkdev_register(&p->bd, SD_MAJOR, 16 * ndisks);
	if (err) {
		port_free(p);
		return err;
	}
	ndisks++;
	pr_info("ahci: %s: port %u: /dev/%s (%s)\n", h->pci->name, n, p->bd.name, h->msi ? "MSI" : "polled");
	return 0;
}

static int ahci_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	const struct pci_bar *bar = &d->bar[5];
	struct ahci_hba *h;
	uint32_t pi;
	unsigned found = 0, nports = 0;

	(void)id;
	if (!bar->size || !(bar->flags & PCI_RES_MEM) || bar->size < 0x180)
		return -ENODEV;
	h = kzalloc(sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->pci = d;
	wq_init(&h->wq);
	h->abar = ioremap(bar->base, (size_t)bar->size);
	h->abar_size = bar->size;
	if (!h->abar) {
		kfree(h);
		return -ENOMEM;
	}
	pci_write(d, PCI_COMMAND, 2, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	hwr(h, HBA_GHC, hrd(h, HBA_GHC) | GHC_AE);
	h->msi = pci_msi_vector(d, ahci_irq, h) >= 0;
	if (h->msi)
		hwr(h, HBA_GHC, hrd(h, HBA_GHC) | GHC_IE);
	pi = hrd(h, HBA_PI);
	for (unsigned n = 0; n < 32; n++) {
		nports += (pi >> n) & 1;
		/* each port's registers must be inside the BAR */
		if ((pi & (1u << n)) && 0x100 + 0x80 * (n + 1) <= bar->size && ndisks < MAX_DISKS &&
		    port_start(h, n) == 0)
			found++;
	}
	d->driver_data = h;
	pr_info("ahci: %s: %u disk(s) on %u port(s)\n", d->name, found, nports);
	return 0;		/* the HBA is ours even with no disk attached */
}

static const struct pci_device_id ahci_ids[] = {
	{ PCI_ANY_ID, PCI_ANY_ID, 0x010601, 0xffffff },	/* mass storage, SATA, AHCI 1.0 */
	{ 0 }
};

static struct pci_driver ahci_driver = { .name = "ahci", .ids = ahci_ids, .probe = ahci_probe };

void ahci_init(void)
{
	pci_register_driver(&ahci_driver);
}
