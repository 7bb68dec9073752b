/* pci_internal.h - what the files of kernel/drivers/pci share. */
#ifndef PCI_INTERNAL_H
#define PCI_INTERNAL_H

#include <aegis/pci.h>

extern const struct pci_cfg_ops pci_ecam_ops, pci_port_ops;
extern const struct pci_cfg_ops *pci_cfg;	/* the method in use; NULL: none */

struct mutex;
extern struct mutex pci_bind_lock;		/* [pci_drivers, every dev->driver] */

#endif
