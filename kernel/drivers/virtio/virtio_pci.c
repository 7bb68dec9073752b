/*
 * virtio_pci.c - the virtio 1.x PCI transport (virtio spec 4.1).
 *
 * A modern virtio function describes its register blocks with vendor-specific
 * capabilities (ID 0x09): which BAR, the offset and length of the common
 * configuration, the notification area (plus a multiplier for each queue's
 * notify offset), the ISR byte and the device-specific configuration.  They
 * come from the device, so each is checked to lie inside an implemented memory
 * BAR before it is mapped.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/pci.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <aegis/virtio.h>

#define PCI_CAP_ID_VNDR		0x09
#define CAP_COMMON		1
#define CAP_NOTIFY		2
#define CAP_DEVICE		4

/* struct virtio_pci_common_cfg */
#define C_DFSELECT	0x00	/* le32 device_feature_select */
#define C_DF		0x04
#define C_GFSELECT	0x08	/* le32 driver_feature_select */
#define C_GF		0x0c
#define C_NUMQ		0x12	/* le16 num_queues */
#define C_STATUS	0x14	/* u8 device_status */
#define C_Q_SELECT	0x16	/* le16 */
#define C_Q_SIZE	0x18
#define C_Q_MSIX	0x1a
#define C_Q_ENABLE	0x1c
#define C_Q_NOFF	0x1e	/* le16 queue_notify_off */
#define C_Q_DESC	0x20	/* le64 */
#define C_Q_AVAIL	0x28
#define C_Q_USED	0x30
#define COMMON_LEN	0x38

static void w8(volatile uint8_t *b, unsigned off, uint8_t v) { b[off] = v; }
static void w16(volatile uint8_t *b, unsigned off, uint16_t v) { *(volatile uint16_t *)(b + off) = v; }
static void w32(volatile uint8_t *b, unsigned off, uint32_t v) { *(volatile uint32_t *)(b + off) = v; }
static uint8_t r8(volatile uint8_t *b, unsigned off) { return b[off]; }
static uint16_t r16(volatile uint8_t *b, unsigned off) { return *(volatile uint16_t *)(b + off); }
static uint32_t r32(volatile uint8_t *b, unsigned off) { return *(volatile uint32_t *)(b + off); }
static void w64(volatile uint8_t *b, unsigned off, uint64_t v)
{
	w32(b, off, (uint32_t)v);
	w32(b, off + 4, (uint32_t)(v >> 32));
}

/* Map the region a capability at `pos` describes; NULL if it does not fit its BAR. */
static volatile uint8_t *map_cap(struct pci_dev *d, unsigned pos, uint32_t min_len, uint32_t *plen)
{
	uint8_t bar = pci_read8(d, pos + 4);
	uint32_t off = pci_read32(d, pos + 8), len = pci_read32(d, pos + 12);
	const struct pci_bar *b;

	if (bar > 5 || len < min_len)
		return NULL;
	b = &d->bar[bar];
	if (!b->size || !(b->flags & PCI_RES_MEM) || off > b->size || len > b->size - off)
		return NULL;
	if (plen)
		*plen = len;
	return ioremap(b->base + off, len);
}

