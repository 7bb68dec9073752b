/*
 * blkdev.h - block devices: a disk of 512-byte sectors that a driver reads and
 * writes, listed in /dev as a block special file (drivers/block/blkdev.c).
 */
#ifndef AEGIS_BLKDEV_H
#define AEGIS_BLKDEV_H

#include <aegis/sched.h>
#include <aegis/types.h>

#define SECTOR_SIZE 512

struct blkdev;
struct blkdev_ops {
	/* One request: n (1..max_sectors) sectors from `sector`, inside the disk,
	 * between the disk and bd->bounce.  Called with bd->lock held, so a driver
	 * has one request in flight.  0 or -errno. */
	int (*request)(struct blkdev *bd, uint64_t sector, uint32_t n, bool write);
};

/* A disk.  The driver fills in everything but dev and lock; the block layer
 * splits transfers into requests through the driver's DMA bounce buffer. */
struct blkdev {
	char name[16];			/* "vda": /dev/vda */
	uint64_t nsectors;
	bool ro;
	const struct blkdev_ops *ops;
	void *priv;			/* the driver's */
	void *bounce;			/* max_sectors * SECTOR_SIZE bytes the device can reach */
	uint32_t max_sectors;
	uint32_t dev;			/* MKDEV(major, minor), set by blkdev_register */
	struct mutex lock;		/* [bounce, the driver's request state] */
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
