/*
 * blkdev.h - block devices: a disk of 512-byte sectors that a driver reads and
 * writes, listed in /dev as a block special file (drivers/block/blkdev.c).
 */
#ifndef AEGIS_BLKDEV_H
#define AEGIS_BLKDEV_H

#include <aegis/types.h>

#define SECTOR_SIZE 512

struct blkdev;
struct blkdev_ops {
	/* count sectors from `sector` between the disk and buf (kernel memory);
	 * the range is inside the disk (checked by the caller).  0 or -EIO... */
	int (*rw)(struct blkdev *bd, uint64_t sector, uint32_t count, void *buf, bool write);
};

struct blkdev {
	char name[16];			/* "vda": /dev/vda */
	uint64_t nsectors;
	bool ro;
	const struct blkdev_ops *ops;
	void *priv;			/* the driver's */
	uint32_t dev;			/* MKDEV(major, minor), set by blkdev_register */
};

/* Adds bd (kept by pointer, for good) as /dev/<name>, block major `major`,
 * minor `minor`.  0, -EINVAL, -EBUSY (number taken), -ENOSPC (table full). */
int blkdev_register(struct blkdev *bd, unsigned major, unsigned minor);
struct blkdev *blkdev_find(uint32_t dev);
/* Kernel access, bounds-checked: 0, -EINVAL (outside the disk), -EROFS, or the driver's error. */
int blkdev_read(struct blkdev *bd, uint64_t sector, uint32_t count, void *buf);
int blkdev_write(struct blkdev *bd, uint64_t sector, uint32_t count, const void *buf);

void nvme_init(void);		/* drivers/block/nvme.c: registers the NVMe driver */
void ahci_init(void);		/* drivers/block/ahci.c: SATA disks */

#endif
