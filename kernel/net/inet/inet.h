/*
 * inet.h - the IPv4 stack, private to kernel/net/: wire formats, the layers'
 * entry points and the socket structure shared by UDP, TCP and ICMP.
 *
 * Locking: everything here is guarded by net_lock ([N]); a blocked system
 * call drops it while it sleeps on its socket's wait queue.
 */
#ifndef AEGIS_NET_INET_H
#define AEGIS_NET_INET_H

#include <aegis/net.h>
#include <aegis/socket.h>

#include "tcp_core.h"

struct inet_sock;
struct unix_msg;

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17

#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806
#define ETH_HLEN	14
#define IP_HLEN		20		/* without options */
#define UDP_HLEN	8
#define TCP_HLEN	20		/* without options */
#define ICMP_HLEN	8

/* ------------------------------------------------------------ wire formats */

struct eth_hdr {
	uint8_t dst[6], src[6];
	uint16_t type;
} __packed;

struct arp_pkt {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa;
	uint8_t tha[6];
	uint32_t tpa;
} __packed;

struct ip_hdr {
	uint8_t ver_ihl, tos;
	uint16_t len, id, frag;
	uint8_t ttl, proto;
	uint16_t csum;
	uint32_t src, dst;
} __packed;
#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff

struct udp_hdr {
	uint16_t sport, dport, len, csum;
} __packed;

struct tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t off;			/* data offset in words, high nibble */
	uint8_t flags;
	uint16_t wnd, csum, urg;
} __packed;

struct icmp_hdr {
	uint8_t type, code;
	uint16_t csum;
	uint16_t id, seq;		/* echo; "unused"/MTU for errors */
} __packed;
#define ICMP_ECHOREPLY		0
#define ICMP_DEST_UNREACH	3
#define ICMP_ECHO		8
#define ICMP_TIME_EXCEEDED	11
#define ICMP_NET_UNREACH	0
#define ICMP_HOST_UNREACH	1
#define ICMP_PROT_UNREACH	2
#define ICMP_PORT_UNREACH	3

/* the user's address: struct sockaddr_in */
struct sockaddr_in_k {
	uint16_t sin_family;
	uint16_t sin_port;		/* network order */
	uint32_t sin_addr;		/* network order */
	uint8_t sin_zero[8];
};
#define INADDR_ANY	0
#define INADDR_BROADCAST 0xffffffffu

/* ------------------------------------------------------------ checksum.c */

/* The Internet checksum (RFC 1071): a running 32-bit sum, folded at the end. */
uint32_t csum_add(uint32_t sum, const void *p, size_t len);
uint16_t csum_fold(uint32_t sum);
/* TCP's and UDP's pseudo header */
uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/* ------------------------------------------------------------ layers */

/* ether.c: Ethernet and ARP */
void eth_input(struct netdev *d, struct netbuf *nb);
/* send the IP packet at nb->data to next_hop on d, resolving its address */
int eth_output(struct netdev *d, struct netbuf *nb, uint32_t next_hop);
uint64_t arp_timers(uint64_t now);

/* ip.c */
void ip_input(struct netdev *d, struct netbuf *nb);
/* Route to dst: device, next hop and the source address to use.  0 or
 * -ENETUNREACH. */
int ip_route(uint32_t dst, struct netdev **d, uint32_t *next_hop, uint32_t *src);
/* Prepend an IPv4 header to the transport packet at nb->data and send it;
 * consumes nb.  src 0: the route's.  0 or -errno (EMSGSIZE, ENETUNREACH). */
int ip_output(struct netbuf *nb, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl);
bool ip_is_local(uint32_t addr);	/* one of ours, loopback included */

/* ipfrag.c: a fragment in (nb->data at its IP header): the whole datagram
 * when this completed it, else NULL (nb kept or dropped) */
struct netbuf *ip_reassemble(struct netbuf *nb, const struct ip_hdr *h, uint32_t hlen);
/* nb's payload in fragments with header tmpl, out of d to hop; consumes nb */
int ip_fragment_output(struct netbuf *nb, const struct ip_hdr *tmpl, struct netdev *d, uint32_t hop);
uint64_t ipfrag_timers(uint64_t now);
bool ip_is_broadcast(uint32_t addr);

/* icmp.c */
void icmp_input(struct netbuf *nb, const struct ip_hdr *ip);
/* an ICMP error about the packet whose IP header is at ip (len bytes of it) */
void icmp_send_error(const struct ip_hdr *ip, uint32_t len, uint8_t type, uint8_t code);

/* udp.c and tcp.c: packet in (IP header already removed; ip describes it) */
void udp_input(struct netbuf *nb, const struct ip_hdr *ip);
void tcp_input_packet(struct netbuf *nb, const struct ip_hdr *ip);
/* an ICMP error naming a packet we sent: the embedded header follows ip */
void udp_icmp_error(const struct ip_hdr *ip, const uint8_t *l4, uint32_t l4len, int err);
void tcp_icmp_error(const struct ip_hdr *ip, const uint8_t *l4, uint32_t l4len, int err);
uint64_t tcp_timers(uint64_t now);

