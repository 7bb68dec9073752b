/*
 * init.c - the device drivers that bind to PCI devices, registered once the
 * scheduler runs (probes sleep and take mutexes).
 */
#include <aegis/blkdev.h>
#include <aegis/net.h>
#include <aegis/virtio.h>

void drivers_init(void)
{
	virtio_init();
	nvme_init();
	ahci_init();
	e1000_init();
}
