/*
 * socket.c - the socket system calls: descriptors to sockets, addresses, msghdr
 * and control messages (SCM_RIGHTS, SCM_CREDENTIALS) between user space and the
 * AF_UNIX core (unix.c, unix_msg.c).  AF_INET sockets are handed to
 * inet/socket_inet.c; every other family is -EAFNOSUPPORT.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "internal.h"

#define UIO_MAXIOV	1024
#define CMSG_ALIGN(n)	(((n) + 7) & ~(size_t)7)
#define CMSG_HDR	sizeof(struct linux_cmsghdr)

long sys_close(unsigned fd);

/* The socket at fd, its file referenced in *fp. */
static struct unix_sock *sock_get(int fd, struct file **fp)
{
	struct file *f = fget(fd);

	if (!f)
		return ERR_PTR(-EBADF);
	if (file_fops(f) != &unix_fops) {
		file_put(f);
		return ERR_PTR(-ENOTSOCK);
	}
	*fp = f;
	return file_private(f);
}

/* An AF_INET socket's call goes to inet/ (f_ is its file, referenced meanwhile). */
#define INET_CALL(fd, call)						\
	do {								\
		struct file *f_ = fget(fd);				\
		if (f_ && file_fops(f_) == &inet_fops) {		\
			long r_ = (call);				\
			file_put(f_);					\
			return r_;					\
		}							\
		if (f_)							\
			file_put(f_);					\
	} while (0)

#define SOCK_OR_RETURN(s, f, fd)				\
	struct file *f;						\
	struct unix_sock *s = sock_get(fd, &f);			\
	if (IS_ERR(s))						\
		return PTR_ERR(s)

static bool nonblocking(struct file *f)
{
	return file_flags(f) & O_NONBLOCK;
}

/* The user's address (len bytes of it, at most 128) into k, zero-padded to ksize. */
int sockaddr_from_user(void *k, size_t ksize, const void __user *u, int len)
{
	if (len < 0 || len > 128)
		return -EINVAL;
	memset(k, 0, ksize);
	if (copy_from_user(k, u, MIN((size_t)len, ksize)))
		return -EFAULT;
	return 0;
}

/* An address of klen bytes out to the user's buffer of *ulen, which gets klen. */
int sockaddr_to_user(const void *k, unsigned klen, void __user *u, int __user *ulen)
{
	int len;

	if (!u || !ulen)
		return 0;
	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (copy_to_user(u, k, MIN((unsigned)len, klen)))
		return -EFAULT;
	return put_user((int)klen, ulen) ? -EFAULT : 0;
}

static int addr_from_user(struct sockaddr_un_k *sa, const void __user *u, int len)
{
	return sockaddr_from_user(sa, sizeof(*sa), u, len);
}

#define addr_to_user sockaddr_to_user

