/*
 * cpio.h - the newc ("070701") cpio parser used to unpack the initramfs.  Pure
 * code with no kernel dependencies beyond types and errno, so the host unit tests
 * feed it hostile archives under ASan/UBSan.
 */
#ifndef AEGIS_FS_CPIO_H
#define AEGIS_FS_CPIO_H

#include <aegis/types.h>

struct cpio_entry {
	const char *name;		/* points into the archive; NUL-terminated */
	size_t namelen;			/* without the NUL */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	const void *data;
	size_t size;
	size_t offset;			/* byte offset of the header in the image */
};

/*
 * Parses the entry at *off in buf[0..len).  Skips the zero padding between
 * concatenated archives and "TRAILER!!!" entries.  Returns 1 with *e filled and
 * *off advanced, 0 at the end of the image, or -EINVAL with a message in err.
 */
int cpio_next(const uint8_t *buf, size_t len, size_t *off, struct cpio_entry *e,
	      char *err, size_t errlen);

/*
 * Makes an archive name relative and safe: drops leading '/', "." and ".."
 * components and empty ones.  Returns the length written to out (0 means the root
 * itself) or -1 if it does not fit.
 */
int cpio_sanitize(const char *in, size_t n, char *out, size_t size);

#endif
