/*
 * sys_rw.c - data syscalls: read/write and their vector and positional forms,
 * lseek, getdents64, sendfile, truncate, fallocate and the sync family.
 *
 * Streams (pipes, character devices, sockets) have no offset, so they skip
 * pos_lock; regular files hold it across the transfer so that concurrent reads
 * through one description see consecutive, non-overlapping ranges (POSIX).
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "internal.h"
#include "sys.h"

#define MAX_RW_COUNT	0x7ffff000ul

static bool is_stream(struct file *f)
{
	unsigned t = f->inode->mode & S_IFMT;
	return t == S_IFIFO || t == S_IFCHR || t == S_IFSOCK;
}

static ssize_t rw_file(struct file *f, struct io_buf *b, bool write)
{
	ssize_t r;

	if (b->len > MAX_RW_COUNT)
		b->len = MAX_RW_COUNT;
	if (is_stream(f)) {
		uint64_t pos = 0;
		return write ? vfs_write(f, b, &pos) : vfs_read(f, b, &pos);
	}
	mutex_lock(&f->pos_lock);
	uint64_t pos = f->pos;
	r = write ? vfs_write(f, b, &pos) : vfs_read(f, b, &pos);
	if (r >= 0)
		f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return r;
}

long sys_read(unsigned fd, char __user *buf, size_t count)
{
	struct file *f = fget(fd);
	struct io_buf b = { buf, count, true };

	if (!f)
		return -EBADF;
	ssize_t r = rw_file(f, &b, false);
	file_put(f);
	return r;
}

long sys_write(unsigned fd, const char __user *buf, size_t count)
{
	struct file *f = fget(fd);
	struct io_buf b = { (char *)buf, count, true };

	if (!f)
		return -EBADF;
	ssize_t r = rw_file(f, &b, true);
	file_put(f);
	return r;
}

static long prw(unsigned fd, char __user *buf, size_t count, int64_t pos, bool write)
{
	struct file *f = fget(fd);
	struct io_buf b = { buf, MIN(count, MAX_RW_COUNT), true };
	long r;

	if (!f)
		return -EBADF;
	if (pos < 0)
		r = -EINVAL;
	else if (is_stream(f))
		r = -ESPIPE;
	else {
		uint64_t p = pos;
		/* pwrite with O_APPEND appends, as on Linux. */
		r = write ? vfs_write(f, &b, &p) : vfs_read(f, &b, &p);
	}
	file_put(f);
	return r;
}

long sys_pread64(unsigned fd, char __user *buf, size_t count, int64_t pos)
{
	return prw(fd, buf, count, pos, false);
}

long sys_pwrite64(unsigned fd, const char __user *buf, size_t count, int64_t pos)
{
	return prw(fd, (char __user *)buf, count, pos, true);
}

static long rw_vec(unsigned fd, const struct linux_iovec __user *uv, unsigned long n,
		   int64_t pos, bool write)
{
	struct linux_iovec iov[16];
	struct file *f;
	long total = 0;

	if (n > 1024)
		return -EINVAL;
	if (!(f = fget(fd)))
		return -EBADF;
	if (pos != -1 && is_stream(f)) {
		file_put(f);
		return -ESPIPE;
	}
	for (unsigned long k = 0; k < n; k += 16) {
		unsigned long m = MIN(n - k, 16ul);
		if (copy_from_user(iov, uv + k, m * sizeof(iov[0]))) {
			total = total ? total : -EFAULT;
			break;
		}
		for (unsigned long j = 0; j < m; j++) {
			if ((int64_t)iov[j].iov_len < 0) {
				file_put(f);
				return -EINVAL;
			}
			if (!iov[j].iov_len)
				continue;
			struct io_buf b = { iov[j].iov_base, iov[j].iov_len, true };
			ssize_t r;
			if (pos == -1) {
				r = rw_file(f, &b, write);
			} else {
				uint64_t p = pos + total;
				r = write ? vfs_write(f, &b, &p) : vfs_read(f, &b, &p);
			}
			if (r < 0) {
				total = total ? total : r;
				goto out;
			}
			total += r;
			if ((size_t)r < iov[j].iov_len)
				goto out;
		}
	}
out:
	file_put(f);
	return total;
}

long sys_readv(unsigned fd, const struct linux_iovec __user *v, unsigned long n)
{
	return rw_vec(fd, v, n, -1, false);
}

long sys_writev(unsigned fd, const struct linux_iovec __user *v, unsigned long n)
{
	return rw_vec(fd, v, n, -1, true);
}

long sys_preadv(unsigned fd, const struct linux_iovec __user *v, unsigned long n,
		unsigned long lo, unsigned long hi)
{
	return (int64_t)lo < 0 ? -EINVAL : rw_vec(fd, v, n, (int64_t)lo, false);
}

long sys_pwritev(unsigned fd, const struct linux_iovec __user *v, unsigned long n,
		 unsigned long lo, unsigned long hi)
{
	return (int64_t)lo < 0 ? -EINVAL : rw_vec(fd, v, n, (int64_t)lo, true);
}

