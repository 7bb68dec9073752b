/*
 * ktest_acpi.c - self-tests of the ACPI tables as found on the running machine.
 * They expect QEMU's q35 (tools/qemu.sh): MADT, HPET, FADT, MCFG and a \_S5_.
 */
#include <aegis/acpi.h>
#include <aegis/ktest.h>
#include <aegis/mm.h>

KTEST(acpi_tables_found)
{
	KT_ASSERT(acpi.n_tables >= 4);
	KT_ASSERT(acpi.have_madt);
	KT_ASSERT(acpi.have_fadt);
	KT_ASSERT(acpi.have_hpet);
	KT_ASSERT(acpi.n_mcfg >= 1);
	KT_ASSERT(acpi.dsdt_phys != 0);
}

KTEST(acpi_madt)
{
	KT_ASSERT(acpi.n_lapics >= 1);
	KT_ASSERT(acpi.n_ioapics >= 1);
	KT_ASSERT(acpi.lapic_base != 0);
	KT_ASSERT_EQ(acpi.ioapics[0].gsi_base, 0);
	/* QEMU wires the PIT (ISA IRQ 0) to GSI 2 */
	bool irq0 = false;
	for (unsigned i = 0; i < acpi.n_isos; i++)
		if (acpi.isos[i].source == 0 && acpi.isos[i].gsi == 2)
			irq0 = true;
	KT_ASSERT(irq0);
}

KTEST(acpi_fadt_power)
{
	KT_ASSERT(acpi.pm1a_cnt.address != 0);
	KT_ASSERT(acpi.have_s5);
	KT_ASSERT(acpi.sci_irq != 0);
}

KTEST(acpi_mcfg)
{
	KT_ASSERT(acpi.n_mcfg >= 1);
	KT_ASSERT(acpi.mcfg[0].base != 0);
	KT_ASSERT(acpi.mcfg[0].bus_end >= acpi.mcfg[0].bus_start);
}

KTEST(acpi_phys_map_rejects_holes)
{
	KT_ASSERT(acpi_phys_map(0xe0000, 16) != NULL);
	KT_ASSERT(acpi_phys_map(0xfffffffffffff000ull, 0x2000) == NULL);
	KT_ASSERT(acpi_phys_map(1ull << 46, 36) == NULL);
}

/* SeaBIOS also leaves the RSDP in the BIOS area: the scan finds the same tables. */
KTEST(acpi_rsdp_bios_scan)
{
	paddr_t pa = acpi_find_rsdp_bios();
	struct acpi_info *ai = kmalloc(sizeof(*ai));

	KT_ASSERT(pa >= 0xe0000 && pa < 0x100000);
	KT_ASSERT(ai != NULL);
	if (!pa || !ai)
		return;
	KT_ASSERT_EQ(acpi_parse_all(ai, acpi_phys_map(pa, 36), 36, pa, acpi_phys_map), 0);
	KT_ASSERT_EQ(ai->root_phys, acpi.root_phys);
	KT_ASSERT_EQ(ai->n_lapics, acpi.n_lapics);
	KT_ASSERT_EQ(ai->hpet_base, acpi.hpet_base);
	kfree(ai);
}