/* udp.c: the datagram queue, shared by UDP and raw sockets */
void inet_dgram_enqueue(struct inet_sock *s, struct netbuf *nb);
ssize_t inet_dgram_recv(struct inet_sock *s, struct unix_msg *m, bool nonblock);
unsigned inet_dgram_poll(struct inet_sock *s);
int inet_dgram_shutdown(struct inet_sock *s, int how);
int inet_dgram_inq(struct inet_sock *s);

/* raw.c: a copy of every packet of a protocol, IP header included, to its raw sockets */
void raw_input(const struct netbuf *nb, const struct ip_hdr *ip);
void raw_add(struct inet_sock *s);	/* a new raw socket joins the list */

/* the name server DHCP or ip= named (network order, 0 = none): /proc/net/pnp */
extern uint32_t net_nameserver;

/* dhcp.c: `ip=dhcp` */
int dhcp_configure(struct netdev *d);	/* may sleep: 0 or -errno, d configured */
bool dhcp_input(struct netbuf *nb, const struct ip_hdr *ip);	/* true: taken (caller frees) */

/* ifconfig.c: SIOCGIFCONF, SIOCGIF*, SIOCSIF{FLAGS,ADDR,NETMASK}, SIOC{ADD,DEL}RT */
bool inet_is_if_ioctl(unsigned cmd);
long inet_if_ioctl(unsigned cmd, void __user *arg);

/* config.c: addresses from `ip=` on the command line */
void net_config_device(struct netdev *d);

/* inet.c */
uint64_t inet_timers(uint64_t now);	/* runs what is due; the next deadline */

/* ------------------------------------------------------------ sockets */

enum { IS_CLOSED, IS_LISTEN, IS_CONNECTING, IS_CONNECTED };

/* what differs between UDP, TCP and raw sockets (net_lock held in each) */
struct inet_proto {
	int (*connect)(struct inet_sock *s, const struct sockaddr_in_k *sa, bool nonblock);
	int (*listen)(struct inet_sock *s, int backlog);
	int (*accept)(struct inet_sock *s, bool nonblock, struct inet_sock **out);
	ssize_t (*send)(struct inet_sock *s, struct unix_msg *m, const struct sockaddr_in_k *to,
			bool nonblock);
	ssize_t (*recv)(struct inet_sock *s, struct unix_msg *m, bool nonblock);
	unsigned (*poll)(struct inet_sock *s);
	int (*shutdown)(struct inet_sock *s, int how);
	void (*close)(struct inet_sock *s);	/* the file is gone */
	int (*inq)(struct inet_sock *s);	/* FIONREAD */
	struct inet_sock **list;		/* the protocol's bound sockets */
};
extern const struct inet_proto udp_proto, tcp_proto, raw_proto;

struct inet_sock {
	int refcount;			/* [N] the file, the protocol's tables */
	int type;			/* [I] SOCK_STREAM, SOCK_DGRAM */
	int protocol;			/* [I] IPPROTO_TCP, _UDP, _ICMP */
	const struct inet_proto *proto;	/* [I] */
	int state;			/* [N] IS_* */
	uint32_t laddr, raddr;		/* [N] network order */
	uint16_t lport, rport;		/* [N] network order, 0 = none */
	bool dead;			/* [N] the file is closed */
	bool reuseaddr, nodelay;	/* [N] */
	int err;			/* [N] pending error (positive errno) */
	unsigned shut;			/* [N] RCV_SHUT | SEND_SHUT */
	int sndbuf, rcvbuf;		/* [N] bytes */
	uint64_t rcvtimeo, sndtimeo;	/* [N] ns, 0 = forever */
	int ttl;			/* [N] IP_TTL */
	struct wait_queue wq;		/* woken on every change */
	struct inet_sock *next;		/* [N] in the protocol's list */
	bool hashed;			/* [N] in the protocol's list */

	/* datagrams (UDP, ICMP): received, not yet read */
	struct netbuf *rq_head, *rq_tail;
	size_t rq_bytes;

	/* TCP */
	struct tcb *tcb;		/* NULL until connect/accept */
	struct inet_sock *parent;	/* [N] listener of a connection not yet accepted */
	struct inet_sock *aq_head, *aq_tail, *aq_next;	/* [N] listener: accept queue */
	int aq_len, pending, backlog;	/* [N] accepted-ready, half-open, limit */
	uint64_t orphan_at;		/* [N] file closed in FIN-WAIT-2 since */
};
#define POLLRDHUP	0x2000
#define RCV_SHUT	1
#define SEND_SHUT	2

/* socket_inet.c */
struct inet_sock *inet_sock_alloc(int type, int protocol, const struct inet_proto *p);
void inet_sock_get(struct inet_sock *s);
void inet_sock_put(struct inet_sock *s);
/* Sleep (net_lock dropped) until cond(s), a signal or the timeout: 0, -EAGAIN
 * (timed out) or -ERESTARTSYS. */
int inet_wait(struct inet_sock *s, bool (*cond)(void *), uint64_t timeo);
/* Take local address/port (network order; port 0 = an ephemeral one) in the
 * protocol's list: 0, -EADDRINUSE, -EADDRNOTAVAIL, -EACCES. */
int inet_bind_local(struct inet_sock *s, uint32_t addr, uint16_t port);
void inet_unhash(struct inet_sock *s);	/* out of the list (drops its reference) */
/* the address, checked: 0 or -EINVAL/-EAFNOSUPPORT */
int inet_addr_check(const struct sockaddr_in_k *sa, unsigned len);

#endif
