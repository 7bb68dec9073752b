/*
 * ktest_pci.c - self-tests of PCI enumeration, config access and driver
 * binding on the running machine.  They expect QEMU's q35 as tools/qemu.sh
 * starts it: host bridge, VGA, e1000e, and the ICH9 LPC, AHCI and SMBus
 * functions in slot 0x1f.  tests/pci compares the same devices with Linux.
 */
#include <aegis/errno.h>
#include <aegis/ktest.h>
#include <aegis/pci.h>

static struct pci_dev *slot(uint8_t dev, uint8_t fn)
{
	return pci_get_slot(0, 0, dev, fn);
}

KTEST(pci_q35_devices)
{
	struct pci_dev *host = slot(0, 0), *nic = slot(2, 0), *lpc = slot(0x1f, 0);
	struct pci_dev *ahci = slot(0x1f, 2), *smbus = slot(0x1f, 3);

	KT_ASSERT(pci_ndevices >= 6);
	KT_ASSERT(host && lpc && ahci && smbus && nic);
	if (!host || !lpc || !ahci || !smbus || !nic)
		return;
	KT_ASSERT_EQ(host->vendor, 0x8086);
	KT_ASSERT_EQ(host->device, 0x29c0);
	KT_ASSERT_EQ(host->class, 0x060000);
	KT_ASSERT_EQ(lpc->device, 0x2918);
	KT_ASSERT_EQ(lpc->class, 0x060100);
	KT_ASSERT_EQ(ahci->device, 0x2922);
	KT_ASSERT_EQ(ahci->class, 0x010601);
	KT_ASSERT_EQ(smbus->class, 0x0c0500);
	KT_ASSERT_EQ(nic->device, 0x10d3);
	/* functions 2 and 3 of slot 0x1f exist only because function 0 says
	 * multi-function; no function of an empty slot was invented */
	KT_ASSERT(slot(0x1f, 1) == NULL);
	KT_ASSERT(slot(5, 0) == NULL);
	KT_ASSERT_EQ(ahci->subsys_vendor, 0x1af4);
	KT_ASSERT(!__builtin_strcmp(ahci->name, "0000:00:1f.2"));
}

KTEST(pci_bars)
{
	struct pci_dev *ahci = slot(0x1f, 2), *nic = slot(2, 0), *smbus = slot(0x1f, 3);

	if (!ahci || !nic || !smbus) {
		KT_ASSERT(ahci && nic && smbus);
		return;
	}
	/* AHCI: BAR4 an I/O range of 32 ports, BAR5 (ABAR) 4 KiB of registers */
	KT_ASSERT_EQ(ahci->bar[4].size, 0x20);
	KT_ASSERT(ahci->bar[4].flags & PCI_RES_IO);
	KT_ASSERT_EQ(ahci->bar[5].size, 0x1000);
	KT_ASSERT(ahci->bar[5].flags & PCI_RES_MEM);
	KT_ASSERT(ahci->bar[5].base != 0);
	KT_ASSERT_EQ(ahci->bar[0].size, 0);
	/* sizing put the BAR back as the firmware left it, decoding on */
	KT_ASSERT_EQ(pci_read32(ahci, PCI_BAR0 + 20), (uint32_t)ahci->bar[5].base);
	KT_ASSERT(pci_read16(ahci, PCI_COMMAND) & PCI_COMMAND_MEMORY);
	/* e1000e: 128 KiB of registers in BAR0, an expansion ROM */
	KT_ASSERT_EQ(nic->bar[0].size, 0x20000);
	KT_ASSERT(nic->rom.size != 0);
	KT_ASSERT_EQ(smbus->bar[4].size, 0x40);
}

