/*
 * test_acpi.c - host tests of the ACPI table parser and the \_S5_ AML scan.
 *
 * Tables are built in a fake physical memory (mem[], physical addresses from
 * MEM_BASE), reached only through fake_map(), which refuses anything outside it,
 * so ASan catches any read the parser makes past what it was allowed to map.
 *
 *   gcc -fsanitize=address,undefined -fno-sanitize-recover=all -g -Ikernel/include \
 *       -Ikernel/arch/x86_64/include -include tests/unit/host.h tests/unit/test_acpi.c
 */
#if !defined(AEGIS_HOST_H) && !defined(AEGIS_TESTS_HOST_H)
/* Standalone build (without tests/unit/host.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <aegis/printk.h>
/* Keeps the last warning for the tests to inspect; prints only with ACPI_VERBOSE. */
static char last_warning[256];
static unsigned n_warnings;
void printk(int level, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (level <= LOG_WARNING) {
		n_warnings++;
		memcpy(last_warning, buf, sizeof(buf));
	}
	if (getenv("ACPI_VERBOSE"))
		fputs(buf, stdout);
}
#define HAVE_WARNING_LOG 1
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/drivers/acpi/aml.c"
#include "../../kernel/drivers/acpi/tables.c"

#define MEM_BASE	0x100000ull
#define MEM_SIZE	0x10000u
static uint8_t mem[MEM_SIZE];
static uint8_t rsdp[36];
static int failures;

static const void *fake_map(paddr_t pa, size_t len)
{
	if (pa < MEM_BASE || pa - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (pa - MEM_BASE))
		return NULL;
	return mem + (pa - MEM_BASE);
}

#undef CHECK
#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			ok = false;					\
		}							\
	} while (0)

static void report(const char *name, bool ok)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", name);
	if (!ok)
		failures++;
}

static void w16(uint32_t off, uint16_t v) { memcpy(mem + off, &v, 2); }
static void w32(uint32_t off, uint32_t v) { memcpy(mem + off, &v, 4); }
static void w64(uint32_t off, uint64_t v) { memcpy(mem + off, &v, 8); }

static void fix_csum(uint32_t off)
{
	uint32_t len;

	memcpy(&len, mem + off + 4, 4);
	if (len < 10 || len > MEM_SIZE - off)
		return;			/* absurd on purpose: nothing to sum */
	mem[off + 9] = 0;
	mem[off + 9] = -acpi_checksum(mem + off, len);
}

static void hdr(uint32_t off, const char *sig, uint32_t len, uint8_t rev)
{
	memset(mem + off, 0, HDR_LEN);
	memcpy(mem + off, sig, 4);
	w32(off + 4, len);
	mem[off + 8] = rev;
	memcpy(mem + off + 10, "AEGIS ", 6);
	memcpy(mem + off + 16, "TESTTABL", 8);
}

/* Layout of the good image (offsets into mem[]). */
enum {
	XSDT = 0x100, RSDT = 0x200, FADT = 0x400, MADT = 0x600, HPET = 0x800,
	MCFG = 0x900, DSDT = 0xa00, SSDT = 0xc00, WAET = 0xd00,
};
#define PA(off)	(MEM_BASE + (off))

static const uint8_t s5_aml[] = {
	0x10, 0x05, '_', 'S', 'B', '_',			/* some scope noise */
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x06, 0x00, 0x00,
};

static uint32_t madt_len;

static void build_madt(void)
{
	uint32_t o = MADT + 44;

	w32(MADT + 36, 0xfee00000);
	w32(MADT + 40, 1);
	/* LAPIC uid 0 id 0 enabled; uid 1 id 1 online-capable; uid 2 unusable */
	mem[o] = 0; mem[o + 1] = 8; mem[o + 2] = 0; mem[o + 3] = 0; w32(o + 4, 1); o += 8;
	mem[o] = 0; mem[o + 1] = 8; mem[o + 2] = 1; mem[o + 3] = 1; w32(o + 4, 2); o += 8;
	mem[o] = 0; mem[o + 1] = 8; mem[o + 2] = 2; mem[o + 3] = 2; w32(o + 4, 0); o += 8;
	/* I/O APIC id 3 at 0xfec00000 GSI 0 */
	mem[o] = 1; mem[o + 1] = 12; mem[o + 2] = 3; w32(o + 4, 0xfec00000); w32(o + 8, 0);
	o += 12;
	/* ISO: IRQ 0 -> GSI 2; IRQ 9 -> GSI 9 level/active-low */
	mem[o] = 2; mem[o + 1] = 10; mem[o + 2] = 0; mem[o + 3] = 0; w32(o + 4, 2);
	w16(o + 8, 0); o += 10;
	mem[o] = 2; mem[o + 1] = 10; mem[o + 2] = 0; mem[o + 3] = 9; w32(o + 4, 9);
	w16(o + 8, 0xf); o += 10;
	/* LAPIC NMI: all CPUs, LINT1 */
	mem[o] = 4; mem[o + 1] = 6; mem[o + 2] = 0xff; w16(o + 3, 5); mem[o + 5] = 1; o += 6;
	/* x2APIC id 0x100 uid 7 enabled */
	mem[o] = 9; mem[o + 1] = 16; w32(o + 4, 0x100); w32(o + 8, 1); w32(o + 12, 7);
	o += 16;
	/* an unknown entry type, skipped */
	mem[o] = 0x7f; mem[o + 1] = 4; o += 4;
	madt_len = o - MADT;
	hdr(MADT, "APIC", madt_len, 4);
	fix_csum(MADT);
}

