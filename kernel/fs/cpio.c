/*
 * cpio.c - newc cpio parsing.  Every field is checked against the bytes that are
 * really there before it is used: sizes are 32-bit hex but the image may be
 * truncated anywhere, names may lack their NUL, and padding may be garbage.
 */
#include <aegis/errno.h>
#include <aegis/printf.h>
#include <aegis/string.h>

#include "cpio.h"

#define CPIO_HDR_LEN	110

static int hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static int fail(char *err, size_t errlen, size_t off, const char *name, const char *why)
{
	snprintf(err, errlen, "entry '%s' at byte %zu: %s", name ? name : "?", off, why);
	return -EINVAL;
}

int cpio_next(const uint8_t *buf, size_t len, size_t *off, struct cpio_entry *e,
	      char *err, size_t errlen)
{
	for (;;) {
		size_t o = *off;
		uint32_t f[13];

		/* Zero padding separates concatenated archives. */
		while (o < len && buf[o] == 0)
			o++;
		*off = o;
		if (o >= len)
			return 0;
		if (len - o < CPIO_HDR_LEN)
			return fail(err, errlen, o, NULL, "truncated header");
		if (memcmp(buf + o, "070701", 6) && memcmp(buf + o, "070702", 6))
			return fail(err, errlen, o, NULL, "bad magic (not newc cpio)");
		for (int i = 0; i < 13; i++)
			if (hex8(buf + o + 6 + 8 * i, &f[i]))
				return fail(err, errlen, o, NULL, "bad hex digit in header");
		uint32_t namesize = f[11], filesize = f[6];
		size_t name_off = o + CPIO_HDR_LEN;
		if (namesize == 0 || namesize > 4096 || namesize > len - name_off)
			return fail(err, errlen, o, NULL, "name size out of range");
		const char *name = (const char *)buf + name_off;
		if (name[namesize - 1] != 0 || strnlen(name, namesize) != namesize - 1)
			return fail(err, errlen, o, NULL, "name not NUL-terminated");
		size_t data_off = ALIGN_UP(name_off + namesize, 4);
		if (data_off > len || filesize > len - data_off)
			return fail(err, errlen, o, name, "data runs past the end of the image");
		*off = ALIGN_UP(data_off + filesize, 4);
		if (*off > len)
			*off = len;
		if (!strcmp(name, "TRAILER!!!"))
			continue;
		e->offset = o;
		e->name = name;
		e->namelen = namesize - 1;
		e->ino = f[0];
		e->mode = f[1];
		e->uid = f[2];
		e->gid = f[3];
		e->nlink = f[4];
		e->mtime = f[5];
		e->size = filesize;
		e->devmajor = f[7];
		e->devminor = f[8];
		e->rdevmajor = f[9];
		e->rdevminor = f[10];
		e->data = buf + data_off;
		return 1;
	}
}

int cpio_sanitize(const char *in, size_t n, char *out, size_t size)
{
	size_t o = 0, i = 0;

	while (i < n) {
		while (i < n && in[i] == '/')
			i++;
		size_t s = i;
		while (i < n && in[i] != '/')
			i++;
		size_t cl = i - s;
		if (cl == 0 || (cl == 1 && in[s] == '.') ||
		    (cl == 2 && in[s] == '.' && in[s + 1] == '.'))
			continue;
		if (o + (o > 0) + cl + 1 > size)
			return -1;
		if (o)
			out[o++] = '/';
		memcpy(out + o, in + s, cl);
		o += cl;
	}
	if (size)
		out[o] = 0;
	return (int)o;
}
