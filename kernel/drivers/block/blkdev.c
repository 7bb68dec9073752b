/*
 * blkdev.c - the block device registry and /dev access to whole disks.
 *
 * A block special file (S_IFBLK) opens through blkdev_open_fops, which finds the
 * disk by device number.  Reads and writes go straight to the driver, a page at
 * a time through a kernel buffer (no cache yet): any byte offset and length
 * work, partial sectors by read-modify-write.  Reads end at the end of the disk;
 * writes past it fail with ENOSPC.  The ioctls tools use for the size
 * (BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKROGET) are answered as Linux does.
 */
#include <aegis/blkdev.h>
#include <aegis/errno.h>
#include <aegis/fs_abi.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>
#include <aegis/vfs.h>

#define MAX_BLKDEV	16
#define BLKROGET	0x125e
#define BLKGETSIZE	0x1260
#define BLKSSZGET	0x1268
#define BLKGETSIZE64	0x80081272

static struct blkdev *disks[MAX_BLKDEV];		/* [disks_lock] */
static struct spinlock disks_lock = SPINLOCK_INIT("blkdev");

int blkdev_register(struct blkdev *bd, unsigned major, unsigned minor)
{
	unsigned long f;
	int err = -ENOSPC, slot = -1;

	if (!bd || !bd->ops || !bd->ops->request || !bd->bounce || !bd->max_sectors || !bd->name[0] ||
	    major >= 4096 || minor >= (1u << 20))
		return -EINVAL;
	mutex_init(&bd->lock);
	bd->dev = MKDEV(major, minor);
	f = spin_lock_irqsave(&disks_lock);
	for (int i = 0; i < MAX_BLKDEV; i++) {
		if (disks[i] && disks[i]->dev == bd->dev) {
			slot = -1;
			err = -EBUSY;
			break;
		}
		if (!disks[i] && slot < 0)
			slot = i;
	}
	if (slot >= 0) {
		disks[slot] = bd;
		err = 0;
	}
	spin_unlock_irqrestore(&disks_lock, f);
	if (err)
		return err;
	err = devfs_create(bd->name, S_IFBLK | 0660, bd->dev, 0, 6);	/* group disk */
	if (err)
		pr_warn("blkdev: /dev/%s: %d\n", bd->name, err);
	pr_info("blkdev: %s: %llu sectors (%llu MiB)%s\n", bd->name, (unsigned long long)bd->nsectors,
		(unsigned long long)(bd->nsectors >> 11), bd->ro ? ", read-only" : "");
	return 0;
}

struct blkdev *blkdev_find(uint32_t dev)
{
	struct blkdev *bd = NULL;
	unsigned long f = spin_lock_irqsave(&disks_lock);

	for (int i = 0; i < MAX_BLKDEV; i++)
		if (disks[i] && disks[i]->dev == dev)
			bd = disks[i];
	spin_unlock_irqrestore(&disks_lock, f);
	return bd;
}

static bool inside(const struct blkdev *bd, uint64_t sector, uint32_t count)
{
	return count && sector < bd->nsectors && count <= bd->nsectors - sector;
}

/* count sectors between the disk and buf, as requests of at most max_sectors
 * through the driver's bounce buffer, one at a time */
static int transfer_sectors(struct blkdev *bd, uint64_t sector, uint32_t count, uint8_t *buf, bool write)
{
	int err = 0;

	if (!inside(bd, sector, count))
		return -EINVAL;
	mutex_lock(&bd->lock);
	while (count && !err) {
		uint32_t n = count < bd->max_sectors ? count : bd->max_sectors;
		size_t bytes = (size_t)n * SECTOR_SIZE;
		if (write)
			memcpy(bd->bounce, buf, bytes);
		err = bd->ops->request(bd, sector, n, write);
		if (!err && !write)
			memcpy(buf, bd->bounce, bytes);
		buf += bytes;
		sector += n;
		count -= n;
	}
	mutex_unlock(&bd->lock);
	return err;
}

