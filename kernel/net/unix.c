/*
 * unix.c - AF_UNIX sockets: creation, names, connections and the file operations.
 *
 * Names live in one list of bound sockets: a path name is keyed by the S_IFSOCK
 * inode bind() made (so a renamed or unlinked file behaves as on Linux), an
 * abstract name by its bytes.  A stream connect() makes the server's end at once
 * (connected to the client) and queues it on the listener for accept().
 * The data path is in unix_msg.c, the system calls in socket.c.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <aegis/uaccess.h>

#include "internal.h"

#define UNIX_BUF_DEFAULT	212992

struct mutex unix_lock;				/* initialised with the first socket */
static bool unix_lock_ready;
static struct unix_sock *bound_list;		/* [L] */
static unsigned autobind_next;			/* [L] */

struct unix_sock *unix_sock_alloc(int type)
{
	struct unix_sock *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	if (!unix_lock_ready) {
		mutex_init(&unix_lock);
		unix_lock_ready = true;
	}
	s->refcount = 1;
	s->type = type;
	s->sndbuf = s->rcvbuf = UNIX_BUF_DEFAULT;
	wq_init(&s->wq);
	unix_cred_current(&s->cred);
	return s;
}

void unix_sock_put(struct unix_sock *s)
{
	if (s && __atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(s);
}

void unix_cred_current(struct linux_ucred *c)
{
	struct process *p = current_proc();

	c->pid = p ? p->pid : 0;
	c->uid = p ? p->cred.euid : 0;
	c->gid = p ? p->cred.egid : 0;
}

uint64_t unix_deadline(uint64_t timeo)
{
	return timeo ? time_ns() + timeo : 0;
}

void unix_skb_free(struct unix_skb *skb)
{
	for (int k = 0; k < skb->nfds; k++)
		file_put(skb->fds[k]);
	kfree(skb->fds);
	kfree(skb);
}

static void unbind(struct unix_sock *s)
{
	for (struct unix_sock **pp = &bound_list; *pp; pp = &(*pp)->bound_next) {
		if (*pp == s) {
			*pp = s->bound_next;
			break;
		}
	}
}

/*
 * The last close: the peer of a connection sees end of file (ECONNRESET if we
 * leave unread data or were never accepted), waiting connections are dropped.
 * Context: may sleep; unix_lock not held.
 */
static void unix_release_sock(struct unix_sock *s, bool embryo)
{
	struct unix_skb *rq;
	struct unix_sock *peer, *bl;
	void *node;

	mutex_lock(&unix_lock);
	s->dead = true;
	s->shut = RCV_SHUT | SEND_SHUT;
	if (s->addrlen)
		unbind(s);
	node = s->node;
	s->node = NULL;
	peer = s->peer;
	s->peer = NULL;
	if (peer && s->type != SOCK_DGRAM) {
		peer->shut = RCV_SHUT | SEND_SHUT;
		if (s->rq_head || embryo)
			peer->err = ECONNRESET;
	}
	rq = s->rq_head;
	s->rq_head = s->rq_tail = NULL;
	s->rq_bytes = s->rq_len = 0;
	bl = s->bl_head;
	s->bl_head = s->bl_tail = NULL;
	s->bl_len = 0;
	mutex_unlock(&unix_lock);

	wq_wake_all(&s->wq);
	if (peer) {
		wq_wake_all(&peer->wq);
		unix_sock_put(peer);
	}
	while (rq) {
		struct unix_skb *next = rq->next;
		unix_skb_free(rq);
		rq = next;
	}
	while (bl) {
		struct unix_sock *next = bl->bl_next;
		unix_release_sock(bl, true);
		bl = next;
	}
	if (node)
		vfs_sock_put(node);
	unix_sock_put(s);
}

static void unix_release(struct file *f)
{
	unix_release_sock(file_private(f), false);
}

static ssize_t unix_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct linux_iovec iov = { b->ptr, b->len };
	struct unix_msg m = { .iov = &iov, .niov = 1, .len = b->len, .user = b->user };

	return unix_recv(file_private(f), &m, file_flags(f) & O_NONBLOCK);
}

static ssize_t unix_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct linux_iovec iov = { b->ptr, b->len };
	struct unix_msg m = { .iov = &iov, .niov = 1, .len = b->len, .user = b->user };

	return unix_send(file_private(f), &m, file_flags(f) & O_NONBLOCK);
}

