/*
 * mount.c - the mount table and boot-time setup of the name space.
 *
 * Each mounted super block covers one dentry (sb->covered, which gets
 * ->mounted pointing back); path walks cross with follow_mounts() and climb back
 * with sb->covered.  Mounting pins the covered dentry; unmounting a busy file
 * system (open files, cwds, submounts) fails with EBUSY unless MNT_DETACH.
 */
#include <aegis/bootinfo.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>

#include "internal.h"

void ext2_init(void);	/* ext2/ext2.c */
#include "sys.h"

struct dentry *vfs_root;
struct list_head vfs_mounts = LIST_HEAD_INIT(vfs_mounts);

/* [ns] held; takes over the reference on sb->root. */
static int mount_at(struct dentry *mp, struct super_block *sb, const char *source)
{
	if (!S_ISDIR(mp->inode->mode))
		return -ENOTDIR;
	while (mp->mounted)
		mp = mp->mounted->root;		/* stack on top, as Linux does */
	dget(mp);
	sb->covered = mp;
	mp->mounted = sb;
	strlcpy(sb->source, source ? source : "none", sizeof(sb->source));
	list_add_tail(&vfs_mounts, &sb->mounts_node);
	return 0;
}

int do_mount(const char *source, const char *target, const char *type,
	     unsigned long flags, const void *data)
{
	const struct cred *c = cur_cred();
	struct nameidata nd = { 0 };
	int err;

	if (c && c->euid)
		return -EPERM;
	if (flags & (MS_REMOUNT | MS_BIND)) {
		/* Remount only changes flags we do not enforce yet; bind is not done. */
		return (flags & MS_BIND) ? -EINVAL : 0;
	}
	const struct fs_type *t = type ? fs_type_find(type) : NULL;
	if (!t || !t->mount)
		return -ENODEV;
	mutex_lock(&vfs_ns_lock);
	if ((err = path_walk(NULL, target, LOOKUP_FOLLOW, &nd)))
		goto out;
	struct super_block *sb = t->mount(source, data, flags);
	if (IS_ERR(sb) || !sb) {
		err = sb ? PTR_ERR(sb) : -ENOMEM;
	} else {
		sb->flags = flags;
		err = mount_at(nd.d, sb, source);
	}
	dput(nd.d);
out:
	mutex_unlock(&vfs_ns_lock);
	return err;
}

/*
 * True if anything outside the tree itself references a dentry of it: each
 * linked dentry is pinned once and referenced once by each child.  [ns] held.
 */
static bool tree_busy(struct dentry *d, int extra)
{
	struct list_head *pos;
	int children = 0;

	if (d->mounted)
		return true;
	list_for_each(pos, &d->children) {
		children++;
		if (tree_busy(list_entry(pos, struct dentry, sibling), 0))
			return true;
	}
	return d->refcount > 1 + children + extra;
}

int do_umount(const char *target, int flags)
{
	const struct cred *c = cur_cred();
	struct nameidata nd = { 0 };
	int err;

	if (c && c->euid)
		return -EPERM;
	if (flags & ~(MNT_FORCE | MNT_DETACH | 4 | 8))
		return -EINVAL;
	mutex_lock(&vfs_ns_lock);
	if ((err = path_walk(NULL, target, (flags & 8) ? 0 : LOOKUP_FOLLOW, &nd)))
		goto out;
	struct super_block *sb = nd.d->sb;
	if (nd.d != sb->root || !sb->covered) {
		err = -EINVAL;
	} else if (sb->root->mounted || (!(flags & MNT_DETACH) && tree_busy(sb->root, 1))) {
		err = -EBUSY;
	} else {
		struct dentry *mp = sb->covered;
		mp->mounted = NULL;
		sb->covered = NULL;
		list_del(&sb->mounts_node);
		dput(mp);
		/* The tree stays allocated while anything still references it. */
	}
	dput(nd.d);
out:
	mutex_unlock(&vfs_ns_lock);
	return err;
}

/* One line of /proc/mounts or /proc/<pid>/mountinfo for sb mounted at path. */
typedef int (*mount_line_fn)(char *buf, size_t size, const struct super_block *sb,
			     const char *path);

