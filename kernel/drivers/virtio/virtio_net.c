/*
 * virtio_net.c - virtio network devices (virtio spec 5.1) as eth0, eth1, ...
 *
 * Queue 0 receives, queue 1 transmits.  Every frame is preceded by the 12-byte
 * virtio-net header (VERSION_1 always has num_buffers); no offloads are
 * negotiated, so the header is all zeros going out and ignored coming in.
 * Each descriptor has its own 2 KiB buffer, two to a page, for a frame of up
 * to 1514 bytes: received frames are copied into a netbuf and the buffer goes
 * straight back to the device; frames to send are copied into a free one.
 * The interrupt (MSI-X entry 0 for both queues) only schedules the network
 * thread, which does the work in poll().
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/net.h>
#include <aegis/pci.h>
#include <aegis/printk.h>
#include <aegis/string.h>
#include <aegis/virtio.h>

#define VIRTIO_ID_NET		1
#define VIRTIO_NET_F_MAC	(1ull << 5)
#define VNET_HDR		12
#define VNET_BUF		2048
#define VNET_FRAME_MAX		1514
#define RXQ			0
#define TXQ			1

struct vnet {
	struct netdev nd;
	struct virtio_dev vd;
	struct virtq q[2];
	paddr_t *pages[2];		/* per queue: size/2 pages of two buffers */
	int vec;			/* MSI-X vector, or -1 */
};

static paddr_t buf_phys(struct vnet *v, int qi, uint16_t id)
{
	return v->pages[qi][id / 2] + (paddr_t)(id % 2) * VNET_BUF;
}

static void vnet_irq(struct trap_frame *f, void *ctx)
{
	(void)f;
	netdev_schedule(&((struct vnet *)ctx)->nd);
}

/* A receive buffer to the device: descriptor i always carries buffer i. */
static void rx_post(struct vnet *v)
{
	struct virtq *q = &v->q[RXQ];

	if (q->nfree)
		virtq_add_buf(q, buf_phys(v, RXQ, q->free_head), VNET_BUF, true);
}

static void tx_reclaim(struct vnet *v)
{
	uint16_t id;
	uint32_t len;

	while (virtq_get_used(&v->q[TXQ], &id, &len))
		;
}

static int vnet_xmit(struct netdev *d, struct netbuf *nb)
{
	struct vnet *v = d->priv;
	struct virtq *q = &v->q[TXQ];
	int id;

	if (nb->len > VNET_FRAME_MAX) {
		d->stats.tx_errors++;
		netbuf_free(nb);
		return -EMSGSIZE;
	}
	if (!q->nfree)
		tx_reclaim(v);
	if (!q->nfree) {		/* the ring is full: a silent drop, as a full qdisc's */
		d->stats.tx_dropped++;
		netbuf_free(nb);
		return 0;
	}
	/* the descriptor the queue hands out next is the buffer we fill */
	uint8_t *buf = phys_to_virt(buf_phys(v, TXQ, q->free_head));
	memset(buf, 0, VNET_HDR);
	memcpy(buf + VNET_HDR, nb->data, nb->len);
	id = virtq_add_buf(q, buf_phys(v, TXQ, q->free_head), VNET_HDR + nb->len, false);
	if (id >= 0) {
		virtq_kick(q);
		d->stats.tx_packets++;
		d->stats.tx_bytes += nb->len;
	}
	netbuf_free(nb);
	return 0;
}

static void vnet_poll(struct netdev *d)
{
	struct vnet *v = d->priv;
	uint16_t id;
	uint32_t len;
	bool posted = false;

	while (virtq_get_used(&v->q[RXQ], &id, &len)) {
		uint8_t *buf = phys_to_virt(buf_phys(v, RXQ, id));
		if (len > VNET_HDR && len <= VNET_BUF) {
			struct netbuf *nb = netbuf_alloc(len - VNET_HDR);
			if (nb) {
				memcpy(netbuf_put(nb, len - VNET_HDR), buf + VNET_HDR, len - VNET_HDR);
				netdev_receive(d, nb);
			} else {
				d->stats.rx_dropped++;
			}
		} else {
			d->stats.rx_errors++;
		}
		rx_post(v);
		posted = true;
	}
	if (posted)
		virtq_kick(&v->q[RXQ]);
	tx_reclaim(v);
}

