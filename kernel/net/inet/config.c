/*
 * config.c - addresses from the kernel command line, in Linux's syntax
 * (Documentation/admin-guide/nfs/nfsroot.rst):
 *
 *	ip=<client-ip>:<server-ip>:<gw-ip>:<netmask>:<hostname>:<device>:<autoconf>:<dns0-ip>
 *
 * Static configuration (client address, gateway, netmask, device; default:
 * the first Ethernet device; without a netmask the class default, as Linux)
 * or DHCP: `ip=dhcp` (also `on`, `any`) or autoconf `dhcp` (dhcp.c).  A
 * malformed value configures nothing and says why.
 */
#include <aegis/bootinfo.h>
#include <aegis/cmdline.h>
#include <aegis/printk.h>
#include <aegis/string.h>

#include "inet.h"

/* "a.b.c.d" of len bytes -> network order; false if malformed */
static bool parse_ipv4(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	int parts = 0;
	size_t i = 0;

	while (parts < 4) {
		uint32_t octet = 0;
		size_t digits = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
			octet = octet * 10 + (uint32_t)(s[i++] - '0');
			digits++;
		}
		if (!digits || octet > 255)
			return false;
		v = v << 8 | octet;
		if (++parts < 4 && (i >= len || s[i++] != '.'))
			return false;
	}
	if (i != len)
		return false;
	*out = htonl(v);
	return true;
}

static uint32_t class_netmask(uint32_t addr)
{
	uint32_t a = ntohl(addr) >> 24;
	return htonl(a < 128 ? 0xff000000 : a < 192 ? 0xffff0000 : 0xffffff00);
}

static unsigned prefix_len(uint32_t mask)
{
	unsigned n = 0;

	for (uint32_t m = ntohl(mask); m & 0x80000000u; m <<= 1)
		n++;
	return n;
}

/* field n (0-based) of the colon-separated value */
static void field(const char *v, int n, const char **p, size_t *len)
{
	const char *s = v;

	for (int i = 0; i < n && s; i++) {
		s = strchr(s, ':');
		if (s)
			s++;
	}
	if (!s) {
		*p = "";
		*len = 0;
		return;
	}
	const char *e = strchr(s, ':');
	*p = s;
	*len = e ? (size_t)(e - s) : strlen(s);
}

void net_config_device(struct netdev *d)
{
	char v[256], dev[16] = "";
	const char *p;
	size_t len;
	uint32_t addr, gw = 0, mask;

	if (d->flags & IFF_LOOPBACK)
		return;
	if (!cmdline_get(boot_info.cmdline, "ip", v, sizeof(v)) || !v[0])
		return;
	if (!strcmp(v, "dhcp") || !strcmp(v, "on") || !strcmp(v, "any")) {
		if (d->ifindex == 2)	/* the first device after lo, as below */
			dhcp_configure(d);
		return;
	}
	field(v, 6, &p, &len);
	bool autoconf = len == 4 && !memcmp(p, "dhcp", 4);
	field(v, 5, &p, &len);
	if (len >= sizeof(dev))
		len = sizeof(dev) - 1;
	memcpy(dev, p, len);
	dev[len] = 0;
	if (dev[0] ? strcmp(dev, d->name) != 0 : d->ifindex != 2)
		return;		/* not the device named, or not the first after lo */
	if (autoconf) {
		dhcp_configure(d);
		return;
	}
	field(v, 0, &p, &len);
	if (!parse_ipv4(p, len, &addr)) {
		pr_err("net: ip=%s: no client address\n", v);
		return;
	}
	field(v, 3, &p, &len);
	if (!len)
		mask = class_netmask(addr);
	else if (!parse_ipv4(p, len, &mask)) {
		pr_err("net: ip=%s: bad netmask\n", v);
		return;
	}
	field(v, 2, &p, &len);
	if (len && !parse_ipv4(p, len, &gw)) {
		pr_err("net: ip=%s: bad gateway\n", v);
		return;
	}
	field(v, 7, &p, &len);
	uint32_t dns = 0;
	if (len && !parse_ipv4(p, len, &dns)) {
		pr_err("net: ip=%s: bad name server\n", v);
		return;
	}
	mutex_lock(&net_lock);
	net_nameserver = dns;
	d->addr = addr;
	d->netmask = mask;
	d->gateway = gw;
	mutex_unlock(&net_lock);
	pr_info("net: %s: %u.%u.%u.%u/%u, gateway %u.%u.%u.%u\n", d->name,
		ntohl(addr) >> 24, ntohl(addr) >> 16 & 255, ntohl(addr) >> 8 & 255, ntohl(addr) & 255,
		prefix_len(mask), ntohl(gw) >> 24, ntohl(gw) >> 16 & 255,
		ntohl(gw) >> 8 & 255, ntohl(gw) & 255);
}
