/*
 * tables.c - pure parsing of the ACPI static tables (no hardware access).
 *
 * Firmware tables are input, not truth: every table is mapped first by its header,
 * its length is checked against sane bounds, then the whole table is mapped and its
 * checksum verified.  A table that fails is named in a warning and ignored.  Fields
 * are read with memcpy (tables are packed and unaligned) and only when the table's
 * length covers them.  Physical memory is reached only through the acpi_map_fn.
 */
#include <aegis/acpi.h>
#include <aegis/errno.h>
#include <aegis/printk.h>
#include <aegis/string.h>
#include <aegis/unaligned.h>

#define HDR_LEN		sizeof(struct acpi_sdt_header)


uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

static void sig_str(char out[5], const void *sig)
{
	for (int i = 0; i < 4; i++) {
		char c = ((const char *)sig)[i];
		out[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	out[4] = 0;
}

int acpi_parse_rsdp(const void *rsdp, size_t avail, paddr_t *root, bool *is_xsdt,
		    uint8_t *revision)
{
	const uint8_t *r = rsdp;

	if (!r || avail < 20 || memcmp(r, "RSD PTR ", 8)) {
		pr_warn("acpi: RSDP: bad signature or too short, ignored\n");
		return -EINVAL;
	}
	if (acpi_checksum(r, 20)) {
		pr_warn("acpi: RSDP: bad checksum, ignored\n");
		return -EINVAL;
	}
	*revision = r[15];
	*root = get_le32(r + 16);
	*is_xsdt = false;
	if (r[15] >= 2 && avail >= 36) {
		uint32_t len = get_le32(r + 20);
		uint64_t xsdt = get_le64(r + 24);
		if (len < 36 || len > avail || acpi_checksum(r, len))
			pr_warn("acpi: RSDP: bad extended checksum/length, using the RSDT\n");
		else if (xsdt) {
			*root = xsdt;
			*is_xsdt = true;
		}
	}
	if (!*root) {
		pr_warn("acpi: RSDP: no root table\n");
		return -EINVAL;
	}
	return 0;
}

const struct acpi_sdt_header *acpi_map_table(acpi_map_fn map, paddr_t pa,
					     const char *sig)
{
	const struct acpi_sdt_header *h;
	char name[5];
	uint32_t len;

	if (!pa || !(h = map(pa, HDR_LEN))) {
		pr_warn("acpi: %s at %#llx: not in memory, ignored\n", sig ? sig : "table",
			(unsigned long long)pa);
		return NULL;
	}
	sig_str(name, h->sig);
	if (sig && memcmp(h->sig, sig, 4)) {
		pr_warn("acpi: %s at %#llx: signature is '%s', ignored\n", sig,
			(unsigned long long)pa, name);
		return NULL;
	}
	len = h->length;
	if (len < HDR_LEN || len > ACPI_MAX_TABLE_LEN) {
		pr_warn("acpi: %s at %#llx: impossible length %u, ignored\n", name,
			(unsigned long long)pa, len);
		return NULL;
	}
	if (!(h = map(pa, len))) {
		pr_warn("acpi: %s at %#llx: length %u runs past memory, ignored\n", name,
			(unsigned long long)pa, len);
		return NULL;
	}
	if (acpi_checksum(h, len)) {
		pr_warn("acpi: %s at %#llx: bad checksum, ignored\n", name,
			(unsigned long long)pa);
		return NULL;
	}
	return h;
}

/* Minimum length of each MADT entry type we read; 0: not read. */
static uint8_t madt_min_len(uint8_t type)
{
	switch (type) {
	case 0: return 8;	/* processor local APIC */
	case 1: return 12;	/* I/O APIC */
	case 2: return 10;	/* interrupt source override */
	case 3: return 8;	/* NMI source */
	case 4: return 6;	/* local APIC NMI */
	case 5: return 12;	/* local APIC address override */
	case 9: return 16;	/* processor local x2APIC */
	case 10: return 12;	/* local x2APIC NMI */
	default: return 2;
	}
}

static void madt_entry(struct acpi_info *ai, const uint8_t *e)
{
	switch (e[0]) {
	case 0:
	case 9: {
		uint32_t flags = e[0] == 0 ? get_le32(e + 4) : get_le32(e + 8);
		struct acpi_lapic l = {
			.apic_id = e[0] == 0 ? e[3] : get_le32(e + 4),
			.uid = e[0] == 0 ? e[2] : get_le32(e + 12),
			.enabled = flags & 1,
		};
		if (!(flags & 3))
			break;		/* neither enabled nor online-capable */
		if (ai->n_lapics < ACPI_MAX_LAPICS)
			ai->lapics[ai->n_lapics++] = l;
		break;
	}
	case 1:
		if (ai->n_ioapics < ACPI_MAX_IOAPICS)
			ai->ioapics[ai->n_ioapics++] = (struct acpi_ioapic){
				.id = e[2], .base = get_le32(e + 4), .gsi_base = get_le32(e + 8) };
		break;
	case 2:
		if (ai->n_isos < ACPI_MAX_ISOS)
			ai->isos[ai->n_isos++] = (struct acpi_iso){
				.bus = e[2], .source = e[3], .gsi = get_le32(e + 4),
				.flags = get_le16(e + 8) };
		break;
	case 3:
		if (ai->n_nmis < ACPI_MAX_NMIS)
			ai->nmis[ai->n_nmis++] = (struct acpi_nmi){
				.is_gsi = true, .flags = get_le16(e + 2), .gsi = get_le32(e + 4) };
		break;
	case 4:
		if (ai->n_nmis < ACPI_MAX_NMIS)
			ai->nmis[ai->n_nmis++] = (struct acpi_nmi){
				.uid = e[2] == 0xff ? 0xffffffffu : e[2],
				.flags = get_le16(e + 3), .lint = e[5] };
		break;
	case 5:
		ai->lapic_base = get_le64(e + 4);
		break;
	case 10:
		if (ai->n_nmis < ACPI_MAX_NMIS)
			ai->nmis[ai->n_nmis++] = (struct acpi_nmi){
				.flags = get_le16(e + 2), .uid = get_le32(e + 4), .lint = e[8] };
		break;
	}
}

int acpi_parse_madt(struct acpi_info *ai, const struct acpi_sdt_header *t)
{
	const uint8_t *p = (const uint8_t *)t;
	uint32_t len = t->length, off = 44;

	if (len < 44) {
		pr_warn("acpi: APIC: too short (%u bytes), ignored\n", len);
		return -EINVAL;
	}
	ai->lapic_base = get_le32(p + 36);
	ai->pcat_compat = get_le32(p + 40) & 1;
	while (off + 2 <= len) {
		uint8_t type = p[off], elen = p[off + 1];
		if (elen < madt_min_len(type) || elen > len - off) {
			pr_warn("acpi: APIC: entry type %u at offset %u has bad length %u, "
				"rest ignored\n", type, off, elen);
			break;
		}
		madt_entry(ai, p + off);
		off += elen;
	}
	ai->have_madt = true;
	return 0;
}

static struct acpi_gas io_gas(uint32_t port, uint8_t len_bytes)
{
	return (struct acpi_gas){ .space = ACPI_SPACE_IO, .bit_width = len_bytes * 8,
				  .address = port };
}

/* A 64-bit extended field wins over the 32-bit one when present and non-zero. */
static void fadt_xblock(const uint8_t *p, uint32_t len, uint32_t off, struct acpi_gas *g)
{
	struct acpi_gas x;

	if (len < off + 12)
		return;
	memcpy(&x, p + off, sizeof(x));
	if (x.address && (x.space == ACPI_SPACE_IO || x.space == ACPI_SPACE_MEM))
		*g = x;
}

int acpi_parse_fadt(struct acpi_info *ai, const struct acpi_sdt_header *t)
{
	const uint8_t *p = (const uint8_t *)t;
	uint32_t len = t->length;
	uint8_t cnt_len;

	if (len < 116) {	/* through the Flags field (ACPI 1.0 FADT) */
		pr_warn("acpi: FACP: too short (%u bytes), ignored\n", len);
		return -EINVAL;
	}
	ai->dsdt_phys = get_le32(p + 40);
	ai->sci_irq = get_le16(p + 46);
	ai->smi_cmd = get_le32(p + 48);
	ai->acpi_enable = p[52];
	cnt_len = p[89] ? p[89] : 2;
	if (get_le32(p + 64))
		ai->pm1a_cnt = io_gas(get_le32(p + 64), cnt_len);
	if (get_le32(p + 68))
		ai->pm1b_cnt = io_gas(get_le32(p + 68), cnt_len);
	if (get_le32(p + 76))
		ai->pm_tmr = io_gas(get_le32(p + 76), 4);
	ai->century = p[108];
	ai->boot_arch = get_le16(p + 109);
	ai->fadt_flags = get_le32(p + 112);
	if (len >= 129) {
		memcpy(&ai->reset_reg, p + 116, sizeof(ai->reset_reg));
		ai->reset_value = p[128];
		ai->reset_supported = (ai->fadt_flags & ACPI_FADT_RESET_REG_SUP) &&
				      ai->reset_reg.address &&
				      ai->reset_reg.space <= ACPI_SPACE_IO;
	}
	if (len >= 148 && get_le64(p + 140))
		ai->dsdt_phys = get_le64(p + 140);
	fadt_xblock(p, len, 172, &ai->pm1a_cnt);
	fadt_xblock(p, len, 184, &ai->pm1b_cnt);
	fadt_xblock(p, len, 208, &ai->pm_tmr);
	ai->have_fadt = true;
	return 0;
}

int acpi_parse_hpet(struct acpi_info *ai, const struct acpi_sdt_header *t)
{
	const uint8_t *p = (const uint8_t *)t;

	if (t->length < 56) {
		pr_warn("acpi: HPET: too short (%u bytes), ignored\n", t->length);
		return -EINVAL;
	}
	if (p[40] != ACPI_SPACE_MEM || !get_le64(p + 44)) {
		pr_warn("acpi: HPET: not in memory space, ignored\n");
		return -EINVAL;
	}
	ai->hpet_base = get_le64(p + 44);
	ai->hpet_number = p[52];
	ai->hpet_min_tick = get_le16(p + 53);
	ai->have_hpet = true;
	return 0;
}

int acpi_parse_mcfg(struct acpi_info *ai, const struct acpi_sdt_header *t)
{
	const uint8_t *p = (const uint8_t *)t;

	if (t->length < 44) {
		pr_warn("acpi: MCFG: too short (%u bytes), ignored\n", t->length);
		return -EINVAL;
	}
	for (uint32_t off = 44; off + 16 <= t->length; off += 16) {
		struct acpi_mcfg m = { get_le64(p + off), get_le16(p + off + 8), p[off + 10],
				       p[off + 11] };
		if (m.bus_end < m.bus_start || !m.base) {
			pr_warn("acpi: MCFG: bad entry at offset %u, ignored\n", off);
			continue;
		}
		if (ai->n_mcfg < ACPI_MAX_MCFG)
			ai->mcfg[ai->n_mcfg++] = m;
	}
	return 0;
}

static void parse_table(struct acpi_info *ai, paddr_t pa, acpi_map_fn map)
{
	const struct acpi_sdt_header *t = acpi_map_table(map, pa, NULL);
	char name[5];

	if (!t)
		return;
	ai->n_tables++;
	sig_str(name, t->sig);
	pr_info("acpi: %s at %#010llx len %5u rev %u oem '%.6s' '%.8s'\n", name,
		(unsigned long long)pa, t->length, t->revision, t->oem_id,
		t->oem_table_id);
	if (!memcmp(t->sig, "APIC", 4) && !ai->have_madt)
		acpi_parse_madt(ai, t);
	else if (!memcmp(t->sig, "FACP", 4) && !ai->have_fadt)
		acpi_parse_fadt(ai, t);
	else if (!memcmp(t->sig, "HPET", 4) && !ai->have_hpet)
		acpi_parse_hpet(ai, t);
	else if (!memcmp(t->sig, "MCFG", 4) && !ai->n_mcfg)
		acpi_parse_mcfg(ai, t);
	else if (!memcmp(t->sig, "SSDT", 4) && ai->n_ssdts < ACPI_MAX_SSDTS)
		ai->ssdt_phys[ai->n_ssdts++] = pa;
}

/* Looks for \_S5_ in the DSDT, then in each SSDT. */
static void find_s5(struct acpi_info *ai, acpi_map_fn map)
{
	const struct acpi_sdt_header *t;

	for (unsigned i = 0; i <= ai->n_ssdts && !ai->have_s5; i++) {
		paddr_t pa = i == 0 ? ai->dsdt_phys : ai->ssdt_phys[i - 1];
		if (!pa || !(t = acpi_map_table(map, pa, i == 0 ? "DSDT" : "SSDT")))
			continue;
		if (i == 0)
			pr_info("acpi: DSDT at %#010llx len %5u\n", (unsigned long long)pa,
				t->length);
		if (!acpi_find_s5((const uint8_t *)t + HDR_LEN, t->length - HDR_LEN,
				  &ai->slp_typa, &ai->slp_typb))
			ai->have_s5 = true;
	}
}

int acpi_parse_all(struct acpi_info *ai, const void *rsdp, size_t rsdp_len,
		   paddr_t rsdp_phys, acpi_map_fn map)
{
	const struct acpi_sdt_header *root = NULL;
	paddr_t root_pa, rsdt_pa = 0;
	bool xsdt;

	memset(ai, 0, sizeof(*ai));
	ai->rsdp_phys = rsdp_phys;
	if (acpi_parse_rsdp(rsdp, rsdp_len, &root_pa, &xsdt, &ai->revision))
		return -EINVAL;
	if (xsdt) {
		root = acpi_map_table(map, root_pa, "XSDT");
		rsdt_pa = get_le32((const uint8_t *)rsdp + 16);
	}
	if (!root && (!xsdt || rsdt_pa)) {
		root_pa = xsdt ? rsdt_pa : root_pa;
		xsdt = false;
		root = acpi_map_table(map, root_pa, "RSDT");
	}
	if (!root)
		return -EINVAL;
	ai->root_phys = root_pa;
	ai->root_is_xsdt = xsdt;

	size_t esize = xsdt ? 8 : 4, n = (root->length - HDR_LEN) / esize;
	const uint8_t *ents = (const uint8_t *)root + HDR_LEN;
	for (size_t i = 0; i < n; i++) {
		paddr_t pa = xsdt ? get_le64(ents + i * esize) : get_le32(ents + i * esize);
		if (pa == root_pa) {
			pr_warn("acpi: %s entry %zu points at itself, ignored\n",
				xsdt ? "XSDT" : "RSDT", i);
			continue;
		}
		parse_table(ai, pa, map);
	}
	find_s5(ai, map);
	return 0;
}
