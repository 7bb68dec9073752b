/*
 * acpi.h - the ACPI static tables Aegis reads: RSDP, XSDT/RSDT, MADT, HPET, FADT,
 * MCFG, and the \_S5_ object of the DSDT/SSDTs (for power-off).  No AML interpreter.
 *
 * The parser (kernel/drivers/acpi/tables.c, aml.c) is pure: it reaches physical
 * memory only through a caller-provided acpi_map_fn, checks every checksum and
 * length, and skips (with a warning) any table that fails, so it also runs in host
 * unit tests.  acpi_init() runs it once at boot; afterwards `acpi` is read-only.
 */
#ifndef AEGIS_ACPI_H
#define AEGIS_ACPI_H

#include <aegis/types.h>

struct acpi_sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

/* Generic Address Structure. */
struct acpi_gas {
	uint8_t space;			/* ACPI_SPACE_* */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
} __packed;

#define ACPI_SPACE_MEM	0
#define ACPI_SPACE_IO	1

/* Maps len bytes at physical pa; NULL if that memory is not there. */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len);

#define ACPI_MAX_TABLE_LEN	(16u << 20)	/* anything longer is corrupt */
#define ACPI_MAX_LAPICS		64
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_ISOS		24
#define ACPI_MAX_NMIS		16
#define ACPI_MAX_MCFG		8
#define ACPI_MAX_SSDTS		16

struct acpi_lapic {
	uint32_t apic_id;
	uint32_t uid;			/* processor UID */
	bool enabled;			/* usable now (else maybe online-capable) */
};

struct acpi_ioapic {
	uint32_t id;
	paddr_t base;
	uint32_t gsi_base;
};

/* MPS INTI flags (MADT overrides and NMI sources). */
#define ACPI_POL_MASK		0x3
#define ACPI_POL_HIGH		0x1
#define ACPI_POL_LOW		0x3
#define ACPI_TRIG_MASK		0xc
#define ACPI_TRIG_EDGE		0x4
#define ACPI_TRIG_LEVEL		0xc

struct acpi_iso {			/* interrupt source override */
	uint8_t bus, source;		/* ISA IRQ */
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_nmi {
	bool is_gsi;			/* NMI source (GSI) vs. local APIC LINT NMI */
	uint32_t gsi;			/* is_gsi */
	uint32_t uid;			/* !is_gsi: processor UID, 0xff/0xffffffff = all */
	uint8_t lint;			/* !is_gsi: LINT0/1 */
	uint16_t flags;
};

struct acpi_mcfg {			/* a PCIe ECAM range */
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_info {
	paddr_t rsdp_phys;
	uint8_t revision;		/* RSDP revision: 0 = ACPI 1.0 */
	paddr_t root_phys;		/* the XSDT, or RSDT if no usable XSDT */
	bool root_is_xsdt;
	unsigned n_tables;		/* tables with good checksums */

	/* MADT */
	bool have_madt;
	paddr_t lapic_base;
	bool pcat_compat;		/* legacy 8259s present */
	unsigned n_lapics, n_ioapics, n_isos, n_nmis;
	struct acpi_lapic lapics[ACPI_MAX_LAPICS];
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	struct acpi_iso isos[ACPI_MAX_ISOS];
	struct acpi_nmi nmis[ACPI_MAX_NMIS];

	/* HPET */
	bool have_hpet;
	paddr_t hpet_base;
	uint8_t hpet_number;
	uint16_t hpet_min_tick;

	/* FADT */
	bool have_fadt;
	uint16_t sci_irq;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	struct acpi_gas pm1a_cnt, pm1b_cnt;	/* address 0: absent */
	struct acpi_gas pm_tmr;
	uint32_t fadt_flags;
	uint16_t boot_arch;		/* IAPC_BOOT_ARCH */
	uint8_t century;		/* CMOS index of the century, 0: none */
	bool reset_supported;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	paddr_t dsdt_phys;

	/* MCFG */
	unsigned n_mcfg;
	struct acpi_mcfg mcfg[ACPI_MAX_MCFG];

	/* SSDTs (for the \_S5_ search) */
	unsigned n_ssdts;
	paddr_t ssdt_phys[ACPI_MAX_SSDTS];

	/* \_S5_ */
	bool have_s5;
	uint8_t slp_typa, slp_typb;
};

#define ACPI_FADT_RESET_REG_SUP	(1u << 10)
#define ACPI_BOOT_8042		(1u << 1)

/* Pure parsing: see tables.c / aml.c. */
uint8_t acpi_checksum(const void *p, size_t len);
/* Validates an RSDP; returns 0 and the root table, or -EINVAL. */
int acpi_parse_rsdp(const void *rsdp, size_t avail, paddr_t *root, bool *is_xsdt,
		    uint8_t *revision);
/* Maps a whole table after checking length and checksum (and sig if non-NULL). */
const struct acpi_sdt_header *acpi_map_table(acpi_map_fn map, paddr_t pa,
					     const char *sig);
int acpi_parse_madt(struct acpi_info *ai, const struct acpi_sdt_header *t);
int acpi_parse_fadt(struct acpi_info *ai, const struct acpi_sdt_header *t);
int acpi_parse_hpet(struct acpi_info *ai, const struct acpi_sdt_header *t);
int acpi_parse_mcfg(struct acpi_info *ai, const struct acpi_sdt_header *t);
/* Walks the XSDT/RSDT at rsdp and fills ai (zeroed first).  0 or -errno. */
int acpi_parse_all(struct acpi_info *ai, const void *rsdp, size_t rsdp_len,
		   paddr_t rsdp_phys, acpi_map_fn map);
/* Bounded scan of AML bytes for Name(\_S5_, Package(){a, b, ...}). */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* Kernel side (acpi.c). */
extern struct acpi_info acpi;
int acpi_init(void);			/* boot, once; 0 or -ENODEV */
/* Maps a table in the direct map if boot_info says that memory exists. */
const void *acpi_phys_map(paddr_t pa, size_t len);
/* Scans the EBDA and 0xE0000-0xFFFFF for an RSDP; its address or 0. */
paddr_t acpi_find_rsdp_bios(void);

#endif
