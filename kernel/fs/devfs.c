/*
 * devfs.c - /dev: the character-device registry and the device nodes.
 *
 * devfs is a tmpfs super block of its own, created on first use so drivers may
 * register nodes before vfs_init() mounts it.  A device node's inode carries
 * chrdev_open_fops, whose open finds the driver by major number and swaps in its
 * operations, so a node may exist before (or without) its driver, as in Linux.
 * The memory devices (major 1) live here: null, zero, full, random, urandom, kmsg.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/random.h>
#include <aegis/string.h>

#include "internal.h"

#define CHRDEV_MAX	256

static struct {
	const char *name;
	const struct file_operations *fops;
} chrdevs[CHRDEV_MAX];				/* [chrdev_lock] */
static struct spinlock chrdev_lock = SPINLOCK_INIT("chrdev");
static struct super_block *devfs_sb;		/* [ns] */

int chrdev_register(unsigned major, const char *name, const struct file_operations *fops)
{
	int err = 0;

	if (major == 0 || major >= CHRDEV_MAX)
		return -EINVAL;
	spin_lock(&chrdev_lock);
	if (chrdevs[major].fops)
		err = -EBUSY;
	else
		chrdevs[major].name = name, chrdevs[major].fops = fops;
	spin_unlock(&chrdev_lock);
	return err;
}

const struct file_operations *chrdev_fops(uint32_t dev)
{
	const struct file_operations *f = NULL;

	if (MAJOR(dev) < CHRDEV_MAX) {
		spin_lock(&chrdev_lock);
		f = chrdevs[MAJOR(dev)].fops;
		spin_unlock(&chrdev_lock);
	}
	return f;
}

static int chrdev_open(struct file *f)
{
	const struct file_operations *fops = chrdev_fops(f->inode->rdev);

	if (!fops)
		return -ENXIO;
	f->fop = fops;
	return fops->open ? fops->open(f) : 0;
}

const struct file_operations chrdev_open_fops = { .open = chrdev_open };

/* ---- the memory devices ---- */

#define MEM_NULL	3
#define MEM_ZERO	5
#define MEM_FULL	7
#define MEM_RANDOM	8
#define MEM_URANDOM	9
#define MEM_KMSG	11

static ssize_t fill_out(struct io_buf *b, bool random)
{
	static const char zeros[PAGE_SIZE];	/* /dev/zero copies from here: no fill */
	char buf[256];
	size_t done = 0;

	while (done < b->len) {
		size_t n = MIN(random ? sizeof(buf) : sizeof(zeros), b->len - done);
		if (random)
			get_random_bytes(buf, n);
		if (iob_copy_to(b, done, random ? buf : zeros, n))
			return done ? (ssize_t)done : -EFAULT;
		done += n;
		if (done >= (1u << 20) && random)
			break;		/* Linux also returns short reads of huge requests */
	}
	return (ssize_t)done;
}

static ssize_t kmsg_read(struct file *f, struct io_buf *b)
{
	uint64_t *seq = f->private;
	char buf[1024];

	for (;;) {
		uint64_t s = *seq;
		size_t n = printk_read(&s, buf, MIN(sizeof(buf), b->len));
		size_t cut = n;
		while (cut && buf[cut - 1] != '\n')
			cut--;
		if (!cut && n == sizeof(buf))
			cut = n;		/* one huge line: give it in pieces */
		if (cut) {
			*seq = s - (n - cut);
			return iob_copy_to(b, 0, buf, cut) ? -EFAULT : (ssize_t)cut;
		}
		if (n && b->len < sizeof(buf) && n == b->len)
			return -EINVAL;		/* buffer too small for a line */
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (signal_pending(current_task()))
			return -ERESTARTSYS;
		sleep_ns(50 * NSEC_PER_MSEC);
	}
}

static ssize_t mem_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	switch (MINOR(f->inode->rdev)) {
	case MEM_NULL:
		return 0;
	case MEM_ZERO:
	case MEM_FULL:
		return fill_out(b, false);
	case MEM_RANDOM:
	case MEM_URANDOM:
		return fill_out(b, true);
	case MEM_KMSG:
		return kmsg_read(f, b);
	}
	return -ENXIO;
}

static ssize_t mem_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	char buf[256];

	switch (MINOR(f->inode->rdev)) {
	case MEM_FULL:
		return -ENOSPC;
	case MEM_KMSG:
		/* One log line per chunk of the write, as long as the caller's text. */
		for (size_t off = 0; off < b->len;) {
			size_t n = MIN(b->len - off, sizeof(buf) - 1);
			if (iob_copy_from(b, off, buf, n))
				return off ? (ssize_t)off : -EFAULT;
			buf[n] = 0;
			printk(LOG_INFO, "%s", buf);
			off += n;
		}
		return (ssize_t)b->len;
	}
	return (ssize_t)b->len;		/* null, zero, random: swallow */
}

static const struct file_operations zero_fops;

static int mem_open(struct file *f)
{
	if (MINOR(f->inode->rdev) == MEM_ZERO)
		f->fop = &zero_fops;
	if (MINOR(f->inode->rdev) == MEM_KMSG) {
		uint64_t *seq = kzalloc(sizeof(*seq));
		if (!seq)
			return -ENOMEM;
		f->private = seq;
	}
	return 0;
}

static void mem_release(struct file *f)
{
	kfree(f->private);
}

