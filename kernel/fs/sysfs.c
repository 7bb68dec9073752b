/*
 * sysfs.c - /sys: a tmpfs-like tree of small read-only attribute files, built
 * when it is mounted: the kernel/, devices/, bus/ skeleton and what the drivers
 * add (PCI: devices/pci*, bus/pci).  Attribute values are a snapshot taken at
 * mount time.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>

#include <aegis/mm.h>
#include <aegis/pci.h>

#include "internal.h"

/* Creates a file holding len bytes of data, a directory (data NULL) or a
 * symlink (data = its target) under dir. */
static struct dentry *pseudo_add_data(struct dentry *dir, const char *name, unsigned mode,
				      const void *data, size_t len)
{
	struct inode *i = tmpfs_make(dir->sb, mode, 0);
	struct dentry *d = i ? d_alloc(dir->sb, dir, name, strlen(name)) : NULL;
	uint64_t pos = 0;

	if (!d) {
		iput(i);
		return NULL;
	}
	i->uid = i->gid = 0;
	d_instantiate(d, i);
	d_add(d);
	if (S_ISDIR(mode))
		dir->inode->nlink++;
	if (data && S_ISREG(mode) && len) {
		struct file tmp = { .inode = i, .flags = O_WRONLY, .fop = i->fop };
		struct io_buf b = { (char *)data, len, false };
		i->fop->write(&tmp, &b, &pos);
	}
	if (data && S_ISLNK(mode) && (i->symlink = kmalloc(len + 1))) {
		memcpy(i->symlink, data, len);
		i->symlink[len] = 0;
		i->size = len;
	}
	dput(d);		/* the tree's pin keeps it */
	return d;
}

/* Creates a file holding text (or a directory if text is NULL) under dir. */
struct dentry *pseudo_add(struct dentry *dir, const char *name, unsigned mode, const char *text)
{
	return pseudo_add_data(dir, name, mode, text, text ? strlen(text) : 0);
}

struct dentry *sysfs_add_dir(struct dentry *dir, const char *name)
{
	return dir ? pseudo_add(dir, name, S_IFDIR | 0755, NULL) : NULL;
}

struct dentry *sysfs_add_file(struct dentry *dir, const char *name, unsigned mode,
			      const void *data, size_t len)
{
	return dir ? pseudo_add_data(dir, name, S_IFREG | (mode & 0777), data, len) : NULL;
}

struct dentry *sysfs_add_link(struct dentry *dir, const char *name, const char *target)
{
	return dir ? pseudo_add(dir, name, S_IFLNK | 0777, target) : NULL;
}

static struct super_block *sysfs_mount(const char *source, const void *data, unsigned long flags)
{
	struct super_block *sb = tmpfs_fill(&sysfs_type, SYSFS_MAGIC, 0555);

	if (!sb)
		return NULL;
	struct dentry *r = sb->root;
	struct dentry *k = pseudo_add(r, "kernel", S_IFDIR | 0555, NULL);
	struct dentry *devices = pseudo_add(r, "devices", S_IFDIR | 0555, NULL);
	pseudo_add(r, "class", S_IFDIR | 0555, NULL);
	struct dentry *bus = pseudo_add(r, "bus", S_IFDIR | 0555, NULL);
	pseudo_add(r, "fs", S_IFDIR | 0555, NULL);
	if (devices && bus)
		pci_sysfs_fill(devices, bus);
	if (k) {
		pseudo_add(k, "mm", S_IFDIR | 0555, NULL);
		pseudo_add(k, "uevent_helper", S_IFREG | 0444, "\n");
	}
	return sb;
}

const struct fs_type sysfs_type = { .name = "sysfs", .mount = sysfs_mount, .nodev = true };
