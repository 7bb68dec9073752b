/*
 * dhcp.c - `ip=dhcp`: the kernel asks a DHCP server (RFC 2131) for the
 * device's address, netmask and gateway while the device is registered, as
 * Linux's ipconfig does before user space starts.
 *
 * DISCOVER is broadcast, the first OFFER is answered with a REQUEST, and the
 * ACK configures the device; each step is retried with a doubling timeout
 * (1, 2, 4 s), a NAK starts again from DISCOVER (three rounds at most), and
 * after that the device stays unconfigured.  The lease is
 * not renewed: the address is kept for as long as Aegis runs.
 *
 * Replies are taken in udp_input (dhcp_input), before any socket sees them,
 * while an exchange is in progress; an unconfigured device accepts packets
 * for any address (ip.c), since the server may send to the offered one.
 * Nothing in a reply is trusted: options are walked within their bounds, a
 * reply must carry our transaction id and hardware address, and one that is
 * unusable (an OFFER without address or server, an ACK for another address,
 * a NAK from another server) is ignored while we wait for a better one.
 */
#include <aegis/errno.h>
#include <aegis/printk.h>
#include <aegis/random.h>
#include <aegis/string.h>
#include <aegis/time.h>

#include "inet.h"

#define BOOTP_FIXED	236		/* op .. file */
#define DHCP_COOKIE	0x63538263u	/* 99.130.83.99 as it lies in memory */
#define DHCP_MIN_LEN	(BOOTP_FIXED + 4)
#define DHCPDISCOVER	1
#define DHCPOFFER	2
#define DHCPREQUEST	3
#define DHCPACK		5
#define DHCPNAK		6
#define OPT_PAD		0
#define OPT_MASK	1
#define OPT_ROUTER	3
#define OPT_DNS		6
#define OPT_REQ_IP	50
#define OPT_LEASE	51
#define OPT_MSG_TYPE	53
#define OPT_SERVER	54
#define OPT_PARAMS	55
#define OPT_END		255
#define TRIES		3

/* what a reply said */
struct dhcp_reply {
	int type;			/* DHCPOFFER, ... or 0 */
	uint32_t yiaddr, server, mask, router, dns;
};

static struct {
	struct netdev *dev;		/* [N] exchange in progress on it, or NULL */
	uint32_t xid;
	int want;			/* [N] the reply waited for: DHCPOFFER or DHCPACK */
	uint32_t req_ip, server;	/* [N] what a REQUEST asked, and of whom */
	struct dhcp_reply got;		/* [N] the first usable reply */
	bool have;			/* [N] */
	struct wait_queue wq;
} dhcp;

/* A reply worth acting on: an OFFER with an address and a server, an ACK
 * for the address asked for, a NAK from the server asked. */
static bool usable(const struct dhcp_reply *r)
{
	if (r->type == DHCPNAK)
		return dhcp.want == DHCPACK && r->server == dhcp.server;
	if (r->type != dhcp.want)
		return false;
	if (dhcp.want == DHCPOFFER)
		return r->yiaddr && r->server && !ip_is_broadcast(r->yiaddr);
	return r->yiaddr == dhcp.req_ip;
}

/* the options of a reply, bounded by its length */
static void parse_options(const uint8_t *o, size_t len, struct dhcp_reply *r)
{
	size_t i = 0;

	while (i < len && o[i] != OPT_END) {
		uint8_t code = o[i], l;
		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + (l = o[i + 1]) > len)
			return;
		const uint8_t *v = o + i + 2;
		if (code == OPT_MSG_TYPE && l == 1)
			r->type = v[0];
		else if (l >= 4 && (code == OPT_SERVER || code == OPT_MASK || code == OPT_ROUTER ||
				    code == OPT_DNS)) {
			uint32_t a;
			memcpy(&a, v, 4);
			if (code == OPT_SERVER)
				r->server = a;
			else if (code == OPT_MASK)
				r->mask = a;
			else if (code == OPT_ROUTER)
				r->router = a;
			else
				r->dns = a;
		}
		i += 2u + l;
	}
}

bool dhcp_input(struct netbuf *nb, const struct ip_hdr *ip)
{
	const uint8_t *p = nb->data + UDP_HLEN;
	size_t len = nb->len - UDP_HLEN;
	struct dhcp_reply r = { 0 };
	uint32_t xid, cookie;

	(void)ip;
	if (!dhcp.dev || nb->dev != dhcp.dev)
		return false;
	if (len < DHCP_MIN_LEN || p[0] != 2 || p[1] != 1 || p[2] != 6)
		return true;		/* ours to judge, and not a reply: dropped */
	memcpy(&xid, p + 4, 4);
	memcpy(&cookie, p + BOOTP_FIXED, 4);
	if (xid != dhcp.xid || memcmp(p + 28, dhcp.dev->mac, 6) || cookie != DHCP_COOKIE)
		return true;
	memcpy(&r.yiaddr, p + 16, 4);
	parse_options(p + DHCP_MIN_LEN, len - DHCP_MIN_LEN, &r);
	if (dhcp.have || !usable(&r))
		return true;	/* the first usable reply is kept: later ones may be junk */
	dhcp.got = r;
	dhcp.have = true;
	wq_wake_all(&dhcp.wq);
	return true;
}

