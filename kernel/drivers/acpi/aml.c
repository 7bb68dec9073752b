/*
 * aml.c - the one piece of AML Aegis decodes without an interpreter: the \_S5_
 * sleep-state package, which gives the SLP_TYP values for soft-off.
 *
 * Firmware writes it as NameOp [\] "_S5_" PackageOp PkgLength NumElements elements,
 * where each element is ZeroOp, OneOp, OnesOp or a Byte/Word/DWord constant.  The
 * scan is bounded by len at every read; anything that does not decode is skipped.
 */
#include <aegis/acpi.h>
#include <aegis/errno.h>
#include <aegis/string.h>

#define AML_NAME_OP	0x08
#define AML_PACKAGE_OP	0x12
#define AML_ZERO_OP	0x00
#define AML_ONE_OP	0x01
#define AML_ONES_OP	0xff
#define AML_BYTE_PFX	0x0a
#define AML_WORD_PFX	0x0b
#define AML_DWORD_PFX	0x0c

/* Decodes one integer constant at *pos; returns 0 and advances, or -EINVAL. */
static int aml_int(const uint8_t *aml, size_t len, size_t *pos, uint32_t *val)
{
	size_t p = *pos, n;

	if (p >= len)
		return -EINVAL;
	switch (aml[p]) {
	case AML_ZERO_OP: *val = 0; n = 0; break;
	case AML_ONE_OP: *val = 1; n = 0; break;
	case AML_ONES_OP: *val = 0xffffffffu; n = 0; break;
	case AML_BYTE_PFX: n = 1; break;
	case AML_WORD_PFX: n = 2; break;
	case AML_DWORD_PFX: n = 4; break;
	default: return -EINVAL;
	}
	if (n) {
		if (len - p - 1 < n)
			return -EINVAL;
		*val = 0;
		for (size_t i = 0; i < n; i++)
			*val |= (uint32_t)aml[p + 1 + i] << (8 * i);
	}
	*pos = p + 1 + n;
	return 0;
}

/* Decodes the package following "_S5_" at pos. */
static int decode_s5(const uint8_t *aml, size_t len, size_t pos, uint8_t *a, uint8_t *b)
{
	uint32_t va, vb;
	size_t pkglen_bytes;

	if (pos >= len || aml[pos] != AML_PACKAGE_OP)
		return -EINVAL;
	pos++;
	if (pos >= len)
		return -EINVAL;
	pkglen_bytes = 1 + (aml[pos] >> 6);
	if (len - pos < pkglen_bytes + 1)
		return -EINVAL;
	pos += pkglen_bytes;
	if (aml[pos] < 1)		/* NumElements */
		return -EINVAL;
	pos++;
	if (aml_int(aml, len, &pos, &va))
		return -EINVAL;
	if (aml_int(aml, len, &pos, &vb))
		vb = va;		/* some firmware gives one element */
	*a = va & 7;
	*b = vb & 7;
	return 0;
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	if (!aml || len < 5)
		return -ENOENT;
	for (size_t i = 1; i + 4 <= len; i++) {
		if (memcmp(aml + i, "_S5_", 4))
			continue;
		/* must be a name definition: NameOp "_S5_" or NameOp '\' "_S5_" */
		if (aml[i - 1] != AML_NAME_OP &&
		    !(aml[i - 1] == '\\' && i >= 2 && aml[i - 2] == AML_NAME_OP))
			continue;
		if (!decode_s5(aml, len, i + 4, slp_typa, slp_typb))
			return 0;
	}
	return -ENOENT;
}
