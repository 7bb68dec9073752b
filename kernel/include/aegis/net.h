/*
 * net.h - network devices and packet buffers (kernel/net/netdev.c), the face
 * of the IPv4 stack (kernel/net/inet/) towards drivers.
 *
 * A driver fills a struct netdev and registers it.  Received frames are
 * handed over in the network thread: the interrupt handler only calls
 * netdev_schedule(), and the thread calls ops->poll(), which passes each frame
 * to netdev_receive().  Everything in the stack runs under one mutex,
 * net_lock, in thread context (the network thread or a system call).
 *
 * IPv4 addresses are kept in network byte order in a uint32_t (as they are in
 * memory on the wire), so masks and comparisons need no conversion.
 */
#ifndef AEGIS_NET_H
#define AEGIS_NET_H

#include <aegis/sched.h>
#include <aegis/types.h>

/* headroom in every buffer: virtio-net header, Ethernet, IPv4 and TCP with options */
#define NETBUF_HEADROOM	160

struct netdev;

/* One packet.  data/len is the current view; headers are pushed in front. */
struct netbuf {
	struct netbuf *next;		/* in whichever queue holds it */
	struct netdev *dev;		/* received on */
	uint8_t *data;
	uint32_t len;
	uint32_t size;			/* bytes of buf[] */
	uint32_t src_addr;		/* a queued datagram's sender (network order) */
	uint16_t src_port;
	uint8_t buf[];
};

/* A buffer with room for `payload` bytes after the headroom (len 0), or NULL. */
struct netbuf *netbuf_alloc(size_t payload);
void netbuf_free(struct netbuf *nb);
/* n more bytes of header in front (NULL if the headroom is used up) */
uint8_t *netbuf_push(struct netbuf *nb, uint32_t n);
/* drop n bytes from the front (NULL if shorter) and return the new front */
uint8_t *netbuf_pull(struct netbuf *nb, uint32_t n);
/* n bytes appended at the end (NULL if no room) */
uint8_t *netbuf_put(struct netbuf *nb, uint32_t n);

#define IFF_UP		0x1
#define IFF_BROADCAST	0x2
#define IFF_LOOPBACK	0x8
#define IFF_RUNNING	0x40
#define IFF_MULTICAST	0x1000

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};

struct netdev_ops {
	/* Send the frame at nb->data (an Ethernet frame, or an IP packet on a
	 * device without link header); always consumes nb.  0 or -errno. */
	int (*xmit)(struct netdev *d, struct netbuf *nb);
	/* In the network thread: pass every frame received to netdev_receive(). */
	void (*poll)(struct netdev *d);
};

struct netdev {
	char name[16];
	int ifindex;
	unsigned flags;			/* IFF_* */
	uint8_t mac[6];
	uint32_t mtu;			/* largest IP packet */
	uint32_t addr, netmask;		/* IPv4 (network order), 0 = none */
	uint32_t gateway;		/* default route through this device, 0 = none */
	const struct netdev_ops *ops;
	void *priv;
	bool polled;			/* no interrupt: the thread polls every ms */
	bool pending;			/* [atomic] poll() wanted */
	struct netdev_stats stats;	/* [net_lock] */
	struct netdev *next;		/* [net_lock] in the device list */
};

extern struct mutex net_lock;

/* registers d (names it ethN unless named), 0 or -errno; may sleep */
int netdev_register(struct netdev *d);
/* from any context, interrupts included: the network thread polls d soon */
void netdev_schedule(struct netdev *d);
/* from ops->poll: one received frame, consumed */
void netdev_receive(struct netdev *d, struct netbuf *nb);
/* under net_lock: the device list, and a device by name or index */
struct netdev *netdev_first(void);
struct netdev *netdev_by_name(const char *name);
struct netdev *netdev_by_index(int ifindex);
/* wake the network thread: a timer was armed or work queued */
void net_kick(void);

/* /proc/net/dev, route and pnp, as Linux formats them: bytes written */
int net_proc_dev(char *buf, size_t size);
int net_proc_route(char *buf, size_t size);
int net_proc_pnp(char *buf, size_t size);	/* "nameserver a.b.c.d" */

/* starts the stack: loopback, the network thread, `ip=` from the command line */
void net_init(void);

void e1000_init(void);		/* drivers/net/e1000.c: Intel 82540EM NICs */

/* byte order (x86 is little-endian) */
static inline uint16_t htons(uint16_t v) { return __builtin_bswap16(v); }
static inline uint16_t ntohs(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
static inline uint32_t ntohl(uint32_t v) { return __builtin_bswap32(v); }

#endif
