/*
 * ipfrag.c - IPv4 fragmentation (RFC 791): splitting what is larger than the
 * route's MTU, and putting received fragments back together.
 *
 * Reassembly keeps at most FRAG_SLOTS datagrams in progress, each in a
 * 64 KiB buffer with a bitmap of the 8-byte blocks received; a datagram is
 * complete when its last fragment has set the length and every block before
 * it is there.  Unfinished ones are dropped after 30 s (Linux's ipfrag_time),
 * or when a new datagram needs the slot (the oldest goes).  Fragments that
 * are malformed (a middle one not a multiple of 8, past 64 KiB, or
 * disagreeing about the end) drop the whole datagram; overlaps overwrite.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include <aegis/time.h>

#include "inet.h"

#define FRAG_SLOTS	16
#define FRAG_TIMEOUT_NS	30000000000ull
#define FRAG_PAYLOAD	(65535 - IP_HLEN)
#define FRAG_BLOCKS	((65536 + 7) / 8)

struct frag {
	uint8_t *buf;			/* NULL: slot unused; else FRAG_PAYLOAD bytes */
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint64_t started;
	uint32_t total;			/* payload length, known from the last fragment (0: not yet) */
	uint8_t hdr[60];		/* the first fragment's header */
	uint32_t hlen;			/* 0 until the first fragment came */
	uint8_t map[FRAG_BLOCKS / 8];
};

static struct frag frags[FRAG_SLOTS];	/* [N] */
uint64_t ip_frag_dropped;		/* [N] datagrams given up */

static void frag_drop(struct frag *f)
{

	kfree(f->buf);
	f->buf = NULL;
	ip_frag_dropped++;
}

static struct frag *frag_find(const struct ip_hdr *h, uint64_t now)
{
	struct frag *free = NULL, *oldest = NULL;

	for (int i = 0; i < FRAG_SLOTS; i++) {
		struct frag *f = &frags[i];
		if (!f->buf) {
			free = free ? free : f;
			continue;
		}
		if (f->src == h->src && f->dst == h->dst && f->id == h->id && f->proto == h->proto)
			return f;
		if (!oldest || f->started < oldest->started)
			oldest = f;
	}
	if (!free) {
		frag_drop(oldest);
		free = oldest;
	}
	memset(free, 0, sizeof(*free));
	if (!(free->buf = kmalloc(FRAG_PAYLOAD)))
		return NULL;
	free->src = h->src;
	free->dst = h->dst;
	free->id = h->id;
	free->proto = h->proto;
	free->started = now;
	return free;
}

static bool frag_complete(const struct frag *f)
{
	if (!f->total || !f->hlen)
		return false;
	for (uint32_t b = 0; b < (f->total + 7) / 8; b++)
		if (!(f->map[b / 8] & (1u << (b % 8))))
			return false;
	return true;
}

/* The whole datagram, header first, as one buffer (the frag slot is freed). */
static struct netbuf *frag_assemble(struct frag *f, struct netdev *dev)
{
	struct netbuf *nb = netbuf_alloc(f->hlen + f->total);
	struct ip_hdr *h;

	if (nb) {
		h = (struct ip_hdr *)netbuf_put(nb, f->hlen + f->total);
		memcpy(h, f->hdr, f->hlen);
		memcpy((uint8_t *)h + f->hlen, f->buf, f->total);
		h->len = htons((uint16_t)(f->hlen + f->total));
		h->frag = 0;
		nb->dev = dev;
	}
	kfree(f->buf);
	f->buf = NULL;
	return nb;
}

struct netbuf *ip_reassemble(struct netbuf *nb, const struct ip_hdr *h, uint32_t hlen)
{
	uint16_t fo = ntohs(h->frag);
	uint32_t off = (fo & IP_OFFMASK) * 8u, len = nb->len - hlen;
	bool more = fo & IP_MF;
	struct netdev *dev = nb->dev;
	struct frag *f;

	if (off + len > FRAG_PAYLOAD || (more && (len & 7)) || (more && !len)) {
		ip_frag_dropped++;
		netbuf_free(nb);
		return NULL;
	}
	f = frag_find(h, time_ns());
	if (!f) {
		netbuf_free(nb);
		return NULL;
	}
	if (!more) {
		if (f->total && f->total != off + len) {	/* two different ends */
			frag_drop(f);
			netbuf_free(nb);
			return NULL;
		}
		f->total = off + len;
	}
	if (f->total && off + len > f->total) {
		frag_drop(f);
		netbuf_free(nb);
		return NULL;
	}
	if (!off) {
		memcpy(f->hdr, h, hlen);
		f->hlen = hlen;
	}
	memcpy(f->buf + off, nb->data + hlen, len);
	for (uint32_t b = off / 8; b < (off + len + 7) / 8; b++)
		if (!more || b < (off + len) / 8)	/* a middle fragment covers whole blocks */
			f->map[b / 8] |= (uint8_t)(1u << (b % 8));
	netbuf_free(nb);
	return frag_complete(f) ? frag_assemble(f, dev) : NULL;
}

uint64_t ipfrag_timers(uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < FRAG_SLOTS; i++) {
		struct frag *f = &frags[i];
		if (!f->buf)
			continue;
		if ((int64_t)(now - f->started) >= (int64_t)FRAG_TIMEOUT_NS)
			frag_drop(f);
		else
			next = MIN(next, f->started + FRAG_TIMEOUT_NS);
	}
	return next;
}

int ip_fragment_output(struct netbuf *nb, const struct ip_hdr *tmpl, struct netdev *d, uint32_t hop)
{
	uint32_t payload = nb->len, step = (d->mtu - IP_HLEN) & ~7u;
	int err = 0;

	if (step < 8) {
		netbuf_free(nb);
		return -EMSGSIZE;
	}
	for (uint32_t off = 0; off < payload; off += step) {
		uint32_t n = MIN(step, payload - off);
		struct netbuf *p = netbuf_alloc(n);
		struct ip_hdr *h;
		int e;
		if (!p) {
			err = -ENOBUFS;
			break;
		}
		memcpy(netbuf_put(p, n), nb->data + off, n);
		h = (struct ip_hdr *)netbuf_push(p, IP_HLEN);
		*h = *tmpl;
		h->len = htons((uint16_t)(IP_HLEN + n));
		h->frag = htons((uint16_t)(off / 8) | (off + n < payload ? IP_MF : 0));
		h->csum = 0;
		h->csum = csum_fold(csum_add(0, h, IP_HLEN));
		e = (d->flags & IFF_LOOPBACK) ? d->ops->xmit(d, p) : eth_output(d, p, hop);
		if (e && !err)
			err = e;
	}
	netbuf_free(nb);
	return err;
}
