/*
 * ext2.c - mounting an ext2 file system read-only: `mount -t ext2 -o ro
 * /dev/vda /mnt` (without -o ro the mount fails with EROFS, and busybox's mount
 * then retries read-only, as it does for write-protected disks).
 *
 * The on-disk format is read by ext2_core.c through blkdev_read, with a
 * one-block cache in front (directory scans and indirect blocks read the same
 * block many times).  Dentries are made on lookup, as procfs does; each inode
 * keeps its on-disk inode (block map included) in i->priv; a symlink's target
 * is read at lookup into i->symlink, where the path walk finds it.  Reads go
 * straight to the disk (no page cache).  Writing is not supported: files have
 * no write operation and directories no mknod, so changes fail.
 */
#include <aegis/blkdev.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/string.h>

#include "../internal.h"
#include "ext2_core.h"

#define EXT2_SUPER_MAGIC 0xef53

struct ext2_mount {
	struct ext2_vol v;
	struct blkdev *bd;
	struct mutex lock;		/* [cache] */
	uint64_t cached_sector;		/* first sector of the cached block */
	uint8_t *cache;			/* one block, or NULL */
	bool cache_valid;
};

static const struct fs_type ext2_type;
extern const struct file_operations chrdev_open_fops, blkdev_open_fops;
static const struct inode_operations ext2_dir_iops, ext2_file_iops;
static const struct file_operations ext2_file_fops;

/* ext2_vol.read: bytes of the disk, through the one-block cache */
static int disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct ext2_mount *m = ctx;
	uint32_t bs = m->v.block_size ? m->v.block_size : 1024;
	uint8_t *p = buf;
	int err = 0;

	mutex_lock(&m->lock);
	while (len && !err) {
		uint64_t block = off / bs, sector = block * (bs / SECTOR_SIZE);
		size_t in = (size_t)(off % bs), n = bs - in;
		if (n > len)
			n = len;
		if (!m->cache_valid || m->cached_sector != sector) {
			m->cache_valid = false;
			if ((err = blkdev_read(m->bd, sector, bs / SECTOR_SIZE, m->cache)))
				break;
			m->cached_sector = sector;
			m->cache_valid = true;
		}
		memcpy(p, m->cache + in, n);
		p += n;
		off += n;
		len -= n;
	}
	mutex_unlock(&m->lock);
	return err ? -EIO : 0;
}

static struct ext2_mount *mnt_of(struct inode *i)
{
	return i->sb->priv;
}

/* An inode for on-disk inode `ino`, or ERR_PTR. */
static struct inode *ext2_iget(struct super_block *sb, uint32_t ino)
{
	struct ext2_mount *m = sb->priv;
	struct ext2_inode_info *e = kmalloc(sizeof(*e));
	struct inode *i;
	int err;

	if (!e)
		return ERR_PTR(-ENOMEM);
	if ((err = ext2_read_inode(&m->v, ino, e))) {
		kfree(e);
		return ERR_PTR(err);
	}
	if (!e->links || !(e->mode & 0170000)) {
		kfree(e);
		return ERR_PTR(-EIO);			/* a free inode named by a directory */
	}
	i = inode_alloc(sb, e->mode);
	if (!i) {
		kfree(e);
		return ERR_PTR(-ENOMEM);
	}
	i->ino = ino;
	i->uid = e->uid;
	i->gid = e->gid;
	i->nlink = e->links;
	i->size = e->size;
	i->atime = (int64_t)e->atime * 1000000000;
	i->mtime = (int64_t)e->mtime * 1000000000;
	i->ctime = (int64_t)e->ctime * 1000000000;
	i->priv = e;
	switch (e->mode & 0170000) {
	case S_IFDIR:
		i->iop = &ext2_dir_iops;
		i->fop = &tmpfs_dir_fops;	/* getdents goes through iop->iterate */
		break;
	case S_IFREG:
		i->iop = &ext2_file_iops;
		i->fop = &ext2_file_fops;
		break;
	case S_IFLNK: {
		char *t = kmalloc(PATH_MAX);
		long n = t ? ext2_readlink(&m->v, e, t, PATH_MAX - 1) : -ENOMEM;
		if (n < 0) {
			kfree(t);
			iput(i);
			return ERR_PTR((int)n);
		}
		t[n] = 0;
		i->symlink = t;
		i->iop = &ext2_file_iops;
		break;
	}
	default:
		/* device nodes, FIFOs, sockets: the operations tmpfs gives the same
		 * kinds; a device number is in i_block[0] (old 8:8 encoding) or,
		 * if that is 0, in i_block[1] (12-bit major, 20-bit minor) */
		i->iop = &ext2_file_iops;
		if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
			uint32_t o = e->block[0], n = e->block[1];
			i->rdev = o ? MKDEV((o >> 8) & 0xff, o & 0xff)
				    : MKDEV((n >> 8) & 0xfff, (n & 0xff) | ((n >> 12) & 0xfff00));
			i->fop = S_ISCHR(e->mode) ? &chrdev_open_fops : &blkdev_open_fops;
		} else if (S_ISFIFO(e->mode)) {
			i->fop = &fifo_fops;
		}
		break;
	}
	return i;
}

static struct dentry *ext2_lookup(struct inode *dir, struct dentry *parent, const char *name)
{
	struct ext2_mount *m = mnt_of(dir);
	size_t len = strlen(name);
	struct inode *i;
	struct dentry *d;
	uint32_t ino;
	int err;

