/*
 * netdev.c - packet buffers, the list of network devices, the loopback device
 * and the network thread.
 *
 * The thread is where received packets are processed and protocol timers run:
 * interrupt handlers only mark their device pending and wake it.  It takes
 * net_lock for each round, so the stack never runs in interrupt context and
 * system calls see it in a consistent state.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/net.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/string.h>
#include <aegis/time.h>

#include "inet/inet.h"

struct mutex net_lock;
static struct netdev *devices;		/* [net_lock] in registration order */
static int next_ifindex = 1;		/* [net_lock] */
static int next_eth;			/* [net_lock] */
static struct wait_queue net_wq;	/* the network thread sleeps here */
static bool net_work;			/* [atomic] something for the thread */
static bool any_polled;			/* [net_lock] a device without interrupt */

/* ------------------------------------------------------------ buffers */

struct netbuf *netbuf_alloc(size_t payload)
{
	struct netbuf *nb;

	if (payload > 65536 + 64)
		return NULL;
	nb = kmalloc(sizeof(*nb) + NETBUF_HEADROOM + payload);
	if (!nb)
		return NULL;
	nb->next = NULL;
	nb->dev = NULL;
	nb->size = (uint32_t)(NETBUF_HEADROOM + payload);
	nb->data = nb->buf + NETBUF_HEADROOM;
	nb->len = 0;
	return nb;
}

void netbuf_free(struct netbuf *nb)
{
	kfree(nb);
}

uint8_t *netbuf_push(struct netbuf *nb, uint32_t n)
{
	if ((size_t)(nb->data - nb->buf) < n)
		return NULL;
	nb->data -= n;
	nb->len += n;
	return nb->data;
}

uint8_t *netbuf_pull(struct netbuf *nb, uint32_t n)
{
	if (nb->len < n)
		return NULL;
	nb->data += n;
	nb->len -= n;
	return nb->data;
}

uint8_t *netbuf_put(struct netbuf *nb, uint32_t n)
{
	uint8_t *end = nb->data + nb->len;

	if ((size_t)(nb->buf + nb->size - end) < n)
		return NULL;
	nb->len += n;
	return end;
}

/* ------------------------------------------------------------ devices */

struct netdev *netdev_first(void)
{
	return devices;
}

struct netdev *netdev_by_name(const char *name)
{
	for (struct netdev *d = devices; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

struct netdev *netdev_by_index(int ifindex)
{
	for (struct netdev *d = devices; d; d = d->next)
		if (d->ifindex == ifindex)
			return d;
	return NULL;
}

int netdev_register(struct netdev *d)
{
	struct netdev **p;

	if (!d->ops || !d->ops->xmit || !d->mtu)
		return -EINVAL;
	mutex_lock(&net_lock);
	if (!d->name[0])
		snprintf(d->name, sizeof(d->name), "eth%d", next_eth++);
	d->ifindex = next_ifindex++;
	d->flags |= IFF_UP | IFF_RUNNING;
	if (d->polled)
		any_polled = true;
	for (p = &devices; *p; p = &(*p)->next)
		;
	*p = d;
	mutex_unlock(&net_lock);
	if (d->polled)
		net_kick();	/* the thread may be asleep without a deadline */
	net_config_device(d);
	return 0;
}

void netdev_schedule(struct netdev *d)
{
	__atomic_store_n(&d->pending, true, __ATOMIC_RELEASE);
	net_kick();
}

void net_kick(void)
{
	__atomic_store_n(&net_work, true, __ATOMIC_RELEASE);
	wq_wake_one(&net_wq);
}

void netdev_receive(struct netdev *d, struct netbuf *nb)
{
	nb->dev = d;
	d->stats.rx_packets++;
	d->stats.rx_bytes += nb->len;
	if (d->flags & IFF_LOOPBACK)
		ip_input(d, nb);
	else
		eth_input(d, nb);
}

/* ------------------------------------------------------------ loopback */

#define LO_BACKLOG	1000		/* as Linux's netdev_max_backlog */

static struct netbuf *lo_head, *lo_tail;	/* [net_lock] sent, not yet received */
static int lo_len;				/* [net_lock] */

static int lo_xmit(struct netdev *d, struct netbuf *nb)
{
	if (lo_len >= LO_BACKLOG) {	/* senders outrun the thread: a silent drop, as Linux's */
		d->stats.tx_dropped++;
		netbuf_free(nb);
		return 0;
	}
	lo_len++;
	nb->next = NULL;
	if (lo_tail)
		lo_tail->next = nb;
	else
		lo_head = nb;
	lo_tail = nb;
	d->stats.tx_packets++;
	d->stats.tx_bytes += nb->len;
	netdev_schedule(d);
	return 0;
}

static void lo_poll(struct netdev *d)
{
	/* only what is queued now: replies queued meanwhile wait for the next round */
	struct netbuf *nb = lo_head;

	lo_head = lo_tail = NULL;
	lo_len = 0;
	while (nb) {
		struct netbuf *next = nb->next;
		netdev_receive(d, nb);
		nb = next;
	}
	if (lo_head)
		netdev_schedule(d);
}

static const struct netdev_ops lo_ops = { .xmit = lo_xmit, .poll = lo_poll };
static struct netdev loopback = {
	.name = "lo",
	.flags = IFF_LOOPBACK,
	.mtu = 65536,
	.ops = &lo_ops,
};

/* ------------------------------------------------------------ the thread */

static bool net_has_work(void *arg)
{
	(void)arg;
	return __atomic_load_n(&net_work, __ATOMIC_ACQUIRE);
}

static void net_thread(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t now, next;

		__atomic_store_n(&net_work, false, __ATOMIC_RELEASE);
		mutex_lock(&net_lock);
		for (struct netdev *d = devices; d; d = d->next) {
			bool due = __atomic_exchange_n(&d->pending, false, __ATOMIC_ACQ_REL);
			if ((due || d->polled) && d->ops->poll)
				d->ops->poll(d);
		}
		/* read after the polls: what they stamped must not look like the future */
		now = time_ns();
		next = inet_timers(now);
		if (any_polled && next > now + 1000000)
			next = now + 1000000;
		mutex_unlock(&net_lock);
		wq_wait(&net_wq, net_has_work, NULL, false, next == UINT64_MAX ? 0 : next);
	}
}

void net_init(void)
{
	struct task *t;

	mutex_init(&net_lock);
	wq_init(&net_wq);
	loopback.addr = htonl(0x7f000001);
	loopback.netmask = htonl(0xff000000);
	netdev_register(&loopback);
	t = kthread_create(net_thread, NULL, "net");
	if (!t) {
		pr_err("net: cannot start the network thread\n");
		return;
	}
	kthread_detach(t);
	kthread_start(t);
}
