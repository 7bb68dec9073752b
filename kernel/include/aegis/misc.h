/* misc.h - misc character devices, major 10 (drivers/misc.c). */
#ifndef AEGIS_MISC_H
#define AEGIS_MISC_H

#include <aegis/vfs.h>

#define HWRNG_MINOR 183		/* /dev/hwrng, as in Linux */

/* Registers minor and creates /dev/name (mode, owned by root).  0, -EINVAL,
 * -EBUSY (minor taken). */
int misc_register(unsigned minor, const char *name, unsigned mode,
		  const struct file_operations *fops);

#endif
