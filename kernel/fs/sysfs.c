/*
 * sysfs.c - /sys: a tmpfs-like tree of small read-only attribute files.  The
 * driver model will add devices, buses and drivers; for now it holds the kernel/
 * and devices/ skeleton with a few real entries.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>

#include <aegis/mm.h>

#include "internal.h"

/* Creates a file holding text (or a directory if text is NULL) under dir. */
struct dentry *pseudo_add(struct dentry *dir, const char *name, unsigned mode, const char *text)
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
	if (text && S_ISREG(mode)) {
		struct file tmp = { .inode = i, .flags = O_WRONLY, .fop = i->fop };
		struct io_buf b = { (char *)text, strlen(text), false };
		i->fop->write(&tmp, &b, &pos);
	}
	if (text && S_ISLNK(mode) && (i->symlink = kmalloc(strlen(text) + 1))) {
		strlcpy(i->symlink, text, strlen(text) + 1);
		i->size = strlen(text);
	}
	dput(d);		/* the tree's pin keeps it */
	return d;
}

static struct super_block *sysfs_mount(const char *source, const void *data)
{
	struct super_block *sb = tmpfs_fill(&sysfs_type, SYSFS_MAGIC, 0555);

	if (!sb)
		return NULL;
	struct dentry *r = sb->root;
	struct dentry *k = pseudo_add(r, "kernel", S_IFDIR | 0555, NULL);
	pseudo_add(r, "devices", S_IFDIR | 0555, NULL);
	pseudo_add(r, "class", S_IFDIR | 0555, NULL);
	pseudo_add(r, "bus", S_IFDIR | 0555, NULL);
	pseudo_add(r, "fs", S_IFDIR | 0555, NULL);
	if (k) {
		pseudo_add(k, "mm", S_IFDIR | 0555, NULL);
		pseudo_add(k, "uevent_helper", S_IFREG | 0444, "\n");
	}
	return sb;
}

const struct fs_type sysfs_type = { .name = "sysfs", .mount = sysfs_mount, .nodev = true };
