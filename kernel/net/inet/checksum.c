/*
 * checksum.c - the Internet checksum (RFC 1071): the ones' complement sum of
 * 16-bit words.  Words are summed as they lie in memory; because the sum is
 * byte-order independent (RFC 1071 2(B)), the folded result can be stored as
 * is into a network-order field.
 */
#include <aegis/string.h>

#include "inet.h"

uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t s = sum;

	while (len >= 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		s += (w & 0xffffffff) + (w >> 32);
		b += 8;
		len -= 8;
	}
	while (len >= 2) {
		uint16_t w;
		memcpy(&w, b, 2);
		s += w;
		b += 2;
		len -= 2;
	}
	if (len)
		s += *b;		/* the odd byte is the high byte of a word: low in memory */
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint32_t s = 0;

	s = csum_add(s, &src, 4);
	s = csum_add(s, &dst, 4);
	s += htons(proto);
	s += htons(len);
	return s;
}
