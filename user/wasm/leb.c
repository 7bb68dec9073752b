/*
 * Byte reader for the binary format: LEB128 integers with the spec's
 * overlong and overflow rules, and error reporting that names the module,
 * section and byte offset.  Every read checks the end of the buffer, so a
 * truncated or hostile module can only produce an error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

int aw_fail(struct aw_reader *r, int code, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (!r->err || r->err->code)
		return code; /* keep the first error */
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	r->err->code = code;
	snprintf(r->err->msg, sizeof(r->err->msg), "%s: %s section, offset 0x%zx: %s",
		 r->modname ? r->modname : "module", r->section ? r->section : "header",
		 (size_t)(r->p - r->base), what);
	return code;
}

int aw_read_u8(struct aw_reader *r, uint8_t *v)
{
	if (r->p >= r->end)
		return aw_fail(r, AW_EMALFORMED, "unexpected end");
	*v = *r->p++;
	return 0;
}

int aw_read_bytes(struct aw_reader *r, void *dst, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return aw_fail(r, AW_EMALFORMED, "unexpected end");
	memcpy(dst, r->p, n);
	r->p += n;
	return 0;
}

/* Unsigned LEB128 of at most `bits` bits. */
static int read_uleb(struct aw_reader *r, unsigned bits, uint64_t *v)
{
	uint64_t result = 0;
	unsigned shift = 0;
	uint8_t b = 0;

	for (;;) {
		if (r->p >= r->end)
			return aw_fail(r, AW_EMALFORMED, "unexpected end of LEB128");
		b = *r->p++;
		if (shift + 7 >= bits) {
			/* last byte: no continuation, no bits beyond `bits` */
			if (b & 0x80)
				return aw_fail(r, AW_EMALFORMED, "integer representation too long");
			if ((b >> (bits - shift)) != 0)
				return aw_fail(r, AW_EMALFORMED, "integer too large");
		}
		result |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	*v = result;
	return 0;
}

/* Signed LEB128 of at most `bits` bits. */
static int read_sleb(struct aw_reader *r, unsigned bits, int64_t *v)
{
	uint64_t result = 0;
	unsigned shift = 0;
	uint8_t b = 0;

	for (;;) {
		if (r->p >= r->end)
			return aw_fail(r, AW_EMALFORMED, "unexpected end of LEB128");
		b = *r->p++;
		if (shift + 7 >= bits) {
			unsigned used = bits - shift; /* meaningful bits in this byte */
			uint8_t rest;
			if (b & 0x80)
				return aw_fail(r, AW_EMALFORMED, "integer representation too long");
			/* the unused high bits must repeat the sign bit */
			rest = (uint8_t)((b & 0x7f) >> (used - 1));
			if (rest != 0 && rest != (0x7f >> (used - 1)))
				return aw_fail(r, AW_EMALFORMED, "integer too large");
		}
		result |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		result |= ~(uint64_t)0 << shift;
	*v = (int64_t)result;
	return 0;
}

int aw_read_u32(struct aw_reader *r, uint32_t *v)
{
	uint64_t x = 0;
	int rc = read_uleb(r, 32, &x);
	*v = (uint32_t)x;
	return rc;
}

int aw_read_s32(struct aw_reader *r, int32_t *v)
{
	int64_t x = 0;
	int rc = read_sleb(r, 32, &x);
	*v = (int32_t)x;
	return rc;
}

int aw_read_s33(struct aw_reader *r, int64_t *v)
{
	return read_sleb(r, 33, v);
}

int aw_read_s64(struct aw_reader *r, int64_t *v)
{
	return read_sleb(r, 64, v);
}

bool aw_is_reftype(uint8_t t)
{
	return t == AW_FUNCREF || t == AW_EXTERNREF;
}

bool aw_is_valtype(uint8_t t)
{
	return t == AW_I32 || t == AW_I64 || t == AW_F32 || t == AW_F64 || t == AW_V128 ||
	       aw_is_reftype(t);
}
