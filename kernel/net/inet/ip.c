/*
 * ip.c - IPv4 (RFC 791): checking, delivering and sending packets, and the
 * routing decision.
 *
 * Aegis is a host, not a router: packets for other addresses are dropped.
 * Routing is implied by the devices: loopback for 127/8 and for our own
 * addresses, a device whose subnet holds the destination, else the device
 * with a default gateway.  What is larger than the route's MTU is sent in
 * fragments (TCP never is), and fragments received are reassembled
 * (ipfrag.c).
 */
#include <aegis/errno.h>
#include <aegis/string.h>

#include "inet.h"

static uint16_t ip_id;			/* [N] identification of the next packet */

static bool is_loopback_net(uint32_t addr)
{
	return (ntohl(addr) >> 24) == 127;
}

bool ip_is_broadcast(uint32_t addr)
{
	return addr == INADDR_BROADCAST;
}

bool ip_is_local(uint32_t addr)
{
	if (is_loopback_net(addr))
		return true;
	for (struct netdev *d = netdev_first(); d; d = d->next)
		if (d->addr && d->addr == addr)
			return true;
	return false;
}

static struct netdev *loopback_dev(void)
{
	for (struct netdev *d = netdev_first(); d; d = d->next)
		if (d->flags & IFF_LOOPBACK)
			return d;
	return NULL;
}

int ip_route(uint32_t dst, struct netdev **dev, uint32_t *next_hop, uint32_t *src)
{
	struct netdev *d;

	if (ip_is_local(dst)) {
		d = loopback_dev();
		if (!d || !(d->flags & IFF_UP))
			return -ENETUNREACH;	/* as Linux with lo down */
		*dev = d;
		*next_hop = dst;
		*src = is_loopback_net(dst) ? d->addr : dst;
		return 0;
	}
	for (d = netdev_first(); d; d = d->next) {
		if ((d->flags & IFF_LOOPBACK) || !(d->flags & IFF_UP))
			continue;
		if ((d->addr && (dst & d->netmask) == (d->addr & d->netmask)) ||
		    (ip_is_broadcast(dst))) {
			*dev = d;
			*next_hop = dst;
			*src = d->addr;
			return 0;
		}
	}
	for (d = netdev_first(); d; d = d->next) {
		if (d->gateway && (d->flags & IFF_UP)) {
			*dev = d;
			*next_hop = d->gateway;
			*src = d->addr;
			return 0;
		}
	}
	return -ENETUNREACH;
}

int ip_output(struct netbuf *nb, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl)
{
	struct netdev *d;
	uint32_t hop, rsrc;
	struct ip_hdr *h;
	struct ip_hdr tmpl;
	int err = ip_route(dst, &d, &hop, &rsrc);

	if (!err && nb->len + IP_HLEN > 65535)
		err = -EMSGSIZE;
	if (!err && nb->len + IP_HLEN > d->mtu && proto == IPPROTO_TCP)
		err = -EMSGSIZE;	/* TCP sizes its segments to fit */
	if (err) {
		netbuf_free(nb);
		return err;
	}
	tmpl.ver_ihl = 0x45;
	tmpl.tos = 0;
	tmpl.id = htons(ip_id++);
	tmpl.ttl = ttl ? ttl : 64;
	tmpl.proto = proto;
	tmpl.src = src ? src : rsrc;
	tmpl.dst = dst;
	if (nb->len + IP_HLEN > d->mtu) {
		tmpl.frag = 0;
		tmpl.csum = 0;
		tmpl.len = 0;
		return ip_fragment_output(nb, &tmpl, d, hop);
	}
	if (!(h = (struct ip_hdr *)netbuf_push(nb, IP_HLEN))) {
		netbuf_free(nb);
		return -ENOBUFS;
	}
	*h = tmpl;
	h->len = htons((uint16_t)nb->len);
	h->frag = htons(IP_DF);
	h->csum = 0;
	h->csum = csum_fold(csum_add(0, h, IP_HLEN));
	if (d->flags & IFF_LOOPBACK)
		return d->ops->xmit(d, nb);
	return eth_output(d, nb, hop);
}

/* Is this packet addressed to us (on device d)? */
static bool for_us(struct netdev *d, uint32_t dst)
{
	if (ip_is_broadcast(dst))
		return true;
	if (d->flags & IFF_LOOPBACK)
		return ip_is_local(dst);
	if (!d->addr)
		return true;	/* unconfigured: a DHCP server may send to the address it offers */
	return d->addr == dst || dst == (d->addr | ~d->netmask);
}

void ip_input(struct netdev *d, struct netbuf *nb)
{
	struct ip_hdr *h = (struct ip_hdr *)nb->data;
	uint32_t hlen, tlen;

	if (nb->len < IP_HLEN || (h->ver_ihl >> 4) != 4)
		goto bad;
	hlen = (h->ver_ihl & 15) * 4u;
	tlen = ntohs(h->len);
	if (hlen < IP_HLEN || tlen < hlen || tlen > nb->len || csum_fold(csum_add(0, h, hlen)))
		goto bad;
	nb->len = tlen;			/* Ethernet pads short frames */
	if (!for_us(d, h->dst) || ip_is_broadcast(h->src) || (h->src & 0xf0) == 0xe0)
		goto drop;		/* not ours: we do not forward; multicast sender: bogus */
	if (ntohs(h->frag) & (IP_MF | IP_OFFMASK)) {
		nb = ip_reassemble(nb, h, hlen);
		if (!nb)
			return;		/* kept for later, or dropped */
		h = (struct ip_hdr *)nb->data;
		hlen = (h->ver_ihl & 15) * 4u;	/* the first fragment's header */
	}
	netbuf_pull(nb, hlen);
	raw_input(nb, h);
	switch (h->proto) {
	case IPPROTO_ICMP:
		icmp_input(nb, h);
		return;
	case IPPROTO_UDP:
		udp_input(nb, h);
		return;
	case IPPROTO_TCP:
		tcp_input_packet(nb, h);
		return;
	}
	if (!ip_is_broadcast(h->dst))
		icmp_send_error(h, hlen + nb->len, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
	goto drop;
bad:
	d->stats.rx_errors++;
drop:
	netbuf_free(nb);
}
