/*
 * socket_inet.c - AF_INET sockets: the file, the system calls' common part
 * (addresses, options, ports) and the dispatch to UDP, TCP and raw sockets
 * through struct inet_proto.
 *
 * A socket is referenced by its open file and, while it is in its protocol's
 * list, by that list (a TCP connection outlives its file until it is closed).
 */
#include <aegis/errno.h>
#include <aegis/fs_abi.h>
#include <aegis/mm.h>
#include <aegis/proc.h>
#include <aegis/random.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <aegis/uaccess.h>

#include "../internal.h"
#include "inet.h"

#define IP_TOS		1
#define IP_TTL		2
#define SOL_IP		0
#define SOL_TCP		6
#define TCP_NODELAY	1
#define TCP_MAXSEG	2
#define SO_BROADCAST	6
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define PORT_LOW	32768		/* Linux's ip_local_port_range */
#define PORT_HIGH	60999
#define DEFAULT_BUF	212992		/* Linux's rmem_default / wmem_default */

long sys_close(unsigned fd);

struct inet_sock *inet_sock_alloc(int type, int protocol, const struct inet_proto *p)
{
	struct inet_sock *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->refcount = 1;
	s->type = type;
	s->protocol = protocol;
	s->proto = p;
	s->sndbuf = DEFAULT_BUF;
	s->rcvbuf = DEFAULT_BUF;
	s->ttl = 64;
	wq_init(&s->wq);
	return s;
}

void inet_sock_get(struct inet_sock *s)
{
	s->refcount++;
}

void inet_sock_put(struct inet_sock *s)
{
	if (--s->refcount)
		return;
	while (s->rq_head) {
		struct netbuf *n = s->rq_head->next;
		netbuf_free(s->rq_head);
		s->rq_head = n;
	}
	if (s->tcb) {
		kfree(s->tcb->snd.buf);
		kfree(s->tcb->rcv.buf);
		kfree(s->tcb);
	}
	kfree(s);
}

int inet_wait(struct inet_sock *s, bool (*cond)(void *), uint64_t timeo)
{
	int r;

	inet_sock_get(s);
	mutex_unlock(&net_lock);
	r = wq_wait(&s->wq, cond, s, true, timeo ? time_ns() + timeo : 0);
	mutex_lock(&net_lock);
	inet_sock_put(s);
	if (r == -ETIMEDOUT)
		return -EAGAIN;
	return r ? -ERESTARTSYS : 0;
}

int inet_addr_check(const struct sockaddr_in_k *sa, unsigned len)
{
	if (len < sizeof(struct sockaddr_in_k))
		return -EINVAL;
	if (sa->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	return 0;
}

/* ------------------------------------------------------------ ports */

static bool port_conflict(struct inet_sock *s, struct inet_sock *o, uint32_t addr, uint16_t port)
{
	if (o == s || o->lport != port)
		return false;
	if (addr && o->laddr && addr != o->laddr)
		return false;
	/* SO_REUSEADDR on both: allowed, except beside a TCP listener */
	return !(s->reuseaddr && o->reuseaddr && o->state != IS_LISTEN);
}

static bool port_taken(struct inet_sock *s, uint32_t addr, uint16_t port)
{
	for (struct inet_sock *o = *s->proto->list; o; o = o->next)
		if (port_conflict(s, o, addr, port))
			return true;
	return false;
}

int inet_bind_local(struct inet_sock *s, uint32_t addr, uint16_t port)
{
	if (addr && !ip_is_local(addr) && !ip_is_broadcast(addr))
		return -EADDRNOTAVAIL;
	if (port && ntohs(port) < 1024 && !cred_is_root(&current_proc()->cred))
		return -EACCES;
	if (!port) {
		uint32_t span = PORT_HIGH - PORT_LOW + 1, start;
		get_random_bytes(&start, sizeof(start));
		for (uint32_t i = 0; i < span && !port; i++) {
			uint16_t p = htons((uint16_t)(PORT_LOW + (start + i) % span));
			if (!port_taken(s, addr, p))
				port = p;
		}
		if (!port)
			return -EADDRINUSE;
	} else if (port_taken(s, addr, port)) {
		return -EADDRINUSE;
	}
	s->laddr = addr;
	s->lport = port;
	if (!s->hashed) {
		s->next = *s->proto->list;
		*s->proto->list = s;
		s->hashed = true;
		inet_sock_get(s);
	}
	return 0;
}

void inet_unhash(struct inet_sock *s)
{
	if (!s->hashed)
		return;
	for (struct inet_sock **p = s->proto->list; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	s->hashed = false;
	inet_sock_put(s);
}

/* ------------------------------------------------------------ the file */

/* read() and write(): a message of one buffer, no address, no flags */
static ssize_t inet_rw(struct file *f, struct io_buf *b, bool write)
{
	struct linux_iovec iov = { b->ptr, b->len };
	struct unix_msg m = { .iov = &iov, .niov = 1, .len = b->len, .user = b->user };
	struct inet_sock *s = file_private(f);
	bool nonblock = file_flags(f) & O_NONBLOCK;
	ssize_t r;

	mutex_lock(&net_lock);
	r = write ? s->proto->send(s, &m, NULL, nonblock) : s->proto->recv(s, &m, nonblock);
	mutex_unlock(&net_lock);
	if (r == -EPIPE)
		signal_send_task(current_task(), SIGPIPE, NULL);
	return r;
}

static ssize_t inet_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	(void)pos;
	return inet_rw(f, b, false);
}

static ssize_t inet_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	(void)pos;
	return inet_rw(f, b, true);
}

