/*
 * inet.c - the IPv4 stack's timers, run by the network thread.
 */
#include "inet.h"

uint64_t inet_timers(uint64_t now)
{
	uint64_t a = arp_timers(now), t = tcp_timers(now), f = ipfrag_timers(now);
	return MIN(MIN(a, t), f);
}
