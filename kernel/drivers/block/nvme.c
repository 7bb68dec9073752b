/*
 * nvme.c - NVM Express controllers (PCI class 01:08:02) as /dev/nvme0n1, ...
 *
 * One admin queue pair and one I/O queue pair per controller, both with 64
 * entries in single pages; namespace 1 becomes the disk.  The controller is
 * reset and enabled as the specification orders (CC.EN off until CSTS.RDY
 * drops, queues in AQA/ASQ/ACQ, CC.EN on until CSTS.RDY rises, within CAP.TO),
 * identified, then the I/O queues are created on MSI-X entry 0.  I/O commands
 * come one at a time from the block layer (admin ones only during the probe),
 * on a 64 KiB bounce buffer described by a PRP list; a completion is the next entry of the completion queue whose phase
 * bit flipped.  Everything the controller reports (queue sizes, doorbell
 * stride, namespace size and block size, completion identifiers) is checked;
 * a controller that stops answering is given up on (EIO).
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

#define REG_CAP		0x00
#define REG_CC		0x14
#define REG_CSTS	0x1c
#define REG_AQA		0x24
#define REG_ASQ		0x28
#define REG_ACQ		0x30
#define CC_EN		1u
#define CC_IOSQES_IOCQES ((6u << 16) | (4u << 20))	/* 64-byte SQ, 16-byte CQ entries */
#define CSTS_RDY	1u
#define CSTS_CFS	2u

#define OP_ADMIN_CREATE_SQ	0x01
#define OP_ADMIN_CREATE_CQ	0x05
#define OP_ADMIN_IDENTIFY	0x06
#define OP_WRITE		0x01
#define OP_READ			0x02

#define QDEPTH		64
#define BOUNCE_ORDER	4			/* 64 KiB */
#define BOUNCE_PAGES	(1u << BOUNCE_ORDER)
#define NVME_MAJOR	259			/* Linux's blkext major */
#define CMD_TIMEOUT_NS	(10 * NSEC_PER_SEC)

struct nvme_queue {
	uint8_t *sq;			/* QDEPTH x 64 bytes */
	volatile uint8_t *cq;		/* QDEPTH x 16 bytes */
	paddr_t sq_phys, cq_phys;
	uint16_t sq_tail, cq_head, qid;
	uint8_t phase;			/* the phase bit a new completion carries */
	volatile uint32_t *sq_db, *cq_db;
};

struct nvme {
	struct blkdev bd;
	struct pci_dev *pci;
	volatile uint8_t *regs;
	struct nvme_queue admin, io;
	struct wait_queue wq;		/* woken by MSI-X */
	bool broken;
	int vec;			/* MSI-X vector, or -1 */
	uint16_t cid;
	paddr_t bounce, prp_list, idbuf;
	uint32_t lba_shift;
};

static unsigned ncontrollers;

static uint32_t r32(struct nvme *n, unsigned off) { return *(volatile uint32_t *)(n->regs + off); }
static void w32(struct nvme *n, unsigned off, uint32_t v) { *(volatile uint32_t *)(n->regs + off) = v; }
static uint64_t r64(struct nvme *n, unsigned off) { return r32(n, off) | (uint64_t)r32(n, off + 4) << 32; }
static void w64(struct nvme *n, unsigned off, uint64_t v) { w32(n, off, (uint32_t)v); w32(n, off + 4, (uint32_t)(v >> 32)); }

static int queue_alloc(struct nvme *n, struct nvme_queue *q, uint16_t qid, uint32_t stride)
{
	q->sq_phys = pmm_alloc_page();
	q->cq_phys = pmm_alloc_page();
	if (!q->sq_phys || !q->cq_phys)
		return -ENOMEM;
	q->sq = phys_to_virt(q->sq_phys);
	q->cq = phys_to_virt(q->cq_phys);
	memset(q->sq, 0, PAGE_SIZE);
	memset((void *)q->cq, 0, PAGE_SIZE);
	q->qid = qid;
	q->sq_tail = q->cq_head = 0;
	q->phase = 1;
	q->sq_db = (volatile uint32_t *)(n->regs + 0x1000 + (2u * qid) * stride);
	q->cq_db = (volatile uint32_t *)(n->regs + 0x1000 + (2u * qid + 1) * stride);
	return 0;
}

static void queue_free(struct nvme_queue *q)
{
	if (q->sq_phys)
		pmm_free_page(q->sq_phys);
	if (q->cq_phys)
		pmm_free_page(q->cq_phys);
	q->sq_phys = q->cq_phys = 0;
}

static bool cq_ready(void *arg)
{
	struct nvme_queue *q = arg;
	return (q->cq[16 * q->cq_head + 14] & 1) == q->phase;
}

static void nvme_irq(struct trap_frame *f, void *ctx)
{
	(void)f;
	wq_wake_all(&((struct nvme *)ctx)->wq);
}