static uint8_t *opt(uint8_t *o, uint8_t code, uint8_t len, const void *v)
{
	o[0] = code;
	o[1] = len;
	memcpy(o + 2, v, len);
	return o + 2 + len;
}

static int dhcp_send(struct netdev *d, int type, uint32_t req_ip, uint32_t server)
{
	static const uint8_t params[] = { OPT_MASK, OPT_ROUTER, OPT_DNS, OPT_LEASE };
	size_t len = DHCP_MIN_LEN + 32;
	struct netbuf *nb = netbuf_alloc(UDP_HLEN + len);
	struct udp_hdr *h;
	uint8_t *p, *o, t = (uint8_t)type;
	uint32_t cookie = DHCP_COOKIE;
	uint16_t flags = htons(0x8000);	/* broadcast the reply: we have no address yet */

	if (!nb)
		return -ENOBUFS;
	h = (struct udp_hdr *)netbuf_put(nb, UDP_HLEN + (uint32_t)len);
	p = (uint8_t *)(h + 1);
	memset(p, 0, len);
	p[0] = 1;
	p[1] = 1;
	p[2] = 6;
	memcpy(p + 4, &dhcp.xid, 4);
	memcpy(p + 10, &flags, 2);
	memcpy(p + 28, d->mac, 6);
	memcpy(p + BOOTP_FIXED, &cookie, 4);
	o = opt(p + DHCP_MIN_LEN, OPT_MSG_TYPE, 1, &t);
	if (type == DHCPREQUEST) {
		o = opt(o, OPT_REQ_IP, 4, &req_ip);
		o = opt(o, OPT_SERVER, 4, &server);
	}
	o = opt(o, OPT_PARAMS, sizeof(params), params);
	*o = OPT_END;
	h->sport = htons(68);
	h->dport = htons(67);
	h->len = htons((uint16_t)nb->len);
	h->csum = 0;
	h->csum = csum_fold(csum_add(csum_pseudo(0, INADDR_BROADCAST, IPPROTO_UDP, (uint16_t)nb->len),
				     h, nb->len));
	if (!h->csum)
		h->csum = 0xffff;
	return ip_output(nb, 0, INADDR_BROADCAST, IPPROTO_UDP, 64);
}

static bool dhcp_answered(void *arg)
{
	(void)arg;
	return __atomic_load_n(&dhcp.have, __ATOMIC_ACQUIRE);
}

/* Send and wait for a reply of type want (or NAK); net_lock held, dropped while waiting. */
static int exchange(struct netdev *d, int type, uint32_t req_ip, uint32_t server, int want,
		    struct dhcp_reply *out)
{
	uint64_t timeout = 1000000000ull;

	dhcp.want = want;
	dhcp.req_ip = req_ip;
	dhcp.server = server;
	for (int i = 0; i < TRIES; i++, timeout *= 2) {
		uint64_t deadline = time_ns() + timeout;
		dhcp.have = false;
		dhcp_send(d, type, req_ip, server);
		while (time_ns() < deadline && !dhcp.have) {
			mutex_unlock(&net_lock);
			wq_wait(&dhcp.wq, dhcp_answered, NULL, false, deadline);
			mutex_lock(&net_lock);
		}
		if (dhcp.have) {
			*out = dhcp.got;
			return dhcp.got.type == want ? 0 : -ECONNREFUSED;
		}
	}
	return -ETIMEDOUT;
}

static void print_addr(const char *what, uint32_t a)
{
	a = ntohl(a);
	pr_info("dhcp: %s %u.%u.%u.%u\n", what, a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

int dhcp_configure(struct netdev *d)
{
	struct dhcp_reply offer, ack;
	int err;

	mutex_lock(&net_lock);
	if (!dhcp.dev)
		wq_init(&dhcp.wq);
	dhcp.dev = d;
	/* a NAK sends us back to DISCOVER (RFC 2131 3.1.5), a few times */
	for (int round = 0; round < TRIES; round++) {
		get_random_bytes(&dhcp.xid, sizeof(dhcp.xid));
		err = exchange(d, DHCPDISCOVER, 0, 0, DHCPOFFER, &offer);
		if (!err)
			err = exchange(d, DHCPREQUEST, offer.yiaddr, offer.server, DHCPACK, &ack);
		if (err != -ECONNREFUSED)
			break;
		pr_info("dhcp: %s: request refused (NAK); asking again\n", d->name);
	}
	if (!err) {
		d->addr = ack.yiaddr;
		d->netmask = ack.mask ? ack.mask : offer.mask ? offer.mask : htonl(0xffffff00);
		d->gateway = ack.router;
		net_nameserver = ack.dns;
	}
	dhcp.dev = NULL;
	mutex_unlock(&net_lock);
	if (err) {
		pr_err("dhcp: %s: no lease (%s)\n", d->name,
		       err == -ETIMEDOUT ? "no answer" : "refused");
		return err;
	}
	pr_info("dhcp: %s: lease from server %u.%u.%u.%u\n", d->name, ntohl(ack.server) >> 24,
		ntohl(ack.server) >> 16 & 255, ntohl(ack.server) >> 8 & 255, ntohl(ack.server) & 255);
	print_addr("address", d->addr);
	print_addr("netmask", d->netmask);
	if (d->gateway)
		print_addr("gateway", d->gateway);
	if (ack.dns)
		print_addr("name server", ack.dns);
	return 0;
}
