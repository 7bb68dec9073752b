/*
 * e1000.c - Intel 82540EM gigabit Ethernet (QEMU's -device e1000) as ethN.
 *
 * Register facts are from Intel's "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual" (8254x).  One receive and one
 * transmit ring of 256 legacy descriptors each, one page apiece; every
 * descriptor has its own 2 KiB buffer (each ring's buffers are one block of
 * 128 pages), so a frame is never split.  As in virtio_net.c, received frames
 * are copied into a netbuf and the buffer goes straight back to the device;
 * frames to send are copied into the next free buffer.
 *
 * The receive ring is handed over by RDT: the device owns the descriptors from
 * RDH up to, not including, RDT, so one always stays ours and RDT trails the
 * next descriptor we look at by one.  The transmit ring is ours from TDT up to
 * the oldest descriptor whose DD bit the device has not set yet.
 *
 * The 82540EM is a conventional PCI function without MSI, and Aegis does not
 * route INTx, so the device's interrupts are masked and the network thread
 * polls it every millisecond.  Should a function offer MSI, its interrupt only
 * acknowledges the cause (reading ICR) and schedules the thread.
 * (QEMU's model receives nothing for about a second after RCTL is written, so
 * with ip=dhcp the first DISCOVER goes unanswered and the lease comes with
 * the retry, a second later.)
 *
 * The device is not trusted: a reset that never completes gives up on it, and
 * every length it writes back is checked against the buffer; the buffer
 * address of a descriptor is rewritten each time it is handed back.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/net.h>
#include <aegis/pci.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/string.h>
#include <aegis/time.h>

#define REG_CTRL	0x0000
#define  CTRL_LRST	(1u << 3)
#define  CTRL_ASDE	(1u << 5)
#define  CTRL_SLU	(1u << 6)
#define  CTRL_ILOS	(1u << 7)
#define  CTRL_RST	(1u << 26)
#define  CTRL_VME	(1u << 30)
#define  CTRL_PHY_RST	(1u << 31)
#define REG_STATUS	0x0008
#define  STATUS_LU	(1u << 1)
#define REG_EERD	0x0014
#define  EERD_START	(1u << 0)
#define  EERD_DONE	(1u << 4)
#define REG_ICR		0x00c0
#define REG_IMS		0x00d0
#define REG_IMC		0x00d8
#define  INT_TXDW	(1u << 0)
#define  INT_LSC	(1u << 2)
#define  INT_RXDMT0	(1u << 4)
#define  INT_RXT0	(1u << 7)
#define REG_RCTL	0x0100
#define  RCTL_EN	(1u << 1)
#define  RCTL_BAM	(1u << 15)
#define  RCTL_BSIZE_2K	(0u << 16)	/* with BSEX clear */
#define  RCTL_SECRC	(1u << 26)
#define REG_TCTL	0x0400
#define  TCTL_EN	(1u << 1)
#define  TCTL_PSP	(1u << 3)
#define  TCTL_CT(n)	((uint32_t)(n) << 4)
#define  TCTL_COLD(n)	((uint32_t)(n) << 12)
#define REG_TIPG	0x0410
#define  TIPG_COPPER	(10u | 8u << 10 | 6u << 20)	/* IPGT, IPGR1, IPGR2 for 802.3 */
#define REG_RDBAL	0x2800
#define REG_RDBAH	0x2804
#define REG_RDLEN	0x2808
#define REG_RDH		0x2810
#define REG_RDT		0x2818
#define REG_TDBAL	0x3800
#define REG_TDBAH	0x3804
#define REG_TDLEN	0x3808
#define REG_TDH		0x3810
#define REG_TDT		0x3818
#define REG_MTA		0x5200		/* 128 registers */
#define REG_RAL0	0x5400
#define REG_RAH0	0x5404
#define  RAH_AV		(1u << 31)
#define REGS_MIN	0x6000		/* everything above lies below this */

/* legacy descriptors (manual 3.2.3 and 3.3.3) */
struct rx_desc {
	uint64_t addr;
	uint16_t len;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};
#define RXS_DD		(1u << 0)
#define RXS_EOP		(1u << 1)

struct tx_desc {
	uint64_t addr;
	uint16_t len;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
};
#define TXC_EOP		(1u << 0)
#define TXC_IFCS	(1u << 1)
#define TXC_RS		(1u << 3)
#define TXS_DD		(1u << 0)

_Static_assert(sizeof(struct rx_desc) == 16 && sizeof(struct tx_desc) == 16, "descriptor size");

