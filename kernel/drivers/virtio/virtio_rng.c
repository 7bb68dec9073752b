/*
 * virtio_rng.c - the virtio entropy device (virtio spec 5.4) as /dev/hwrng.
 *
 * One queue; the driver offers a buffer, the device fills it with random bytes.
 * A read hands the device one page-sized (at most) bounce buffer and sleeps
 * until it comes back: woken by the queue's MSI-X interrupt, or, for a device
 * without MSI-X, looking at the used ring every 10 us.  After two seconds
 * without an answer the device is given up on.  The first device found serves
 * /dev/hwrng; reads are serialised by a mutex.
 */
#include <aegis/errno.h>
#include <aegis/misc.h>
#include <aegis/mm.h>
#include <aegis/pci.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/time.h>
#include <aegis/virtio.h>

#define RNG_TIMEOUT_NS	(2 * NSEC_PER_SEC)

static struct rng {
	struct virtio_dev vd;
	struct virtq q;
	paddr_t page;			/* the bounce buffer */
	struct mutex lock;		/* one request at a time */
	struct wait_queue wq;		/* the reader, woken by the interrupt */
	bool broken;			/* the device did not answer once: stop asking */
} rng;
static bool rng_bound;

static void rng_irq(struct trap_frame *f, void *ctx)
{
	(void)f, (void)ctx;
	wq_wake_all(&rng.wq);
}

static ssize_t rng_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	size_t want = b->len < PAGE_SIZE ? b->len : PAGE_SIZE;
	uint16_t id;
	uint32_t got = 0;
	ssize_t ret;

	(void)f, (void)pos;
	if (!want)
		return 0;
	mutex_lock(&rng.lock);
	if (rng.broken) {
		ret = -EIO;
		goto out;
	}
	ret = virtq_add_buf(&rng.q, rng.page, (uint32_t)want, true);
	if (ret < 0)
		goto out;
	virtq_kick(&rng.q);
	if (virtq_wait_used(&rng.q, &rng.wq, RNG_TIMEOUT_NS, &id, &got)) {
		pr_err("virtio-rng: %s: no answer in 2 s; giving up on it\n", rng.vd.pci->name);
		rng.broken = true;
		ret = -EIO;
		goto out;
	}
	if (got > want)
		got = (uint32_t)want;	/* never more than the buffer, whatever it says */
	ret = iob_copy_to(b, 0, phys_to_virt(rng.page), got) ? -EFAULT : (ssize_t)got;
out:
	mutex_unlock(&rng.lock);
	return ret;
}

static const struct file_operations rng_fops = { .read = rng_read };

static int rng_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	int err;

	(void)id;
	if (rng_bound)
		return -EBUSY;		/* /dev/hwrng is one device */
	err = virtio_pci_start(&rng.vd, d, 0);
	if (err)
		return err;
	wq_init(&rng.wq);
	/* MSI-X entry 0 for the queue, if the device has MSI-X */
	err = virtio_queue_setup(&rng.vd, 0, &rng.q,
				 pci_msix_vector(d, 0, rng_irq, NULL) >= 0 ? 0 : VIRTIO_NO_VECTOR);
	if (!err && !(rng.page = pmm_alloc_page()))
		err = -ENOMEM;
	if (err) {
		virtio_reset(&rng.vd);
		virtio_queue_free(&rng.q);
		return err;
	}
	mutex_init(&rng.lock);
	virtio_driver_ok(&rng.vd);
	err = misc_register(HWRNG_MINOR, "hwrng", 0600, &rng_fops);
	if (err) {
		virtio_reset(&rng.vd);
		virtio_queue_free(&rng.q);
		pmm_free_page(rng.page);
		return err;
	}
	rng_bound = true;
	pr_info("virtio-rng: %s: /dev/hwrng (queue of %u, %s)\n", d->name, rng.q.size,
		rng.q.msix ? "MSI-X" : "polled");
	return 0;
}

static const struct pci_device_id rng_ids[] = {
	{ VIRTIO_VENDOR, 0x1040 + VIRTIO_ID_RNG, 0, 0 },	/* modern */
	{ VIRTIO_VENDOR, 0x1005, 0, 0 },			/* transitional */
	{ 0 }
};

static struct pci_driver rng_driver = { .name = "virtio-rng", .ids = rng_ids, .probe = rng_probe };

void virtio_rng_init(void)
{
	pci_register_driver(&rng_driver);
}