int blkdev_read(struct blkdev *bd, uint64_t sector, uint32_t count, void *buf)
{
	return transfer_sectors(bd, sector, count, buf, false);
}

int blkdev_write(struct blkdev *bd, uint64_t sector, uint32_t count, const void *buf)
{
	return bd->ro ? -EROFS : transfer_sectors(bd, sector, count, (uint8_t *)buf, true);
}

/* ---- /dev/<disk> ---- */

static uint64_t size_of(const struct blkdev *bd)
{
	return bd->nsectors * SECTOR_SIZE;
}

/* Move up to len bytes at byte offset pos between the disk and b (at boff),
 * through page: one page-aligned window of sectors at a time. */
static ssize_t transfer(struct blkdev *bd, struct io_buf *b, uint64_t pos, bool write)
{
	size_t done = 0, len = b->len;
	uint8_t *page;
	int err = 0;

	if (pos >= size_of(bd))
		return write && len ? -ENOSPC : 0;
	if (len > size_of(bd) - pos)
		len = (size_t)(size_of(bd) - pos);
	page = kmalloc(PAGE_SIZE);
	if (!page)
		return -ENOMEM;
	while (done < len && !err) {
		uint64_t at = pos + done, first = at / SECTOR_SIZE;
		size_t skip = (size_t)(at % SECTOR_SIZE), n = PAGE_SIZE - skip;
		uint32_t count;
		if (n > len - done)
			n = len - done;
		count = (uint32_t)((skip + n + SECTOR_SIZE - 1) / SECTOR_SIZE);
		if (write) {
			/* the sectors only partly overwritten are read first */
			if ((skip || (skip + n) % SECTOR_SIZE) && (err = blkdev_read(bd, first, count, page)))
				break;
			if ((err = iob_copy_from(b, done, page + skip, n)))
				break;
			err = blkdev_write(bd, first, count, page);
		} else {
			if ((err = blkdev_read(bd, first, count, page)))
				break;
			err = iob_copy_to(b, done, page + skip, n);
		}
		if (!err)
			done += n;
	}
	kfree(page);
	return done ? (ssize_t)done : err;
}

static ssize_t blk_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	ssize_t r = transfer(file_private(f), b, *pos, false);
	if (r > 0)
		*pos += (uint64_t)r;
	return r;
}

static ssize_t blk_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	ssize_t r = transfer(file_private(f), b, *pos, true);
	if (r > 0)
		*pos += (uint64_t)r;
	return r;
}

static int64_t blk_llseek(struct file *f, int64_t off, unsigned whence)
{
	return generic_llseek_size(f, off, whence, size_of(file_private(f)));
}

static long blk_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	const struct blkdev *bd = file_private(f);
	uint64_t size = size_of(bd);
	unsigned long sectors = (unsigned long)bd->nsectors;
	int ssz = SECTOR_SIZE, ro = bd->ro;

	switch (cmd) {
	case BLKGETSIZE64:
		return copy_to_user((void __user *)arg, &size, sizeof(size)) ? -EFAULT : 0;
	case BLKGETSIZE:
		return copy_to_user((void __user *)arg, &sectors, sizeof(sectors)) ? -EFAULT : 0;
	case BLKSSZGET:
		return copy_to_user((void __user *)arg, &ssz, sizeof(ssz)) ? -EFAULT : 0;
	case BLKROGET:
		return copy_to_user((void __user *)arg, &ro, sizeof(ro)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static const struct file_operations blkdev_fops = {
	.read = blk_read, .write = blk_write, .llseek = blk_llseek, .ioctl = blk_ioctl,
};

static int blk_open(struct file *f)
{
	struct blkdev *bd = blkdev_find(file_rdev(f));

	if (!bd)
		return -ENXIO;
	if (bd->ro && (file_flags(f) & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	file_set_private(f, bd);
	file_set_fops(f, &blkdev_fops);
	return 0;
}

const struct file_operations blkdev_open_fops = { .open = blk_open };