#define POLLRDHUP	0x2000

static unsigned unix_poll(struct file *f, struct poll_table *pt)
{
	struct unix_sock *s = file_private(f), *peer;
	unsigned mask = 0;

	poll_wait(f, &s->wq, pt);
	if (s->state == SS_LISTENING)
		return s->bl_head ? POLLIN | POLLRDNORM : 0;
	if (s->err)
		mask |= POLLERR;
	if (s->shut == (RCV_SHUT | SEND_SHUT))
		mask |= POLLHUP;
	if (s->shut & RCV_SHUT)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (s->rq_head)
		mask |= POLLIN | POLLRDNORM;
	if (s->type != SOCK_DGRAM && s->state == SS_UNCONNECTED)
		mask |= POLLHUP;
	peer = s->peer;
	if (peer && !peer->dead) {
		poll_wait(f, &peer->wq, pt);
		bool full = s->type == SOCK_DGRAM ? peer->rq_len > 10
						  : peer->rq_bytes >= (size_t)s->sndbuf;
		if (full)
			return mask;
	}
	return mask | POLLOUT | POLLWRNORM;
}

static long unix_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct unix_sock *s = file_private(f);
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&unix_lock);
	if (s->state == SS_LISTENING) {
		mutex_unlock(&unix_lock);
		return -EINVAL;
	}
	if (s->type == SOCK_STREAM)
		n = (int)s->rq_bytes;
	else
		n = s->rq_head ? (int)s->rq_head->len : 0;
	mutex_unlock(&unix_lock);
	return put_user(n, (int __user *)arg) ? -EFAULT : 0;
}

const struct file_operations unix_fops = {
	.read = unix_read,
	.write = unix_write,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.release = unix_release,
};

struct file *unix_file(struct unix_sock *s, unsigned flags)
{
	return anon_file_create(&unix_fops, s, O_RDWR | (flags & O_NONBLOCK), S_IFSOCK | 0777);
}

int unix_mkname(const struct sockaddr_un_k *sa, unsigned len, struct unix_name *n)
{
	if (len < 2 || len > sizeof(*sa) || sa->sun_family != AF_UNIX)
		return -EINVAL;
	if (len == 2)
		return -EINVAL;
	memset(n, 0, sizeof(*n));
	memcpy(&n->sa, sa, len);
	n->abstract = !sa->sun_path[0];
	if (n->abstract) {
		n->len = len;
	} else {
		n->len = 2 + strnlen(n->sa.sun_path, len - 2) + 1;
		if (n->len > sizeof(*sa))
			n->len = sizeof(*sa);
	}
	return 0;
}

static struct unix_sock *find_bound(const struct unix_name *n, void *node)
{
	for (struct unix_sock *s = bound_list; s; s = s->bound_next) {
		if (node ? s->node == node
			 : !s->node && s->addrlen == n->len && !memcmp(&s->addr, &n->sa, n->len))
			return s;
	}
	return NULL;
}

/* The socket bound to n, referenced: -ENOENT/-EACCES (path), -ECONNREFUSED. */
int unix_find(const struct unix_name *n, struct unix_sock **out)
{
	void *node = NULL;
	char path[UNIX_PATH_MAX + 1];

	if (!n->abstract) {
		memcpy(path, n->sa.sun_path, UNIX_PATH_MAX);
		path[UNIX_PATH_MAX] = 0;
		int err = vfs_sock_lookup(path, &node);
		if (err)
			return err;
	}
	mutex_lock(&unix_lock);
	struct unix_sock *s = find_bound(n, node);
	if (s)
		__atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
	mutex_unlock(&unix_lock);
	if (node)
		vfs_sock_put(node);
	*out = s;
	return s ? 0 : -ECONNREFUSED;
}

