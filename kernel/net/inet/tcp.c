/*
 * tcp.c - TCP sockets: the glue between the socket calls, the packets and the
 * state machine in tcp_core.c.
 *
 * Every socket that owns a port is in tcp_socks: listeners, connections, and
 * connections whose file is closed but which still have a FIN to exchange or
 * TIME-WAIT to sit out.  A connection leaves the list (dropping the list's
 * reference) when its state machine reaches CLOSED.  Arriving segments find
 * their connection by the four addresses, else a listener by port; a SYN to a
 * listener makes a child socket, which waits in the listener's accept queue
 * once its handshake completes.
 *
 * Every call into the core holds a reference on the socket, and what the core
 * reports (events) is acted on after it returns (tcp_settle), so a socket is
 * never freed or unlinked under the core's feet.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/random.h>
#include <aegis/string.h>
#include <aegis/time.h>

#include "../internal.h"
#include "inet.h"

#define TCP_RING	65536		/* bytes in each direction: the window is 16 bits */
#define TCP_MAX_MSS	16344		/* loopback's MSS: four segments per window */
#define SOMAXCONN	4096
#define MAX_HALF_OPEN	64		/* per listener: each holds 128 KiB of buffers */
#define ORPHAN_FIN_WAIT_NS 60000000000ull	/* Linux's tcp_fin_timeout */

static struct inet_sock *tcp_socks;	/* [N] */

/* ------------------------------------------------------------ output */

static void send_segment(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
			 const struct tcp_seg *seg, uint8_t ttl)
{
	uint32_t optlen = seg->mss ? 4 : 0;
	uint32_t plen = (uint32_t)(seg->len + seg->len2);
	struct netbuf *nb = netbuf_alloc(TCP_HLEN + optlen + plen);
	struct tcp_hdr *h;
	uint8_t *p;

	if (!nb)
		return;		/* a loss: the core retransmits */
	h = (struct tcp_hdr *)netbuf_put(nb, TCP_HLEN + optlen + plen);
	h->sport = sport;
	h->dport = dport;
	h->seq = htonl(seg->seq);
	h->ack = htonl(seg->ack);
	h->off = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	h->flags = seg->flags;
	h->wnd = htons(seg->wnd);
	h->csum = 0;
	h->urg = 0;
	p = (uint8_t *)(h + 1);
	if (optlen) {
		p[0] = 2;
		p[1] = 4;
		p[2] = (uint8_t)(seg->mss >> 8);
		p[3] = (uint8_t)seg->mss;
		p += 4;
	}
	if (seg->len)
		memcpy(p, seg->data, seg->len);
	if (seg->len2)
		memcpy(p + seg->len, seg->data2, seg->len2);
	h->csum = csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_TCP, (uint16_t)nb->len), h,
				     nb->len));
	ip_output(nb, src, dst, IPPROTO_TCP, ttl);
}

static void tcp_emit(void *ctx, const struct tcp_seg *seg)
{
	struct inet_sock *s = ctx;
	send_segment(s->laddr, s->lport, s->raddr, s->rport, seg, (uint8_t)s->ttl);
}

/* ------------------------------------------------------------ events */

/* takes c out of a listener's accept queue: true if it was there */
static bool queue_remove(struct inet_sock *l, struct inet_sock *c)
{
	struct inet_sock *prev = NULL;

	for (struct inet_sock *x = l->aq_head; x; prev = x, x = x->aq_next) {
		if (x != c)
			continue;
		if (prev)
			prev->aq_next = c->aq_next;
		else
			l->aq_head = c->aq_next;
		if (l->aq_tail == c)
			l->aq_tail = prev;
		c->aq_next = NULL;
		l->aq_len--;
		return true;
	}
	return false;
}

static void tcp_event(void *ctx, unsigned ev)
{
	struct inet_sock *s = ctx, *l = s->parent;

	if ((ev & TCP_EV_ERROR) && s->tcb->err)
		s->err = s->tcb->err;
	if (ev & TCP_EV_CONNECTED) {
		s->state = IS_CONNECTED;
		if (l) {		/* handshake done: ready to be accepted */
			l->pending--;
			l->aq_len++;
			s->aq_next = NULL;
			if (l->aq_tail)
				l->aq_tail->aq_next = s;
			else
				l->aq_head = s;
			l->aq_tail = s;
			wq_wake_all(&l->wq);
		}
	}
	wq_wake_all(&s->wq);
}

