/* random.h - the kernel's CSPRNG (kernel/lib/random.c), behind /dev/urandom and getrandom. */
#ifndef AEGIS_RANDOM_H
#define AEGIS_RANDOM_H

#include <aegis/types.h>

/* Fills buf with cryptographically strong bytes.  Never blocks; any context but NMI. */
void get_random_bytes(void *buf, size_t n);

#endif