/* bind(): a path makes an S_IFSOCK file; addrlen 2 picks an abstract name. */
int unix_bind(struct unix_sock *s, const struct sockaddr_un_k *sa, unsigned len)
{
	struct unix_name n;
	void *node = NULL;
	int err = 0;

	if (len == 2 && sa->sun_family == AF_UNIX) {
		memset(&n, 0, sizeof(n));
		n.abstract = true;
		n.sa.sun_family = AF_UNIX;
		n.len = 8;
	} else if ((err = unix_mkname(sa, len, &n))) {
		return err;
	}
	char path[UNIX_PATH_MAX + 1];
	memcpy(path, n.sa.sun_path, UNIX_PATH_MAX);
	path[UNIX_PATH_MAX] = 0;
	/* As Linux: the file is made first (EADDRINUSE), then EINVAL if bound. */
	if (!n.abstract && (err = vfs_sock_bind(path, &node)))
		return err;
	mutex_lock(&unix_lock);
	if (s->addrlen) {
		err = -EINVAL;
	} else if (len == 2) {
		do {
			static const char hex[] = "0123456789abcdef";
			unsigned v = autobind_next++ & 0xfffff;
			for (int k = 0; k < 5; k++)
				n.sa.sun_path[1 + k] = hex[(v >> (4 * (4 - k))) & 15];
		} while (find_bound(&n, NULL));
	} else if (n.abstract && find_bound(&n, NULL)) {
		err = -EADDRINUSE;
	}
	if (!err) {
		s->addr = n.sa;
		s->addrlen = n.len;
		s->node = node;
		node = NULL;
		s->bound_next = bound_list;
		bound_list = s;
	}
	mutex_unlock(&unix_lock);
	if (node) {
		vfs_sock_put(node);
		vfs_sock_unlink(path);
	}
	return err;
}

int unix_listen(struct unix_sock *s, int backlog)
{
	int err = 0;

	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (backlog < 0 || backlog > 4096)
		backlog = 4096;
	mutex_lock(&unix_lock);
	if (!s->addrlen || s->state == SS_CONNECTED) {
		err = -EINVAL;
	} else {
		s->state = SS_LISTENING;
		s->backlog = backlog;
		unix_cred_current(&s->cred);
	}
	mutex_unlock(&unix_lock);
	wq_wake_all(&s->wq);
	return err;
}

struct bl_wait {
	struct unix_sock *l;
};

static bool backlog_room(void *arg)
{
	struct unix_sock *l = arg;
	return l->bl_len <= l->backlog || l->state != SS_LISTENING || l->dead;
}

static int stream_connect(struct unix_sock *s, struct unix_sock *l, bool nonblock)
{
	struct unix_sock *e = unix_sock_alloc(s->type);
	int err = 0;

	if (!e)
		return -ENOMEM;
	mutex_lock(&unix_lock);
	for (;;) {
		if (s->state == SS_CONNECTED) {
			err = -EISCONN;
			break;
		}
		if (s->state == SS_LISTENING) {
			err = -EINVAL;
			break;
		}
		if (l->type != s->type) {
			err = -EPROTOTYPE;
			break;
		}
		if (l->state != SS_LISTENING || l->dead) {
			err = -ECONNREFUSED;
			break;
		}
		if (l->bl_len <= l->backlog)
			break;
		if (nonblock) {
			err = -EAGAIN;
			break;
		}
		mutex_unlock(&unix_lock);
		int r = wq_wait(&l->wq, backlog_room, l, true, unix_deadline(s->sndtimeo));
		mutex_lock(&unix_lock);
		if (r) {
			err = r == -ETIMEDOUT ? -EAGAIN : -ERESTARTSYS;
			break;
		}
	}
	if (!err) {
		e->state = SS_CONNECTED;
		e->addr = l->addr;
		e->addrlen = l->addrlen;
		e->cred = l->cred;
		e->passcred = l->passcred;
		e->peer = s;
		__atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
		s->peer = e;
		__atomic_add_fetch(&e->refcount, 1, __ATOMIC_RELAXED);
		s->state = SS_CONNECTED;
		unix_cred_current(&s->cred);
		if (l->bl_tail)
			l->bl_tail->bl_next = e;
		else
			l->bl_head = e;
		l->bl_tail = e;
		l->bl_len++;
		e = NULL;
	}
	mutex_unlock(&unix_lock);
	if (e)
		unix_sock_put(e);
	else
		wq_wake_all(&l->wq);
	return err;
}

