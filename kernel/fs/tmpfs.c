/*
 * tmpfs.c - the in-memory file system: the root, /dev (devfs reuses it) and any
 * "mount -t tmpfs".
 *
 * File data lives in physical pages found through a two-level table of 512 x 512
 * entries (1 GiB per file), allocated on first write: holes cost nothing and read
 * as zeros, and mmap gets the page itself.  The dentry tree is the directory, so
 * tmpfs has no lookup of its own.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/mm.h>
#include <aegis/string.h>

#include "internal.h"

#define PT_ENTRIES	512
#define TMPFS_MAX_SIZE	((uint64_t)PT_ENTRIES * PT_ENTRIES * PAGE_SIZE)

static const struct fs_type *fs_types[16];
static uint32_t next_dev = 1;

int register_filesystem(const struct fs_type *t)
{
	for (size_t k = 0; k < ARRAY_SIZE(fs_types); k++) {
		if (!fs_types[k]) {
			fs_types[k] = t;
			return 0;
		}
	}
	return -ENOSPC;
}

const struct fs_type *fs_type_find(const char *name)
{
	for (size_t k = 0; k < ARRAY_SIZE(fs_types) && fs_types[k]; k++)
		if (!strcmp(fs_types[k]->name, name))
			return fs_types[k];
	return NULL;
}

int fs_type_list(char *buf, size_t size);

struct super_block *sb_alloc(const struct fs_type *t, uint64_t magic)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = t;
	sb->magic = magic;
	sb->dev = __atomic_fetch_add(&next_dev, 1, __ATOMIC_RELAXED);
	list_init(&sb->mounts_node);
	return sb;
}

/* Returns the page holding byte idx*PAGE_SIZE; i->lock held. */
int tmpfs_getpage(struct inode *i, uint64_t idx, bool create, paddr_t *pa)
{
	if (idx >= (uint64_t)PT_ENTRIES * PT_ENTRIES)
		return -EFBIG;
	if (!i->pages) {
		if (!create)
			return -ENOENT;
		if (!(i->pages = kzalloc(PT_ENTRIES * sizeof(paddr_t *))))
			return -ENOSPC;
	}
	paddr_t **l1 = &i->pages[idx / PT_ENTRIES];
	if (!*l1) {
		if (!create)
			return -ENOENT;
		if (!(*l1 = kzalloc(PT_ENTRIES * sizeof(paddr_t))))
			return -ENOSPC;
	}
	paddr_t *slot = &(*l1)[idx % PT_ENTRIES];
	if (!*slot) {
		if (!create)
			return -ENOENT;
		if (!(*slot = pmm_alloc_zeroed_page()))
			return -ENOSPC;
		i->npages_alloc++;
		__atomic_add_fetch(&i->sb->pages_used, 1, __ATOMIC_RELAXED);
	}
	*pa = *slot;
	return 0;
}

/* Frees the pages at index from..to-1; i->lock held (or the inode is dying). */
static void tmpfs_free_range(struct inode *i, uint64_t from, uint64_t to)
{
	if (!i->pages)
		return;
	to = MIN(to, (uint64_t)PT_ENTRIES * PT_ENTRIES);
	for (uint64_t d = from / PT_ENTRIES; from < to && d <= (to - 1) / PT_ENTRIES; d++) {
		paddr_t *l1 = i->pages[d];
		if (!l1)
			continue;
		uint64_t k0 = d == from / PT_ENTRIES ? from % PT_ENTRIES : 0;
		uint64_t k1 = d == (to - 1) / PT_ENTRIES ? (to - 1) % PT_ENTRIES + 1 : PT_ENTRIES;
		for (uint64_t k = k0; k < k1; k++) {
			if (l1[k]) {
				page_put(l1[k]);
				l1[k] = 0;
				i->npages_alloc--;
				__atomic_sub_fetch(&i->sb->pages_used, 1, __ATOMIC_RELAXED);
			}
		}
		if (k0 == 0 && k1 == PT_ENTRIES) {
			kfree(l1);
			i->pages[d] = NULL;
		}
	}
}

static void tmpfs_free_from(struct inode *i, uint64_t from)
{
	tmpfs_free_range(i, from, UINT64_MAX);
}

/* Zeroes bytes [off, end) of the page at idx if it exists; i->lock held. */
static void tmpfs_zero_part(struct inode *i, uint64_t idx, size_t off, size_t end)
{
	paddr_t pa;

	if (off < end && !tmpfs_getpage(i, idx, false, &pa))
		memset((char *)phys_to_virt(pa) + off, 0, end - off);
}

void tmpfs_punch_hole(struct inode *i, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;
	uint64_t first = ALIGN_UP(off, PAGE_SIZE) / PAGE_SIZE, last = end / PAGE_SIZE;

	if (off / PAGE_SIZE == end / PAGE_SIZE) {
		tmpfs_zero_part(i, off / PAGE_SIZE, off % PAGE_SIZE, end % PAGE_SIZE);
		return;
	}
	if (off % PAGE_SIZE)
		tmpfs_zero_part(i, off / PAGE_SIZE, off % PAGE_SIZE, PAGE_SIZE);
	if (end % PAGE_SIZE)
		tmpfs_zero_part(i, last, 0, end % PAGE_SIZE);
	tmpfs_free_range(i, first, last);
}