static const struct tcp_ops tcp_core_ops = { .emit = tcp_emit, .event = tcp_event };

/*
 * After a call into the core: a connection that reached CLOSED leaves the
 * table and, if never accepted, its listener (which held a reference for the
 * file accept() would have made); an orphan that receives data is reset, as
 * nobody will read it.  Called with a reference held.
 */
static void tcp_settle(struct inet_sock *s)
{
	struct tcb *t = s->tcb;

	if (!t)
		return;
	if (s->dead && t->state != TCP_CLOSED && t->rcv.len)
		tcp_abort(t, time_ns());
	if (t->state != TCP_CLOSED)
		return;
	s->state = IS_CLOSED;
	if (s->parent) {
		struct inet_sock *l = s->parent;
		if (!queue_remove(l, s))
			l->pending--;
		s->parent = NULL;
		inet_sock_put(s);	/* the accept queue's reference */
	}
	inet_unhash(s);
}

/* Run fn on s's connection, then settle what it caused. */
#define CORE_CALL(s, call)			\
	do {					\
		inet_sock_get(s);		\
		call;				\
		tcp_settle(s);			\
		inet_sock_put(s);		\
	} while (0)

static struct tcb *tcb_alloc(struct inet_sock *s, uint16_t mss)
{
	struct tcb *t = kzalloc(sizeof(*t));
	uint8_t *snd = kmalloc(TCP_RING), *rcv = kmalloc(TCP_RING);

	if (!t || !snd || !rcv) {
		kfree(t);
		kfree(snd);
		kfree(rcv);
		return NULL;
	}
	tcp_init(t, &tcp_core_ops, s, snd, TCP_RING, rcv, TCP_RING, mss);
	t->nodelay = s->nodelay;
	return t;
}

static void tcb_free(struct inet_sock *s)
{
	if (!s->tcb)
		return;
	kfree(s->tcb->snd.buf);
	kfree(s->tcb->rcv.buf);
	kfree(s->tcb);
	s->tcb = NULL;
}

static uint16_t route_mss(uint32_t dst)
{
	struct netdev *d;
	uint32_t hop, src;

	if (ip_route(dst, &d, &hop, &src))
		return 536;
	return (uint16_t)MIN(d->mtu - IP_HLEN - TCP_HLEN, (uint32_t)TCP_MAX_MSS);
}

static uint32_t new_iss(void)
{
	uint32_t iss;
	get_random_bytes(&iss, sizeof(iss));
	return iss;
}

/* ------------------------------------------------------------ input */

static struct inet_sock *find_connection(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	for (struct inet_sock *s = tcp_socks; s; s = s->next)
		if (s->tcb && s->lport == dport && s->rport == sport && s->raddr == src &&
		    s->laddr == dst && s->tcb->state != TCP_CLOSED)
			return s;
	return NULL;
}

static struct inet_sock *find_listener(uint32_t dst, uint16_t dport)
{
	struct inet_sock *wild = NULL;

	for (struct inet_sock *s = tcp_socks; s; s = s->next) {
		if (s->state != IS_LISTEN || s->lport != dport)
			continue;
		if (s->laddr == dst)
			return s;
		if (!s->laddr)
			wild = s;
	}
	return wild;
}

/* The MSS option of a SYN; the other options are skipped. */
static uint16_t parse_mss(const uint8_t *opt, uint32_t len)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t kind = opt[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			break;
		if (kind == 2 && opt[i + 1] == 4)
			return (uint16_t)(opt[i + 2] << 8 | opt[i + 3]);
		i += opt[i + 1];
	}
	return 0;
}

static void reply_reset(const struct ip_hdr *ip, const struct tcp_hdr *h, const struct tcp_seg *seg)
{
	struct tcp_seg r;

	if (tcp_reset_for(seg, &r))
		send_segment(ip->dst, h->dport, ip->src, h->sport, &r, 64);
}

/* The listener's oldest half-open connection (the list is newest first). */
static struct inet_sock *oldest_half_open(struct inet_sock *l)
{
	struct inet_sock *old = NULL;

	for (struct inet_sock *c = tcp_socks; c; c = c->next)
		if (c->parent == l && c->state == IS_CONNECTING)
			old = c;
	return old;
}

/*
 * A SYN for listener l: a child socket in SYN_RECEIVED.  Nothing if the
 * accept queue is full (the peer will retry, as with Linux).  Half-open
 * connections are limited apart from it: past MAX_HALF_OPEN the oldest one
 * makes room, so a flood of SYNs that are never completed cannot lock out
 * real clients (Linux answers floods with SYN cookies instead).
 */