#define NDESC		256		/* a ring is one page; RDLEN a multiple of 128 */
#define BUF_SIZE	2048
#define BUF_ORDER	7		/* NDESC * BUF_SIZE bytes of buffers per ring */
#define FRAME_MAX	1514
#define RESET_TIMEOUT_NS	(100 * NSEC_PER_MSEC)
#define EERD_TIMEOUT_NS		(10 * NSEC_PER_MSEC)

_Static_assert(NDESC * sizeof(struct rx_desc) == PAGE_SIZE, "one page per ring");
_Static_assert((PAGE_SIZE << BUF_ORDER) == NDESC * BUF_SIZE, "buffer block size");

struct e1000 {
	struct netdev nd;
	struct pci_dev *pci;
	volatile uint8_t *regs;
	volatile struct rx_desc *rx;
	volatile struct tx_desc *tx;
	paddr_t rx_ring, tx_ring;	/* one page each */
	paddr_t rx_bufs, tx_bufs;	/* 2^BUF_ORDER pages each */
	uint16_t rx_next;		/* the next descriptor the device fills */
	uint16_t tx_tail;		/* the next descriptor we fill (TDT) */
	uint16_t tx_clean;		/* the oldest one the device may still hold */
	bool rx_discard;		/* inside a frame that spans buffers: drop to its end */
	int vec;			/* MSI vector, or -1 (polled) */
};

static uint32_t r32(struct e1000 *e, unsigned off) { return *(volatile uint32_t *)(e->regs + off); }
static void w32(struct e1000 *e, unsigned off, uint32_t v) { *(volatile uint32_t *)(e->regs + off) = v; }
/* orders our buffer and descriptor writes before the doorbell, and the DD
 * read before the reads of what the device wrote (x86 keeps the CPU's order) */
static inline void compiler_barrier(void) { __asm__ volatile("" ::: "memory"); }

static paddr_t buf_phys(paddr_t bufs, unsigned i)
{
	return bufs + (paddr_t)i * BUF_SIZE;
}

static void e1000_irq(struct trap_frame *f, void *ctx)
{
	struct e1000 *e = ctx;

	(void)f;
	(void)r32(e, REG_ICR);			/* reading acknowledges every cause */
	netdev_schedule(&e->nd);
}

static void tx_reclaim(struct e1000 *e)
{
	while (e->tx_clean != e->tx_tail && (e->tx[e->tx_clean].status & TXS_DD))
		e->tx_clean = (e->tx_clean + 1) % NDESC;
}

static int e1000_xmit(struct netdev *d, struct netbuf *nb)
{
	struct e1000 *e = d->priv;
	uint16_t i = e->tx_tail, next = (i + 1) % NDESC;
	volatile struct tx_desc *t = &e->tx[i];

	if (nb->len > FRAME_MAX) {
		d->stats.tx_errors++;
		netbuf_free(nb);
		return -EMSGSIZE;
	}
	if (next == e->tx_clean)
		tx_reclaim(e);
	if (next == e->tx_clean) {	/* a full ring: a silent drop, as virtio-net's */
		d->stats.tx_dropped++;
		netbuf_free(nb);
		return 0;
	}
	memcpy(phys_to_virt(buf_phys(e->tx_bufs, i)), nb->data, nb->len);
	t->addr = buf_phys(e->tx_bufs, i);
	t->len = (uint16_t)nb->len;
	t->cso = t->css = 0;
	t->special = 0;
	t->status = 0;
	t->cmd = TXC_EOP | TXC_IFCS | TXC_RS;
	compiler_barrier();
	e->tx_tail = next;
	w32(e, REG_TDT, next);
	d->stats.tx_packets++;
	d->stats.tx_bytes += nb->len;
	netbuf_free(nb);
	return 0;
}

/* One filled receive descriptor: its frame to the stack, or counted as dropped. */
static void rx_one(struct e1000 *e, volatile struct rx_desc *r, const uint8_t *buf)
{
	struct netdev *d = &e->nd;
	uint8_t status = r->status, errors = r->errors;
	uint16_t len = r->len;
	struct netbuf *nb;

	if (e->rx_discard || !(status & RXS_EOP)) {
		/* (the 82540EM splits nothing under 2 KiB without long packets) */
		e->rx_discard = !(status & RXS_EOP);
		d->stats.rx_errors++;
		return;
	}
	if (errors || len < 14 || len > BUF_SIZE) {
		d->stats.rx_errors++;
		return;
	}
	nb = netbuf_alloc(len);
	if (!nb) {
		d->stats.rx_dropped++;
		return;
	}
	memcpy(netbuf_put(nb, len), buf, len);
	netdev_receive(d, nb);
}