long sys_lseek(unsigned fd, int64_t off, unsigned whence)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	if (f->fop && f->fop->llseek && !(f->flags & O_PATH)) {
		r = f->fop->llseek(f, off, whence);
		file_put(f);
		return r;
	}
	if (S_ISFIFO(f->inode->mode) || S_ISSOCK(f->inode->mode)) {
		file_put(f);
		return -ESPIPE;
	}
	mutex_lock(&f->pos_lock);
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->pos
		     : whence == SEEK_END ? (int64_t)f->inode->size : -1;
	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		/* Treat the file as all data: the hole is at EOF. */
		if (off < 0 || (uint64_t)off >= f->inode->size)
			r = -ENXIO;
		else
			r = f->pos = whence == SEEK_DATA ? (uint64_t)off : f->inode->size;
	} else if (base < 0 || whence > SEEK_END) {
		r = -EINVAL;
	} else if ((off > 0 && base > INT64_MAX - off) || base + off < 0) {
		r = -EINVAL;
	} else {
		f->pos = base + off;
		r = (long)f->pos;
		if (S_ISDIR(f->inode->mode) && f->pos == 0)
			r = 0;			/* rewinddir */
	}
	mutex_unlock(&f->pos_lock);
	file_put(f);
	return r;
}

long sys_getdents64(unsigned fd, void __user *dirp, unsigned count)
{
	struct file *f = fget(fd);
	struct io_buf b = { dirp, count, true };

	if (!f)
		return -EBADF;
	long r = (f->flags & O_PATH) ? -EBADF : dir_getdents(f, &b);
	file_put(f);
	return r;
}

long sys_sendfile(int out_fd, int in_fd, int64_t __user *offp, size_t count)
{
	struct file *in = fget(in_fd), *out = fget(out_fd);
	char *buf = kmalloc(PAGE_SIZE);
	long total = 0, r = 0;
	int64_t off = 0;

	if (!in || !out) {
		r = -EBADF;
		goto out;
	}
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	if ((out->flags & O_APPEND) || (in->flags & O_ACCMODE) == O_WRONLY ||
	    (out->flags & O_ACCMODE) == O_RDONLY) {
		r = (out->flags & O_APPEND) ? -EINVAL : -EBADF;
		goto out;
	}
	/* as Linux: only files can be spliced from; callers (cat) fall back to read */
	if (!S_ISREG(in->inode->mode) && !S_ISBLK(in->inode->mode)) {
		r = -EINVAL;
		goto out;
	}
	if (offp && copy_from_user(&off, offp, sizeof(off))) {
		r = -EFAULT;
		goto out;
	}
	if (off < 0) {
		r = -EINVAL;
		goto out;
	}
	uint64_t pos = offp ? (uint64_t)off : in->pos;
	while ((size_t)total < count) {
		struct io_buf kb = { buf, MIN(count - total, (size_t)PAGE_SIZE), false };
		ssize_t n = vfs_read(in, &kb, &pos);
		if (n <= 0) {
			r = n;
			break;
		}
		struct io_buf wb = { buf, (size_t)n, false };
		ssize_t w = rw_file(out, &wb, true);
		if (w <= 0) {
			r = w;
			break;
		}
		total += w;
		if (w < n) {
			pos -= n - w;
			break;
		}
	}
	if (offp) {
		off = pos;
		if (copy_to_user(offp, &off, sizeof(off)))
			r = -EFAULT;
	} else if (!is_stream(in)) {
		in->pos = pos;
	}
	if (total)
		r = total;
out:
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	kfree(buf);
	return r;
}

/* Linux's generic_copy_file_checks: two regular files, readable and writable. */
static long copy_range_check(struct file *in, struct file *out)
{
	if (!in || !out || (in->flags & O_PATH) || (out->flags & O_PATH))
		return -EBADF;
	if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
		return -EISDIR;
	if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
		return -EINVAL;
	if ((in->flags & O_ACCMODE) == O_WRONLY || (out->flags & O_ACCMODE) == O_RDONLY ||
	    (out->flags & O_APPEND))
		return -EBADF;
	return 0;
}