static unsigned inet_poll(struct file *f, struct poll_table *pt)
{
	struct inet_sock *s = file_private(f);
	unsigned mask;

	poll_wait(f, &s->wq, pt);
	mutex_lock(&net_lock);
	mask = s->proto->poll(s);
	mutex_unlock(&net_lock);
	return mask;
}

static long inet_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct inet_sock *s = file_private(f);
	int n;

	if (inet_is_if_ioctl(cmd))
		return inet_if_ioctl(cmd, (void __user *)arg);
	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&net_lock);
	n = s->proto->inq(s);
	mutex_unlock(&net_lock);
	return put_user(n, (int __user *)arg) ? -EFAULT : 0;
}

static void inet_release(struct file *f)
{
	struct inet_sock *s = file_private(f);

	mutex_lock(&net_lock);
	s->dead = true;
	s->proto->close(s);
	inet_sock_put(s);
	mutex_unlock(&net_lock);
}

const struct file_operations inet_fops = {
	.read = inet_read,
	.write = inet_write,
	.poll = inet_poll,
	.ioctl = inet_ioctl,
	.release = inet_release,
};

static long install(struct inet_sock *s, int flags)
{
	struct file *f = anon_file_create(&inet_fops, s, O_RDWR | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0),
					  S_IFSOCK | 0777);
	int fd;

	if (IS_ERR(f)) {
		mutex_lock(&net_lock);
		s->proto->close(s);
		inet_sock_put(s);
		mutex_unlock(&net_lock);
		return PTR_ERR(f);
	}
	fd = fd_install(current_proc()->files, f, flags & SOCK_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long inet_socket(int type, int protocol)
{
	int base = type & SOCK_TYPE_MASK;
	const struct inet_proto *p;
	struct inet_sock *s;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (base == SOCK_STREAM && (!protocol || protocol == IPPROTO_TCP)) {
		p = &tcp_proto;
		protocol = IPPROTO_TCP;
	} else if (base == SOCK_DGRAM && (!protocol || protocol == IPPROTO_UDP)) {
		p = &udp_proto;
		protocol = IPPROTO_UDP;
	} else if (base == SOCK_DGRAM && protocol == IPPROTO_ICMP) {
		return -EACCES;		/* ping sockets: as Linux outside ping_group_range */
	} else if (base == SOCK_RAW) {
		if (!cred_is_root(&current_proc()->cred))
			return -EPERM;
		if (protocol <= 0 || protocol >= 255)
			return -EPROTONOSUPPORT;	/* IPPROTO_RAW (IP_HDRINCL) is not supported */
		p = &raw_proto;
	} else if (base == SOCK_STREAM || base == SOCK_DGRAM) {
		return -EPROTONOSUPPORT;
	} else {
		return -ESOCKTNOSUPPORT;
	}
	s = inet_sock_alloc(base, protocol, p);
	if (!s)
		return -ENOMEM;
	if (p == &raw_proto) {
		mutex_lock(&net_lock);
		raw_add(s);
		mutex_unlock(&net_lock);
	}
	return install(s, type);
}

/* ------------------------------------------------------------ system calls */

static int addr_in(struct sockaddr_in_k *sa, const void __user *u, int len)
{
	return sockaddr_from_user(sa, sizeof(*sa), u, len);
}

static int addr_out(const struct sockaddr_in_k *sa, void __user *u, int __user *ulen)
{
	return sockaddr_to_user(sa, sizeof(*sa), u, ulen);
}

long inet_bind(struct file *f, const void __user *uaddr, int len)
{
	struct inet_sock *s = file_private(f);
	struct sockaddr_in_k sa;
	long r = addr_in(&sa, uaddr, len);

	if (r)
		return r;
	if ((unsigned)len < sizeof(sa))
		return -EINVAL;
	/* Linux takes AF_UNSPEC with INADDR_ANY for AF_INET */
	if (sa.sin_family != AF_INET && !(sa.sin_family == AF_UNSPEC && !sa.sin_addr))
		return -EAFNOSUPPORT;
	mutex_lock(&net_lock);
	if (s->type == SOCK_RAW) {	/* no ports: only the address packets must be sent to */
		r = sa.sin_addr && !ip_is_local(sa.sin_addr) ? -EADDRNOTAVAIL : 0;
		if (!r)
			s->laddr = sa.sin_addr;
	} else if (s->lport || s->state != IS_CLOSED)
		r = -EINVAL;
	else
		r = inet_bind_local(s, sa.sin_addr, sa.sin_port);
	mutex_unlock(&net_lock);
	return r;
}

long inet_connect(struct file *f, const void __user *uaddr, int len)
{
	struct inet_sock *s = file_private(f);
	struct sockaddr_in_k sa;
	long r = addr_in(&sa, uaddr, len);

	if (r)
		return r;
	if (len < 2)
		return -EINVAL;
	mutex_lock(&net_lock);
	r = s->proto->connect(s, &sa, file_flags(f) & O_NONBLOCK);
	mutex_unlock(&net_lock);
	return r;
}

long inet_listen(struct file *f, int backlog)
{
	struct inet_sock *s = file_private(f);
	long r;

	if (!s->proto->listen)
		return -EOPNOTSUPP;
	mutex_lock(&net_lock);
	r = s->proto->listen(s, backlog);
	mutex_unlock(&net_lock);
	return r;
}

long inet_accept(struct file *f, void __user *uaddr, int __user *ulen, int flags)
{
	struct inet_sock *s = file_private(f), *c;
	struct sockaddr_in_k sa = { .sin_family = AF_INET };
	long r;
	int fd;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (!s->proto->accept)
		return -EOPNOTSUPP;
	mutex_lock(&net_lock);
	r = s->proto->accept(s, file_flags(f) & O_NONBLOCK, &c);
	if (!r) {
		sa.sin_addr = c->raddr;
		sa.sin_port = c->rport;
	}
	mutex_unlock(&net_lock);
	if (r)
		return r;
	fd = (int)install(c, flags);
	if (fd < 0)
		return fd;
	if ((r = addr_out(&sa, uaddr, ulen))) {
		sys_close(fd);
		return r;
	}
	return fd;
}

long inet_getname(struct file *f, void __user *uaddr, int __user *ulen, bool peer)
{
	struct inet_sock *s = file_private(f);
	struct sockaddr_in_k sa = { .sin_family = AF_INET };
	int len;

	mutex_lock(&net_lock);
	if (peer && s->state != IS_CONNECTED) {
		mutex_unlock(&net_lock);
		return -ENOTCONN;
	}
	sa.sin_addr = peer ? s->raddr : s->laddr;
	sa.sin_port = peer ? s->rport : s->lport;
	mutex_unlock(&net_lock);
	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	return addr_out(&sa, uaddr, ulen);
}

long inet_shutdown(struct file *f, int how)
{
	struct inet_sock *s = file_private(f);
	long r;

	if (how < 0 || how > 2)
		return -EINVAL;
	mutex_lock(&net_lock);
	r = s->proto->shutdown(s, how);
	mutex_unlock(&net_lock);
	return r;
}

long inet_setsockopt(struct file *f, int level, int name, const void __user *val, int len)
{
	struct inet_sock *s = file_private(f);
	int v;
	long r = 0;

	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		uint64_t ns;
		if ((r = sockopt_timeo_from_user(&ns, val, len)))
			return r;
		mutex_lock(&net_lock);
		*(name == SO_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo) = ns;
		mutex_unlock(&net_lock);
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_LINGER)
		return len < 8 ? -EINVAL : 0;	/* accepted; close never lingers */
	if (len < (int)sizeof(int))
		return -EINVAL;
	if (get_user(v, (const int __user *)val))
		return -EFAULT;
	mutex_lock(&net_lock);
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR:
			s->reuseaddr = v != 0;
			break;
		case SO_KEEPALIVE:
		case SO_BROADCAST:
		case SO_REUSEPORT:
			break;
		case SO_SNDBUF:
		case SO_SNDBUFFORCE:
			s->sndbuf = MAX((int)MIN((unsigned)v, 212992u) * 2, 4608);
			break;
		case SO_RCVBUF:
		case SO_RCVBUFFORCE:
			s->rcvbuf = MAX((int)MIN((unsigned)v, 212992u) * 2, 2304);
			break;
		default:
			r = -ENOPROTOOPT;
		}
	} else if (level == SOL_IP) {
		if (name == IP_TTL) {
			if (v == -1)
				s->ttl = 64;
			else if (v < 1 || v > 255)
				r = -EINVAL;
			else
				s->ttl = v;
		} else if (name != IP_TOS) {
			r = -ENOPROTOOPT;
		}
	} else if (level == SOL_TCP && s->protocol == IPPROTO_TCP) {
		if (name == TCP_NODELAY) {
			s->nodelay = v != 0;
			if (s->tcb)
				s->tcb->nodelay = s->nodelay;
		} else if (name != TCP_MAXSEG) {
			r = -ENOPROTOOPT;
		}
	} else {
		r = level == SOL_TCP ? -EOPNOTSUPP : -ENOPROTOOPT;
	}
	mutex_unlock(&net_lock);
	return r;
}

