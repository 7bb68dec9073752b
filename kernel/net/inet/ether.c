/*
 * ether.c - Ethernet framing and ARP (RFC 826).
 *
 * The ARP cache is a small table: an entry is resolved (a MAC address valid for
 * a minute), or being resolved, holding up to ARP_HOLD packets that wait for
 * the answer.  A request is repeated every second; after ARP_TRIES without an
 * answer the waiting packets are dropped (TCP retransmits; UDP is unreliable
 * anyway) and the entry is forgotten.  When the table is full the oldest entry
 * is reused.
 */
#include <aegis/errno.h>
#include <aegis/string.h>
#include <aegis/time.h>

#include "inet.h"

#define ARP_ENTRIES	64
#define ARP_HOLD	4
#define ARP_TRIES	3
#define ARP_RETRY_NS	1000000000ull
#define ARP_VALID_NS	60000000000ull

struct arp_entry {
	uint32_t ip;			/* 0: unused */
	struct netdev *dev;
	uint8_t mac[6];
	bool resolved;
	int tries;
	uint64_t stamp;			/* resolved: when; else when last asked */
	struct netbuf *hold;		/* packets waiting, in order */
	int nhold;
};

static struct arp_entry arp_table[ARP_ENTRIES];	/* [net_lock] */
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static int eth_send(struct netdev *d, struct netbuf *nb, const uint8_t *dst, uint16_t type)
{
	struct eth_hdr *h = (struct eth_hdr *)netbuf_push(nb, ETH_HLEN);

	if (!h) {
		netbuf_free(nb);
		d->stats.tx_dropped++;
		return -ENOBUFS;
	}
	memcpy(h->dst, dst, 6);
	memcpy(h->src, d->mac, 6);
	h->type = htons(type);
	return d->ops->xmit(d, nb);
}

static void arp_send(struct netdev *d, uint16_t op, const uint8_t *tha, uint32_t tpa,
		     const uint8_t *dst)
{
	struct netbuf *nb = netbuf_alloc(sizeof(struct arp_pkt));
	struct arp_pkt *a;

	if (!nb)
		return;
	a = (struct arp_pkt *)netbuf_put(nb, sizeof(*a));
	a->htype = htons(1);
	a->ptype = htons(ETH_P_IP);
	a->hlen = 6;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sha, d->mac, 6);
	a->spa = d->addr;
	memcpy(a->tha, tha, 6);
	a->tpa = tpa;
	eth_send(d, nb, dst, ETH_P_ARP);
}

static struct arp_entry *arp_find(struct netdev *d, uint32_t ip)
{
	for (int i = 0; i < ARP_ENTRIES; i++)
		if (arp_table[i].ip == ip && arp_table[i].dev == d)
			return &arp_table[i];
	return NULL;
}

static void arp_drop_held(struct arp_entry *e)
{
	while (e->hold) {
		struct netbuf *n = e->hold->next;
		e->dev->stats.tx_dropped++;
		netbuf_free(e->hold);
		e->hold = n;
	}
	e->nhold = 0;
}

static struct arp_entry *arp_new(struct netdev *d, uint32_t ip, uint64_t now)
{
	struct arp_entry *e = &arp_table[0];

	for (int i = 0; i < ARP_ENTRIES; i++) {
		if (!arp_table[i].ip) {
			e = &arp_table[i];
			break;
		}
		if (arp_table[i].stamp < e->stamp)
			e = &arp_table[i];
	}
	if (e->ip)
		arp_drop_held(e);
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->dev = d;
	e->stamp = now;
	return e;
}

/* The sender's address is learnt: held packets go out. */
static void arp_resolved(struct arp_entry *e, const uint8_t *mac, uint64_t now)
{
	memcpy(e->mac, mac, 6);
	e->resolved = true;
	e->stamp = now;
	while (e->hold) {
		struct netbuf *n = e->hold->next;
		e->hold->next = NULL;
		eth_send(e->dev, e->hold, e->mac, ETH_P_IP);
		e->hold = n;
	}
	e->nhold = 0;
}

static void arp_input(struct netdev *d, struct netbuf *nb)
{
	const struct arp_pkt *a = (const struct arp_pkt *)nb->data;
	uint64_t now = time_ns();
	struct arp_entry *e;

	if (nb->len < sizeof(*a) || a->htype != htons(1) || a->ptype != htons(ETH_P_IP) ||
	    a->hlen != 6 || a->plen != 4 || (a->sha[0] & 1) || !a->spa ||
	    ip_is_broadcast(a->spa)) {
		d->stats.rx_errors++;
		return;
	}
	/* RFC 826: update a known sender; learn it if the packet is for us */
	e = arp_find(d, a->spa);
	if (e)
		arp_resolved(e, a->sha, now);
	if (!d->addr || a->tpa != d->addr)
		return;
	if (!e)
		arp_resolved(arp_new(d, a->spa, now), a->sha, now);
	if (a->op == htons(1))
		arp_send(d, 2, a->sha, a->spa, a->sha);
}

int eth_output(struct netdev *d, struct netbuf *nb, uint32_t next_hop)
{
	uint64_t now = time_ns();
	struct arp_entry *e;

	if (ip_is_broadcast(next_hop) || next_hop == (d->addr | ~d->netmask))
		return eth_send(d, nb, bcast_mac, ETH_P_IP);
	e = arp_find(d, next_hop);
	if (e && e->resolved && (int64_t)(now - e->stamp) < (int64_t)ARP_VALID_NS)
		return eth_send(d, nb, e->mac, ETH_P_IP);
	if (!e) {
		e = arp_new(d, next_hop, now);
	} else if (e->resolved) {
		e->resolved = false;	/* stale: ask again, hold meanwhile */
		e->tries = 0;
	}
	if (e->nhold >= ARP_HOLD) {
		d->stats.tx_dropped++;
		netbuf_free(nb);
		return 0;
	}
	nb->next = NULL;
	struct netbuf **p = &e->hold;
	while (*p)
		p = &(*p)->next;
	*p = nb;
	e->nhold++;
	if (!e->tries) {
		e->tries = 1;
		e->stamp = now;
		arp_send(d, 1, (const uint8_t[6]){ 0 }, next_hop, bcast_mac);
	}
	return 0;
}

uint64_t arp_timers(uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &arp_table[i];
		if (!e->ip || e->resolved || !e->tries)
			continue;
		if ((int64_t)(now - e->stamp) >= (int64_t)ARP_RETRY_NS) {
			if (e->tries >= ARP_TRIES) {
				arp_drop_held(e);
				memset(e, 0, sizeof(*e));
				continue;
			}
			e->tries++;
			e->stamp = now;
			arp_send(e->dev, 1, (const uint8_t[6]){ 0 }, e->ip, bcast_mac);
		}
		next = MIN(next, e->stamp + ARP_RETRY_NS);
	}
	return next;
}

void eth_input(struct netdev *d, struct netbuf *nb)
{
	const struct eth_hdr *h = (const struct eth_hdr *)nb->data;
	uint16_t type;

	if (nb->len < ETH_HLEN) {
		d->stats.rx_errors++;
		netbuf_free(nb);
		return;
	}
	if (memcmp(h->dst, d->mac, 6) && memcmp(h->dst, bcast_mac, 6)) {
		netbuf_free(nb);	/* someone else's, or multicast we did not join */
		return;
	}
	type = ntohs(h->type);
	netbuf_pull(nb, ETH_HLEN);
	if (type == ETH_P_IP) {
		ip_input(d, nb);
		return;
	}
	if (type == ETH_P_ARP)
		arp_input(d, nb);
	netbuf_free(nb);
}
