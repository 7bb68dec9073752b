/*
 * ifconfig.c - the interface ioctls of Linux's sockets (netdevice(7)) and
 * /proc/net/dev and /proc/net/route, which is what busybox ifconfig and
 * route use to show and set addresses, flags and the default route; and
 * /proc/net/pnp, the name server in resolv.conf's syntax, as Linux's ipconfig
 * writes it (the root file system links /etc/resolv.conf to it).
 *
 * Setting needs root.  An address set with SIOCSIFADDR gets its class's
 * netmask, as Linux does; a default route (SIOCADDRT with a zero
 * destination and RTF_GATEWAY) is kept as the gateway of the device that
 * reaches it.  Other routes are not supported (EINVAL for add, ESRCH for
 * delete), nor are hardware address, MTU or map changes (EOPNOTSUPP).
 */
#include <aegis/errno.h>
#include <aegis/printf.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "inet.h"

#define SIOCADDRT	0x890B
#define SIOCDELRT	0x890C
#define SIOCGIFNAME	0x8910
#define SIOCGIFCONF	0x8912
#define SIOCGIFFLAGS	0x8913
#define SIOCSIFFLAGS	0x8914
#define SIOCGIFADDR	0x8915
#define SIOCSIFADDR	0x8916
#define SIOCGIFDSTADDR	0x8917
#define SIOCGIFBRDADDR	0x8919
#define SIOCGIFNETMASK	0x891b
#define SIOCSIFNETMASK	0x891c
#define SIOCGIFMETRIC	0x891d
#define SIOCGIFMTU	0x8921
#define SIOCGIFHWADDR	0x8927
#define SIOCGIFINDEX	0x8933
#define SIOCGIFTXQLEN	0x8942
#define SIOCGIFMAP	0x8970
#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772
#define RTF_UP		0x1
#define RTF_GATEWAY	0x2

/* struct ifreq (40 bytes on x86-64) */
struct ifreq_k {
	char name[16];
	union {
		struct sockaddr_in_k addr;
		struct {
			uint16_t family;
			uint8_t data[14];
		} hw;
		int16_t flags;
		int32_t ivalue;
		uint8_t map[24];
	};
};

/* struct ifconf */
struct ifconf_k {
	int32_t len;
	int32_t pad;
	uint64_t buf;			/* user pointer */
};

/* struct rtentry, the fields used */
struct rtentry_k {
	uint64_t pad1;
	struct sockaddr_in_k dst, gateway, genmask;
	uint16_t flags;
	uint8_t rest[46];
};

static struct sockaddr_in_k in_addr(uint32_t a)
{
	struct sockaddr_in_k sa = { .sin_family = AF_INET, .sin_addr = a };
	return sa;
}

static uint32_t class_mask(uint32_t addr)
{
	uint32_t a = ntohl(addr) >> 24;
	return htonl(a < 128 ? 0xff000000 : a < 192 ? 0xffff0000 : 0xffffff00);
}

/* SIOCGIFCONF: every device with an address (Linux lists no others) */
static long if_conf(void __user *arg)
{
	struct ifconf_k c;
	int n = 0;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	for (struct netdev *d = netdev_first(); d; d = d->next) {
		struct ifreq_k r = { 0 };
		if (!d->addr)
			continue;
		if (c.buf) {
			if ((n + 1) * (int)sizeof(r) > c.len)
				break;
			memcpy(r.name, d->name, sizeof(r.name));
			r.addr = in_addr(d->addr);
			if (copy_to_user((void __user *)(c.buf + (uint64_t)n * sizeof(r)), &r, sizeof(r)))
				return -EFAULT;
		}
		n++;
	}
	c.len = n * (int)sizeof(struct ifreq_k);
	return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
}