static void listener_syn(struct inet_sock *l, const struct ip_hdr *ip, const struct tcp_hdr *h,
			 const struct tcp_seg *seg)
{
	struct inet_sock *c;

	if (l->aq_len > l->backlog)
		return;
	if (l->pending >= MAX_HALF_OPEN && (c = oldest_half_open(l)))
		CORE_CALL(c, tcp_abort(c->tcb, time_ns()));
	if (l->pending >= MAX_HALF_OPEN)
		return;
	c = inet_sock_alloc(SOCK_STREAM, IPPROTO_TCP, &tcp_proto);
	if (!c)
		return;
	c->reuseaddr = l->reuseaddr;
	c->nodelay = l->nodelay;
	c->ttl = l->ttl;
	c->laddr = ip->dst;
	c->lport = h->dport;
	c->raddr = ip->src;
	c->rport = h->sport;
	c->tcb = tcb_alloc(c, route_mss(ip->src));
	if (!c->tcb) {
		inet_sock_put(c);
		return;
	}
	c->state = IS_CONNECTING;
	c->parent = l;		/* c's reference is now the accept queue's */
	l->pending++;
	c->next = tcp_socks;	/* the four addresses are unique: no bind check */
	tcp_socks = c;
	c->hashed = true;
	inet_sock_get(c);
	CORE_CALL(c, tcp_accept_syn(c->tcb, seg, new_iss(), time_ns()));
}

void tcp_input_packet(struct netbuf *nb, const struct ip_hdr *ip)
{
	const struct tcp_hdr *h = (const struct tcp_hdr *)nb->data;
	struct tcp_seg seg = { 0 };
	struct inet_sock *s;
	uint32_t hlen;

	if (nb->len < TCP_HLEN)
		goto bad;
	hlen = (h->off >> 4) * 4u;
	if (hlen < TCP_HLEN || hlen > nb->len ||
	    csum_fold(csum_add(csum_pseudo(ip->src, ip->dst, IPPROTO_TCP, (uint16_t)nb->len), h,
			       nb->len)))
		goto bad;
	if (ip_is_broadcast(ip->dst) || (nb->dev && ip->dst == (nb->dev->addr | ~nb->dev->netmask)))
		goto drop;
	seg.seq = ntohl(h->seq);
	seg.ack = ntohl(h->ack);
	seg.flags = h->flags & 0x3f;
	seg.wnd = ntohs(h->wnd);
	if (seg.flags & TCP_SYN)
		seg.mss = parse_mss((const uint8_t *)(h + 1), hlen - TCP_HLEN);
	seg.data = nb->data + hlen;
	seg.len = nb->len - hlen;

	if ((s = find_connection(ip->src, h->sport, ip->dst, h->dport))) {
		CORE_CALL(s, tcp_input(s->tcb, &seg, time_ns()));
	} else if ((s = find_listener(ip->dst, h->dport))) {
		if (seg.flags & TCP_RST)
			;
		else if (seg.flags & TCP_ACK)
			reply_reset(ip, h, &seg);
		else if ((seg.flags & (TCP_SYN | TCP_FIN)) == TCP_SYN && !s->dead)
			listener_syn(s, ip, h, &seg);
	} else {
		reply_reset(ip, h, &seg);
	}
drop:
	netbuf_free(nb);
	return;
bad:
	if (nb->dev)
		nb->dev->stats.rx_errors++;
	netbuf_free(nb);
}

void tcp_icmp_error(const struct ip_hdr *ip, const uint8_t *l4, uint32_t l4len, int err)
{
	const struct tcp_hdr *h = (const struct tcp_hdr *)l4;
	struct inet_sock *s;

	(void)l4len;
	s = find_connection(ip->dst, h->dport, ip->src, h->sport);
	if (!s)
		return;
	/* a hard error while connecting (RFC 1122 4.2.3.9); later ones are soft */
	if (s->tcb->state == TCP_SYN_SENT && err == ECONNREFUSED) {
		s->err = err;
		CORE_CALL(s, tcp_abort(s->tcb, time_ns()));
	}
}