static void build_image(void)
{
	memset(mem, 0, sizeof(mem));
	/* FADT, ACPI 6 size */
	hdr(FADT, "FACP", 276, 6);
	w32(FADT + 40, PA(DSDT));
	w16(FADT + 46, 9);
	w32(FADT + 48, 0xb2);
	mem[FADT + 52] = 0xf1;
	w32(FADT + 64, 0x604);
	mem[FADT + 89] = 2;
	w32(FADT + 76, 0x608);
	mem[FADT + 108] = 0x32;
	w16(FADT + 109, 2);
	w32(FADT + 112, ACPI_FADT_RESET_REG_SUP);
	mem[FADT + 116] = ACPI_SPACE_IO; mem[FADT + 117] = 8; w64(FADT + 120, 0xcf9);
	mem[FADT + 128] = 0x06;
	w64(FADT + 140, PA(DSDT));
	fix_csum(FADT);
	build_madt();
	hdr(HPET, "HPET", 56, 1);
	w32(HPET + 36, 0x8086a201);
	mem[HPET + 40] = ACPI_SPACE_MEM; w64(HPET + 44, 0xfed00000);
	mem[HPET + 52] = 0; w16(HPET + 53, 128);
	fix_csum(HPET);
	hdr(MCFG, "MCFG", 60, 1);
	w64(MCFG + 44, 0xb0000000); w16(MCFG + 52, 0); mem[MCFG + 54] = 0; mem[MCFG + 55] = 0xff;
	fix_csum(MCFG);
	hdr(DSDT, "DSDT", HDR_LEN + sizeof(s5_aml), 2);
	memcpy(mem + DSDT + HDR_LEN, s5_aml, sizeof(s5_aml));
	fix_csum(DSDT);
	hdr(SSDT, "SSDT", HDR_LEN + 4, 2);
	fix_csum(SSDT);
	hdr(WAET, "WAET", 40, 1);
	fix_csum(WAET);
	/* XSDT */
	uint32_t xs[] = { FADT, MADT, HPET, MCFG, SSDT, WAET };
	hdr(XSDT, "XSDT", HDR_LEN + 8 * 6, 1);
	for (int i = 0; i < 6; i++)
		w64(XSDT + HDR_LEN + 8 * i, PA(xs[i]));
	fix_csum(XSDT);
	/* RSDT, same tables */
	hdr(RSDT, "RSDT", HDR_LEN + 4 * 6, 1);
	for (int i = 0; i < 6; i++)
		w32(RSDT + HDR_LEN + 4 * i, PA(xs[i]));
	fix_csum(RSDT);
	/* RSDP v2 */
	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "AEGIS ", 6);
	rsdp[15] = 2;
	uint32_t r = PA(RSDT), len = 36;
	uint64_t x = PA(XSDT);
	memcpy(rsdp + 16, &r, 4);
	memcpy(rsdp + 20, &len, 4);
	memcpy(rsdp + 24, &x, 8);
	rsdp[8] = -acpi_checksum(rsdp, 20);
	rsdp[32] = -acpi_checksum(rsdp, 36);
}

static struct acpi_info ai;

static int parse(void)
{
	return acpi_parse_all(&ai, rsdp, sizeof(rsdp), 0xe0000, fake_map);
}