int virtio_pci_start(struct virtio_dev *vd, struct pci_dev *d, uint64_t want)
{
	unsigned pos;
	uint64_t offered;
	uint16_t cmd;

	memset(vd, 0, sizeof(*vd));
	vd->pci = d;
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return -ENODEV;
	pos = pci_read8(d, PCI_CAPABILITY_LIST);
	for (int n = 0; n < 48 && pos >= 0x40; n++) {
		pos &= ~3u;
		if (pci_read8(d, pos) == PCI_CAP_ID_VNDR && pci_read8(d, pos + 2) >= 16) {
			switch (pci_read8(d, pos + 3)) {
			case CAP_COMMON:
				if (!vd->common)
					vd->common = map_cap(d, pos, COMMON_LEN, NULL);
				break;
			case CAP_NOTIFY:
				if (!vd->notify_base && pci_read8(d, pos + 2) >= 20) {
					vd->notify_mult = pci_read32(d, pos + 16);
					vd->notify_base = map_cap(d, pos, 2, &vd->notify_len);
				}
				break;
			case CAP_DEVICE:
				if (!vd->device_cfg)
					vd->device_cfg = map_cap(d, pos, 1, &vd->device_cfg_len);
				break;
			}
		}
		pos = pci_read8(d, pos + 1);
	}
	if (!vd->common || !vd->notify_base) {
		pr_warn("virtio: %s: no usable virtio 1.x capabilities (legacy-only device?)\n", d->name);
		return -ENODEV;
	}
	/* the device's registers and its DMA: memory decoding and bus mastering */
	cmd = pci_read16(d, PCI_COMMAND);
	pci_write(d, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

	virtio_reset(vd);
	w8(vd->common, C_STATUS, VIRTIO_STATUS_ACK);
	w8(vd->common, C_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	w32(vd->common, C_DFSELECT, 0);
	offered = r32(vd->common, C_DF);
	w32(vd->common, C_DFSELECT, 1);
	offered |= (uint64_t)r32(vd->common, C_DF) << 32;
	want |= VIRTIO_F_VERSION_1;
	if (!(offered & VIRTIO_F_VERSION_1)) {
		w8(vd->common, C_STATUS, VIRTIO_STATUS_FAILED);
		return -ENODEV;
	}
	vd->features = offered & want;
	w32(vd->common, C_GFSELECT, 0);
	w32(vd->common, C_GF, (uint32_t)vd->features);
	w32(vd->common, C_GFSELECT, 1);
	w32(vd->common, C_GF, (uint32_t)(vd->features >> 32));
	w8(vd->common, C_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(r8(vd->common, C_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		w8(vd->common, C_STATUS, VIRTIO_STATUS_FAILED);
		return -EIO;
	}
	return 0;
}

void virtio_reset(struct virtio_dev *vd)
{
	/* writing 0 resets; the device says it is done by reading back 0 */
	w8(vd->common, C_STATUS, 0);
	for (int i = 0; i < 1000000 && r8(vd->common, C_STATUS); i++)
		__asm__ volatile("pause");
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	w8(vd->common, C_STATUS, r8(vd->common, C_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

int virtio_queue_setup(struct virtio_dev *vd, uint16_t index, struct virtq *q, uint16_t msix_entry)
{
	uint16_t size, noff;
	uint8_t *mem;
	paddr_t phys;

	memset(q, 0, sizeof(*q));
	if (index >= r16(vd->common, C_NUMQ))
		return -ENODEV;
	w16(vd->common, C_Q_SELECT, index);
	size = r16(vd->common, C_Q_SIZE);
	if (!size)
		return -ENODEV;
	/* at most 256 descriptors (two pages); the size must stay a power of 2 */
	while (size > 256 || (size & (size - 1)))
		size = size > 256 ? 256 : (uint16_t)(size & (size - 1));
	phys = pmm_alloc_pages(1);
	if (!phys)
		return -ENOMEM;
	mem = phys_to_virt(phys);
	memset(mem, 0, 2 * PAGE_SIZE);
	virtq_init(q, index, size, mem);
	q->phys = phys;
	noff = r16(vd->common, C_Q_NOFF);
	if ((uint64_t)noff * vd->notify_mult + 2 > vd->notify_len) {
		pmm_free_pages(q->phys, 1);
		q->phys = 0;
		return -ENODEV;		/* its doorbell would be outside the area */
	}
	q->notify = (volatile uint16_t *)(vd->notify_base + (size_t)noff * vd->notify_mult);
	w16(vd->common, C_Q_SIZE, size);
	/* the MSI-X entry to signal completions (0xffff: none, polled); a
	 * device out of vectors answers 0xffff */
	w16(vd->common, C_Q_MSIX, msix_entry);
	q->msix = msix_entry != 0xffff && r16(vd->common, C_Q_MSIX) == msix_entry;
	w64(vd->common, C_Q_DESC, q->phys);
	w64(vd->common, C_Q_AVAIL, q->phys + virtq_avail_offset(size));
	w64(vd->common, C_Q_USED, q->phys + virtq_used_offset(size));
	w16(vd->common, C_Q_ENABLE, 1);
	return 0;
}

void virtio_queue_free(struct virtq *q)
{
	if (q->phys)
		pmm_free_pages(q->phys, 1);
	q->phys = 0;
}

static bool has_used(void *q)
{
	return virtq_has_used(q);
}

int virtq_wait_used(struct virtq *q, struct wait_queue *wq, uint64_t timeout_ns, uint16_t *id,
		    uint32_t *len)
{
	uint64_t deadline = time_ns() + timeout_ns;

	/* (a completion naming no descriptor we gave is skipped: wait on) */
	while (!virtq_get_used(q, id, len))
		if (wq_wait_device(wq, q->msix, has_used, q, deadline))
			return -ETIMEDOUT;
	return 0;
}

void virtio_init(void)
{
	virtio_rng_init();
	virtio_blk_init();
	virtio_net_init();
}
