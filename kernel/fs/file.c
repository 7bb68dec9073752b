/*
 * file.c - open file descriptions, descriptor tables and per-process fs context.
 *
 * A struct file is shared by dup() and fork(); its offset is guarded by pos_lock
 * (a mutex: a read may sleep in the middle).  Descriptor tables grow by doubling
 * up to RLIMIT_NOFILE, with close-on-exec as a bitmap beside the pointers.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printf.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "internal.h"

static struct slab_cache *file_cache;

int iob_copy_to(struct io_buf *b, size_t off, const void *src, size_t n)
{
	if (b->user)
		return copy_to_user(b->ptr + off, src, n) ? -EFAULT : 0;
	memcpy(b->ptr + off, src, n);
	return 0;
}

int iob_copy_from(struct io_buf *b, size_t off, void *dst, size_t n)
{
	if (b->user)
		return copy_from_user(dst, b->ptr + off, n) ? -EFAULT : 0;
	memcpy(dst, b->ptr + off, n);
	return 0;
}

struct file *file_alloc(struct dentry *d, struct inode *i, unsigned flags)
{
	if (!file_cache)
		file_cache = slab_cache_create("file", sizeof(struct file), 8);
	struct file *f = slab_alloc(file_cache);

	if (!f)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->refcount = 1;
	f->flags = flags;
	mutex_init(&f->pos_lock);
	if (d)
		dget(d);
	f->dentry = d;
	if (i)
		iget(i);
	f->inode = i;
	f->fop = i ? i->fop : NULL;
	return f;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void flock_release(struct file *f);

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (f->fop && f->fop->release)
		f->fop->release(f);
	if (f->flock_held)
		flock_release(f);
	kfree(f->dir_cursor);
	if (f->inode)
		iput(f->inode);
	dput(f->dentry);	/* frees only unlinked dentries: no [ns] needed */
	slab_free(file_cache, f);
}

void *file_private(struct file *f) { return f->private; }
void file_set_private(struct file *f, void *p) { f->private = p; }
unsigned file_flags(struct file *f) { return f->flags; }
unsigned file_minor(struct file *f) { return f->inode ? MINOR(f->inode->rdev) : 0; }
void file_set_fops(struct file *f, const struct file_operations *fops) { f->fop = fops; }
uint32_t file_rdev(struct file *f) { return f->inode ? f->inode->rdev : 0; }

int64_t generic_llseek_size(struct file *f, int64_t off, unsigned whence, uint64_t size)
{
	int64_t base, r;

	mutex_lock(&f->pos_lock);
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->pos
	     : whence == SEEK_END ? (int64_t)size : -1;
	if (base < 0 || (off > 0 && base > INT64_MAX - off) || base + off < 0)
		r = -EINVAL;
	else
		r = (int64_t)(f->pos = (uint64_t)(base + off));
	mutex_unlock(&f->pos_lock);
	return r;
}

ssize_t vfs_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->fop || !f->fop->read)
		return -EINVAL;
	return f->fop->read(f, b, pos);
}

ssize_t vfs_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->fop || !f->fop->write)
		return -EINVAL;
	return f->fop->write(f, b, pos);
}

ssize_t vfs_read_at(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	struct io_buf b = { kbuf, n, false };

	if (!f->fop || !f->fop->read)
		return -EINVAL;
	return f->fop->read(f, &b, &off);
}

int vfs_check_exec(struct file *f)
{
	if (!f->inode || !S_ISREG(f->inode->mode))
		return -EACCES;
	return inode_permission(f->inode, MAY_EXEC);
}

int vfs_mmap_page(struct file *f, uint64_t pgoff, paddr_t *page)
{
	if (f->fop && f->fop->mmap_page)
		return f->fop->mmap_page(f, pgoff, page);
	return -ENODEV;
}

bool vfs_mmap_anon(struct file *f)
{
	return f->fop && f->fop->mmap_anon;
}

uint64_t vfs_file_size(struct file *f)
{
	return f->inode ? f->inode->size : 0;
}