static void test_good(void)
{
	bool ok = true;

	build_image();
	CHECK(parse() == 0);
	CHECK(ai.root_is_xsdt && ai.root_phys == PA(XSDT));
	CHECK(ai.revision == 2);
	CHECK(ai.n_tables == 6);
	CHECK(ai.have_madt && ai.lapic_base == 0xfee00000 && ai.pcat_compat);
	CHECK(ai.n_lapics == 3);
	CHECK(ai.lapics[0].apic_id == 0 && ai.lapics[0].enabled);
	CHECK(ai.lapics[1].apic_id == 1 && !ai.lapics[1].enabled);
	CHECK(ai.lapics[2].apic_id == 0x100 && ai.lapics[2].uid == 7);
	CHECK(ai.n_ioapics == 1 && ai.ioapics[0].base == 0xfec00000 && ai.ioapics[0].id == 3);
	CHECK(ai.n_isos == 2 && ai.isos[0].gsi == 2 && ai.isos[1].flags == 0xf);
	CHECK(ai.n_nmis == 1 && !ai.nmis[0].is_gsi && ai.nmis[0].lint == 1 &&
	      ai.nmis[0].uid == 0xffffffffu);
	CHECK(ai.have_hpet && ai.hpet_base == 0xfed00000 && ai.hpet_min_tick == 128);
	CHECK(ai.have_fadt && ai.sci_irq == 9 && ai.smi_cmd == 0xb2 && ai.acpi_enable == 0xf1);
	CHECK(ai.pm1a_cnt.address == 0x604 && ai.pm1a_cnt.space == ACPI_SPACE_IO &&
	      ai.pm1a_cnt.bit_width == 16);
	CHECK(ai.pm1b_cnt.address == 0);
	CHECK(ai.reset_supported && ai.reset_reg.address == 0xcf9 && ai.reset_value == 6);
	CHECK(ai.dsdt_phys == PA(DSDT) && ai.century == 0x32);
	CHECK(ai.n_mcfg == 1 && ai.mcfg[0].base == 0xb0000000 && ai.mcfg[0].bus_end == 0xff);
	CHECK(ai.n_ssdts == 1);
	CHECK(ai.have_s5 && ai.slp_typa == 5 && ai.slp_typb == 6);
	report("acpi_good_tables", ok);
}

static void test_rsdt_v1(void)
{
	bool ok = true;

	build_image();
	rsdp[15] = 0;
	rsdp[8] = 0;
	rsdp[8] = -acpi_checksum(rsdp, 20);
	CHECK(acpi_parse_all(&ai, rsdp, 20, 0, fake_map) == 0);
	CHECK(!ai.root_is_xsdt && ai.root_phys == PA(RSDT));
	CHECK(ai.have_madt && ai.have_fadt && ai.have_hpet && ai.n_mcfg == 1 && ai.have_s5);
	report("acpi_rsdt_acpi1", ok);
}

static void test_bad_rsdp(void)
{
	bool ok = true;

	build_image();
	rsdp[8] ^= 1;
	CHECK(parse() == -EINVAL);
	build_image();
	memcpy(rsdp, "RSD PTX ", 8);
	CHECK(parse() == -EINVAL);
	build_image();
	CHECK(acpi_parse_all(&ai, rsdp, 8, 0, fake_map) == -EINVAL);	/* too short */
	CHECK(acpi_parse_all(&ai, NULL, 36, 0, fake_map) == -EINVAL);
	/* bad extended checksum: fall back to the RSDT */
	build_image();
	rsdp[32] ^= 0x55;
	CHECK(parse() == 0 && !ai.root_is_xsdt && ai.have_madt);
	/* absurd extended length */
	build_image();
	uint32_t big = 0xffffffff;
	memcpy(rsdp + 20, &big, 4);
	CHECK(parse() == 0 && !ai.root_is_xsdt);
	report("acpi_bad_rsdp", ok);
}

static void test_bad_xsdt(void)
{
	bool ok = true;

	build_image();
	mem[XSDT + 9] ^= 1;		/* XSDT checksum wrong: RSDT used */
	CHECK(parse() == 0 && !ai.root_is_xsdt && ai.have_madt && ai.n_tables == 6);
	build_image();
	mem[XSDT + 9] ^= 1;
	mem[RSDT + 9] ^= 1;		/* both wrong */
	CHECK(parse() == -EINVAL);
	build_image();
	/* XSDT address outside memory, RSDT still good */
	uint64_t bad = 0xdead0000000ull;
	memcpy(rsdp + 24, &bad, 8);
	rsdp[32] = 0;
	rsdp[32] = -acpi_checksum(rsdp, 36);
	CHECK(parse() == 0 && !ai.root_is_xsdt && ai.have_fadt);
	report("acpi_bad_root_table", ok);
}