static const struct netdev_ops vnet_ops = { .xmit = vnet_xmit, .poll = vnet_poll };

static void vnet_free(struct vnet *v)
{
	virtio_reset(&v->vd);
	if (v->vec >= 0)
		pci_msix_release(v->vd.pci, 0, v->vec);
	for (int qi = 0; qi < 2; qi++) {
		if (v->pages[qi]) {
			for (unsigned i = 0; i < v->q[qi].size / 2u; i++)
				if (v->pages[qi][i])
					pmm_free_page(v->pages[qi][i]);
			kfree(v->pages[qi]);
		}
		virtio_queue_free(&v->q[qi]);
	}
	kfree(v);
}

static int vnet_buffers(struct vnet *v, int qi)
{
	unsigned n = v->q[qi].size / 2u;

	if (v->q[qi].size < 2)
		return -ENODEV;
	v->pages[qi] = kzalloc(n * sizeof(paddr_t));
	if (!v->pages[qi])
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		if (!(v->pages[qi][i] = pmm_alloc_page()))
			return -ENOMEM;
	return 0;
}

static int vnet_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	struct vnet *v = kzalloc(sizeof(*v));
	uint16_t entry;
	int err;

	(void)id;
	if (!v)
		return -ENOMEM;
	v->vec = -1;
	err = virtio_pci_start(&v->vd, d, VIRTIO_NET_F_MAC);
	if (err) {
		kfree(v);
		return err;
	}
	if (!(v->vd.features & VIRTIO_NET_F_MAC) || !v->vd.device_cfg || v->vd.device_cfg_len < 6) {
		pr_warn("virtio-net: %s: no MAC address offered\n", d->name);
		vnet_free(v);
		return -ENODEV;
	}
	for (int i = 0; i < 6; i++)
		v->nd.mac[i] = v->vd.device_cfg[i];
	v->vec = pci_msix_vector(d, 0, vnet_irq, v);
	entry = v->vec >= 0 ? 0 : VIRTIO_NO_VECTOR;
	err = virtio_queue_setup(&v->vd, RXQ, &v->q[RXQ], entry);
	if (!err)
		err = virtio_queue_setup(&v->vd, TXQ, &v->q[TXQ], entry);
	if (!err)
		err = vnet_buffers(v, RXQ);
	if (!err)
		err = vnet_buffers(v, TXQ);
	if (err) {
		vnet_free(v);
		return err;
	}
	for (uint16_t i = 0; i < v->q[RXQ].size; i++)
		rx_post(v);
	v->nd.mtu = 1500;
	v->nd.flags = IFF_BROADCAST | IFF_MULTICAST;
	v->nd.ops = &vnet_ops;
	v->nd.priv = v;
	v->nd.polled = v->vec < 0;
	virtio_driver_ok(&v->vd);
	virtq_kick(&v->q[RXQ]);
	err = netdev_register(&v->nd);
	if (err) {
		vnet_free(v);
		return err;
	}
	d->driver_data = v;
	pr_info("virtio-net: %s: %s %02x:%02x:%02x:%02x:%02x:%02x (%s)\n", d->name, v->nd.name,
		v->nd.mac[0], v->nd.mac[1], v->nd.mac[2], v->nd.mac[3], v->nd.mac[4], v->nd.mac[5],
		v->vec >= 0 ? "MSI-X" : "polled");
	return 0;
}

static const struct pci_device_id vnet_ids[] = {
	{ VIRTIO_VENDOR, 0x1040 + VIRTIO_ID_NET, 0, 0 },	/* modern */
	{ VIRTIO_VENDOR, 0x1000, 0, 0 },			/* transitional */
	{ 0 }
};

static struct pci_driver vnet_driver = { .name = "virtio-net", .ids = vnet_ids, .probe = vnet_probe };

void virtio_net_init(void)
{
	pci_register_driver(&vnet_driver);
}