int vfs_file_path(struct file *f, char *buf, size_t size)
{
	if (!f->dentry && f->fop == &tmpfs_anon_fops)
		return snprintf(buf, size, "/dev/zero (deleted)");
	if (!f->dentry)
		return -ENOENT;
	mutex_lock(&vfs_ns_lock);
	int n = dentry_path(f->dentry, buf, size);
	mutex_unlock(&vfs_ns_lock);
	return n;
}

/* ---- descriptor tables ---- */

struct files_struct *files_create(void)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_init(&fs->lock, "files");
	fs->max = 64;
	fs->fd = kzalloc(64 * sizeof(struct file *));
	fs->cloexec = kzalloc(64 / 8);
	if (!fs->fd || !fs->cloexec) {
		kfree(fs->fd);
		kfree(fs->cloexec);
		kfree(fs);
		return NULL;
	}
	return fs;
}

struct files_struct *files_clone(struct files_struct *src)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_init(&fs->lock, "files");
	for (;;) {
		int max = src->max;
		struct file **fd = kzalloc(max * sizeof(*fd));
		uint64_t *ce = kzalloc(max / 8);
		spin_lock(&src->lock);
		if (fd && ce && max == src->max) {
			for (int i = 0; i < max; i++)
				if ((fd[i] = src->fd[i]))
					file_get(fd[i]);
			memcpy(ce, src->cloexec, max / 8);
			spin_unlock(&src->lock);
			fs->fd = fd;
			fs->cloexec = ce;
			fs->max = max;
			return fs;
		}
		spin_unlock(&src->lock);
		kfree(fd);
		kfree(ce);
		if (!fd || !ce) {
			kfree(fs);
			return NULL;
		}
	}
}

void files_get(struct files_struct *fs)
{
	__atomic_add_fetch(&fs->refcount, 1, __ATOMIC_RELAXED);
}

void files_put(struct files_struct *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (int i = 0; i < fs->max; i++) {
		if (fs->fd[i]) {
			locks_remove_posix(fs->fd[i], fs);
			file_put(fs->fd[i]);
		}
	}
	kfree(fs->fd);
	kfree(fs->cloexec);
	kfree(fs);
}

static bool fd_cloexec(struct files_struct *fs, int fd)
{
	return fs->cloexec[fd / 64] >> (fd % 64) & 1;
}

static void fd_set_cloexec(struct files_struct *fs, int fd, bool on)
{
	if (on)
		fs->cloexec[fd / 64] |= 1ull << (fd % 64);
	else
		fs->cloexec[fd / 64] &= ~(1ull << (fd % 64));
}

void files_close_on_exec(struct files_struct *fs)
{
	for (int i = 0; i < fs->max; i++)
		if (fd_cloexec(fs, i))
			fd_close(fs, i);
}

int fd_nofile_limit(void)
{
	struct process *p = current_task() ? current_task()->proc : NULL;
	uint64_t lim = p ? p->rlim[RLIMIT_NOFILE].cur : 1024;

	if (p && lim == 0 && p->rlim[RLIMIT_NOFILE].max == 0)
		lim = 1024;	/* rlimits not set up yet */
	return lim > (1 << 20) ? (1 << 20) : (int)lim;
}

/* Grows the table to hold fd; called and returns with fs->lock held. */
static int files_grow(struct files_struct *fs, int fd)
{
	while (fd >= fs->max) {
		int nmax = fs->max * 2;
		spin_unlock(&fs->lock);
		struct file **nfd = kzalloc(nmax * sizeof(*nfd));
		uint64_t *nce = kzalloc(nmax / 8);
		spin_lock(&fs->lock);
		if (!nfd || !nce) {
			kfree(nfd);
			kfree(nce);
			return -ENOMEM;
		}
		if (nmax > fs->max) {
			memcpy(nfd, fs->fd, fs->max * sizeof(*nfd));
			memcpy(nce, fs->cloexec, fs->max / 8);
			kfree(fs->fd);
			kfree(fs->cloexec);
			fs->fd = nfd;
			fs->cloexec = nce;
			fs->max = nmax;
		} else {
			kfree(nfd);
			kfree(nce);
		}
	}
	return 0;
}

