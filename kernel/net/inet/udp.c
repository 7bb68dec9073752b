/*
 * udp.c - UDP (RFC 768) sockets.
 *
 * A received datagram is queued as its netbuf, data at the payload and the
 * sender in src_addr/src_port, until the queued buffers take rcvbuf bytes of
 * memory (headers and headroom count, as Linux counts truesize, so a flood of
 * empty datagrams is bounded too); then datagrams are dropped, as Linux does.  Datagrams are never fragmented: one larger than
 * the route's MTU is EMSGSIZE.  A connected socket learns of ICMP errors
 * (port unreachable -> ECONNREFUSED) on its next call, as Linux's does.
 * The receiving side (queue, recv, poll) is shared with raw sockets (raw.c).
 */
#include <aegis/errno.h>
#include <aegis/string.h>

#include "../internal.h"
#include "inet.h"

#define UDP_MAX_PAYLOAD	65507

static struct inet_sock *udp_socks;	/* [N] bound sockets */

void inet_dgram_enqueue(struct inet_sock *s, struct netbuf *nb)
{
	nb->next = NULL;
	if (s->rq_tail)
		s->rq_tail->next = nb;
	else
		s->rq_head = nb;
	s->rq_tail = nb;
	s->rq_bytes += nb->size;	/* the memory, not the payload: empty datagrams count */
	wq_wake_all(&s->wq);
}

/* The socket a datagram to dst:dport from src:sport goes to: a connected
 * match first, then one bound to the address, then a wildcard. */