static long if_route(unsigned cmd, void __user *arg)
{
	struct rtentry_k rt;
	struct netdev *d;
	uint32_t gw, hop, src;

	if (!cred_is_root(&current_proc()->cred))
		return -EPERM;
	if (copy_from_user(&rt, arg, sizeof(rt)))
		return -EFAULT;
	if (rt.dst.sin_addr != 0 || rt.genmask.sin_addr != 0)
		return cmd == SIOCADDRT ? -EINVAL : -ESRCH;	/* only the default route */
	gw = rt.gateway.sin_addr;
	if (cmd == SIOCDELRT) {
		for (d = netdev_first(); d; d = d->next) {
			if (d->gateway && (!gw || d->gateway == gw)) {
				d->gateway = 0;
				return 0;
			}
		}
		return -ESRCH;
	}
	if (!(rt.flags & RTF_GATEWAY) || !gw)
		return -EINVAL;
	for (d = netdev_first(); d; d = d->next)
		if (d->gateway)
			return -EEXIST;
	if (ip_route(gw, &d, &hop, &src) || (d->flags & IFF_LOOPBACK) || hop != gw)
		return -ENETUNREACH;		/* the gateway must be on a subnet of ours */
	d->gateway = gw;
	return 0;
}

static long if_set(struct netdev *d, unsigned cmd, struct ifreq_k *r)
{
	if (!cred_is_root(&current_proc()->cred))
		return -EPERM;
	switch (cmd) {
	case SIOCSIFFLAGS:
		d->flags = (d->flags & ~(unsigned)IFF_UP) | ((uint16_t)r->flags & IFF_UP);
		if (!(d->flags & IFF_UP) && !(d->flags & IFF_LOOPBACK))
			d->flags &= ~(unsigned)IFF_RUNNING;
		else
			d->flags |= IFF_RUNNING;
		return 0;
	case SIOCSIFADDR:
		if (r->addr.sin_family != AF_INET)
			return -EINVAL;
		if (d->flags & IFF_LOOPBACK)
			return -EOPNOTSUPP;	/* lo keeps 127.0.0.1 */
		d->addr = r->addr.sin_addr;
		d->netmask = class_mask(d->addr);
		if (d->gateway && (d->gateway & d->netmask) != (d->addr & d->netmask))
			d->gateway = 0;
		return 0;
	case SIOCSIFNETMASK:
		if (r->addr.sin_family != AF_INET || !d->addr)
			return -EADDRNOTAVAIL;
		d->netmask = r->addr.sin_addr;
		return 0;
	}
	return -EOPNOTSUPP;
}

static long if_get(struct netdev *d, unsigned cmd, struct ifreq_k *r)
{
	memset(&r->map, 0, sizeof(r->map));
	switch (cmd) {
	case SIOCGIFFLAGS:
		r->flags = (int16_t)(d->flags & 0xffff);
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
		if (!d->addr)
			return -EADDRNOTAVAIL;
		r->addr = in_addr(cmd == SIOCGIFADDR || cmd == SIOCGIFDSTADDR ? d->addr
				  : cmd == SIOCGIFNETMASK ? d->netmask
				  : (d->flags & IFF_LOOPBACK) ? 0 : (d->addr | ~d->netmask));
		return 0;
	case SIOCGIFHWADDR:
		r->hw.family = (d->flags & IFF_LOOPBACK) ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
		memcpy(r->hw.data, d->mac, 6);
		return 0;
	case SIOCGIFMTU:
		r->ivalue = (int32_t)d->mtu;
		return 0;
	case SIOCGIFINDEX:
		r->ivalue = d->ifindex;
		return 0;
	case SIOCGIFMETRIC:
		r->ivalue = 0;
		return 0;
	case SIOCGIFTXQLEN:
		r->ivalue = (d->flags & IFF_LOOPBACK) ? 1000 : 1000;
		return 0;
	case SIOCGIFMAP:
		return 0;
	}
	return -ENOTTY;
}

bool inet_is_if_ioctl(unsigned cmd)
{
	return (cmd >= 0x8900 && cmd <= 0x89ff) || cmd == SIOCGIFMAP;
}