void tmpfs_evict(struct inode *i)
{
	if (i->pages) {
		tmpfs_free_from(i, 0);
		kfree(i->pages);
		i->pages = NULL;
	}
}

/* Sizes may exceed what the page table can hold: the rest is a hole that reads
 * as zeros (sparse files made with ftruncate); only data past 1 GiB is refused. */
#define TMPFS_MAX_SPARSE	(1ull << 43)

static int tmpfs_setsize(struct inode *i, uint64_t size)
{
	if (size > TMPFS_MAX_SPARSE)
		return -EFBIG;
	if (size < i->size) {
		paddr_t pa;
		tmpfs_free_from(i, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
		if (size % PAGE_SIZE && !tmpfs_getpage(i, size / PAGE_SIZE, false, &pa))
			memset((char *)phys_to_virt(pa) + size % PAGE_SIZE, 0,
			       PAGE_SIZE - size % PAGE_SIZE);
	}
	i->size = size;
	return 0;
}

static ssize_t tmpfs_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct inode *i = f->inode;
	size_t done = 0;
	static const char zeros[PAGE_SIZE] __aligned(PAGE_SIZE);

	mutex_lock(&i->lock);
	uint64_t p = *pos;
	while (done < b->len && p < i->size) {
		size_t in = p % PAGE_SIZE;
		size_t n = MIN(PAGE_SIZE - in, b->len - done);
		n = MIN(n, i->size - p);
		paddr_t pa;
		const char *src = tmpfs_getpage(i, p / PAGE_SIZE, false, &pa) ? zeros
				  : (const char *)phys_to_virt(pa);
		if (iob_copy_to(b, done, src + in, n)) {
			if (!done)
				done = (size_t)-EFAULT;
			break;
		}
		done += n;
		p += n;
	}
	if ((ssize_t)done > 0)
		*pos = p;
	mutex_unlock(&i->lock);
	return (ssize_t)done;
}

static ssize_t tmpfs_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct inode *i = f->inode;
	size_t done = 0;
	ssize_t err = 0;

	size_t len = b->len;
	struct task *t = current_task();
	uint64_t lim = t && t->proc ? t->proc->rlim[RLIMIT_FSIZE].cur : RLIM_INFINITY;

	mutex_lock(&i->lock);
	uint64_t p = (f->flags & O_APPEND) ? i->size : *pos;
	if (lim != RLIM_INFINITY && len) {
		/* RLIMIT_FSIZE: write up to the limit; at it, SIGXFSZ and EFBIG. */
		if (p >= lim) {
			mutex_unlock(&i->lock);
			signal_send_task(t, SIGXFSZ, NULL);
			return -EFBIG;
		}
		len = MIN(len, lim - p);
	}
	if (len && p + len > TMPFS_MAX_SIZE)
		err = -EFBIG;
	while (!err && done < len) {
		size_t in = p % PAGE_SIZE;
		size_t n = MIN(PAGE_SIZE - in, len - done);
		paddr_t pa;
		if ((err = tmpfs_getpage(i, p / PAGE_SIZE, true, &pa)))
			break;
		if ((err = iob_copy_from(b, done, (char *)phys_to_virt(pa) + in, n)))
			break;
		done += n;
		p += n;
		if (p > i->size)
			i->size = p;
	}
	if (done) {
		*pos = p;
		inode_touch(i, true, true);
	}
	mutex_unlock(&i->lock);
	return done ? (ssize_t)done : err;
}

static int tmpfs_mmap_page(struct file *f, uint64_t pgoff, paddr_t *page)
{
	struct inode *i = f->inode;
	int err;

	mutex_lock(&i->lock);
	if (pgoff >= ALIGN_UP(i->size, PAGE_SIZE) / PAGE_SIZE)
		err = -EIO;
	else if (!(err = tmpfs_getpage(i, pgoff, true, page)))
		page_get(*page);
	mutex_unlock(&i->lock);
	return err;
}

/* Shared anonymous memory: named "/dev/zero (deleted)" in maps, as Linux. */
const struct file_operations tmpfs_anon_fops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.mmap_page = tmpfs_mmap_page,
};

struct file *tmpfs_anon_file(size_t size)
{
	struct super_block *sb = anon_super();
	struct inode *i = sb ? tmpfs_new_inode(sb, S_IFREG | 0600, 0) : NULL;
	struct file *f;

	if (!i)
		return ERR_PTR(-ENOMEM);
	i->nlink = 0;
	i->size = size;
	i->fop = &tmpfs_anon_fops;
	f = file_alloc(NULL, i, O_RDWR);
	iput(i);
	return f ? f : ERR_PTR(-ENOMEM);
}