static struct inet_sock *udp_lookup(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	struct inet_sock *best = NULL;
	int best_score = -1;

	for (struct inet_sock *s = udp_socks; s; s = s->next) {
		int score = 0;
		if (s->lport != dport || s->dead)
			continue;
		if (s->laddr) {
			if (s->laddr != dst)
				continue;
			score += 1;
		}
		if (s->state == IS_CONNECTED) {
			if (s->raddr != src || s->rport != sport)
				continue;
			score += 2;
		}
		if (score > best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}

void udp_input(struct netbuf *nb, const struct ip_hdr *ip)
{
	const struct udp_hdr *h = (const struct udp_hdr *)nb->data;
	struct inet_sock *s;
	uint16_t len;

	if (nb->len < UDP_HLEN)
		goto bad;
	len = ntohs(h->len);
	if (len < UDP_HLEN || len > nb->len)
		goto bad;
	nb->len = len;
	if (h->csum && csum_fold(csum_add(csum_pseudo(ip->src, ip->dst, IPPROTO_UDP, len), h, len)))
		goto bad;
	if (h->dport == htons(68) && dhcp_input(nb, ip)) {
		netbuf_free(nb);
		return;
	}
	s = udp_lookup(ip->src, h->sport, ip->dst, h->dport);
	if (!s) {
		if (!ip_is_broadcast(ip->dst) && !(nb->dev && ip->dst == (nb->dev->addr | ~nb->dev->netmask)))
			icmp_send_error(ip, (uint32_t)((ip->ver_ihl & 15) * 4u) + len,
					ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
		netbuf_free(nb);
		return;
	}
	if (s->rq_bytes + nb->size > (size_t)s->rcvbuf || (s->shut & RCV_SHUT)) {
		netbuf_free(nb);	/* full: dropped, as Linux does */
		return;
	}
	nb->src_addr = ip->src;
	nb->src_port = h->sport;
	netbuf_pull(nb, UDP_HLEN);
	inet_dgram_enqueue(s, nb);
	return;
bad:
	if (nb->dev)
		nb->dev->stats.rx_errors++;
	netbuf_free(nb);
}

void udp_icmp_error(const struct ip_hdr *ip, const uint8_t *l4, uint32_t l4len, int err)
{
	const struct udp_hdr *h = (const struct udp_hdr *)l4;

	(void)l4len;
	for (struct inet_sock *s = udp_socks; s; s = s->next) {
		if (s->lport == h->sport && s->state == IS_CONNECTED && s->raddr == ip->dst &&
		    s->rport == h->dport) {
			s->err = err;
			wq_wake_all(&s->wq);
		}
	}
}

static int udp_connect(struct inet_sock *s, const struct sockaddr_in_k *sa, bool nonblock)
{
	struct netdev *d;
	uint32_t hop, src;
	int err;

	(void)nonblock;
	if (sa->sin_family == AF_UNSPEC) {	/* dissolve the association */
		s->state = IS_CLOSED;
		s->raddr = 0;
		s->rport = 0;
		return 0;
	}
	if ((err = inet_addr_check(sa, sizeof(*sa))))
		return err;
	if ((err = ip_route(sa->sin_addr ? sa->sin_addr : htonl(0x7f000001), &d, &hop, &src)))
		return err;
	if (!s->lport && (err = inet_bind_local(s, 0, 0)))
		return err;
	if (!s->laddr)
		s->laddr = src;
	s->raddr = sa->sin_addr ? sa->sin_addr : htonl(0x7f000001);
	s->rport = sa->sin_port;
	s->state = IS_CONNECTED;
	s->err = 0;
	return 0;
}

static ssize_t udp_send(struct inet_sock *s, struct unix_msg *m, const struct sockaddr_in_k *to,
			bool nonblock)
{
	uint32_t dst, src, hop;
	uint16_t dport;
	struct netdev *d;
	struct netbuf *nb;
	struct udp_hdr *h;
	int err;

	(void)nonblock;
	if (s->shut & SEND_SHUT)
		return -EPIPE;
	if (to) {
		dst = to->sin_addr;
		dport = to->sin_port;
		if (!dport)
			return -EINVAL;
	} else if (s->state == IS_CONNECTED) {
		if (s->err) {
			err = s->err;
			s->err = 0;
			return -err;
		}
		dst = s->raddr;
		dport = s->rport;
	} else {
		return -EDESTADDRREQ;
	}
	if (!dst)
		dst = htonl(0x7f000001);	/* INADDR_ANY: this host, as Linux */
	if (m->len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if ((err = ip_route(dst, &d, &hop, &src)))
		return err;
	if (!s->lport && (err = inet_bind_local(s, 0, 0)))
		return err;
	if (s->laddr && !ip_is_broadcast(s->laddr))
		src = s->laddr;
	if (!(nb = netbuf_alloc(UDP_HLEN + m->len)))
		return -ENOBUFS;
	h = (struct udp_hdr *)netbuf_put(nb, UDP_HLEN + (uint32_t)m->len);
	if (msg_iov_copy(m, 0, h + 1, m->len, false)) {
		netbuf_free(nb);
		return -EFAULT;
	}
	h->sport = s->lport;
	h->dport = dport;
	h->len = htons((uint16_t)nb->len);
	h->csum = 0;
	h->csum = csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_UDP, (uint16_t)nb->len), h, nb->len));
	if (!h->csum)
		h->csum = 0xffff;	/* 0 means "no checksum" */
	err = ip_output(nb, src, dst, IPPROTO_UDP, (uint8_t)s->ttl);
	return err ? err : (ssize_t)m->len;
}

static bool dgram_readable(void *arg)
{
	struct inet_sock *s = arg;
	return s->rq_head || s->err || (s->shut & RCV_SHUT);
}

ssize_t inet_dgram_recv(struct inet_sock *s, struct unix_msg *m, bool nonblock)
{
	struct netbuf *nb;
	struct sockaddr_in_k sa = { .sin_family = AF_INET };
	size_t n;
	int err;

	while (!s->rq_head) {
		if (s->err) {
			err = s->err;
			s->err = 0;
			return -err;
		}
		if (s->shut & RCV_SHUT)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if ((err = inet_wait(s, dgram_readable, s->rcvtimeo)))
			return err;
	}
	bool want_full = m->flags & MSG_TRUNC;	/* the datagram's length, however much fits */
	m->flags &= ~MSG_TRUNC;
	nb = s->rq_head;
	n = MIN(m->len, (size_t)nb->len);
	if (msg_iov_copy(m, 0, nb->data, n, true))
		return -EFAULT;
	sa.sin_addr = nb->src_addr;
	sa.sin_port = nb->src_port;
	memcpy(&m->addr, &sa, sizeof(sa));
	m->addrlen = sizeof(sa);
	if (n < nb->len)
		m->flags |= MSG_TRUNC;
	if (want_full)
		n = nb->len;
	if (!(m->flags & MSG_PEEK)) {
		s->rq_head = nb->next;
		if (!s->rq_head)
			s->rq_tail = NULL;
		s->rq_bytes -= nb->size;
		netbuf_free(nb);
	}
	return (ssize_t)n;
}

unsigned inet_dgram_poll(struct inet_sock *s)
{
	unsigned mask = POLLOUT | POLLWRNORM;

	if (s->rq_head)
		mask |= POLLIN | POLLRDNORM;
	if (s->err)
		mask |= POLLERR;
	if (s->shut & RCV_SHUT)
		mask |= POLLIN | POLLRDNORM;
	if (s->shut == (RCV_SHUT | SEND_SHUT))
		mask |= POLLHUP;
	return mask;
}

int inet_dgram_shutdown(struct inet_sock *s, int how)
{
	if (s->state != IS_CONNECTED)
		return -ENOTCONN;
	s->shut |= how == 0 ? RCV_SHUT : how == 1 ? SEND_SHUT : RCV_SHUT | SEND_SHUT;
	wq_wake_all(&s->wq);
	return 0;
}

static void udp_close(struct inet_sock *s)
{
	inet_unhash(s);
}

int inet_dgram_inq(struct inet_sock *s)
{
	return s->rq_head ? (int)s->rq_head->len : 0;
}

const struct inet_proto udp_proto = {
	.connect = udp_connect,
	.send = udp_send,
	.recv = inet_dgram_recv,
	.poll = inet_dgram_poll,
	.shutdown = inet_dgram_shutdown,
	.close = udp_close,
	.inq = inet_dgram_inq,
	.list = &udp_socks,
};
