/*
 * raw.c - raw IPv4 sockets (SOCK_RAW), for root, as Linux has them without
 * IP_HDRINCL: what is sent is the packet's payload, to which the kernel adds
 * the IP header for the socket's protocol; what is received is a copy of every
 * packet of that protocol addressed to this host, IP header included.  The
 * stack still handles the packet itself (an echo request is answered whether
 * or not a raw socket saw it).  busybox ping works this way.
 */
#include <aegis/errno.h>
#include <aegis/string.h>

#include "../internal.h"
#include "inet.h"

#define RAW_MAX_PAYLOAD	(65535 - IP_HLEN)

static struct inet_sock *raw_socks;	/* [N] every raw socket */

void raw_add(struct inet_sock *s)
{
	s->next = raw_socks;
	raw_socks = s;
	s->hashed = true;
	inet_sock_get(s);
}

void raw_input(const struct netbuf *nb, const struct ip_hdr *ip)
{
	uint32_t hlen = (ip->ver_ihl & 15) * 4u, len = hlen + nb->len;

	for (struct inet_sock *s = raw_socks; s; s = s->next) {
		struct netbuf *c;
		if (s->protocol != ip->proto || s->dead || (s->shut & RCV_SHUT))
			continue;
		if (s->laddr && s->laddr != ip->dst)
			continue;
		if (s->state == IS_CONNECTED && s->raddr != ip->src)
			continue;
		if (s->rq_bytes + sizeof(*c) + NETBUF_HEADROOM + len > (size_t)s->rcvbuf ||
		    !(c = netbuf_alloc(len)))
			continue;	/* full: dropped, as Linux does */
		memcpy(netbuf_put(c, len), ip, len);	/* header and payload are contiguous */
		c->src_addr = ip->src;
		c->src_port = 0;
		inet_dgram_enqueue(s, c);
	}
}

static int raw_connect(struct inet_sock *s, const struct sockaddr_in_k *sa, bool nonblock)
{
	int err;

	(void)nonblock;
	if (sa->sin_family == AF_UNSPEC) {
		s->state = IS_CLOSED;
		s->raddr = 0;
		return 0;
	}
	if ((err = inet_addr_check(sa, sizeof(*sa))))
		return err;
	s->raddr = sa->sin_addr;
	s->state = IS_CONNECTED;
	return 0;
}

static ssize_t raw_send(struct inet_sock *s, struct unix_msg *m, const struct sockaddr_in_k *to,
			bool nonblock)
{
	struct netbuf *nb;
	uint32_t dst;
	int err;

	(void)nonblock;
	if (s->shut & SEND_SHUT)
		return -EPIPE;
	if (to)
		dst = to->sin_addr;
	else if (s->state == IS_CONNECTED)
		dst = s->raddr;
	else
		return -EDESTADDRREQ;
	if (m->len > RAW_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!(nb = netbuf_alloc(m->len)))
		return -ENOBUFS;
	if (msg_iov_copy(m, 0, netbuf_put(nb, (uint32_t)m->len), m->len, false)) {
		netbuf_free(nb);
		return -EFAULT;
	}
	err = ip_output(nb, s->laddr, dst ? dst : htonl(0x7f000001), (uint8_t)s->protocol,
			(uint8_t)s->ttl);
	return err ? err : (ssize_t)m->len;
}

static void raw_close(struct inet_sock *s)
{
	if (!s->hashed)
		return;
	for (struct inet_sock **p = &raw_socks; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	s->hashed = false;
	inet_sock_put(s);
}

const struct inet_proto raw_proto = {
	.connect = raw_connect,
	.send = raw_send,
	.recv = inet_dgram_recv,
	.poll = inet_dgram_poll,
	.shutdown = inet_dgram_shutdown,
	.close = raw_close,
	.inq = inet_dgram_inq,
	.list = &raw_socks,
};