static void e1000_poll(struct netdev *d)
{
	struct e1000 *e = d->priv;
	unsigned n;

	/* at most one lap: a device that sets DD on everything cannot keep us here */
	for (n = 0; n < NDESC; n++) {
		uint16_t i = e->rx_next;
		volatile struct rx_desc *r = &e->rx[i];

		if (!(r->status & RXS_DD))
			break;
		compiler_barrier();
		rx_one(e, r, phys_to_virt(buf_phys(e->rx_bufs, i)));
		r->addr = buf_phys(e->rx_bufs, i);
		r->status = 0;
		e->rx_next = (i + 1) % NDESC;
	}
	if (n) {
		compiler_barrier();
		w32(e, REG_RDT, (e->rx_next + NDESC - 1) % NDESC);
	}
	tx_reclaim(e);
}

static const struct netdev_ops e1000_ops = { .xmit = e1000_xmit, .poll = e1000_poll };

static int reset(struct e1000 *e)
{
	uint64_t deadline = time_ns() + RESET_TIMEOUT_NS;

	w32(e, REG_IMC, ~0u);
	w32(e, REG_CTRL, r32(e, REG_CTRL) | CTRL_RST);
	do {
		sleep_ns(NSEC_PER_MSEC);
		if (!(r32(e, REG_CTRL) & CTRL_RST)) {
			w32(e, REG_IMC, ~0u);		/* the reset unmasked nothing, but be sure */
			(void)r32(e, REG_ICR);
			return 0;
		}
	} while (time_ns() < deadline);
	return -ETIMEDOUT;
}

