/*
 * icmp.c - ICMP (RFC 792): answering echo requests, sending errors about
 * packets nobody takes, and passing errors about packets we sent to UDP and
 * TCP.  There are no ping sockets yet: echo replies are dropped.
 *
 * Errors are never sent about ICMP errors, broadcasts or non-first fragments
 * (RFC 1122 3.2.2), and at most ICMP_RATE per second, as a token bucket.
 */
#include <aegis/errno.h>
#include <aegis/string.h>
#include <aegis/time.h>

#include "inet.h"

#define ICMP_RATE	100
#define ICMP_ERR_MAX	576		/* bytes of an error packet (RFC 1812 4.3.2.3) */

static uint64_t bucket_stamp;		/* [N] */
static int bucket = ICMP_RATE;		/* [N] */

static bool may_send_error(void)
{
	uint64_t now = time_ns();
	uint64_t refill = (now - bucket_stamp) / (NSEC_PER_SEC / ICMP_RATE);

	if (refill) {
		bucket = (int)MIN((uint64_t)ICMP_RATE, bucket + refill);
		bucket_stamp = now;
	}
	if (!bucket)
		return false;
	bucket--;
	return true;
}

static bool is_error_type(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == 4 || type == 5 || type == ICMP_TIME_EXCEEDED ||
	       type == 12;
}

void icmp_send_error(const struct ip_hdr *ip, uint32_t len, uint8_t type, uint8_t code)
{
	uint32_t hlen = (ip->ver_ihl & 15) * 4u;
	uint32_t quote = MIN(len, (uint32_t)(ICMP_ERR_MAX - IP_HLEN - ICMP_HLEN));
	struct netbuf *nb;
	struct icmp_hdr *h;

	if (ip_is_broadcast(ip->dst) || (ntohs(ip->frag) & IP_OFFMASK))
		return;
	if (ip->proto == IPPROTO_ICMP && len >= hlen + 1 &&
	    is_error_type(((const uint8_t *)ip)[hlen]))
		return;
	if (!may_send_error() || !(nb = netbuf_alloc(ICMP_HLEN + quote)))
		return;
	h = (struct icmp_hdr *)netbuf_put(nb, ICMP_HLEN + quote);
	memset(h, 0, ICMP_HLEN);
	h->type = type;
	h->code = code;
	memcpy(h + 1, ip, quote);
	h->csum = csum_fold(csum_add(0, h, nb->len));
	ip_output(nb, ip->dst, ip->src, IPPROTO_ICMP, 64);
}

static void echo_reply(struct netbuf *nb, const struct ip_hdr *ip)
{
	struct netbuf *r = netbuf_alloc(nb->len);
	struct icmp_hdr *h;

	if (!r)
		return;
	h = (struct icmp_hdr *)netbuf_put(r, nb->len);
	memcpy(h, nb->data, nb->len);
	h->type = ICMP_ECHOREPLY;
	h->csum = 0;
	h->csum = csum_fold(csum_add(0, h, r->len));
	ip_output(r, ip->dst, ip->src, IPPROTO_ICMP, 64);
}

/* An error about a packet we sent: hand it to its transport protocol. */
static void error_input(const struct icmp_hdr *h, uint32_t len)
{
	const struct ip_hdr *inner = (const struct ip_hdr *)(h + 1);
	uint32_t hlen;
	int err;

	if (len < ICMP_HLEN + IP_HLEN)
		return;
	hlen = (inner->ver_ihl & 15) * 4u;
	if ((inner->ver_ihl >> 4) != 4 || hlen < IP_HLEN || len < ICMP_HLEN + hlen + 8)
		return;		/* the transport header's first 8 bytes are needed */
	if (h->type == ICMP_DEST_UNREACH)
		err = h->code == ICMP_PORT_UNREACH || h->code == ICMP_PROT_UNREACH ? ECONNREFUSED
		    : h->code == ICMP_NET_UNREACH ? ENETUNREACH : EHOSTUNREACH;
	else
		err = EHOSTUNREACH;	/* time exceeded */
	const uint8_t *l4 = (const uint8_t *)inner + hlen;
	uint32_t l4len = len - ICMP_HLEN - hlen;
	if (inner->proto == IPPROTO_UDP)
		udp_icmp_error(inner, l4, l4len, err);
	else if (inner->proto == IPPROTO_TCP)
		tcp_icmp_error(inner, l4, l4len, err);
}

void icmp_input(struct netbuf *nb, const struct ip_hdr *ip)
{
	const struct icmp_hdr *h = (const struct icmp_hdr *)nb->data;

	if (nb->len < ICMP_HLEN || csum_fold(csum_add(0, nb->data, nb->len))) {
		nb->dev->stats.rx_errors++;
		netbuf_free(nb);
		return;
	}
	switch (h->type) {
	case ICMP_ECHO:
		if (!h->code && !ip_is_broadcast(ip->dst))	/* as Linux: broadcast pings ignored */
			echo_reply(nb, ip);
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
		error_input(h, nb->len);
		break;
	}
	netbuf_free(nb);
}
