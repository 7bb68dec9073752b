/*
 * socket.h - Linux's socket ABI (x86-64) and the kernel's AF_UNIX sockets
 * (kernel/net/); AF_INET sockets live in kernel/net/inet/.
 */
#ifndef AEGIS_SOCKET_H
#define AEGIS_SOCKET_H

#include <aegis/types.h>

#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_INET		2
#define AF_MAX		46

#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_SEQPACKET	5
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	04000
#define SOCK_CLOEXEC	02000000

#define SOL_SOCKET	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_PASSCRED	16
#define SO_PEERCRED	17
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_SNDBUFFORCE	32
#define SO_RCVBUFFORCE	33
#define SO_PROTOCOL	38
#define SO_DOMAIN	39

#define MSG_OOB		0x1
#define MSG_PEEK	0x2
#define MSG_CTRUNC	0x8
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SCM_RIGHTS	1
#define SCM_CREDENTIALS	2
#define SCM_MAX_FD	253

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

#define UNIX_PATH_MAX	108

struct sockaddr_un_k {
	uint16_t sun_family;
	char sun_path[UNIX_PATH_MAX];
};

struct linux_msghdr {
	void __user *msg_name;
	uint32_t msg_namelen;
	struct linux_iovec __user *msg_iov;
	size_t msg_iovlen;
	void __user *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct linux_cmsghdr {
	size_t cmsg_len;
	int cmsg_level, cmsg_type;
};

struct linux_ucred {
	int32_t pid;
	uint32_t uid, gid;
};

#endif