static void test_bad_checksum(void)
{
	bool ok = true;

	build_image();
	mem[MADT + 50] ^= 0x40;		/* corrupt a byte, leave the checksum */
	CHECK(parse() == 0);
#ifdef HAVE_WARNING_LOG
	CHECK(strstr(last_warning, "APIC") && strstr(last_warning, "checksum"));
#endif
	CHECK(!ai.have_madt && ai.n_lapics == 0);
	CHECK(ai.have_fadt && ai.have_hpet && ai.n_mcfg == 1 && ai.n_tables == 5);
	build_image();
	mem[DSDT + 40] ^= 1;		/* DSDT corrupt: no \_S5_ */
	CHECK(parse() == 0 && ai.have_fadt && !ai.have_s5);
	report("acpi_bad_checksum", ok);
}

static void test_lengths(void)
{
	bool ok = true;
	uint32_t lens[] = { 0, 1, 35, 0xffffffffu, 0x80000000u, MEM_SIZE, 0x1000000u + 1 };

	for (unsigned i = 0; i < ARRAY_SIZE(lens); i++) {
		build_image();
		w32(HPET + 4, lens[i]);
		fix_csum(HPET);		/* checksum over what fits is irrelevant */
		CHECK(parse() == 0);
		CHECK(!ai.have_hpet && ai.have_madt && ai.have_fadt);
	}
	/* a table whose length runs to exactly the end of memory is fine */
	build_image();
	hdr(MEM_SIZE - 56, "HPET", 56, 1);
	mem[MEM_SIZE - 56 + 40] = 0;
	w64(MEM_SIZE - 56 + 44, 0xfed00000);
	fix_csum(MEM_SIZE - 56);
	w64(XSDT + HDR_LEN + 16, PA(MEM_SIZE - 56));
	fix_csum(XSDT);
	CHECK(parse() == 0 && ai.have_hpet);
	/* ...and one byte past it is not */
	build_image();
	hdr(MEM_SIZE - 40, "HPET", 56, 1);
	w64(XSDT + HDR_LEN + 16, PA(MEM_SIZE - 40));
	fix_csum(XSDT);
	CHECK(parse() == 0 && !ai.have_hpet);
	/* header itself straddles the end */
	build_image();
	w64(XSDT + HDR_LEN + 16, PA(MEM_SIZE - 10));
	fix_csum(XSDT);
	CHECK(parse() == 0 && !ai.have_hpet && ai.have_madt);
	/* short but checksummed tables of each kind */
	build_image();
	w32(FADT + 4, 100); fix_csum(FADT);
	w32(MADT + 4, 40); fix_csum(MADT);
	w32(HPET + 4, 50); fix_csum(HPET);
	w32(MCFG + 4, 40); fix_csum(MCFG);
	CHECK(parse() == 0 && !ai.have_fadt && !ai.have_madt && !ai.have_hpet &&
	      ai.n_mcfg == 0 && !ai.have_s5);
	/* XSDT length not a multiple of 8: the partial entry is ignored */
	build_image();
	w32(XSDT + 4, HDR_LEN + 8 * 6 - 3);
	fix_csum(XSDT);
	CHECK(parse() == 0 && ai.have_madt && ai.n_tables == 5);
	report("acpi_truncated_and_absurd_lengths", ok);
}

static void test_overlap_and_missing(void)
{
	bool ok = true;

	/* XSDT lists the MADT twice and itself once: parsed once, no loop */
	build_image();
	w64(XSDT + HDR_LEN + 16, PA(MADT));
	w64(XSDT + HDR_LEN + 24, PA(XSDT));
	fix_csum(XSDT);
	CHECK(parse() == 0 && ai.have_madt && ai.n_lapics == 3 && !ai.have_hpet);
	/* an entry pointing into the middle of another table */
	build_image();
	w64(XSDT + HDR_LEN + 16, PA(MADT + 8));
	fix_csum(XSDT);
	CHECK(parse() == 0 && ai.have_madt && !ai.have_hpet);
	/* null and wild entries */
	build_image();
	w64(XSDT + HDR_LEN + 16, 0);
	w64(XSDT + HDR_LEN + 24, 0xffffffffffffff00ull);
	fix_csum(XSDT);
	CHECK(parse() == 0 && !ai.have_hpet && ai.n_mcfg == 0 && ai.have_madt);
	/* only a FADT, with no DSDT */
	build_image();
	hdr(XSDT, "XSDT", HDR_LEN + 8, 1);
	w64(XSDT + HDR_LEN, PA(FADT));
	fix_csum(XSDT);
	w32(FADT + 40, 0);
	w64(FADT + 140, 0);
	fix_csum(FADT);
	CHECK(parse() == 0 && ai.have_fadt && !ai.have_madt && !ai.have_hpet &&
	      ai.n_mcfg == 0 && !ai.have_s5 && ai.dsdt_phys == 0);
	/* empty XSDT */
	build_image();
	hdr(XSDT, "XSDT", HDR_LEN, 1);
	fix_csum(XSDT);
	CHECK(parse() == 0 && ai.n_tables == 0 && !ai.have_fadt);
	/* DSDT pointer to a table with the wrong signature */
	build_image();
	w64(FADT + 140, PA(HPET));
	fix_csum(FADT);
	CHECK(parse() == 0 && !ai.have_s5);
	report("acpi_overlapping_and_missing_tables", ok);
}

