/*
 * misc.c - the misc character devices (major 10, as in Linux): small drivers
 * that need one node each register a minor number and their operations, and
 * get /dev/<name>.  Opening the node hands the file to the driver's fops.
 */
#include <aegis/errno.h>
#include <aegis/fs_abi.h>
#include <aegis/misc.h>
#include <aegis/printk.h>
#include <aegis/spinlock.h>
#include <aegis/vfs.h>

#define MISC_MAJOR 10

static const struct file_operations *misc_fops[256];	/* [misc_lock] by minor */
static struct spinlock misc_lock = SPINLOCK_INIT("misc");

static int misc_open(struct file *f)
{
	unsigned minor = file_minor(f);
	const struct file_operations *fops = NULL;
	unsigned long fl;

	if (minor < 256) {
		fl = spin_lock_irqsave(&misc_lock);
		fops = misc_fops[minor];
		spin_unlock_irqrestore(&misc_lock, fl);
	}
	if (!fops)
		return -ENODEV;
	file_set_fops(f, fops);
	return fops->open ? fops->open(f) : 0;
}

static const struct file_operations misc_major_fops = { .open = misc_open };

int misc_register(unsigned minor, const char *name, unsigned mode,
		  const struct file_operations *fops)
{
	static bool major_done;				/* [misc_lock] */
	unsigned long fl;
	int err = 0;

	if (minor >= 256 || !name || !fops)
		return -EINVAL;
	fl = spin_lock_irqsave(&misc_lock);
	if (!major_done) {
		err = chrdev_register(MISC_MAJOR, "misc", &misc_major_fops);
		major_done = !err;
	}
	if (!err && misc_fops[minor])
		err = -EBUSY;
	else if (!err)
		misc_fops[minor] = fops;
	spin_unlock_irqrestore(&misc_lock, fl);
	if (err)
		return err;
	err = devfs_create(name, S_IFCHR | (mode & 0777), MKDEV(MISC_MAJOR, minor), 0, 0);
	if (err)
		pr_warn("misc: /dev/%s: %d\n", name, err);
	return 0;
}