int unix_connect(struct unix_sock *s, const struct sockaddr_un_k *sa, unsigned len,
		 bool nonblock)
{
	struct unix_name n;
	struct unix_sock *l;
	int err;

	if (s->type == SOCK_DGRAM && len >= 2 && sa->sun_family == AF_UNSPEC) {
		mutex_lock(&unix_lock);
		l = s->peer;
		s->peer = NULL;
		s->state = SS_UNCONNECTED;
		mutex_unlock(&unix_lock);
		unix_sock_put(l);
		return 0;
	}
	if ((err = unix_mkname(sa, len, &n)))
		return err;
	if ((err = unix_find(&n, &l)))
		return err;
	if (s->type != SOCK_DGRAM) {
		err = stream_connect(s, l, nonblock);
		unix_sock_put(l);
		return err;
	}
	mutex_lock(&unix_lock);
	if (l->type != s->type) {
		err = -EPROTOTYPE;
	} else if (l->dead) {
		err = -ECONNREFUSED;
	} else {
		struct unix_sock *old = s->peer;
		s->peer = l;
		s->state = SS_CONNECTED;
		l = old;
	}
	mutex_unlock(&unix_lock);
	unix_sock_put(l);
	return err;
}

static bool can_accept(void *arg)
{
	struct unix_sock *s = arg;
	return s->bl_head || s->state != SS_LISTENING;
}

/* accept(): the next waiting connection, referenced. */
int unix_accept(struct unix_sock *s, bool nonblock, struct unix_sock **out)
{
	struct unix_sock *e;

	mutex_lock(&unix_lock);
	for (;;) {
		if (s->state != SS_LISTENING) {
			mutex_unlock(&unix_lock);
			return -EINVAL;
		}
		if (s->bl_head)
			break;
		mutex_unlock(&unix_lock);
		if (nonblock)
			return -EAGAIN;
		int r = wq_wait(&s->wq, can_accept, s, true, unix_deadline(s->rcvtimeo));
		if (r)
			return r == -ETIMEDOUT ? -EAGAIN : -ERESTARTSYS;
		mutex_lock(&unix_lock);
	}
	e = s->bl_head;
	s->bl_head = e->bl_next;
	if (!s->bl_head)
		s->bl_tail = NULL;
	e->bl_next = NULL;
	s->bl_len--;
	mutex_unlock(&unix_lock);
	wq_wake_all(&s->wq);
	*out = e;
	return 0;
}

/* Releases a connection accept() took but could not give a descriptor. */
void unix_accept_abort(struct unix_sock *e)
{
	unix_release_sock(e, false);
}

int unix_socketpair(int type, struct unix_sock **a, struct unix_sock **b)
{
	*a = unix_sock_alloc(type);
	*b = unix_sock_alloc(type);
	if (!*a || !*b) {
		unix_sock_put(*a);
		unix_sock_put(*b);
		return -ENOMEM;
	}
	(*a)->peer = *b;
	(*b)->peer = *a;
	(*a)->refcount = (*b)->refcount = 2;
	(*a)->state = (*b)->state = SS_CONNECTED;
	return 0;
}

int unix_shutdown(struct unix_sock *s, int how)
{
	unsigned mine, theirs = 0;
	struct unix_sock *peer;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mine = how == SHUT_RD ? RCV_SHUT : how == SHUT_WR ? SEND_SHUT : RCV_SHUT | SEND_SHUT;
	if (mine & RCV_SHUT)
		theirs |= SEND_SHUT;
	if (mine & SEND_SHUT)
		theirs |= RCV_SHUT;
	mutex_lock(&unix_lock);
	s->shut |= mine;
	peer = s->peer;
	if (peer && s->type != SOCK_DGRAM)
		peer->shut |= theirs;
	mutex_unlock(&unix_lock);
	wq_wake_all(&s->wq);
	if (peer)
		wq_wake_all(&peer->wq);
	return 0;
}

/* getsockname/getpeername: the address and its length (2 when unbound). */
int unix_getname(struct unix_sock *s, bool peer, struct sockaddr_un_k *sa)
{
	int len;

	mutex_lock(&unix_lock);
	struct unix_sock *t = peer ? s->peer : s;
	if (peer && (!t || s->state != SS_CONNECTED)) {
		mutex_unlock(&unix_lock);
		return -ENOTCONN;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	len = 2;
	if (t->addrlen) {
		memcpy(sa, &t->addr, t->addrlen);
		len = (int)t->addrlen;
	}
	mutex_unlock(&unix_lock);
	return len;
}