static bool mac_valid(const uint8_t *mac)
{
	return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* Word `addr` of the EEPROM through EERD, or -ETIMEDOUT. */
static int eeprom_read(struct e1000 *e, uint8_t addr, uint16_t *word)
{
	uint64_t deadline = time_ns() + EERD_TIMEOUT_NS;
	uint32_t v;

	w32(e, REG_EERD, EERD_START | (uint32_t)addr << 8);
	while (!((v = r32(e, REG_EERD)) & EERD_DONE))
		if (time_ns() > deadline)
			return -ETIMEDOUT;
	*word = (uint16_t)(v >> 16);
	return 0;
}

/* The station address: receive address 0 if loaded, else EEPROM words 0-2. */
static int read_mac(struct e1000 *e)
{
	uint32_t lo = r32(e, REG_RAL0), hi = r32(e, REG_RAH0);
	uint8_t *mac = e->nd.mac;
	uint16_t w;

	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(lo >> (8 * i));
	mac[4] = (uint8_t)hi;
	mac[5] = (uint8_t)(hi >> 8);
	if ((hi & RAH_AV) && mac_valid(mac))
		return 0;
	for (uint8_t i = 0; i < 3; i++) {
		if (eeprom_read(e, i, &w))
			return -ETIMEDOUT;
		mac[2 * i] = (uint8_t)w;
		mac[2 * i + 1] = (uint8_t)(w >> 8);
	}
	return mac_valid(mac) ? 0 : -ENODEV;
}

static void rings_init(struct e1000 *e)
{
	const uint8_t *mac = e->nd.mac;

	w32(e, REG_RAL0, mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24);
	w32(e, REG_RAH0, mac[4] | mac[5] << 8 | RAH_AV);
	for (unsigned i = 0; i < 128; i++)
		w32(e, REG_MTA + 4 * i, 0);
	w32(e, REG_CTRL, (r32(e, REG_CTRL) | CTRL_SLU | CTRL_ASDE) &
		~(CTRL_LRST | CTRL_ILOS | CTRL_VME | CTRL_PHY_RST));

	memset((void *)e->rx, 0, PAGE_SIZE);
	for (unsigned i = 0; i < NDESC; i++)
		e->rx[i].addr = buf_phys(e->rx_bufs, i);
	w32(e, REG_RDBAL, (uint32_t)e->rx_ring);
	w32(e, REG_RDBAH, (uint32_t)(e->rx_ring >> 32));
	w32(e, REG_RDLEN, NDESC * sizeof(struct rx_desc));
	w32(e, REG_RDH, 0);
	w32(e, REG_RDT, NDESC - 1);		/* all but one to the device */
	e->rx_next = 0;
	w32(e, REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_BSIZE_2K | RCTL_SECRC);

	memset((void *)e->tx, 0, PAGE_SIZE);
	w32(e, REG_TDBAL, (uint32_t)e->tx_ring);
	w32(e, REG_TDBAH, (uint32_t)(e->tx_ring >> 32));
	w32(e, REG_TDLEN, NDESC * sizeof(struct tx_desc));
	w32(e, REG_TDH, 0);
	w32(e, REG_TDT, 0);
	e->tx_tail = e->tx_clean = 0;
	w32(e, REG_TIPG, TIPG_COPPER);
	/* collision threshold and full-duplex distance as the manual recommends */
	w32(e, REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT(0x0f) | TCTL_COLD(0x40));
}

static void e1000_free(struct e1000 *e)
{
	if (e->regs) {
		/* stop using our memory: masked, disabled, and reset to forget the rings */
		w32(e, REG_IMC, ~0u);
		w32(e, REG_RCTL, 0);
		w32(e, REG_TCTL, 0);
		w32(e, REG_CTRL, r32(e, REG_CTRL) | CTRL_RST);
		sleep_ns(NSEC_PER_MSEC);
	}
	if (e->vec >= 0)
		irq_set_handler((unsigned)e->vec, NULL, NULL);	/* a late interrupt finds nothing */
	if (e->rx_bufs)
		pmm_free_pages(e->rx_bufs, BUF_ORDER);
	if (e->tx_bufs)
		pmm_free_pages(e->tx_bufs, BUF_ORDER);
	if (e->rx_ring)
		pmm_free_page(e->rx_ring);
	if (e->tx_ring)
		pmm_free_page(e->tx_ring);
	if (e->regs)
		iounmap((void *)e->regs);
	kfree(e);
}

static int e1000_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	const struct pci_bar *bar = &d->bar[0];
	struct e1000 *e;
	int err;

	(void)id;
	if (!bar->size || !(bar->flags & PCI_RES_MEM) || bar->size < REGS_MIN)
		return -ENODEV;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->pci = d;
	e->vec = -1;
	e->regs = ioremap(bar->base, REGS_MIN);
	e->rx_ring = pmm_alloc_page();
	e->tx_ring = pmm_alloc_page();
	e->rx_bufs = pmm_alloc_pages(BUF_ORDER);
	e->tx_bufs = pmm_alloc_pages(BUF_ORDER);
	if (!e->regs || !e->rx_ring || !e->tx_ring || !e->rx_bufs || !e->tx_bufs) {
		e1000_free(e);
		return -ENOMEM;
	}
	e->rx = phys_to_virt(e->rx_ring);
	e->tx = phys_to_virt(e->tx_ring);
	pci_write(d, PCI_COMMAND, 2, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	err = reset(e);
	if (!err)
		err = read_mac(e);
	if (err) {
		pr_warn("e1000: %s: %s (%d)\n", d->name,
			err == -ETIMEDOUT ? "reset or EEPROM read never completed" : "no valid MAC address", err);
		e1000_free(e);
		return err;
	}
	rings_init(e);
	e->vec = pci_msi_vector(d, e1000_irq, e);
	e->nd.mtu = 1500;
	e->nd.flags = IFF_BROADCAST | IFF_MULTICAST;
	e->nd.ops = &e1000_ops;
	e->nd.priv = e;
	e->nd.polled = e->vec < 0;
	err = netdev_register(&e->nd);
	if (err) {
		e1000_free(e);
		return err;
	}
	d->driver_data = e;
	if (e->vec >= 0)
		w32(e, REG_IMS, INT_RXT0 | INT_RXDMT0 | INT_TXDW | INT_LSC);
	pr_info("e1000: %s: %s %02x:%02x:%02x:%02x:%02x:%02x (%s, link %s)\n", d->name, e->nd.name,
		e->nd.mac[0], e->nd.mac[1], e->nd.mac[2], e->nd.mac[3], e->nd.mac[4], e->nd.mac[5],
		e->vec >= 0 ? "MSI" : "polled", r32(e, REG_STATUS) & STATUS_LU ? "up" : "down");
	return 0;
}

/* Only what is tested: QEMU's e1000.  (q35's default NIC, the 82574L e1000e
 * 8086:10d3, is another device with its own driver in Linux.) */
static const struct pci_device_id e1000_ids[] = {
	{ 0x8086, 0x100e, 0, 0 },		/* 82540EM */
	{ 0 }
};

static struct pci_driver e1000_driver = { .name = "e1000", .ids = e1000_ids, .probe = e1000_probe };

void e1000_init(void)
{
	pci_register_driver(&e1000_driver);
}
