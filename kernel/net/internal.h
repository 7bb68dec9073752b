/*
 * internal.h - AF_UNIX sockets, private to kernel/net/.
 *
 * One global mutex (unix_lock) guards every socket's state and queues: the data
 * path takes it once per send and once per receive, and it may be held across a
 * user copy (like pipe->lock).  Each socket has one wait queue, woken on every
 * change: readers and acceptors sleep on their own, writers on the receiver's.
 *
 * Lifetime: a socket is referenced by its open file (or a listener's backlog for a
 * connection not yet accepted) and by each socket whose ->peer it is.
 * Locking key: [L] unix_lock, [I] immutable, [a] atomic.
 */
#ifndef AEGIS_NET_INTERNAL_H
#define AEGIS_NET_INTERNAL_H

#include <aegis/fs_abi.h>
#include <aegis/sched.h>
#include <aegis/socket.h>
#include <aegis/vfs.h>

enum { SS_UNCONNECTED, SS_LISTENING, SS_CONNECTED };
#define RCV_SHUT	1
#define SEND_SHUT	2

/* One message (DGRAM, SEQPACKET) or one write's worth of a stream. */
struct unix_skb {
	struct unix_skb *next;
	size_t len, off;			/* off: bytes already read (stream) */
	struct linux_ucred cred;		/* sender's, for SCM_CREDENTIALS */
	int nfds;
	struct file **fds;			/* SCM_RIGHTS, referenced */
	unsigned addrlen;			/* sender's address (DGRAM), 0 if none */
	struct sockaddr_un_k addr;
	char data[];
};

struct unix_sock {
	int refcount;				/* [a] */
	int type;				/* [I] SOCK_* */
	int state;				/* [L] SS_* */
	unsigned shut;				/* [L] RCV_SHUT | SEND_SHUT */
	bool dead;				/* [L] its file is closed */
	bool passcred;				/* [L] */
	int err;				/* [L] pending SO_ERROR (positive errno) */
	struct unix_sock *peer;			/* [L] referenced */
	struct unix_skb *rq_head, *rq_tail;	/* [L] receive queue */
	size_t rq_bytes;			/* [L] */
	int rq_len;				/* [L] */
	struct unix_sock *bl_head, *bl_tail;	/* [L] listener: connections to accept */
	struct unix_sock *bl_next;		/* [L] in the listener's backlog */
	int bl_len, backlog;			/* [L] */
	struct unix_sock *bound_next;		/* [L] in the bound list */
	unsigned addrlen;			/* [L] 0: unbound */
	struct sockaddr_un_k addr;		/* [L] */
	void *node;				/* [L] bound inode (path names) */
	struct linux_ucred cred;		/* [L] creator/connector, SO_PEERCRED */
	int sndbuf, rcvbuf;			/* [L] */
	uint64_t rcvtimeo, sndtimeo;		/* [L] ns, 0 = forever */
	struct wait_queue wq;
};

/* A parsed address: a path (NUL-terminated) or an abstract name. */
struct unix_name {
	struct sockaddr_un_k sa;
	unsigned len;				/* normalised address length */
	bool abstract;
};

extern struct mutex unix_lock;
extern const struct file_operations unix_fops;

/* unix.c */
struct unix_sock *unix_sock_alloc(int type);
void unix_sock_put(struct unix_sock *s);
struct file *unix_file(struct unix_sock *s, unsigned flags);
int unix_mkname(const struct sockaddr_un_k *sa, unsigned len, struct unix_name *n);
int unix_find(const struct unix_name *n, struct unix_sock **out);
void unix_cred_current(struct linux_ucred *c);
uint64_t unix_deadline(uint64_t timeo);
int unix_bind(struct unix_sock *s, const struct sockaddr_un_k *sa, unsigned len);
int unix_listen(struct unix_sock *s, int backlog);
int unix_connect(struct unix_sock *s, const struct sockaddr_un_k *sa, unsigned len,
		 bool nonblock);
int unix_accept(struct unix_sock *s, bool nonblock, struct unix_sock **out);
void unix_accept_abort(struct unix_sock *e);
int unix_socketpair(int type, struct unix_sock **a, struct unix_sock **b);
int unix_shutdown(struct unix_sock *s, int how);
int unix_getname(struct unix_sock *s, bool peer, struct sockaddr_un_k *sa);

/* unix_msg.c: the data path.  iov in kernel memory, pointing to user buffers. */
struct unix_msg {
	struct linux_iovec *iov;
	size_t niov, len;
	bool user;				/* iov_base are user pointers */
	int flags;				/* MSG_*; out: MSG_TRUNC, MSG_CTRUNC */
	const struct unix_name *to;		/* send: destination or NULL */
	int nfds;				/* send: SCM_RIGHTS; recv: received */
	struct file **fds;
	bool has_cred;				/* send: explicit SCM_CREDENTIALS */
	struct linux_ucred cred;		/* recv: sender's credentials */
	unsigned addrlen;			/* recv: sender's address */
	struct sockaddr_un_k addr;
};
ssize_t unix_send(struct unix_sock *s, struct unix_msg *m, bool nonblock);
ssize_t unix_recv(struct unix_sock *s, struct unix_msg *m, bool nonblock);
void unix_skb_free(struct unix_skb *skb);
/* Copies n bytes at offset off of m's iovecs to (to_user) or from kbuf: 0/-EFAULT. */
int msg_iov_copy(struct unix_msg *m, size_t off, void *kbuf, size_t n, bool to_user);

/* socket.c: addresses between user space and the kernel (len at most 128) */
int sockaddr_from_user(void *k, size_t ksize, const void __user *u, int len);
int sockaddr_to_user(const void *k, unsigned klen, void __user *u, int __user *ulen);

/* socket.c: SO_RCVTIMEO/SO_SNDTIMEO as struct timeval <-> ns (0 = forever) */
struct linux_timeval {
	int64_t tv_sec, tv_usec;
};
int sockopt_timeo_from_user(uint64_t *ns, const void __user *val, int len);
struct linux_timeval sockopt_timeo_to_timeval(uint64_t ns);

/* inet/socket_inet.c: AF_INET sockets, reached from socket.c with the user's arguments */
extern const struct file_operations inet_fops;
long inet_socket(int type, int protocol);
long inet_bind(struct file *f, const void __user *uaddr, int len);
long inet_connect(struct file *f, const void __user *uaddr, int len);
long inet_listen(struct file *f, int backlog);
long inet_accept(struct file *f, void __user *uaddr, int __user *ulen, int flags);
long inet_getname(struct file *f, void __user *uaddr, int __user *ulen, bool peer);
long inet_shutdown(struct file *f, int how);
long inet_setsockopt(struct file *f, int level, int name, const void __user *val, int len);
long inet_getsockopt(struct file *f, int level, int name, void __user *val, int __user *ulen);
/* m's iovecs imported; m->to unused: the destination is uaddr/alen (NULL: none) */
long inet_sendmsg(struct file *f, struct unix_msg *m, const void __user *uaddr, int alen);
/* fills m->addr/addrlen with the sender */
long inet_recvmsg(struct file *f, struct unix_msg *m);

#endif