static unsigned mem_poll(struct file *f, struct poll_table *pt)
{
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

/* As Linux: null, zero and full always seek to 0; random ignores seeks. */
static int64_t mem_llseek(struct file *f, int64_t off, unsigned whence)
{
	switch (MINOR(f->inode->rdev)) {
	case MEM_RANDOM:
	case MEM_URANDOM:
		return (int64_t)f->pos;
	case MEM_KMSG:
		if (off)
			return -ESPIPE;
		return whence == SEEK_SET || whence == SEEK_END || whence == SEEK_DATA
		       ? 0 : -EINVAL;
	}
	f->pos = 0;
	return 0;
}

static const struct file_operations mem_fops = {
	.open = mem_open,
	.release = mem_release,
	.read = mem_read,
	.write = mem_write,
	.poll = mem_poll,
	.llseek = mem_llseek,
};

/* /dev/zero maps as anonymous memory (private or shared), as Linux's mmap_zero */
static const struct file_operations zero_fops = {
	.release = mem_release,
	.read = mem_read,
	.write = mem_write,
	.poll = mem_poll,
	.llseek = mem_llseek,
	.mmap_anon = true,
};

/* ---- nodes ---- */

static struct super_block *devfs_get_sb(void)
{
	if (!devfs_sb)
		devfs_sb = tmpfs_fill(&devfs_type, TMPFS_MAGIC, 0755);
	return devfs_sb;
}

/* Finds or creates directory name under dir; [ns] held; returns referenced. */
static struct dentry *devfs_dir(struct dentry *dir, const char *name, size_t len)
{
	struct dentry *d = d_lookup(dir, name, len);

	if (d) {
		dget(d);
		return S_ISDIR(d->inode->mode) ? d : (dput(d), ERR_PTR(-ENOTDIR));
	}
	struct inode *i = tmpfs_make(dir->sb, S_IFDIR | 0755, 0);
	if (!i || !(d = d_alloc(dir->sb, dir, name, len))) {
		iput(i);
		return ERR_PTR(-ENOMEM);
	}
	i->uid = i->gid = 0;
	d_instantiate(d, i);
	d_add(d);
	dir->inode->nlink++;
	return d;
}

int devfs_create(const char *name, unsigned mode, uint32_t dev, uint32_t uid, uint32_t gid)
{
	int err = 0;

	mutex_lock(&vfs_ns_lock);
	struct super_block *sb = devfs_get_sb();
	if (!sb) {
		mutex_unlock(&vfs_ns_lock);
		return -ENOMEM;
	}
	struct dentry *dir = sb->root;
	dget(dir);
	const char *slash = strchr(name, '/');
	if (slash) {
		struct dentry *sub = devfs_dir(dir, name, slash - name);
		dput(dir);
		if (IS_ERR(sub)) {
			mutex_unlock(&vfs_ns_lock);
			return PTR_ERR(sub);
		}
		dir = sub;
		name = slash + 1;
	}
	struct dentry *d = d_lookup(dir, name, strlen(name));
	struct inode *i = NULL;
	if (d) {
		err = -EEXIST;
	} else if (!(i = tmpfs_make(sb, mode, dev)) ||
		   !(d = d_alloc(sb, dir, name, strlen(name)))) {
		iput(i);
		err = -ENOMEM;
	} else {
		i->uid = uid;
		i->gid = gid;
		d_instantiate(d, i);
		d_add(d);
		dput(d);
	}
	dput(dir);
	mutex_unlock(&vfs_ns_lock);
	return err;
}

int devfs_remove(const char *name)
{
	int err = -ENOENT;

	mutex_lock(&vfs_ns_lock);
	struct dentry *dir = devfs_sb ? devfs_sb->root : NULL;
	const char *slash = strchr(name, '/');
	if (dir && slash) {
		dir = d_lookup(dir, name, slash - name);
		name = slash + 1;
	}
	struct dentry *d = dir ? d_lookup(dir, name, strlen(name)) : NULL;
	if (d && !S_ISDIR(d->inode->mode)) {
		d->inode->nlink--;
		d_drop(d);
		err = 0;
	}
	mutex_unlock(&vfs_ns_lock);
	return err;
}

static struct super_block *devfs_mount(const char *source, const void *data, unsigned long flags)
{
	struct super_block *sb = devfs_get_sb();

	if (sb && sb->covered)
		return ERR_PTR(-EBUSY);		/* one devfs, mounted once */
	return sb;
}

const struct fs_type devfs_type = { .name = "devtmpfs", .mount = devfs_mount, .nodev = true };

void devfs_init(void)
{
	static const struct { const char *name; unsigned minor, mode; } nodes[] = {
		{ "null", MEM_NULL, 0666 }, { "zero", MEM_ZERO, 0666 },
		{ "full", MEM_FULL, 0666 }, { "random", MEM_RANDOM, 0666 },
		{ "urandom", MEM_URANDOM, 0666 }, { "kmsg", MEM_KMSG, 0644 },
	};

	chrdev_register(1, "mem", &mem_fops);
	for (size_t k = 0; k < ARRAY_SIZE(nodes); k++)
		devfs_create(nodes[k].name, S_IFCHR | nodes[k].mode, MKDEV(1, nodes[k].minor), 0, 0);
	/* The usual symlinks and directories busybox and shells expect. */
	mutex_lock(&vfs_ns_lock);
	struct dentry *pts = devfs_dir(devfs_get_sb()->root, "pts", 3);
	if (!IS_ERR(pts))
		dput(pts);
	struct dentry *shm = devfs_dir(devfs_get_sb()->root, "shm", 3);
	if (!IS_ERR(shm)) {
		shm->inode->mode = S_IFDIR | 01777;
		dput(shm);
	}
	mutex_unlock(&vfs_ns_lock);
	static const char *links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	for (size_t k = 0; k < ARRAY_SIZE(links); k++) {
		char path[32];
		strlcpy(path, "/dev/", sizeof(path));
		strlcat(path, links[k][0], sizeof(path));
		do_symlink(links[k][1], AT_FDCWD, path);
	}
}