long inet_getsockopt(struct file *f, int level, int name, void __user *val, int __user *ulen)
{
	struct inet_sock *s = file_private(f);
	struct linux_timeval tv;
	const void *p;
	unsigned size = sizeof(int);
	int len, v = 0;
	long r = 0;

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	p = &v;
	mutex_lock(&net_lock);
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE: v = s->type; break;
		case SO_ERROR: v = s->err; s->err = 0; break;
		case SO_REUSEADDR: v = s->reuseaddr; break;
		case SO_KEEPALIVE: case SO_BROADCAST: case SO_REUSEPORT: v = 0; break;
		case SO_SNDBUF: v = s->sndbuf; break;
		case SO_RCVBUF: v = s->rcvbuf; break;
		case SO_ACCEPTCONN: v = s->state == IS_LISTEN; break;
		case SO_DOMAIN: v = AF_INET; break;
		case SO_PROTOCOL: v = s->protocol; break;
		case SO_RCVTIMEO:
		case SO_SNDTIMEO:
			tv = sockopt_timeo_to_timeval(name == SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo);
			p = &tv;
			size = sizeof(tv);
			break;
		default: r = -ENOPROTOOPT;
		}
	} else if (level == SOL_IP && name == IP_TTL) {
		v = s->ttl;
	} else if (level == SOL_TCP && s->protocol == IPPROTO_TCP) {
		if (name == TCP_NODELAY)
			v = s->nodelay;
		else if (name == TCP_MAXSEG)
			v = s->tcb && s->state == IS_CONNECTED ? s->tcb->mss : 536;
		else
			r = -ENOPROTOOPT;
	} else {
		r = level == SOL_TCP ? -EOPNOTSUPP : -ENOPROTOOPT;
	}
	mutex_unlock(&net_lock);
	if (r)
		return r;
	size = MIN(size, (unsigned)len);
	if (copy_to_user(val, p, size) || put_user((int)size, ulen))
		return -EFAULT;
	return 0;
}

long inet_sendmsg(struct file *f, struct unix_msg *m, const void __user *uaddr, int alen)
{
	struct inet_sock *s = file_private(f);
	struct sockaddr_in_k sa;
	bool nonblock = (file_flags(f) & O_NONBLOCK) || (m->flags & MSG_DONTWAIT);
	long r;

	if (uaddr && (r = addr_in(&sa, uaddr, alen)))
		return r;
	if (uaddr && s->type != SOCK_STREAM && (r = inet_addr_check(&sa, (unsigned)alen)))
		return r;
	mutex_lock(&net_lock);
	r = s->proto->send(s, m, uaddr ? &sa : NULL, nonblock);
	mutex_unlock(&net_lock);
	if (r == -EPIPE && !(m->flags & MSG_NOSIGNAL))
		signal_send_task(current_task(), SIGPIPE, NULL);
	return r;
}

long inet_recvmsg(struct file *f, struct unix_msg *m)
{
	struct inet_sock *s = file_private(f);
	bool nonblock = (file_flags(f) & O_NONBLOCK) || (m->flags & MSG_DONTWAIT);
	long r;

	mutex_lock(&net_lock);
	r = s->proto->recv(s, m, nonblock);
	mutex_unlock(&net_lock);
	return r;
}
