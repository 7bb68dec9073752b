/*
 * unix_msg.c - the AF_UNIX data path: one kmalloc'd unix_skb per message (or per
 * chunk of a stream write), filled from user memory before unix_lock is taken and
 * copied out by the receiver under it.  Streams read across skbs (stopping after
 * one that carries descriptors); DGRAM and SEQPACKET deliver one skb per call,
 * truncating as Linux does.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "internal.h"

#define STREAM_CHUNK	(16384 - sizeof(struct unix_skb))
#define DGRAM_QLEN	10

/* Copies n bytes at offset off of the message's iovecs to or from kbuf. */
int msg_iov_copy(struct unix_msg *m, size_t off, void *kbuf, size_t n, bool to_user)
{
	char *k = kbuf;

	for (size_t i = 0; i < m->niov && n; i++) {
		size_t l = m->iov[i].iov_len;
		if (off >= l) {
			off -= l;
			continue;
		}
		size_t c = MIN(n, l - off);
		char *u = (char *)m->iov[i].iov_base + off;
		long r = 0;
		if (!m->user)
			to_user ? memcpy(u, k, c) : memcpy(k, u, c);
		else
			r = to_user ? copy_to_user((void __user *)u, k, c)
				    : copy_from_user(k, (const void __user *)u, c);
		if (r)
			return -EFAULT;
		k += c;
		n -= c;
		off = 0;
	}
	return 0;
}

static struct unix_skb *skb_make(struct unix_sock *s, struct unix_msg *m, size_t off, size_t n,
				 bool first)
{
	struct unix_skb *skb = kmalloc(sizeof(*skb) + n);

	if (!skb)
		return ERR_PTR(-ENOBUFS);
	skb->next = NULL;
	skb->len = n;
	skb->off = 0;
	skb->nfds = 0;
	skb->fds = NULL;
	skb->addrlen = 0;
	if (m->has_cred)
		skb->cred = m->cred;
	else
		unix_cred_current(&skb->cred);
	if (msg_iov_copy(m, off, skb->data, n, false)) {
		kfree(skb);
		return ERR_PTR(-EFAULT);
	}
	if (first && m->nfds) {
		skb->nfds = m->nfds;
		skb->fds = m->fds;
		m->nfds = 0;
		m->fds = NULL;
	}
	return skb;
}

static void enqueue(struct unix_sock *r, struct unix_skb *skb)
{
	if (r->rq_tail)
		r->rq_tail->next = skb;
	else
		r->rq_head = skb;
	r->rq_tail = skb;
	r->rq_bytes += skb->len;
	r->rq_len++;
}

struct room {
	struct unix_sock *r;
	size_t limit;
};

static bool has_room(void *arg)
{
	struct room *w = arg;
	struct unix_sock *r = w->r;

	if (r->dead || (r->shut & RCV_SHUT))
		return true;
	return r->type == SOCK_DGRAM ? r->rq_len <= DGRAM_QLEN : r->rq_bytes < w->limit;
}

/* EPIPE; only streams raise SIGPIPE (Linux's dgram/seqpacket sendmsg does not). */
static ssize_t epipe(struct unix_sock *s, struct unix_msg *m)
{
	if (s->type == SOCK_STREAM && !(m->flags & MSG_NOSIGNAL))
		signal_send_task(current_task(), SIGPIPE, NULL);
	return -EPIPE;
}

/* Waits for room in r's queue; unix_lock held, and held again on return. */
static int wait_room(struct unix_sock *s, struct unix_sock *r, bool nonblock)
{
	struct room w = { r, (size_t)s->sndbuf };

	if (has_room(&w))
		return 1;
	if (nonblock)
		return -EAGAIN;
	mutex_unlock(&unix_lock);
	int err = wq_wait(&r->wq, has_room, &w, true, unix_deadline(s->sndtimeo));
	mutex_lock(&unix_lock);
	if (err)
		return err == -ETIMEDOUT ? -EAGAIN : -ERESTARTSYS;
	return 0;
}