static ssize_t dir_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	return -EISDIR;
}

const struct file_operations tmpfs_file_fops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.mmap_page = tmpfs_mmap_page,
};

const struct file_operations tmpfs_dir_fops = {
	.read = dir_read,
};

static const struct inode_operations tmpfs_iops = {
	.setsize = tmpfs_setsize,
};

extern const struct file_operations chrdev_open_fops, blkdev_open_fops;

struct inode *tmpfs_new_inode(struct super_block *sb, unsigned mode, uint32_t rdev)
{
	struct inode *i = inode_alloc(sb, mode);
	const struct cred *c = cur_cred();

	if (!i)
		return NULL;
	i->iop = &tmpfs_iops;
	i->rdev = rdev;
	if (c) {
		i->uid = c->fsuid;
		i->gid = c->fsgid;
	}
	switch (mode & S_IFMT) {
	case S_IFDIR:
		i->fop = &tmpfs_dir_fops;
		i->nlink = 2;
		break;
	case S_IFREG:
		i->fop = &tmpfs_file_fops;
		break;
	case S_IFCHR:
		i->fop = &chrdev_open_fops;
		break;
	case S_IFBLK:
		i->fop = &blkdev_open_fops;	/* drivers/block/blkdev.c */
		break;
	case S_IFIFO:
		i->fop = &fifo_fops;
		break;
	}
	return i;
}

struct inode *tmpfs_make(struct super_block *sb, unsigned mode, uint32_t rdev);

static struct inode *tmpfs_mknod(struct super_block *sb, unsigned mode, uint32_t rdev)
{
	return tmpfs_make(sb, mode, rdev);
}

static const struct inode_operations tmpfs_dir_iops = {
	.mknod = tmpfs_mknod,
};

/* Makes i (a new directory) use the directory operations. */
static void tmpfs_dir_setup(struct inode *i)
{
	i->iop = &tmpfs_dir_iops;
}

struct inode *tmpfs_make(struct super_block *sb, unsigned mode, uint32_t rdev)
{
	struct inode *i = tmpfs_new_inode(sb, mode, rdev);
	if (i && S_ISDIR(mode))
		tmpfs_dir_setup(i);
	return i;
}

struct super_block *tmpfs_fill(const struct fs_type *t, uint64_t magic, unsigned mode)
{
	struct super_block *sb = sb_alloc(t, magic);
	if (!sb)
		return NULL;
	struct inode *root = tmpfs_make(sb, S_IFDIR | mode, 0);
	struct dentry *d = root ? d_alloc(sb, NULL, "/", 1) : NULL;
	if (!d) {
		iput(root);
		kfree(sb);
		return NULL;
	}
	root->uid = root->gid = 0;
	d_instantiate(d, root);
	d->hashed = true;	/* a root is never unlinked */
	sb->root = d;
	return sb;
}

/* Parses the number at *s in base (8 or 10) up to ',' or the end; false if bad. */
static bool opt_number(const char **s, unsigned base, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = *s;

	if (*p == ',' || !*p)
		return false;
	for (; *p && *p != ','; p++) {
		if (*p < '0' || *p >= '0' + (int)base || v > UINT32_MAX)
			return false;
		v = v * base + (uint64_t)(*p - '0');
	}
	*s = p;
	*out = (uint32_t)v;
	return v <= UINT32_MAX;
}

/*
 * The mount options Linux's tmpfs takes: mode=, uid=, gid= set the root; size=,
 * nr_blocks=, nr_inodes= and the rest are accepted without a limit behind them.
 */
static int tmpfs_parse_opts(const char *o, unsigned *mode, uint32_t *uid, uint32_t *gid)
{
	while (o && *o) {
		uint32_t v;
		if (!strncmp(o, "mode=", 5)) {
			o += 5;
			if (!opt_number(&o, 8, &v))
				return -EINVAL;
			*mode = v & 07777;
		} else if (!strncmp(o, "uid=", 4) || !strncmp(o, "gid=", 4)) {
			bool is_uid = *o == 'u';
			o += 4;
			if (!opt_number(&o, 10, &v))
				return -EINVAL;
			*(is_uid ? uid : gid) = v;
		} else {
			while (*o && *o != ',')
				o++;
		}
		if (*o == ',')
			o++;
	}
	return 0;
}

static struct super_block *tmpfs_mount(const char *source, const void *data, unsigned long flags)
{
	unsigned mode = 01777;
	uint32_t uid = 0, gid = 0;
	int err = tmpfs_parse_opts(data, &mode, &uid, &gid);

	if (err)
		return ERR_PTR(err);
	struct super_block *sb = tmpfs_fill(&tmpfs_type, TMPFS_MAGIC, mode);
	if (sb) {
		sb->root->inode->uid = uid;
		sb->root->inode->gid = gid;
	}
	return sb;
}

const struct fs_type tmpfs_type = { .name = "tmpfs", .mount = tmpfs_mount, .nodev = true };