	if (len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	err = ext2_dir_lookup(&m->v, dir->priv, name, len, &ino);
	if (err)
		return ERR_PTR(err);
	i = ext2_iget(dir->sb, ino);
	if (IS_ERR(i))
		return (struct dentry *)i;
	d = d_alloc(dir->sb, parent, name, len);
	if (!d) {
		iput(i);
		return ERR_PTR(-ENOMEM);
	}
	d_instantiate(d, i);
	d_add(d);
	return d;
}

struct iter_ctx {
	int (*emit)(void *, const char *, uint64_t, unsigned, uint64_t);
	void *ctx;
	bool full;
};

static int relay(void *c, const char *name, size_t len, uint32_t ino, unsigned type, uint64_t next)
{
	struct iter_ctx *ic = c;

	(void)len;
	ic->full = ic->emit(ic->ctx, name, ino, type, next) != 0;
	return ic->full;
}

static int ext2_iterate(struct file *f, int (*emit)(void *, const char *, uint64_t, unsigned, uint64_t),
			void *ctx)
{
	struct iter_ctx ic = { emit, ctx, false };
	uint64_t pos = f->pos;

	return ext2_dir_iterate(&mnt_of(f->inode)->v, f->inode->priv, &pos, relay, &ic);
}

static ssize_t ext2_file_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct ext2_mount *m = mnt_of(f->inode);
	size_t done = 0;
	uint8_t *page = kmalloc(PAGE_SIZE);

	if (!page)
		return -ENOMEM;
	while (done < b->len) {
		size_t n = b->len - done < PAGE_SIZE ? b->len - done : PAGE_SIZE;
		long got = ext2_read_data(&m->v, f->inode->priv, *pos + done, page, n);
		if (got < 0) {
			kfree(page);
			return done ? (ssize_t)done : got;
		}
		if (got == 0 || iob_copy_to(b, done, page, (size_t)got)) {
			kfree(page);
			return done ? (ssize_t)done : got == 0 ? 0 : -EFAULT;
		}
		done += (size_t)got;
		if ((size_t)got < n)
			break;
	}
	kfree(page);
	*pos += done;
	return (ssize_t)done;
}

static const struct inode_operations ext2_dir_iops = { .lookup = ext2_lookup, .iterate = ext2_iterate };
static const struct inode_operations ext2_file_iops = { 0 };
static const struct file_operations ext2_file_fops = { .read = ext2_file_read };

static void ext2_evict(struct inode *i)
{
	kfree(i->priv);
	i->priv = NULL;
}

/* source: a block device node, as in `mount -t ext2 -o ro /dev/vda /mnt` ([ns] held) */
static struct super_block *ext2_mount_fs(const char *source, const void *data, unsigned long flags)
{
	struct nameidata nd = { 0 };
	struct ext2_mount *m;
	struct super_block *sb;
	struct blkdev *bd;
	struct inode *root;
	struct dentry *d;
	int err;

	(void)data;
	if (!source)
		return ERR_PTR(-EINVAL);
	if ((err = path_walk(NULL, source, LOOKUP_FOLLOW, &nd)))
		return ERR_PTR(err);
	bd = S_ISBLK(nd.d->inode->mode) ? blkdev_find(nd.d->inode->rdev) : NULL;
	err = !S_ISBLK(nd.d->inode->mode) ? -ENOTBLK : !bd ? -ENXIO : 0;
	dput(nd.d);
	if (err)
		return ERR_PTR(err);
	if (!(flags & MS_RDONLY))
		return ERR_PTR(-EROFS);		/* read-only support: ask for -o ro */
	m = kzalloc(sizeof(*m));
	if (!m || !(m->cache = kmalloc(4096))) {
		if (m)
			kfree(m);
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&m->lock);
	m->bd = bd;
	m->v.read = disk_read;
	m->v.ctx = m;
	m->v.disk_bytes = bd->nsectors * SECTOR_SIZE;
	err = ext2_mount_check(&m->v);
	if (err) {
		pr_info("ext2: %s: not an ext2 file system this kernel can read (%d)\n", source, err);
		goto fail;
	}
	m->cache_valid = false;			/* filled with 1 KiB blocks while probing */
	err = -ENOMEM;
	sb = sb_alloc(&ext2_type, EXT2_SUPER_MAGIC);
	if (!sb)
		goto fail;
	sb->priv = m;
	root = ext2_iget(sb, EXT2_ROOT_INO);
	if (IS_ERR(root) || !S_ISDIR(root->mode)) {
		err = IS_ERR(root) ? PTR_ERR(root) : -EIO;
		if (!IS_ERR(root))
			iput(root);
		kfree(sb);
		goto fail;
	}
	d = d_alloc(sb, NULL, "/", 1);
	if (!d) {
		iput(root);
		kfree(sb);
		goto fail;
	}
	d_instantiate(d, root);
	d->hashed = true;
	sb->root = d;
	pr_info("ext2: %s: %u-byte blocks, %u blocks, %u inodes%s%s, read-only\n", source,
		m->v.block_size, m->v.blocks_count, m->v.inodes_count, m->v.volume_name[0] ? ", label " : "",
		m->v.volume_name);
	return sb;
fail:
	kfree(m->cache);
	kfree(m);
	return ERR_PTR(err);
}

static const struct fs_type ext2_type = {
	.name = "ext2", .mount = ext2_mount_fs, .evict = ext2_evict,
};

void ext2_init(void)
{
	register_filesystem(&ext2_type);
}