static ssize_t stream_send(struct unix_sock *s, struct unix_msg *m, bool nonblock)
{
	size_t sent = 0;
	ssize_t err = 0;

	if (m->to)
		return s->state == SS_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (s->type == SOCK_SEQPACKET && m->len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	do {
		size_t n = s->type == SOCK_SEQPACKET ? m->len : MIN(m->len - sent, STREAM_CHUNK);
		if (s->type == SOCK_STREAM && !n)
			break;
		struct unix_skb *skb = skb_make(s, m, sent, n, !sent);
		if (IS_ERR(skb)) {
			err = PTR_ERR(skb);
			break;
		}
		mutex_lock(&unix_lock);
		struct unix_sock *r;
		for (;;) {
			r = s->peer;
			if (s->state != SS_CONNECTED)
				err = -ENOTCONN;
			else if ((s->shut & SEND_SHUT) || r->dead || (r->shut & RCV_SHUT))
				err = -EPIPE;
			else if ((err = wait_room(s, r, nonblock)) == 1)
				err = 0;
			else if (!err)
				continue;
			break;
		}
		if (!err)
			enqueue(r, skb);
		mutex_unlock(&unix_lock);
		if (err) {
			unix_skb_free(skb);
			break;
		}
		wq_wake_all(&r->wq);
		sent += n;
	} while (sent < m->len);
	if (sent)
		return (ssize_t)sent;
	return err == -EPIPE ? epipe(s, m) : err;
}

static ssize_t dgram_send(struct unix_sock *s, struct unix_msg *m, bool nonblock)
{
	struct unix_sock *r = NULL;
	ssize_t err;

	if (m->len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	if (m->to && (err = unix_find(m->to, &r)))
		return err;
	struct unix_skb *skb = skb_make(s, m, 0, m->len, true);
	if (IS_ERR(skb)) {
		unix_sock_put(r);
		return PTR_ERR(skb);
	}
	mutex_lock(&unix_lock);
	for (;;) {
		struct unix_sock *t = r ? r : s->peer;
		if (!t) {
			err = -ENOTCONN;
		} else if (t->type != s->type) {
			err = -EPROTOTYPE;
		} else if (t->dead) {
			err = -ECONNREFUSED;
		} else if (t->peer && t->peer != s) {
			err = -EPERM;
		} else if (s->shut & SEND_SHUT || t->shut & RCV_SHUT) {
			err = -EPIPE;
		} else if ((err = wait_room(s, t, nonblock)) == 1) {
			if (s->addrlen) {
				skb->addrlen = s->addrlen;
				skb->addr = s->addr;
			}
			enqueue(t, skb);
			skb = NULL;
			err = 0;
			mutex_unlock(&unix_lock);
			wq_wake_all(&t->wq);
			unix_sock_put(r);
			return (ssize_t)m->len;
		} else if (!err) {
			continue;
		}
		break;
	}
	mutex_unlock(&unix_lock);
	unix_skb_free(skb);
	unix_sock_put(r);
	return err == -EPIPE ? epipe(s, m) : err;
}

/* Sends m; Context: may sleep, unix_lock not held.  Frees or passes on m->fds. */
ssize_t unix_send(struct unix_sock *s, struct unix_msg *m, bool nonblock)
{
	ssize_t r;

	if (m->flags & MSG_OOB)
		r = -EOPNOTSUPP;
	else if (s->type == SOCK_DGRAM)
		r = dgram_send(s, m, nonblock || (m->flags & MSG_DONTWAIT));
	else
		r = stream_send(s, m, nonblock || (m->flags & MSG_DONTWAIT));
	for (int k = 0; k < m->nfds; k++)
		file_put(m->fds[k]);
	kfree(m->fds);
	m->nfds = 0;
	m->fds = NULL;
	return r;
}

static bool can_recv(void *arg)
{
	struct unix_sock *s = arg;
	return s->rq_head || s->err || (s->shut & RCV_SHUT) || s->state == SS_LISTENING;
}

/* Takes skb's descriptors into m (duplicating them for MSG_PEEK). */
static void take_fds(struct unix_msg *m, struct unix_skb *skb, bool peek)
{
	if (!skb->nfds)
		return;
	if (!peek) {
		m->fds = skb->fds;
		m->nfds = skb->nfds;
		skb->fds = NULL;
		skb->nfds = 0;
		return;
	}
	m->fds = kmalloc(skb->nfds * sizeof(struct file *));
	if (!m->fds)
		return;
	for (int k = 0; k < skb->nfds; k++)
		file_get(m->fds[k] = skb->fds[k]);
	m->nfds = skb->nfds;
}

/* Receives into m; Context: may sleep, unix_lock not held. */
ssize_t unix_recv(struct unix_sock *s, struct unix_msg *m, bool nonblock)
{
	struct unix_skb *freed = NULL, **tailp = &freed;
	size_t done = 0, want = m->len;
	int in = m->flags;
	bool peek = in & MSG_PEEK;
	ssize_t err = 0;

	if (in & MSG_OOB)
		return -EOPNOTSUPP;
	m->flags = 0;
	nonblock = nonblock || (in & MSG_DONTWAIT);
	if (!want && s->type == SOCK_STREAM)
		return 0;
	mutex_lock(&unix_lock);
	if (s->type != SOCK_DGRAM && s->state != SS_CONNECTED) {
		mutex_unlock(&unix_lock);
		return s->type == SOCK_STREAM ? -EINVAL : -ENOTCONN;
	}
	for (;;) {
		if (!s->rq_head) {
			if (done && (s->type != SOCK_STREAM || !(in & MSG_WAITALL) ||
				     done >= want))
				break;
			if (s->err) {
				if (!done)
					err = -s->err;
				s->err = 0;
				break;
			}
			if (s->shut & RCV_SHUT)
				break;
			if (nonblock) {
				if (!done)
					err = -EAGAIN;
				break;
			}
			mutex_unlock(&unix_lock);
			int r = wq_wait(&s->wq, can_recv, s, true, unix_deadline(s->rcvtimeo));
			mutex_lock(&unix_lock);
			if (r) {
				if (!done)
					err = r == -ETIMEDOUT ? -EAGAIN : -ERESTARTSYS;
				break;
			}
			continue;
		}
		struct unix_skb *skb = s->rq_head;
		if (s->type != SOCK_STREAM) {
			size_t n = MIN(want, skb->len);
			if (msg_iov_copy(m, 0, skb->data, n, true)) {
				err = -EFAULT;
				break;
			}
			if (n < skb->len)
				m->flags |= MSG_TRUNC;
			done = (in & MSG_TRUNC) ? skb->len : n;
			m->cred = skb->cred;
			m->addrlen = skb->addrlen;
			if (skb->addrlen)
				m->addr = skb->addr;
			take_fds(m, skb, peek);
			if (!peek) {
				s->rq_head = skb->next;
				if (!s->rq_head)
					s->rq_tail = NULL;
				s->rq_bytes -= skb->len;
				s->rq_len--;
				*tailp = skb;
				skb->next = NULL;
			}
			break;
		}
		/* A stream: walk the skbs from the head (peek) or consume them. */
		if (s->peer && s->peer->addrlen) {
			m->addrlen = s->peer->addrlen;
			m->addr = s->peer->addr;
		}
		struct unix_skb *cur = skb;
		size_t skip = 0;
		bool stop = false;
		while (cur && done < want && !stop) {
			size_t avail = cur->len - cur->off - skip;
			size_t n = MIN(avail, want - done);
			if (msg_iov_copy(m, done, cur->data + cur->off + skip, n, true)) {
				if (!done)
					err = -EFAULT;
				stop = true;
				break;
			}
			if (!done)
				m->cred = cur->cred;
			done += n;
			if (cur->nfds) {
				take_fds(m, cur, peek);
				stop = true;
			}
			if (peek) {
				skip = 0;
				cur = n == avail ? cur->next : NULL;
				continue;
			}
			cur->off += n;
			s->rq_bytes -= n;
			if (cur->off == cur->len) {
				s->rq_head = cur->next;
				if (!s->rq_head)
					s->rq_tail = NULL;
				s->rq_len--;
				*tailp = cur;
				tailp = &cur->next;
				cur->next = NULL;
				cur = s->rq_head;
			}
		}
		if (stop || peek || done >= want || !(in & MSG_WAITALL) || nonblock)
			break;
	}
	mutex_unlock(&unix_lock);
	if (freed || !peek)
		wq_wake_all(&s->wq);
	while (freed) {
		struct unix_skb *next = freed->next;
		unix_skb_free(freed);
		freed = next;
	}
	return err ? err : (ssize_t)done;
}