static int mounts_line(char *buf, size_t size, const struct super_block *sb, const char *path)
{
	return snprintf(buf, size, "%s %s %s %s 0 0\n", sb->source, path, sb->type->name,
			(sb->flags & MS_RDONLY) ? "ro" : "rw");
}

/* mountinfo: mount ids are the super blocks' device numbers. */
static int mountinfo_line(char *buf, size_t size, const struct super_block *sb,
			  const char *path)
{
	unsigned parent = sb->covered ? sb->covered->sb->dev : sb->dev;
	const char *mode = (sb->flags & MS_RDONLY) ? "ro" : "rw";

	return snprintf(buf, size, "%u %u 0:%u / %s %s - %s %s %s\n", sb->dev, parent, sb->dev,
			path, mode, sb->type->name, sb->source, mode);
}

/* Formats every mount with line(); stops at the first line that does not fit. */
static size_t format_mount_table(char *buf, size_t size, mount_line_fn line)
{
	size_t n = 0;
	struct list_head *pos;
	char *path = kmalloc(PATH_MAX);

	if (!path)
		return 0;
	mutex_lock(&vfs_ns_lock);
	list_for_each(pos, &vfs_mounts) {
		struct super_block *sb = list_entry(pos, struct super_block, mounts_node);
		if (dentry_path(sb->root, path, PATH_MAX) < 0)
			continue;
		int k = line(buf + n, size - n, sb, path);
		if (k < 0 || (size_t)k >= size - n)
			break;
		n += k;
	}
	mutex_unlock(&vfs_ns_lock);
	kfree(path);
	return n;
}

size_t vfs_format_mounts(char *buf, size_t size)
{
	return format_mount_table(buf, size, mounts_line);
}

size_t vfs_format_mountinfo(char *buf, size_t size)
{
	return format_mount_table(buf, size, mountinfo_line);
}

static void mkdir_if_missing(const char *path)
{
	int err = do_mkdir(AT_FDCWD, path, 0755);

	if (err && err != -EEXIST)
		pr_warn("vfs: cannot create %s: %d\n", path, err);
}

static void mount_or_warn(const char *src, const char *dir, const char *type)
{
	mkdir_if_missing(dir);
	int err = do_mount(src, dir, type, 0, NULL);
	if (err)
		pr_warn("vfs: mounting %s on %s failed: %d\n", type, dir, err);
}

void vfs_init(void)
{
	register_filesystem(&tmpfs_type);
	register_filesystem(&devfs_type);
	register_filesystem(&procfs_type);
	register_filesystem(&sysfs_type);
	ext2_init();
	struct super_block *sb = tmpfs_fill(&tmpfs_type, TMPFS_MAGIC, 0755);
	if (!sb) {
		pr_err("vfs: no memory for the root file system\n");
		return;
	}
	strlcpy(sb->source, "rootfs", sizeof(sb->source));
	list_add_tail(&vfs_mounts, &sb->mounts_node);
	vfs_root = sb->root;
	for (unsigned k = 0; k < boot_info.n_mods; k++) {
		struct boot_module *m = &boot_info.mods[k];
		char what[32];
		snprintf(what, sizeof(what), "module %u", k);
		initramfs_unpack(phys_to_virt(m->start), m->end - m->start, what);
	}
	mount_or_warn("devtmpfs", "/dev", "devtmpfs");
	devfs_init();
	mount_or_warn("proc", "/proc", "proc");
	mount_or_warn("sysfs", "/sys", "sysfs");
	mkdir_if_missing("/tmp");
	struct nameidata nd = { 0 };
	mutex_lock(&vfs_ns_lock);
	if (!path_walk(NULL, "/tmp", LOOKUP_FOLLOW, &nd)) {
		nd.d->inode->mode = S_IFDIR | 01777;
		dput(nd.d);
	}
	mutex_unlock(&vfs_ns_lock);
	pr_info("vfs: root tmpfs ready, %u initramfs module(s)\n", boot_info.n_mods);
}