static void test_madt_entries(void)
{
	bool ok = true;
	uint32_t first = MADT + 44;

	/* entry length 0 at the start: stop, nothing read, no endless loop */
	build_image();
	mem[first + 1] = 0;
	fix_csum(MADT);
	CHECK(parse() == 0 && ai.have_madt && ai.n_lapics == 0 && ai.n_ioapics == 0);
	/* length past the end of the table */
	build_image();
	mem[MADT + madt_len - 4 - 16 + 1] = 200;	/* the x2APIC entry */
	fix_csum(MADT);
	CHECK(parse() == 0 && ai.n_lapics == 2 && ai.n_ioapics == 1 && ai.n_nmis == 1);
	/* an I/O APIC entry too short for its fields (would overlap the next entry) */
	build_image();
	mem[first + 24 + 1] = 8;
	fix_csum(MADT);
	CHECK(parse() == 0 && ai.n_lapics == 2 && ai.n_ioapics == 0);
	/* a trailing single byte (no room for type+length) is ignored */
	build_image();
	w32(MADT + 4, madt_len + 1);
	fix_csum(MADT);
	CHECK(parse() == 0 && ai.n_lapics == 3 && ai.n_ioapics == 1);
	/* more entries than the tables hold: capped, no overflow */
	build_image();
	hdr(MADT, "APIC", 44 + 8 * 100, 1);
	for (int i = 0; i < 100; i++) {
		uint32_t o = MADT + 44 + 8 * i;
		mem[o] = 0; mem[o + 1] = 8; mem[o + 2] = i; mem[o + 3] = i; w32(o + 4, 1);
	}
	fix_csum(MADT);
	CHECK(parse() == 0 && ai.n_lapics == ACPI_MAX_LAPICS);
	report("acpi_madt_bad_entries", ok);
}

static void test_fadt_variants(void)
{
	bool ok = true;

	/* ACPI 1.0 FADT (116 bytes): no reset register, 32-bit blocks */
	build_image();
	w32(FADT + 4, 116);
	mem[FADT + 8] = 1;
	fix_csum(FADT);
	CHECK(parse() == 0 && ai.have_fadt && !ai.reset_supported);
	CHECK(ai.pm1a_cnt.address == 0x604 && ai.dsdt_phys == PA(DSDT) && ai.have_s5);
	/* X_PM1a_CNT_BLK overrides the 32-bit block; reset flag off */
	build_image();
	mem[FADT + 172] = ACPI_SPACE_IO; mem[FADT + 173] = 16; w64(FADT + 176, 0x1004);
	w32(FADT + 112, 0);
	fix_csum(FADT);
	CHECK(parse() == 0 && ai.pm1a_cnt.address == 0x1004 && !ai.reset_supported);
	report("acpi_fadt_variants", ok);
}