/* Copies through a kernel page; offsets come from the pointers or the files. */
long sys_copy_file_range(int fd_in, int64_t __user *off_in, int fd_out,
			 int64_t __user *off_out, size_t len, unsigned flags)
{
	struct file *in = fget(fd_in), *out = fget(fd_out);
	int64_t pin = 0, pout = 0;
	long total = 0, r = flags ? -EINVAL : copy_range_check(in, out);
	char *buf = NULL;

	if (r)
		goto out;
	if ((off_in && copy_from_user(&pin, off_in, sizeof(pin))) ||
	    (off_out && copy_from_user(&pout, off_out, sizeof(pout)))) {
		r = -EFAULT;
		goto out;
	}
	if (!off_in)
		pin = (int64_t)in->pos;
	if (!off_out)
		pout = (int64_t)out->pos;
	/* as Linux: offsets that wrap first, then negative ones */
	if ((uint64_t)pin + len < (uint64_t)pin || (uint64_t)pout + len < (uint64_t)pout)
		r = -EOVERFLOW;
	else if (pin < 0 || pout < 0)
		r = -EINVAL;
	if (r)
		goto out;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len && !(buf = kmalloc(PAGE_SIZE))) {
		r = -ENOMEM;
		goto out;
	}
	uint64_t pi = pin, po = pout;
	while ((size_t)total < len) {
		struct io_buf kb = { buf, MIN(len - total, (size_t)PAGE_SIZE), false };
		ssize_t n = vfs_read(in, &kb, &pi);
		if (n <= 0) {
			r = n;
			break;
		}
		struct io_buf wb = { buf, (size_t)n, false };
		ssize_t w = vfs_write(out, &wb, &po);
		if (w <= 0) {
			r = w;
			pi -= n;
			break;
		}
		total += w;
		if (w < n) {
			pi -= n - w;
			break;
		}
	}
	if (total)
		r = total;
	pin = pi, pout = po;
	if (off_in ? copy_to_user(off_in, &pin, sizeof(pin)) : (in->pos = pi, 0))
		r = -EFAULT;
	if (off_out ? copy_to_user(off_out, &pout, sizeof(pout)) : (out->pos = po, 0))
		r = -EFAULT;
out:
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	kfree(buf);
	return r;
}

long sys_ftruncate(unsigned fd, int64_t len)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	if (len < 0)
		r = -EINVAL;
	else if (f->flags & O_PATH)
		r = -EBADF;
	else if ((f->flags & O_ACCMODE) == O_RDONLY || !S_ISREG(f->inode->mode))
		r = -EINVAL;
	else
		r = do_truncate_inode(f->inode, len);
	file_put(f);
	return r;
}

long sys_truncate(const char __user *path, int64_t len)
{
	char *k = getname(path);

	if (IS_ERR(k))
		return PTR_ERR(k);
	if (len < 0) {
		kfree(k);
		return -EINVAL;
	}
	struct file *f = do_open(AT_FDCWD, k, O_PATH, 0);
	kfree(k);
	if (IS_ERR(f))
		return PTR_ERR(f);
	long r = S_ISDIR(f->inode->mode) ? -EISDIR : inode_permission(f->inode, MAY_WRITE);
	if (!r)
		r = do_truncate_inode(f->inode, len);
	file_put(f);
	return r;
}

#define FALLOC_FL_KEEP_SIZE	1
#define FALLOC_FL_PUNCH_HOLE	2

long sys_fallocate(int fd, int mode, int64_t off, int64_t len)
{
	struct file *f = fget(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	struct inode *i = f->inode;
	if (off < 0 || len <= 0)
		r = -EINVAL;
	else if ((f->flags & O_ACCMODE) == O_RDONLY)
		r = -EBADF;
	else if (S_ISFIFO(i->mode))
		r = -ESPIPE;
	else if (S_ISDIR(i->mode))
		r = -EISDIR;
	else if (!S_ISREG(i->mode) || i->sb->magic != TMPFS_MAGIC)
		r = -ENODEV;
	else if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
		mutex_lock(&i->lock);
		if ((uint64_t)off < i->size)
			tmpfs_punch_hole(i, off, MIN((uint64_t)len, i->size - off));
		inode_touch(i, true, true);
		mutex_unlock(&i->lock);
	} else if (mode & ~FALLOC_FL_KEEP_SIZE)
		r = -EOPNOTSUPP;
	else {
		mutex_lock(&i->lock);
		paddr_t pa;
		for (uint64_t p = off / PAGE_SIZE; !r && p < ALIGN_UP(off + len, PAGE_SIZE) / PAGE_SIZE; p++)
			r = tmpfs_getpage(i, p, true, &pa);
		if (!r && !(mode & FALLOC_FL_KEEP_SIZE) && (uint64_t)(off + len) > i->size)
			i->size = off + len;
		mutex_unlock(&i->lock);
	}
	file_put(f);
	return r;
}

static long fd_ok(unsigned fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* As Linux: only files with an fsync method (regular files, directories) sync. */
long sys_fsync(unsigned fd)
{
	struct file *f = fget(fd);

	if (!f || (f->flags & O_PATH)) {
		if (f)
			file_put(f);
		return -EBADF;
	}
	long r = S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) ? 0 : -EINVAL;
	file_put(f);
	return r;
}

long sys_fdatasync(unsigned fd) { return sys_fsync(fd); }

#define SYNC_FILE_RANGE_VALID	7

long sys_sync_file_range(int fd, int64_t off, int64_t nbytes, unsigned flags)
{
	uint64_t end = (uint64_t)off + (uint64_t)nbytes;

	if (flags & ~SYNC_FILE_RANGE_VALID)
		return -EINVAL;
	if (off < 0 || (int64_t)end < 0 || end < (uint64_t)off)
		return -EINVAL;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	unsigned m = f->inode->mode;
	long r = S_ISREG(m) || S_ISBLK(m) || S_ISDIR(m) || S_ISLNK(m) ? 0 : -ESPIPE;
	file_put(f);
	return r;
}
long sys_syncfs(int fd) { return fd_ok(fd); }
long sys_sync(void) { return 0; }
