/*
 * acpi.c - finding the RSDP and running the table parser at boot.
 *
 * The RSDP comes from the loader (the Multiboot2 copy, or PVH's physical address),
 * else from the BIOS areas (the first KiB of the EBDA, then 0xE0000-0xFFFFF).
 * Tables are read through the direct map, but only where boot_info's memory map
 * (or the legacy area below 1 MiB) says memory exists, so a wild pointer in a
 * table is a warning instead of a page fault.
 */
#include <aegis/acpi.h>
#include <aegis/bootinfo.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/string.h>

struct acpi_info acpi;

/*
 * The first MiB (EBDA, BIOS ROM area): parts of it are often missing from the
 * memory map, so the direct map may not cover them; map it once as device memory.
 */
static const uint8_t *low_mib(void)
{
	static const uint8_t *low;

	if (!low)
		low = ioremap(0, 0x100000);
	return low;
}

const void *acpi_phys_map(paddr_t pa, size_t len)
{
	if (pa + len < pa)
		return NULL;
	for (unsigned i = 0; i < boot_info.n_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (pa >= r->base && pa + len <= r->base + r->len)
			return phys_to_virt(pa);
	}
	if (pa + len <= 0x100000 && low_mib())
		return low_mib() + pa;
	return NULL;
}

/* Returns the physical address of a valid RSDP in [start, start+len), or 0. */
static paddr_t scan_rsdp(paddr_t start, size_t len)
{
	const uint8_t *low = low_mib();

	for (paddr_t pa = ALIGN_UP(start, 16); low && pa + 20 <= start + len; pa += 16) {
		if (!memcmp(low + pa, "RSD PTR ", 8) && !acpi_checksum(low + pa, 20))
			return pa;
	}
	return 0;
}

paddr_t acpi_find_rsdp_bios(void)
{
	const uint8_t *low = low_mib();
	paddr_t ebda, pa = 0;

	if (!low)
		return 0;
	ebda = (paddr_t)(low[0x40e] | low[0x40f] << 8) << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		pa = scan_rsdp(ebda, 1024);
	return pa ? pa : scan_rsdp(0xe0000, 0x20000);
}

int acpi_init(void)
{
	const void *rsdp = NULL;
	size_t len = 0;
	paddr_t pa = 0;
	const char *from;

	if (boot_info.rsdp_len >= 20) {
		rsdp = boot_info.rsdp;
		len = boot_info.rsdp_len;
		from = "loader (copy)";
	} else if (boot_info.rsdp_phys && (rsdp = acpi_phys_map(boot_info.rsdp_phys, 36))) {
		pa = boot_info.rsdp_phys;
		len = 36;
		from = "loader";
	} else if ((pa = acpi_find_rsdp_bios()) && (rsdp = acpi_phys_map(pa, 36))) {
		len = 36;
		from = "BIOS area";
	} else {
		pr_warn("acpi: no RSDP found; running without ACPI\n");
		return -ENODEV;
	}
	if (len > 20 && ((const uint8_t *)rsdp)[15] < 2)
		len = 20;
	pr_info("acpi: RSDP from %s\n", from);
	if (acpi_parse_all(&acpi, rsdp, len, pa, acpi_phys_map)) {
		pr_warn("acpi: no usable root table; running without ACPI\n");
		return -ENODEV;
	}
	pr_info("acpi: rev %u, %s, %u tables; %u CPU(s), %u I/O APIC(s), %u override(s), "
		"%u NMI(s)\n", acpi.revision, acpi.root_is_xsdt ? "XSDT" : "RSDT",
		acpi.n_tables, acpi.n_lapics, acpi.n_ioapics, acpi.n_isos, acpi.n_nmis);
	if (acpi.have_s5)
		pr_info("acpi: \\_S5_ SLP_TYPa %u SLP_TYPb %u\n", acpi.slp_typa, acpi.slp_typb);
	return 0;
}
