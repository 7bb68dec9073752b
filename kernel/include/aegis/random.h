/* random.h - the kernel's random numbers (/dev/urandom, getrandom, AT_RANDOM). */
#ifndef AEGIS_RANDOM_H
#define AEGIS_RANDOM_H

#include <aegis/types.h>

/* Fills buf with cryptographically strong bytes.  Any context; never sleeps. */
void get_random_bytes(void *buf, size_t len);

#endif