KTEST(pci_config_access)
{
	struct pci_dev *host = slot(0, 0), *ahci = slot(0x1f, 2), *nic = slot(2, 0);
	uint8_t line;

	if (!host || !ahci || !nic) {
		KT_ASSERT(host && ahci && nic);
		return;
	}
	KT_ASSERT_EQ(pci_read16(host, PCI_VENDOR_ID), 0x8086);
	KT_ASSERT_EQ(pci_read32(host, PCI_VENDOR_ID), 0x29c08086);
	KT_ASSERT_EQ(pci_read8(host, PCI_VENDOR_ID + 1), 0x80);
	/* bad accesses read as all ones of their width and write nothing */
	KT_ASSERT_EQ(pci_read16(host, 1), 0xffff);		/* unaligned */
	KT_ASSERT_EQ(pci_read(host, 0, 3), 0xffffffff);		/* no such width */
	KT_ASSERT_EQ(pci_read32(host, host->cfg_size), 0xffffffff);
	KT_ASSERT_EQ(pci_read32(host, 0xfffffffc), 0xffffffff);
	pci_write(host, 2, 4, 0);				/* unaligned: ignored */
	KT_ASSERT_EQ(pci_read16(host, PCI_DEVICE_ID), 0x29c0);
	/* the interrupt line register is plain read/write storage */
	line = pci_read8(ahci, PCI_INTERRUPT_LINE);
	pci_write(ahci, PCI_INTERRUPT_LINE, 1, 0x5a);
	KT_ASSERT_EQ(pci_read8(ahci, PCI_INTERRUPT_LINE), 0x5a);
	pci_write(ahci, PCI_INTERRUPT_LINE, 1, line);
	KT_ASSERT_EQ(pci_read8(ahci, PCI_INTERRUPT_LINE), line);
	/* PCI Express over ECAM: the extended space */
	if (!__builtin_strcmp(pci_access_method(), "ECAM")) {
		KT_ASSERT_EQ(nic->cfg_size, PCI_CFG_SIZE_EXT);
		KT_ASSERT(pci_read32(nic, 0x100) != 0xffffffff);
	}
	KT_ASSERT_EQ(ahci->cfg_size, PCI_CFG_SIZE);	/* conventional PCI */
}

static int probes, removes;
static struct pci_dev *probed;

static int test_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	probes++;
	probed = d;
	d->driver_data = (void *)id;
	return 0;
}

static void test_remove(struct pci_dev *d)
{
	(void)d;
	removes++;
}

static int refuse_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	(void)d, (void)id;
	probes++;
	return -ENODEV;
}

KTEST(pci_driver_binding)
{
	/* the SMBus controller: no driver of ours binds it */
	static const struct pci_device_id smbus_class[] = {
		{ PCI_ANY_ID, PCI_ANY_ID, 0x0c0500, 0xffffff }, { 0 } };
	static const struct pci_device_id nothing[] = {
		{ 0x1234, 0x5678, 0, 0 }, { 0 } };
	struct pci_driver refuse = { .name = "ktest-refuse", .ids = smbus_class, .probe = refuse_probe };
	struct pci_driver drv = { .name = "ktest-smbus", .ids = smbus_class, .probe = test_probe,
				  .remove = test_remove };
	struct pci_driver none = { .name = "ktest-none", .ids = nothing, .probe = test_probe };
	struct pci_driver bad = { .name = "ktest-bad", .ids = NULL, .probe = test_probe };
	struct pci_dev *dev = slot(0x1f, 3);

	if (!dev || dev->driver) {
		KT_ASSERT(dev && !dev->driver);
		return;
	}
	probes = removes = 0;
	KT_ASSERT_EQ(pci_register_driver(&bad), -EINVAL);
	/* a probe that declines leaves the device free for the next driver */
	KT_ASSERT_EQ(pci_register_driver(&refuse), 0);
	KT_ASSERT_EQ(probes, 1);
	KT_ASSERT(dev->driver == NULL);
	KT_ASSERT_EQ(pci_register_driver(&drv), 0);
	KT_ASSERT_EQ(probes, 2);
	KT_ASSERT(probed == dev && dev->driver == &drv);
	KT_ASSERT(dev->driver_data == &smbus_class[0]);
	KT_ASSERT_EQ(pci_register_driver(&drv), -EBUSY);
	/* a driver matching nothing probes nothing */
	KT_ASSERT_EQ(pci_register_driver(&none), 0);
	KT_ASSERT_EQ(probes, 2);
	pci_unregister_driver(&none);
	pci_unregister_driver(&drv);
	KT_ASSERT_EQ(removes, 1);
	KT_ASSERT(dev->driver == NULL && dev->driver_data == NULL);
	pci_unregister_driver(&refuse);
	list_for_each_entry(left, &pci_drivers, struct pci_driver, link)
		KT_ASSERT(left != &drv && left != &refuse && left != &none);
}