uint64_t tcp_timers(uint64_t now)
{
	uint64_t next = UINT64_MAX;
	struct inet_sock *s, *n;

	for (s = tcp_socks; s; s = n) {
		inet_sock_get(s);
		if (s->tcb && s->tcb->state != TCP_CLOSED) {
			if (s->dead && s->tcb->state == TCP_FIN_WAIT_2) {
				if (!s->orphan_at)
					s->orphan_at = now;
				else if (now - s->orphan_at >= ORPHAN_FIN_WAIT_NS)
					tcp_abort(s->tcb, now);	/* the peer never closes */
			}
			if (tcp_next_deadline(s->tcb) <= now)
				tcp_timer(s->tcb, now);
			tcp_settle(s);
			if (s->tcb && s->tcb->state != TCP_CLOSED)
				next = MIN(next, tcp_next_deadline(s->tcb));
			if (s->dead && s->tcb && s->tcb->state == TCP_FIN_WAIT_2)
				next = MIN(next, s->orphan_at + ORPHAN_FIN_WAIT_NS);
		}
		n = s->next;	/* settle unlinks only s, and keeps s->next */
		inet_sock_put(s);
	}
	return next;
}

/* ------------------------------------------------------------ socket calls */

static bool connect_done(void *arg)
{
	struct inet_sock *s = arg;
	return s->state != IS_CONNECTING;
}

static int take_err(struct inet_sock *s)
{
	int e = s->err;
	s->err = 0;
	return -e;
}

static int tcp_connect_sock(struct inet_sock *s, const struct sockaddr_in_k *sa, bool nonblock)
{
	struct netdev *d;
	uint32_t dst, hop, src;
	int err;

	if (s->state == IS_LISTEN)
		return -EISCONN;
	if (s->state == IS_CONNECTED)
		return -EISCONN;
	if (s->state == IS_CONNECTING) {
		if (nonblock)
			return -EALREADY;
	} else {
		if ((err = inet_addr_check(sa, sizeof(*sa))))
			return sa->sin_family == AF_UNSPEC ? 0 : err;
		dst = sa->sin_addr ? sa->sin_addr : htonl(0x7f000001);
		if (ip_is_broadcast(dst) || (dst & 0xf0) == 0xe0)
			return -ENETUNREACH;
		if ((err = ip_route(dst, &d, &hop, &src)))
			return err;
		if (s->tcb) {		/* a failed attempt before: start afresh */
			if (s->tcb->state != TCP_CLOSED)
				return -EISCONN;
			tcb_free(s);
		}
		if (!s->lport && (err = inet_bind_local(s, 0, 0)))
			return err;
		if (!s->hashed) {	/* unhashed by an earlier failure: take the port again */
			if ((err = inet_bind_local(s, s->laddr, s->lport)))
				return err;
		}
		if (!s->laddr)
			s->laddr = src;
		s->raddr = dst;
		s->rport = sa->sin_port;
		if (find_connection(dst, s->rport, s->laddr, s->lport))
			return -EADDRNOTAVAIL;
		if (!(s->tcb = tcb_alloc(s, route_mss(dst))))
			return -ENOBUFS;
		s->err = 0;
		s->shut = 0;
		s->state = IS_CONNECTING;
		CORE_CALL(s, tcp_connect(s->tcb, new_iss(), time_ns()));
		net_kick();
		if (nonblock)
			return -EINPROGRESS;
	}
	while (s->state == IS_CONNECTING) {
		if ((err = inet_wait(s, connect_done, s->sndtimeo)))
			return err == -EAGAIN ? -EINPROGRESS : err;
	}
	if (s->state == IS_CONNECTED)
		return 0;
	return s->err ? take_err(s) : -ECONNREFUSED;
}

static int tcp_listen(struct inet_sock *s, int backlog)
{
	int err;

	if (s->state != IS_CLOSED && s->state != IS_LISTEN)
		return -EINVAL;
	if (s->tcb)
		return -EINVAL;
	if (!s->lport && (err = inet_bind_local(s, 0, 0)))
		return err;
	s->backlog = backlog < 0 ? 0 : MIN(backlog, SOMAXCONN);
	s->state = IS_LISTEN;
	return 0;
}

static bool acceptable(void *arg)
{
	struct inet_sock *s = arg;
	return s->aq_head || s->state != IS_LISTEN;
}