static void test_s5(void)
{
	bool ok = true;
	uint8_t a = 0xee, b = 0xee;

	static const uint8_t root[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04,
					0x01, 0x0a, 0x07, 0x00, 0x00 };
	CHECK(acpi_find_s5(root, sizeof(root), &a, &b) == 0 && a == 1 && b == 7);
	static const uint8_t zero[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
					0x00, 0x00, 0x00, 0x00 };
	CHECK(acpi_find_s5(zero, sizeof(zero), &a, &b) == 0 && a == 0 && b == 0);
	/* two-byte PkgLength, word constants */
	static const uint8_t wide[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x48, 0x00, 0x02,
					0x0b, 0x03, 0x00, 0x0c, 0x04, 0, 0, 0 };
	CHECK(acpi_find_s5(wide, sizeof(wide), &a, &b) == 0 && a == 3 && b == 4);
	/* one element only: SLP_TYPb = SLP_TYPa */
	static const uint8_t one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x0a, 0x02 };
	CHECK(acpi_find_s5(one, sizeof(one), &a, &b) == 0 && a == 2 && b == 2);
	/* "_S5_" not as a name (a method reference) is skipped; the real one is found */
	static const uint8_t decoy[] = { 0x70, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x0a, 0x01,
					 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x0a, 0x05 };
	CHECK(acpi_find_s5(decoy, sizeof(decoy), &a, &b) == 0 && a == 5);
	/* the name but not a package (e.g. a method), and nothing else */
	static const uint8_t nopkg[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
	CHECK(acpi_find_s5(nopkg, sizeof(nopkg), &a, &b) == -ENOENT);
	/* zero elements, or an element that is not a constant */
	static const uint8_t empty[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
	CHECK(acpi_find_s5(empty, sizeof(empty), &a, &b) == -ENOENT);
	static const uint8_t ref[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x5b, 0x01 };
	CHECK(acpi_find_s5(ref, sizeof(ref), &a, &b) == -ENOENT);
	CHECK(acpi_find_s5(NULL, 100, &a, &b) == -ENOENT);
	CHECK(acpi_find_s5(s5_aml, 0, &a, &b) == -ENOENT);

	/* every truncation of valid AML: no out-of-bounds read (ASan), and success
	 * only once the first element is complete */
	for (size_t n = 0; n <= sizeof(root); n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, root, n);
		int r = acpi_find_s5(copy, n, &a, &b);
		CHECK(r != 0 || a == 1);
		CHECK((n >= 10) == (r == 0));
		free(copy);
	}
	for (size_t n = 0; n <= sizeof(wide); n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, wide, n);
		int r = acpi_find_s5(copy, n, &a, &b);
		CHECK((n >= 12) == (r == 0));
		free(copy);
	}
	/* random garbage with planted names: must never read out of bounds */
	uint32_t seed = 12345;
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = iter % 40;
		uint8_t *buf = malloc(n ? n : 1);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = seed >> 24;
		}
		if (n >= 6) {
			size_t at = (seed >> 8) % (n - 4);
			memcpy(buf + at, "_S5_", 4);
			if (at)
				buf[at - 1] = 0x08;
		}
		acpi_find_s5(buf, n, &a, &b);
		free(buf);
	}
	report("acpi_s5_aml_scan", ok);
}

/* Flip random bytes of the good image: the parser must never crash or read out of
 * bounds, whatever it concludes. */
static void test_fuzz(void)
{
	bool ok = true;
	uint32_t seed = 777;

	for (int iter = 0; iter < 3000; iter++) {
		build_image();
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			uint32_t off = XSDT + (seed >> 8) % (WAET + 0x40 - XSDT);
			seed = seed * 1103515245 + 12345;
			mem[off] = seed >> 24;
			/* half the time keep checksums right so the parsers see the damage */
			if (iter & 1) {
				uint32_t tabs[] = { XSDT, RSDT, FADT, MADT, HPET, MCFG, DSDT, SSDT };
				for (unsigned t = 0; t < ARRAY_SIZE(tabs); t++) {
					uint32_t len;
					memcpy(&len, mem + tabs[t] + 4, 4);
					if (len >= HDR_LEN && len <= MEM_SIZE - tabs[t])
						fix_csum(tabs[t]);
				}
			}
		}
		parse();
		CHECK(ai.n_lapics <= ACPI_MAX_LAPICS && ai.n_ioapics <= ACPI_MAX_IOAPICS &&
		      ai.n_isos <= ACPI_MAX_ISOS && ai.n_nmis <= ACPI_MAX_NMIS &&
		      ai.n_mcfg <= ACPI_MAX_MCFG);
	}
	report("acpi_fuzz_corrupted_image", ok);
}

int main(void)
{
#ifdef AEGIS_TESTS_HOST_H
	host_log_quiet = !getenv("ACPI_VERBOSE");	/* the parser's warnings are expected */
#endif
	test_good();
	test_rsdt_v1();
	test_bad_rsdp();
	test_bad_xsdt();
	test_bad_checksum();
	test_lengths();
	test_overlap_and_missing();
	test_madt_entries();
	test_fadt_variants();
	test_s5();
	test_fuzz();
	printf("test_acpi: %d failed\n", failures);
	return failures ? 1 : 0;
}