static int check_type(int family, int type, int protocol, int *base)
{
	if (family != AF_UNIX)
		return -EAFNOSUPPORT;
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	*base = type & SOCK_TYPE_MASK;
	if (*base == SOCK_RAW)
		*base = SOCK_DGRAM;
	if (*base != SOCK_STREAM && *base != SOCK_DGRAM && *base != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	return 0;
}

static long install(struct unix_sock *s, int flags)
{
	struct file *f = unix_file(s, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);

	if (IS_ERR(f)) {
		unix_sock_put(s);
		return PTR_ERR(f);
	}
	int fd = fd_install(current_proc()->files, f, flags & SOCK_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_socket(int family, int type, int protocol)
{
	if (family == AF_INET)
		return inet_socket(type, protocol);
	int base, err = check_type(family, type, protocol, &base);

	if (err)
		return err;
	struct unix_sock *s = unix_sock_alloc(base);
	if (!s)
		return -ENOMEM;
	return install(s, type);
}

long sys_socketpair(int family, int type, int protocol, int __user *sv)
{
	struct unix_sock *a, *b;
	int k[2];
	if (family == AF_INET)
		return -EOPNOTSUPP;
	int base, err = check_type(family, type, protocol, &base);

	if (err)
		return err;
	if ((err = unix_socketpair(base, &a, &b)))
		return err;
	k[0] = install(a, type);
	if (k[0] < 0) {
		struct file *fb = unix_file(b, 0);
		if (!IS_ERR(fb))
			file_put(fb);
		return k[0];
	}
	k[1] = install(b, type);
	if (k[1] < 0) {
		sys_close(k[0]);
		return k[1];
	}
	if (copy_to_user(sv, k, sizeof(k))) {
		sys_close(k[0]);
		sys_close(k[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_bind(int fd, const void __user *uaddr, int len)
{
	INET_CALL(fd, inet_bind(f_, uaddr, len));
	struct sockaddr_un_k sa;
	SOCK_OR_RETURN(s, f, fd);
	long r = addr_from_user(&sa, uaddr, len);

	if (!r)
		r = unix_bind(s, &sa, (unsigned)len);
	file_put(f);
	return r;
}

long sys_listen(int fd, int backlog)
{
	INET_CALL(fd, inet_listen(f_, backlog));
	SOCK_OR_RETURN(s, f, fd);
	long r = unix_listen(s, backlog);

	file_put(f);
	return r;
}

long sys_connect(int fd, const void __user *uaddr, int len)
{
	INET_CALL(fd, inet_connect(f_, uaddr, len));
	struct sockaddr_un_k sa;
	SOCK_OR_RETURN(s, f, fd);
	long r = addr_from_user(&sa, uaddr, len);

	if (!r)
		r = unix_connect(s, &sa, (unsigned)len, nonblocking(f));
	file_put(f);
	return r;
}

long sys_accept4(int fd, void __user *uaddr, int __user *ulen, int flags)
{
	struct unix_sock *e;
	struct sockaddr_un_k sa;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	INET_CALL(fd, inet_accept(f_, uaddr, ulen, flags));
	SOCK_OR_RETURN(s, f, fd);
	long r = unix_accept(s, nonblocking(f), &e);
	file_put(f);
	if (r)
		return r;
	int len = unix_getname(e, true, &sa);
	if (len < 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		len = 2;
	}
	struct file *nf = unix_file(e, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);
	if (IS_ERR(nf)) {
		unix_accept_abort(e);
		return PTR_ERR(nf);
	}
	int nfd = fd_install(current_proc()->files, nf, flags & SOCK_CLOEXEC);
	if (nfd < 0) {
		file_put(nf);
		return nfd;
	}
	if ((r = addr_to_user(&sa, (unsigned)len, uaddr, ulen))) {
		sys_close(nfd);
		return r;
	}
	return nfd;
}

long sys_accept(int fd, void __user *uaddr, int __user *ulen)
{
	return sys_accept4(fd, uaddr, ulen, 0);
}

static long getname(int fd, void __user *uaddr, int __user *ulen, bool peer)
{
	INET_CALL(fd, inet_getname(f_, uaddr, ulen, peer));
	struct sockaddr_un_k sa;
	SOCK_OR_RETURN(s, f, fd);
	long r = unix_getname(s, peer, &sa);

	file_put(f);
	if (r < 0)
		return r;
	int len;
	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	return addr_to_user(&sa, (unsigned)r, uaddr, ulen);
}

long sys_getsockname(int fd, void __user *uaddr, int __user *ulen)
{
	return getname(fd, uaddr, ulen, false);
}

long sys_getpeername(int fd, void __user *uaddr, int __user *ulen)
{
	return getname(fd, uaddr, ulen, true);
}

long sys_shutdown(int fd, int how)
{
	INET_CALL(fd, inet_shutdown(f_, how));
	SOCK_OR_RETURN(s, f, fd);
	long r = unix_shutdown(s, how);

	file_put(f);
	return r;
}

/* SO_RCVTIMEO/SO_SNDTIMEO: a struct timeval from the user, in ns (0 = forever) */
int sockopt_timeo_from_user(uint64_t *ns, const void __user *val, int len)
{
	struct linux_timeval tv;

	if (len < (int)sizeof(tv))
		return -EINVAL;
	if (copy_from_user(&tv, val, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	*ns = tv.tv_sec < 0 ? 0 : (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull;
	return 0;
}

struct linux_timeval sockopt_timeo_to_timeval(uint64_t ns)
{
	struct linux_timeval tv = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull / 1000) };
	return tv;
}

long sys_setsockopt(int fd, int level, int name, const void __user *val, int len)
{
	INET_CALL(fd, inet_setsockopt(f_, level, name, val, len));
	int v = 0;
	long r = 0;
	SOCK_OR_RETURN(s, f, fd);

	if (level != SOL_SOCKET) {
		r = -EOPNOTSUPP;
		goto out;
	}
	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		uint64_t ns;
		if (!(r = sockopt_timeo_from_user(&ns, val, len)))
			*(name == SO_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo) = ns;
		goto out;
	}
	if (len < (int)sizeof(int)) {
		r = -EINVAL;
		goto out;
	}
	if (get_user(v, (const int __user *)val)) {
		r = -EFAULT;
		goto out;
	}
	switch (name) {
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
		break;
	case SO_PASSCRED:
		s->passcred = v != 0;
		break;
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		v = MIN((unsigned)v, 212992u);
		s->sndbuf = MAX(v * 2, 4608);
		break;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE:
		v = MIN((unsigned)v, 212992u);
		s->rcvbuf = MAX(v * 2, 2304);
		break;
	default:
		r = -ENOPROTOOPT;
	}
out:
	file_put(f);
	return r;
}

long sys_getsockopt(int fd, int level, int name, void __user *val, int __user *ulen)
{
	INET_CALL(fd, inet_getsockopt(f_, level, name, val, ulen));
	int len, v = 0;
	struct linux_ucred cred;
	const void *p = &v;
	unsigned size = sizeof(int);
	struct linux_timeval tv;
	long r = 0;
	SOCK_OR_RETURN(s, f, fd);

	if (level != SOL_SOCKET) {
		r = -EOPNOTSUPP;
		goto out;
	}
	if (get_user(len, ulen)) {
		r = -EFAULT;
		goto out;
	}
	if (len < 0) {
		r = -EINVAL;
		goto out;
	}
	mutex_lock(&unix_lock);
	switch (name) {
	case SO_TYPE:
		v = s->type;
		break;
	case SO_ERROR:
		v = s->err;
		s->err = 0;
		break;
	case SO_PASSCRED:
		v = s->passcred;
		break;
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
		v = 0;
		break;
	case SO_SNDBUF:
		v = s->sndbuf;
		break;
	case SO_RCVBUF:
		v = s->rcvbuf;
		break;
	case SO_ACCEPTCONN:
		v = s->state == SS_LISTENING;
		break;
	case SO_DOMAIN:
		v = AF_UNIX;
		break;
	case SO_PROTOCOL:
		v = 0;
		break;
	case SO_PEERCRED:
		if (s->peer && s->type != SOCK_DGRAM) {
			cred = s->peer->cred;
		} else {
			cred.pid = 0;
			cred.uid = cred.gid = ~0u;
		}
		p = &cred;
		size = sizeof(cred);
		break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		tv = sockopt_timeo_to_timeval(name == SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo);
		p = &tv;
		size = sizeof(tv);
		break;
	default:
		r = -ENOPROTOOPT;
	}
	mutex_unlock(&unix_lock);
	if (r)
		goto out;
	if (name == SO_PEERCRED && (unsigned)len < size) {
		r = -EINVAL;
		goto out;
	}
	size = MIN(size, (unsigned)len);
	if (copy_to_user(val, p, size) || put_user((int)size, ulen))
		r = -EFAULT;
out:
	file_put(f);
	return r;
}

/* Copies the iovec array of a msghdr into m (m->iov kmalloc'd if large). */
static int iov_import(struct unix_msg *m, struct linux_iovec *small, size_t nsmall,
		      const struct linux_iovec __user *uv, size_t n)
{
	if (n > UIO_MAXIOV)
		return -EMSGSIZE;
	m->iov = n <= nsmall ? small : kmalloc(n * sizeof(*small));
	if (!m->iov)
		return -ENOMEM;
	m->niov = n;
	m->user = true;
	m->len = 0;
	if (n && copy_from_user(m->iov, uv, n * sizeof(*small)))
		return -EFAULT;
	for (size_t k = 0; k < n; k++) {
		if ((int64_t)m->iov[k].iov_len < 0 || m->len + m->iov[k].iov_len > 0x7ffff000)
			return -EINVAL;
		m->len += m->iov[k].iov_len;
	}
	return 0;
}

/* Parses SOL_SOCKET control messages: SCM_RIGHTS (files taken) and SCM_CREDENTIALS. */
static int cmsg_parse(struct unix_msg *m, const void __user *uctl, size_t len)
{
	char *buf;
	int err = 0;

	if (!len)
		return 0;
	if (len > 65536)
		return -ENOBUFS;
	if (len < CMSG_HDR)
		return -EINVAL;
	if (!(buf = kmalloc(len)))
		return -ENOMEM;
	if (copy_from_user(buf, uctl, len)) {
		kfree(buf);
		return -EFAULT;
	}
	for (size_t off = 0; off + CMSG_HDR <= len && !err;) {
		struct linux_cmsghdr *h = (struct linux_cmsghdr *)(buf + off);
		if (h->cmsg_len < CMSG_HDR || h->cmsg_len > len - off) {
			err = -EINVAL;
			break;
		}
		size_t dlen = h->cmsg_len - CMSG_HDR;
		const char *data = (const char *)(h + 1);
		if (h->cmsg_level != SOL_SOCKET) {
			;
		} else if (h->cmsg_type == SCM_RIGHTS) {
			int n = (int)(dlen / sizeof(int));
			if (m->fds || !n || n > SCM_MAX_FD) {
				err = -EINVAL;
				break;
			}
			if (!(m->fds = kmalloc(n * sizeof(struct file *)))) {
				err = -ENOMEM;
				break;
			}
			for (int k = 0; k < n; k++) {
				int fd;
				memcpy(&fd, data + k * sizeof(int), sizeof(int));
				if (!(m->fds[k] = fget(fd))) {
					err = -EBADF;
					break;
				}
				m->nfds++;
			}
		} else if (h->cmsg_type == SCM_CREDENTIALS) {
			struct linux_ucred c;
			const struct cred *me = &current_proc()->cred;
			if (dlen != sizeof(c)) {
				err = -EINVAL;
				break;
			}
			memcpy(&c, data, sizeof(c));
			bool root = cred_is_root(me);
			if ((c.pid != current_proc()->pid && !root) ||
			    (c.uid != me->uid && c.uid != me->euid && c.uid != me->suid && !root) ||
			    (c.gid != me->gid && c.gid != me->egid && c.gid != me->sgid && !root)) {
				err = -EPERM;
				break;
			}
			m->cred = c;
			m->has_cred = true;
		} else {
			err = -EINVAL;
		}
		off += CMSG_ALIGN(h->cmsg_len);
	}
	kfree(buf);
	return err;
}

static void msg_drop_fds(struct unix_msg *m)
{
	for (int k = 0; k < m->nfds; k++)
		file_put(m->fds[k]);
	kfree(m->fds);
	m->fds = NULL;
	m->nfds = 0;
}

static long do_send(int fd, struct unix_msg *m, const void __user *uaddr, int alen)
{
	struct sockaddr_un_k sa;
	struct unix_name to;
	long r = 0;
	struct file *f = fget(fd);

	if (f && file_fops(f) == &inet_fops) {
		msg_drop_fds(m);	/* SCM_RIGHTS means nothing to AF_INET */
		r = inet_sendmsg(f, m, uaddr, alen);
		file_put(f);
		return r;
	}
	if (f)
		file_put(f);
	struct unix_sock *s = sock_get(fd, &f);

	if (IS_ERR(s)) {
		msg_drop_fds(m);
		return PTR_ERR(s);
	}
	if (uaddr) {
		if (!(r = addr_from_user(&sa, uaddr, alen)))
			r = unix_mkname(&sa, (unsigned)alen, &to);
		m->to = &to;
	}
	if (!r)
		r = unix_send(s, m, nonblocking(f));
	else
		msg_drop_fds(m);
	m->to = NULL;	/* `to` lives on this stack frame */
	file_put(f);
	return r;
}

long sys_sendto(int fd, const void __user *buf, size_t len, int flags,
		const void __user *uaddr, int alen)
{
	struct linux_iovec iov = { (void __user *)buf, len };
	struct unix_msg m = { .iov = &iov, .niov = 1, .len = len, .user = true, .flags = flags };

	if (len > 0x7ffff000)
		m.len = iov.iov_len = 0x7ffff000;
	return do_send(fd, &m, uaddr, alen);
}

long sys_sendmsg(int fd, const struct linux_msghdr __user *umsg, int flags)
{
	struct linux_msghdr h;
	struct linux_iovec small[8];
	struct unix_msg m = { .flags = flags };
	long r;

	if (copy_from_user(&h, umsg, sizeof(h)))
		return -EFAULT;
	r = iov_import(&m, small, 8, h.msg_iov, h.msg_iovlen);
	if (!r)
		r = cmsg_parse(&m, h.msg_control, h.msg_controllen);
	if (!r)
		r = do_send(fd, &m, h.msg_name, (int)h.msg_namelen);
	else
		msg_drop_fds(&m);
	if (m.iov && m.iov != small)
		kfree(m.iov);
	return r;
}

/* Writes the received control messages; returns the bytes used. */
static size_t cmsg_put(struct unix_sock *s, struct unix_msg *m, void __user *uctl, size_t len,
		       bool cloexec)
{
	size_t used = 0;

	if (s->passcred) {
		struct {
			struct linux_cmsghdr h;
			struct linux_ucred c;
		} __attribute__((packed)) c = {
			{ CMSG_HDR + sizeof(struct linux_ucred), SOL_SOCKET, SCM_CREDENTIALS },
			m->cred,
		};
		if (len < sizeof(c)) {
			m->flags |= MSG_CTRUNC;
			if (len >= CMSG_HDR && copy_to_user(uctl, &c, len) == 0)
				used = len;
		} else if (!copy_to_user(uctl, &c, sizeof(c))) {
			used = MIN(CMSG_ALIGN(sizeof(c)), len);
		}
	}
	if (m->nfds) {
		size_t room = len - used;
		int max = room > CMSG_HDR ? (int)((room - CMSG_HDR) / sizeof(int)) : 0;
		int n = 0;
		char __user *p = (char __user *)uctl + used;
		for (; n < m->nfds && n < max; n++) {
			int nfd = fd_install(current_proc()->files, m->fds[n], cloexec);
			if (nfd < 0)
				break;
			m->fds[n] = NULL;
			if (put_user(nfd, (int __user *)(p + CMSG_HDR) + n))
				break;
		}
		if (n < m->nfds)
			m->flags |= MSG_CTRUNC;
		if (n) {
			struct linux_cmsghdr h = { CMSG_HDR + n * sizeof(int), SOL_SOCKET, SCM_RIGHTS };
			if (!copy_to_user(p, &h, sizeof(h)))
				used += MIN(CMSG_ALIGN(h.cmsg_len), room);
		}
		for (int k = n; k < m->nfds; k++)
			file_put(m->fds[k]);
		kfree(m->fds);
		m->fds = NULL;
		m->nfds = 0;
	}
	return used;
}

long sys_recvfrom(int fd, void __user *buf, size_t len, int flags, void __user *uaddr,
		  int __user *ulen)
{
	struct linux_iovec iov = { buf, MIN(len, 0x7ffff000) };
	struct unix_msg m = { .iov = &iov, .niov = 1, .len = iov.iov_len, .user = true,
			      .flags = flags };
	struct file *fi = fget(fd);
	if (fi && file_fops(fi) == &inet_fops) {
		long r = inet_recvmsg(fi, &m);
		file_put(fi);
		if (r >= 0 && uaddr) {
			long e = addr_to_user(&m.addr, m.addrlen, uaddr, ulen);
			if (e)
				return e;
		}
		return r;
	}
	if (fi)
		file_put(fi);
	SOCK_OR_RETURN(s, f, fd);
	long r = unix_recv(s, &m, nonblocking(f));

	if (m.nfds)
		msg_drop_fds(&m);
	file_put(f);
	if (r >= 0 && uaddr) {
		long e = addr_to_user(&m.addr, m.addrlen, uaddr, ulen);
		if (e)
			return e;
	}
	return r;
}

/* recvmsg's results into the user's msghdr: the sender's name, control length, flags. */
static int msghdr_out(struct linux_msghdr __user *umsg, const struct linux_msghdr *h,
		      const struct unix_msg *m, size_t ctl_used, int flags)
{
	uint32_t nl = 0;

	if (h->msg_name) {
		nl = MIN(h->msg_namelen, m->addrlen);
		if (copy_to_user(h->msg_name, &m->addr, nl))
			return -EFAULT;
		nl = m->addrlen;
	}
	if (put_user(nl, &umsg->msg_namelen) || put_user(ctl_used, &umsg->msg_controllen) ||
	    put_user(flags, &umsg->msg_flags))
		return -EFAULT;
	return 0;
}

long sys_recvmsg(int fd, struct linux_msghdr __user *umsg, int flags)
{
	struct linux_msghdr h;
	struct linux_iovec small[8];
	struct unix_msg m = { .flags = flags & ~MSG_CMSG_CLOEXEC };
	long r;

	if (copy_from_user(&h, umsg, sizeof(h)))
		return -EFAULT;
	r = iov_import(&m, small, 8, h.msg_iov, h.msg_iovlen);
	if (r)
		goto out;
	struct file *f = fget(fd);
	if (f && file_fops(f) == &inet_fops) {
		r = inet_recvmsg(f, &m);
		file_put(f);
		if (r >= 0 && msghdr_out(umsg, &h, &m, 0, m.flags & (MSG_TRUNC | MSG_CTRUNC)))
			r = -EFAULT;
		goto out;
	}
	if (f)
		file_put(f);
	struct unix_sock *s = sock_get(fd, &f);
	if (IS_ERR(s)) {
		r = PTR_ERR(s);
		goto out;
	}
	r = unix_recv(s, &m, nonblocking(f));
	if (r >= 0) {
		size_t used = 0;
		if (h.msg_control && h.msg_controllen)
			used = cmsg_put(s, &m, h.msg_control, h.msg_controllen,
					flags & MSG_CMSG_CLOEXEC);
		else if (m.nfds || s->passcred)
			m.flags |= m.nfds ? MSG_CTRUNC : 0;
		msg_drop_fds(&m);
		if (msghdr_out(umsg, &h, &m, used, m.flags))
			r = -EFAULT;
	}
	msg_drop_fds(&m);
	file_put(f);
out:
	if (m.iov && m.iov != small)
		kfree(m.iov);
	return r;
}