static int tcp_accept(struct inet_sock *s, bool nonblock, struct inet_sock **out)
{
	struct inet_sock *c;
	int err;

	for (;;) {
		if (s->state != IS_LISTEN)
			return -EINVAL;
		if (s->aq_head)
			break;
		if (nonblock)
			return -EAGAIN;
		if ((err = inet_wait(s, acceptable, s->rcvtimeo)))
			return err;
	}
	c = s->aq_head;
	queue_remove(s, c);
	c->parent = NULL;	/* its queue reference becomes the file's */
	*out = c;
	return 0;
}

static bool can_send(void *arg)
{
	struct inet_sock *s = arg;
	struct tcp_span sp;

	if (!s->tcb || s->state != IS_CONNECTED || s->err)
		return true;
	tcp_send_space(s->tcb, &sp);
	return sp.n[0] || (s->tcb->state != TCP_ESTABLISHED && s->tcb->state != TCP_CLOSE_WAIT);
}

static ssize_t tcp_send(struct inet_sock *s, struct unix_msg *m, const struct sockaddr_in_k *to,
			bool nonblock)
{
	size_t done = 0;
	int err;

	(void)to;		/* ignored on a connected stream, as Linux does */
	while (s->state == IS_CONNECTING) {
		if (nonblock)
			return -EAGAIN;
		if ((err = inet_wait(s, connect_done, s->sndtimeo)))
			return err;
	}
	if (s->err)
		return take_err(s);
	if (s->state != IS_CONNECTED)
		return -EPIPE;
	if (s->shut & SEND_SHUT)
		return -EPIPE;
	while (done < m->len) {
		struct tcp_span sp;
		if (s->err || !s->tcb)
			break;
		tcp_send_space(s->tcb, &sp);
		if (!sp.n[0]) {
			if (s->tcb->state != TCP_ESTABLISHED && s->tcb->state != TCP_CLOSE_WAIT)
				return done ? (ssize_t)done : -EPIPE;
			if (nonblock)
				break;
			net_kick();
			if ((err = inet_wait(s, can_send, s->sndtimeo)))
				return done ? (ssize_t)done : err;
			continue;
		}
		uint32_t n0 = (uint32_t)MIN((size_t)sp.n[0], m->len - done);
		uint32_t n1 = (uint32_t)MIN((size_t)sp.n[1], m->len - done - n0);
		if (msg_iov_copy(m, done, sp.p[0], n0, false) ||
		    (n1 && msg_iov_copy(m, done + n0, sp.p[1], n1, false)))
			return done ? (ssize_t)done : -EFAULT;
		CORE_CALL(s, tcp_send_commit(s->tcb, n0 + n1, time_ns()));
		done += n0 + n1;
	}
	net_kick();
	if (!done && s->err)
		return take_err(s);
	if (!done && m->len)
		return -EAGAIN;
	return (ssize_t)done;
}

static bool can_recv(void *arg)
{
	struct inet_sock *s = arg;
	struct tcp_span sp;

	if (!s->tcb || s->state != IS_CONNECTED || s->err || (s->shut & RCV_SHUT))
		return true;
	tcp_recv_data(s->tcb, &sp);
	return sp.n[0] || tcp_recv_eof(s->tcb);
}

static ssize_t tcp_recv(struct inet_sock *s, struct unix_msg *m, bool nonblock)
{
	bool peek = m->flags & MSG_PEEK, waitall = (m->flags & MSG_WAITALL) && !nonblock;
	size_t done = 0;
	int err;

	if (m->flags & MSG_OOB)
		return -EINVAL;
	while (s->state == IS_CONNECTING) {
		if (nonblock)
			return -EAGAIN;
		if ((err = inet_wait(s, connect_done, s->rcvtimeo)))
			return err;
	}
	if (!s->tcb)
		return -ENOTCONN;
	while (done < m->len) {
		struct tcp_span sp;
		tcp_recv_data(s->tcb, &sp);
		if (sp.n[0]) {
			uint32_t n0 = (uint32_t)MIN((size_t)sp.n[0], m->len - done);
			uint32_t n1 = (uint32_t)MIN((size_t)sp.n[1], m->len - done - n0);
			if (msg_iov_copy(m, done, sp.p[0], n0, true) ||
			    (n1 && msg_iov_copy(m, done + n0, sp.p[1], n1, true)))
				return done ? (ssize_t)done : -EFAULT;
			if (!peek)
				CORE_CALL(s, tcp_recv_consume(s->tcb, n0 + n1, time_ns()));
			done += n0 + n1;
			if (peek || !waitall)
				break;
			continue;
		}
		if (done && !waitall)
			break;
		if (s->err)
			return done ? (ssize_t)done : take_err(s);
		if (tcp_recv_eof(s->tcb) || (s->shut & RCV_SHUT) || s->state != IS_CONNECTED)
			break;
		if (nonblock)
			return done ? (ssize_t)done : -EAGAIN;
		if ((err = inet_wait(s, can_recv, s->rcvtimeo)))
			return done ? (ssize_t)done : err;
		if (!s->tcb)
			break;
	}
	net_kick();
	return (ssize_t)done;
}