long inet_if_ioctl(unsigned cmd, void __user *arg)
{
	struct ifreq_k r;
	struct netdev *d;
	long err;

	if (cmd == SIOCGIFCONF || cmd == SIOCADDRT || cmd == SIOCDELRT) {
		mutex_lock(&net_lock);
		err = cmd == SIOCGIFCONF ? if_conf(arg) : if_route(cmd, arg);
		mutex_unlock(&net_lock);
		return err;
	}
	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	mutex_lock(&net_lock);
	if (cmd == SIOCGIFNAME) {
		d = netdev_by_index(r.ivalue);
		if (d)
			memcpy(r.name, d->name, sizeof(r.name));
	} else {
		r.name[sizeof(r.name) - 1] = 0;
		d = netdev_by_name(r.name);
	}
	if (!d)
		err = -ENODEV;
	else if (cmd == SIOCGIFNAME)
		err = 0;
	else if (cmd == SIOCSIFFLAGS || cmd == SIOCSIFADDR || cmd == SIOCSIFNETMASK)
		err = if_set(d, cmd, &r);
	else
		err = if_get(d, cmd, &r);
	mutex_unlock(&net_lock);
	if (!err && cmd != SIOCSIFFLAGS && cmd != SIOCSIFADDR && cmd != SIOCSIFNETMASK &&
	    copy_to_user(arg, &r, sizeof(r)))
		err = -EFAULT;
	return err;
}

/* ------------------------------------------------------------ /proc/net */

int net_proc_dev(char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size,
		"Inter-|   Receive                            "
		"                    |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|"
		"bytes    packets errs drop fifo colls carrier compressed\n");

	mutex_lock(&net_lock);
	for (struct netdev *d = netdev_first(); d && n < size; d = d->next) {
		const struct netdev_stats *s = &d->stats;
		n += (size_t)snprintf(buf + n, size - n,
			"%6s: %7llu %7llu %4llu %4llu %4u %5u %10u %9u %8llu %7llu %4llu %4llu %4u %5u %7u %10u\n",
			d->name, (unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets,
			(unsigned long long)s->rx_errors, (unsigned long long)s->rx_dropped, 0, 0, 0, 0,
			(unsigned long long)s->tx_bytes, (unsigned long long)s->tx_packets,
			(unsigned long long)s->tx_errors, (unsigned long long)s->tx_dropped, 0, 0, 0, 0);
	}
	mutex_unlock(&net_lock);
	return (int)MIN(n, size);
}

/* one line of /proc/net/route: hex words as they lie in memory, padded to 127 */
static size_t route_line(char *buf, size_t size, const char *dev, uint32_t dst, uint32_t gw,
			 unsigned flags, uint32_t mask)
{
	char line[160];
	int l = snprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0", dev,
			 dst, gw, flags, mask);
	return (size_t)snprintf(buf, size, "%-127s\n", l > 0 ? line : "");
}

int net_proc_route(char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%-127s\n",
				    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
				    "Mask\t\tMTU\tWindow\tIRTT");

	mutex_lock(&net_lock);
	for (struct netdev *d = netdev_first(); d && n < size; d = d->next) {
		if ((d->flags & IFF_LOOPBACK) || !(d->flags & IFF_UP) || !d->addr)
			continue;
		if (d->gateway)
			n += route_line(buf + n, size - n, d->name, 0, d->gateway, RTF_UP | RTF_GATEWAY, 0);
		if (n < size)
			n += route_line(buf + n, size - n, d->name, d->addr & d->netmask, 0, RTF_UP,
					d->netmask);
	}
	mutex_unlock(&net_lock);
	return (int)MIN(n, size);
}

uint32_t net_nameserver;		/* [N] */

int net_proc_pnp(char *buf, size_t size)
{
	uint32_t a;

	mutex_lock(&net_lock);
	a = ntohl(net_nameserver);
	mutex_unlock(&net_lock);
	if (!a)
		return snprintf(buf, size, "#MANUAL\n");
	return snprintf(buf, size, "#MANUAL\nnameserver %u.%u.%u.%u\n", a >> 24, a >> 16 & 255,
			a >> 8 & 255, a & 255);
}
