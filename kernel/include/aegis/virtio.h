/*
 * virtio.h - virtio 1.x devices over PCI (the "modern" interface): the transport
 * (feature negotiation, status, queue setup through the common configuration
 * capability) and split virtqueues.  Legacy-only devices (virtio 0.9, I/O port
 * BAR without capabilities) are not supported.
 */
#ifndef AEGIS_VIRTIO_H
#define AEGIS_VIRTIO_H

#include <aegis/pci.h>
#include <aegis/types.h>

#define VIRTIO_VENDOR		0x1af4
#define VIRTIO_ID_RNG		4
#define VIRTIO_F_VERSION_1	(1ull << 32)

/* device status bits */
#define VIRTIO_STATUS_ACK	1
#define VIRTIO_STATUS_DRIVER	2
#define VIRTIO_STATUS_DRIVER_OK	4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED	128

/* a split virtqueue (virtio 1.x, 2.7): descriptor table, available and used rings */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2	/* the device writes this buffer */

struct virtq {
	uint16_t index;			/* queue number in the device */
	uint16_t size;			/* descriptors (a power of 2, at most 256) */
	struct virtq_desc *desc;
	volatile uint16_t *avail;	/* flags, idx, ring[size] */
	volatile uint8_t *used;		/* flags, idx, ring[size] of {id, len} */
	paddr_t phys;			/* the two pages holding all three */
	uint16_t free_head, nfree;
	uint16_t last_used;		/* the used index consumed so far */
	uint8_t busy[32];		/* a bit per descriptor the device holds */
	volatile uint16_t *notify;	/* where a write tells the device to look */
	bool msix;			/* completions raise an interrupt */
};

struct virtio_dev {
	struct pci_dev *pci;
	volatile uint8_t *common;	/* struct virtio_pci_common_cfg */
	volatile uint8_t *device_cfg;	/* device-specific configuration, or NULL */
	uint32_t device_cfg_len;
	volatile uint8_t *notify_base;
	uint32_t notify_len, notify_mult;
	uint64_t features;		/* negotiated */
};

/*
 * Transport: find the capabilities, map them, reset the device and negotiate
 * `want` (VIRTIO_F_VERSION_1 is always asked for and must be offered).  0 or
 * -ENODEV (not a modern virtio device, a capability missing or outside its
 * BAR), -EIO (the device refused the features), -ENOMEM.
 */
int virtio_pci_start(struct virtio_dev *vd, struct pci_dev *d, uint64_t want);
/* msix_entry: the MSI-X table entry the device signals completions with
 * (pci_msix_vector), or VIRTIO_NO_VECTOR to poll; q->msix says if it took. */
#define VIRTIO_NO_VECTOR 0xffff
int virtio_queue_setup(struct virtio_dev *vd, uint16_t index, struct virtq *q, uint16_t msix_entry);
void virtio_driver_ok(struct virtio_dev *vd);
void virtio_reset(struct virtio_dev *vd);	/* also frees nothing: see virtio_queue_free */
void virtio_queue_free(struct virtq *q);

/* Lay out a queue of `size` (a power of 2, at most 256) in zeroed memory of
 * virtq_bytes(size) (pure: the unit tests drive it without a device). */
void virtq_init(struct virtq *q, uint16_t index, uint16_t size, void *mem);
/* A chain of n buffers (device-readable ones first, as the spec wants);
 * returns the id of its head, or -ENOSPC. */
struct virtq_seg {
	paddr_t addr;
	uint32_t len;
	bool device_writes;
};
int virtq_add_chain(struct virtq *q, const struct virtq_seg *seg, unsigned n);
/* One buffer of len bytes at physical addr (written by the device if
 * `device_writes`); returns its descriptor id, or -ENOSPC. */
int virtq_add_buf(struct virtq *q, paddr_t addr, uint32_t len, bool device_writes);
void virtq_kick(struct virtq *q);
/* Next completed buffer: true with its id and the bytes the device wrote. */
bool virtq_get_used(struct virtq *q, uint16_t *id, uint32_t *len);
bool virtq_has_used(const struct virtq *q);	/* a completion is waiting */
/* Sleep until the next completion: woken by wq (which the queue's MSI-X
 * handler wakes) or, without MSI-X, looking every 10 us (wq_wait_device).  0, or -ETIMEDOUT
 * after timeout_ns (with MSI-X: also when the completion came without its
 * interrupt, so a lost interrupt cannot hide behind the timeout). */
struct wait_queue;
int virtq_wait_used(struct virtq *q, struct wait_queue *wq, uint64_t timeout_ns, uint16_t *id,
		    uint32_t *len);

/* the pure ring layout (unit-tested): offsets of the avail and used rings in
 * the queue's memory, and the bytes it needs */
size_t virtq_avail_offset(uint16_t size);
size_t virtq_used_offset(uint16_t size);
size_t virtq_bytes(uint16_t size);

/* registers the virtio drivers: after pci_init, once the scheduler runs */
void virtio_init(void);
void virtio_rng_init(void);
void virtio_blk_init(void);
void virtio_net_init(void);

#endif