/*
 * Submit one command (64 bytes, its CID filled in here) on q and wait for its
 * completion.  0, the controller's status as -EIO, or -ETIMEDOUT.
 */
static int submit(struct nvme *n, struct nvme_queue *q, uint32_t cmd[16])
{
	uint64_t deadline = time_ns() + CMD_TIMEOUT_NS;
	uint16_t cid = ++n->cid;
	volatile uint8_t *e;
	uint16_t status, got;

	if (n->broken)
		return -EIO;
	cmd[0] = (cmd[0] & 0xffff) | (uint32_t)cid << 16;
	memcpy(q->sq + 64 * q->sq_tail, cmd, 64);
	q->sq_tail = (q->sq_tail + 1) % QDEPTH;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*q->sq_db = q->sq_tail;
	/* the admin queue (used during the probe only) is polled */
	if (wq_wait_device(&n->wq, n->vec >= 0 && q == &n->io, cq_ready, q, deadline)) {
		pr_err("nvme: %s: command %#x not completed in 10 s; giving up on the controller\n",
		       n->pci->name, cmd[0] & 0xff);
		n->broken = true;
		return -ETIMEDOUT;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	e = q->cq + 16 * q->cq_head;
	got = (uint16_t)(e[12] | e[13] << 8);
	status = (uint16_t)((e[14] | e[15] << 8) >> 1);
	if (++q->cq_head == QDEPTH) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	*q->cq_db = q->cq_head;
	if (got != cid) {
		pr_err("nvme: %s: completion for command %u, expected %u\n", n->pci->name, got, cid);
		n->broken = true;
		return -EIO;
	}
	return status ? -EIO : 0;
}

/* PRP1/PRP2 for `bytes` of the bounce buffer (a list beyond two pages) */
static void set_prps(struct nvme *n, uint32_t cmd[16], size_t bytes)
{
	uint64_t prp1 = n->bounce, prp2 = 0;

	if (bytes > 2 * PAGE_SIZE)
		prp2 = n->prp_list;
	else if (bytes > PAGE_SIZE)
		prp2 = n->bounce + PAGE_SIZE;
	cmd[6] = (uint32_t)prp1;
	cmd[7] = (uint32_t)(prp1 >> 32);
	cmd[8] = (uint32_t)prp2;
	cmd[9] = (uint32_t)(prp2 >> 32);
}

static int nvme_request(struct blkdev *bd, uint64_t sector, uint32_t k, bool write)
{
	struct nvme *n = bd->priv;
	uint32_t cmd[16] = { write ? OP_WRITE : OP_READ, 1 };

	set_prps(n, cmd, (size_t)k * SECTOR_SIZE);
	cmd[10] = (uint32_t)sector;
	cmd[11] = (uint32_t)(sector >> 32);
	cmd[12] = k - 1;			/* number of blocks, 0-based */
	return submit(n, &n->io, cmd) ? -EIO : 0;
}

static const struct blkdev_ops nvme_ops = { .request = nvme_request };

static int wait_ready(struct nvme *n, bool want, uint64_t timeout_ns)
{
	uint64_t deadline = time_ns() + timeout_ns;

	while (!!(r32(n, REG_CSTS) & CSTS_RDY) != want) {
		if (r32(n, REG_CSTS) & CSTS_CFS)
			return -EIO;			/* controller fatal status */
		if (time_ns() > deadline)
			return -ETIMEDOUT;
		sleep_ns(1000000);
	}
	return 0;
}

static int identify(struct nvme *n, uint32_t cns, uint32_t nsid)
{
	uint32_t cmd[16] = { OP_ADMIN_IDENTIFY, nsid };
	uint64_t prp = n->idbuf;

	cmd[6] = (uint32_t)prp;
	cmd[7] = (uint32_t)(prp >> 32);
	cmd[10] = cns;
	return submit(n, &n->admin, cmd);
}

static int bring_up(struct nvme *n)
{
	uint64_t cap = r64(n, REG_CAP), nsze;
	uint32_t stride = 4u << ((cap >> 32) & 0xf), mqes = (uint32_t)(cap & 0xffff) + 1;
	uint64_t timeout = ((cap >> 24) & 0xff) * 500000000ull + NSEC_PER_SEC;
	const uint8_t *id;
	uint32_t cmd[16];
	uint8_t flbas;
	int err;

	if (mqes < QDEPTH || !(cap >> 37 & 1) || 0x1000 + 4u * stride > n->pci->bar[0].size)
		return -ENODEV;				/* no NVM command set, tiny queues, odd BAR */
	w32(n, REG_CC, r32(n, REG_CC) & ~CC_EN);
	if ((err = wait_ready(n, false, timeout)))
		return err;
	if ((err = queue_alloc(n, &n->admin, 0, stride)) || (err = queue_alloc(n, &n->io, 1, stride)))
		return err;
	w32(n, REG_AQA, (QDEPTH - 1) | (QDEPTH - 1) << 16);
	w64(n, REG_ASQ, n->admin.sq_phys);
	w64(n, REG_ACQ, n->admin.cq_phys);
	w32(n, REG_CC, CC_EN | CC_IOSQES_IOCQES);		/* NVM set, 4 KiB pages, round robin */
	if ((err = wait_ready(n, true, timeout)))
		return err;
	/* namespace 1: its size and block size */
	if ((err = identify(n, 0, 1)))
		return err;
	id = phys_to_virt(n->idbuf);
	memcpy(&nsze, id, 8);
	flbas = id[26] & 0xf;
	n->lba_shift = id[128 + 4 * flbas + 2];
	if (!nsze || n->lba_shift != 9) {
		pr_warn("nvme: %s: namespace 1 %s\n", n->pci->name,
			nsze ? "does not use 512-byte blocks: not supported yet" : "is empty");
		return -ENODEV;
	}
	n->bd.nsectors = nsze;
	/* the I/O queues: completions first, on MSI-X entry 0 if there is one */
	memset(cmd, 0, sizeof(cmd));
	cmd[0] = OP_ADMIN_CREATE_CQ;
	cmd[6] = (uint32_t)n->io.cq_phys;
	cmd[7] = (uint32_t)(n->io.cq_phys >> 32);
	cmd[10] = 1 | (QDEPTH - 1) << 16;
	cmd[11] = 1 | (n->vec >= 0 ? 2 : 0);		/* contiguous, interrupts on vector 0 */
	if ((err = submit(n, &n->admin, cmd)))
		return err;
	memset(cmd, 0, sizeof(cmd));
	cmd[0] = OP_ADMIN_CREATE_SQ;
	cmd[6] = (uint32_t)n->io.sq_phys;
	cmd[7] = (uint32_t)(n->io.sq_phys >> 32);
	cmd[10] = 1 | (QDEPTH - 1) << 16;
	cmd[11] = 1 | 1u << 16;				/* contiguous, completing on CQ 1 */
	return submit(n, &n->admin, cmd);
}

static void nvme_free(struct nvme *n)
{
	if (n->regs)
		w32(n, REG_CC, r32(n, REG_CC) & ~CC_EN);	/* stop using our memory */
	pci_msix_release(n->pci, 0, n->vec);
	queue_free(&n->admin);
	queue_free(&n->io);
	if (n->bounce)
		pmm_free_pages(n->bounce, BOUNCE_ORDER);
	if (n->prp_list)
		pmm_free_page(n->prp_list);
	if (n->idbuf)
		pmm_free_page(n->idbuf);
	kfree(n);
}

static int nvme_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	const struct pci_bar *bar = &d->bar[0];
	struct nvme *n;
	uint64_t *list;
	int err;

	(void)id;
	if (!bar->size || !(bar->flags & PCI_RES_MEM) || bar->size < 0x2000)
		return -ENODEV;
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->pci = d;
	n->vec = -1;
	wq_init(&n->wq);
	n->regs = ioremap(bar->base, (size_t)bar->size);
	n->bounce = pmm_alloc_pages(BOUNCE_ORDER);
	n->prp_list = pmm_alloc_page();
	n->idbuf = pmm_alloc_page();
	if (!n->regs || !n->bounce || !n->prp_list || !n->idbuf) {
		nvme_free(n);
		return -ENOMEM;
	}
	list = phys_to_virt(n->prp_list);
	for (unsigned i = 1; i < BOUNCE_PAGES; i++)
		list[i - 1] = n->bounce + (uint64_t)i * PAGE_SIZE;
	pci_write(d, PCI_COMMAND, 2, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	n->vec = pci_msix_vector(d, 0, nvme_irq, n);
	err = bring_up(n);
	if (err) {
		pr_warn("nvme: %s: not brought up (%d)\n", d->name, err);
		nvme_free(n);
		return err;
	}
	snprintf(n->bd.name, sizeof(n->bd.name), "nvme%un1", ncontrollers);
	n->bd.ops = &nvme_ops;
	n->bd.priv = n;
	n->bd.bounce = phys_to_virt(n->bounce);
	n->bd.max_sectors = BOUNCE_PAGES * PAGE_SIZE / SECTOR_SIZE;
	err = blkdev_register(&n->bd, NVME_MAJOR, ncontrollers);
	if (err) {
		nvme_free(n);
		return err;
	}
	ncontrollers++;
	d->driver_data = n;
	pr_info("nvme: %s: /dev/%s (%s)\n", d->name, n->bd.name, n->vec >= 0 ? "MSI-X" : "polled");
	return 0;
}

static const struct pci_device_id nvme_ids[] = {
	{ PCI_ANY_ID, PCI_ANY_ID, 0x010802, 0xffffff },	/* mass storage, NVM, NVMe */
	{ 0 }
};

static struct pci_driver nvme_driver = { .name = "nvme", .ids = nvme_ids, .probe = nvme_probe };

void nvme_init(void)
{
	pci_register_driver(&nvme_driver);
}