static unsigned tcp_poll(struct inet_sock *s)
{
	unsigned mask = 0;
	struct tcp_span sp;

	if (s->state == IS_LISTEN)
		return s->aq_head ? POLLIN | POLLRDNORM : 0;
	if (s->err)
		mask |= POLLERR;
	if (!s->tcb)		/* never connected */
		return mask | POLLOUT | POLLWRNORM | POLLHUP;
	if (s->state == IS_CONNECTING)
		return mask;
	tcp_recv_data(s->tcb, &sp);
	if (sp.n[0] || tcp_recv_eof(s->tcb) || (s->shut & RCV_SHUT))
		mask |= POLLIN | POLLRDNORM;
	if (tcp_recv_eof(s->tcb) || (s->shut & RCV_SHUT))
		mask |= POLLRDHUP;
	if (s->state == IS_CLOSED || s->tcb->state == TCP_CLOSED)
		mask |= POLLHUP | POLLIN | POLLRDNORM | POLLRDHUP;
	else if ((s->shut & SEND_SHUT) && tcp_recv_eof(s->tcb))
		mask |= POLLHUP;
	tcp_send_space(s->tcb, &sp);
	if (sp.n[0] || s->state == IS_CLOSED || (s->shut & SEND_SHUT))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static int tcp_shutdown(struct inet_sock *s, int how)
{
	if (s->state == IS_LISTEN && how != 1) {
		/* Linux: shutting down a listener's reading ends the listening */
		s->state = IS_CLOSED;
		wq_wake_all(&s->wq);
		return 0;
	}
	if (s->state != IS_CONNECTED && s->state != IS_CONNECTING)
		return -ENOTCONN;
	if (how == 0 || how == 2)
		s->shut |= RCV_SHUT;
	if ((how == 1 || how == 2) && s->tcb && !(s->shut & SEND_SHUT)) {
		s->shut |= SEND_SHUT;
		CORE_CALL(s, tcp_shutdown_send(s->tcb, time_ns()));
		net_kick();
	}
	wq_wake_all(&s->wq);
	return 0;
}

static void abort_children(struct inet_sock *l)
{
	for (struct inet_sock *c = tcp_socks; c; c = c->next) {
		if (c->parent != l)
			continue;
		/* settle() takes c out of l's queues and the list; restart the walk */
		CORE_CALL(c, tcp_abort(c->tcb, time_ns()));
		c = tcp_socks;
		if (!c)
			break;
	}
}

static void tcp_close(struct inet_sock *s)
{
	struct tcp_span sp;

	if (s->state == IS_LISTEN || s->aq_head || s->pending) {
		s->state = IS_CLOSED;
		abort_children(s);
		inet_unhash(s);
		return;
	}
	if (!s->tcb || s->tcb->state == TCP_CLOSED) {
		inet_unhash(s);
		return;
	}
	/* RFC 2525 2.17: closing with unread data resets the connection; a
	 * connection not yet made is simply forgotten (RFC 9293 3.10.4) */
	tcp_recv_data(s->tcb, &sp);
	if (sp.n[0] || s->tcb->state == TCP_SYN_SENT)
		CORE_CALL(s, tcp_abort(s->tcb, time_ns()));
	else
		CORE_CALL(s, tcp_shutdown_send(s->tcb, time_ns()));
	net_kick();
}

static int tcp_inq(struct inet_sock *s)
{
	struct tcp_span sp;

	if (!s->tcb || s->state == IS_LISTEN)
		return 0;
	tcp_recv_data(s->tcb, &sp);
	return (int)(sp.n[0] + sp.n[1]);
}

const struct inet_proto tcp_proto = {
	.connect = tcp_connect_sock,
	.listen = tcp_listen,
	.accept = tcp_accept,
	.send = tcp_send,
	.recv = tcp_recv,
	.poll = tcp_poll,
	.shutdown = tcp_shutdown,
	.close = tcp_close,
	.inq = tcp_inq,
	.list = &tcp_socks,
};
