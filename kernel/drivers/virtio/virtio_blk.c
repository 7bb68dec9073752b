/*
 * virtio_blk.c - virtio block devices (virtio spec 5.2) as /dev/vda, vdb, ...
 *
 * A request is a chain of three buffers: a header {type, reserved, sector}
 * the device reads, the data (the device writes it for a read), and one status
 * byte the device writes.  Requests go one at a time per disk through a
 * 64 KiB bounce buffer (128 sectors), each waiting for the queue's MSI-X
 * interrupt (or, without MSI-X, polling); a request unanswered for 10 s fails
 * with EIO and the disk is given up on.  The capacity comes from the device
 * configuration and is trusted only up to what fits in 64 bits of bytes.
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
#include <aegis/virtio.h>

#define VIRTIO_ID_BLOCK		2
#define VIRTIO_BLK_F_RO		(1ull << 5)
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_UNSUPP	2
#define BOUNCE_ORDER		4		/* 16 pages: 128 sectors */
#define BOUNCE_SECTORS		((PAGE_SIZE << BOUNCE_ORDER) / SECTOR_SIZE)
#define VIRTBLK_MAJOR		254		/* as Debian's Linux numbers virtblk */
#define MAX_DISKS		16
#define REQ_TIMEOUT_NS		(10 * NSEC_PER_SEC)

struct vblk {
	struct blkdev bd;
	struct virtio_dev vd;
	struct virtq q;
	struct wait_queue wq;		/* woken by the queue's interrupt */
	paddr_t bounce;			/* data, BOUNCE_SECTORS */
	paddr_t hdr;			/* a page: the header at 0, the status byte at 64 */
	bool broken;
	int vec;			/* MSI-X vector, or -1 */
};

static unsigned ndisks;

static void vblk_irq(struct trap_frame *f, void *ctx)
{
	(void)f;
	wq_wake_all(&((struct vblk *)ctx)->wq);
}

/* one request of count <= BOUNCE_SECTORS sectors, data already in/for the bounce */
static int request(struct vblk *v, uint32_t type, uint64_t sector, uint32_t count)
{
	uint8_t *h = phys_to_virt(v->hdr);
	struct virtq_seg seg[3] = {
		{ v->hdr, 16, false },
		{ v->bounce, count * SECTOR_SIZE, type == VIRTIO_BLK_T_IN },
		{ v->hdr + 64, 1, true },
	};
	uint16_t id;
	uint32_t len;

	if (v->broken)
		return -EIO;
	memcpy(h, &type, 4);
	memset(h + 4, 0, 4);
	memcpy(h + 8, &sector, 8);
	h[64] = 0xff;				/* the device must overwrite it */
	if (virtq_add_chain(&v->q, seg, 3) < 0)
		return -EIO;
	virtq_kick(&v->q);
	if (virtq_wait_used(&v->q, &v->wq, REQ_TIMEOUT_NS, &id, &len)) {
		pr_err("virtio-blk: %s: request not answered in 10 s; giving up on the disk\n", v->bd.name);
		v->broken = true;
		return -EIO;
	}
	switch (h[64]) {
	case VIRTIO_BLK_S_OK: return 0;
	case VIRTIO_BLK_S_UNSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

static int vblk_request(struct blkdev *bd, uint64_t sector, uint32_t n, bool write)
{
	return request(bd->priv, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, n);
}

static const struct blkdev_ops vblk_ops = { .request = vblk_request };

static void vblk_free(struct vblk *v)
{
	virtio_reset(&v->vd);
	pci_msix_release(v->vd.pci, 0, v->vec);
	virtio_queue_free(&v->q);
	if (v->bounce)
		pmm_free_pages(v->bounce, BOUNCE_ORDER);
	if (v->hdr)
		pmm_free_page(v->hdr);
	kfree(v);
}

static int vblk_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	struct vblk *v;
	uint64_t cap;
	int err;

	(void)id;
	if (ndisks >= MAX_DISKS)
		return -ENOSPC;
	v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vec = -1;
	err = virtio_pci_start(&v->vd, d, VIRTIO_BLK_F_RO);
	if (err) {
		kfree(v);
		return err;
	}
	if (!v->vd.device_cfg || v->vd.device_cfg_len < 8) {
		pr_warn("virtio-blk: %s: no device configuration with a capacity\n", d->name);
		vblk_free(v);
		return -ENODEV;
	}
	memcpy(&cap, (const void *)v->vd.device_cfg, 8);	/* le64 capacity */
	wq_init(&v->wq);
	v->vec = pci_msix_vector(d, 0, vblk_irq, v);
	err = virtio_queue_setup(&v->vd, 0, &v->q, v->vec >= 0 ? 0 : VIRTIO_NO_VECTOR);
	if (!err && v->q.size < 3)
		err = -ENODEV;			/* a request takes three descriptors */
	if (!err && (!(v->bounce = pmm_alloc_pages(BOUNCE_ORDER)) || !(v->hdr = pmm_alloc_page())))
		err = -ENOMEM;
	if (err) {
		vblk_free(v);
		return err;
	}
	v->bd.nsectors = cap > UINT64_MAX / SECTOR_SIZE ? UINT64_MAX / SECTOR_SIZE : cap;
	v->bd.ro = v->vd.features & VIRTIO_BLK_F_RO;
	v->bd.ops = &vblk_ops;
	v->bd.priv = v;
	v->bd.bounce = phys_to_virt(v->bounce);
	v->bd.max_sectors = BOUNCE_SECTORS;
	snprintf(v->bd.name, sizeof(v->bd.name), "vd%c", 'a' + ndisks);
	virtio_driver_ok(&v->vd);
	err = blkdev_register(&v->bd, VIRTBLK_MAJOR, 16 * ndisks);
	if (err) {
		vblk_free(v);
		return err;
	}
	ndisks++;
	d->driver_data = v;
	pr_info("virtio-blk: %s: /dev/%s (%s)\n", d->name, v->bd.name, v->q.msix ? "MSI-X" : "polled");
	return 0;
}

static const struct pci_device_id vblk_ids[] = {
	{ VIRTIO_VENDOR, 0x1040 + VIRTIO_ID_BLOCK, 0, 0 },	/* modern */
	{ VIRTIO_VENDOR, 0x1001, 0, 0 },			/* transitional */
	{ 0 }
};

static struct pci_driver vblk_driver = { .name = "virtio-blk", .ids = vblk_ids, .probe = vblk_probe };

void virtio_blk_init(void)
{
	pci_register_driver(&vblk_driver);
}