int fd_alloc_from(struct files_struct *fs, struct file *f, int minfd, bool cloexec)
{
	int lim = fd_nofile_limit();

	spin_lock(&fs->lock);
	for (int fd = minfd; fd < lim; fd++) {
		if (fd >= fs->max && files_grow(fs, fd)) {
			spin_unlock(&fs->lock);
			return -ENOMEM;
		}
		if (!fs->fd[fd]) {
			fs->fd[fd] = f;
			fd_set_cloexec(fs, fd, cloexec);
			spin_unlock(&fs->lock);
			return fd;
		}
	}
	spin_unlock(&fs->lock);
	return -EMFILE;
}

int fd_install(struct files_struct *fs, struct file *f, bool cloexec)
{
	return fd_alloc_from(fs, f, 0, cloexec);
}

/* Puts f at exactly fd (dup2), closing what was there.  Takes over f's ref. */
int fd_replace(struct files_struct *fs, int fd, struct file *f, bool cloexec)
{
	if (fd < 0 || fd >= fd_nofile_limit())
		return -EBADF;
	spin_lock(&fs->lock);
	if (fd >= fs->max && files_grow(fs, fd)) {
		spin_unlock(&fs->lock);
		return -ENOMEM;
	}
	struct file *old = fs->fd[fd];
	fs->fd[fd] = f;
	fd_set_cloexec(fs, fd, cloexec);
	spin_unlock(&fs->lock);
	if (old)
		file_put(old);
	return fd;
}

int fd_get_cloexec(struct files_struct *fs, int fd)
{
	int r = -EBADF;
	spin_lock(&fs->lock);
	if (fd >= 0 && fd < fs->max && fs->fd[fd])
		r = fd_cloexec(fs, fd);
	spin_unlock(&fs->lock);
	return r;
}

int fd_set_cloexec_checked(struct files_struct *fs, int fd, bool on)
{
	int r = -EBADF;
	spin_lock(&fs->lock);
	if (fd >= 0 && fd < fs->max && fs->fd[fd]) {
		fd_set_cloexec(fs, fd, on);
		r = 0;
	}
	spin_unlock(&fs->lock);
	return r;
}

long fd_close(struct files_struct *fs, int fd)
{
	spin_lock(&fs->lock);
	if (fd < 0 || fd >= fs->max || !fs->fd[fd]) {
		spin_unlock(&fs->lock);
		return -EBADF;
	}
	struct file *f = fs->fd[fd];
	fs->fd[fd] = NULL;
	fd_set_cloexec(fs, fd, false);
	spin_unlock(&fs->lock);
	locks_remove_posix(f, fs);
	file_put(f);
	return 0;
}

struct file *fget_raw(struct files_struct *fs, int fd)
{
	struct file *f = NULL;

	spin_lock(&fs->lock);
	if (fd >= 0 && fd < fs->max && (f = fs->fd[fd]))
		file_get(f);
	spin_unlock(&fs->lock);
	return f;
}

struct file *fget(int fd)
{
	return fget_raw(cur_files(), fd);
}

/* ---- fs_struct ---- */

struct fs_struct *fs_create_root(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_init(&fs->lock, "fs");
	fs->umask = 022;
	dget(vfs_root);
	dget(vfs_root);
	fs->root = fs->cwd = vfs_root;
	return fs;
}

struct fs_struct *fs_clone(struct fs_struct *src)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_init(&fs->lock, "fs");
	spin_lock(&src->lock);
	fs->root = src->root;
	fs->cwd = src->cwd;
	dget(fs->root);
	dget(fs->cwd);
	fs->umask = src->umask;
	spin_unlock(&src->lock);
	return fs;
}

void fs_get(struct fs_struct *fs)
{
	__atomic_add_fetch(&fs->refcount, 1, __ATOMIC_RELAXED);
}

void fs_put(struct fs_struct *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	dput(fs->root);
	dput(fs->cwd);
	kfree(fs);
}
