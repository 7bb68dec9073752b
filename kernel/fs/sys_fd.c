/*
 * sys_fd.c - descriptor syscalls: open/close, dup family, fcntl, ioctl, pipe,
 * flock.  Paths are copied in once with getname() and the work is done by the
 * do_* functions in ops.c, which the kernel tests call directly.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "internal.h"
#include "sys.h"

char *getname(const char __user *u)
{
	char *k = kmalloc(PATH_MAX);

	if (!k)
		return ERR_PTR(-ENOMEM);
	long n = strncpy_from_user(k, u, PATH_MAX);
	if (n < 0) {
		kfree(k);
		return ERR_PTR(n);
	}
	return k;
}

/*
 * Copies a user path into buf when it fits (size bytes with the NUL), else into
 * a new PATH_MAX buffer as getname() does; release it with putname(k, buf).  For
 * the common short path this saves a 4 KiB kmalloc and kfree per call.
 */
char *getname_buf(const char __user *u, char *buf, size_t size)
{
	long n = strncpy_from_user(buf, u, size);

	if (n == -ENAMETOOLONG)
		return getname(u);
	return n < 0 ? ERR_PTR(n) : buf;
}

void putname(char *k, char *buf)
{
	if (k != buf)
		kfree(k);
}

long sys_openat(int dfd, const char __user *path, int flags, unsigned mode)
{
	char small[SHORT_NAME_MAX];
	char *k = getname_buf(path, small, sizeof(small));

	if (IS_ERR(k))
		return PTR_ERR(k);
	struct file *f = do_open(dfd, k, flags | O_LARGEFILE, mode);
	putname(k, small);
	if (IS_ERR(f))
		return PTR_ERR(f);
	int fd = fd_install(cur_files(), f, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(const char __user *path, int flags, unsigned mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

long sys_creat(const char __user *path, unsigned mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(unsigned fd)
{
	return fd_close(cur_files(), (int)fd);
}

#define CLOSE_RANGE_UNSHARE	2
#define CLOSE_RANGE_CLOEXEC	4

long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	struct files_struct *fs = cur_files();

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	for (unsigned fd = first; fd <= last && fd < (unsigned)fs->max; fd++) {
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec_checked(fs, fd, true);
		else
			fd_close(fs, fd);
	}
	return 0;
}

long sys_dup(unsigned fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	int r = fd_install(cur_files(), f, false);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup3(unsigned oldfd, unsigned newfd, int flags)
{
	if (flags & ~O_CLOEXEC || oldfd == newfd)
		return -EINVAL;
	struct file *f = fget(oldfd);
	if (!f)
		return -EBADF;
	int r = fd_replace(cur_files(), newfd, f, flags & O_CLOEXEC);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup2(unsigned oldfd, unsigned newfd)
{
	if (oldfd == newfd) {
		struct file *f = fget(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return sys_dup3(oldfd, newfd, 0);
}

#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long sys_fcntl(unsigned fd, unsigned cmd, unsigned long arg)
{
	struct files_struct *fs = cur_files();
	struct file *f = fget(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= (unsigned long)fd_nofile_limit()) {
			r = -EINVAL;
			break;
		}
		file_get(f);
		r = fd_alloc_from(fs, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fd_get_cloexec(fs, fd);
		break;
	case F_SETFD:
		r = fd_set_cloexec_checked(fs, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->flags & ~O_CLOEXEC;
		break;
	case F_SETFL:
		__atomic_store_n(&f->flags, (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK),
				 __ATOMIC_RELAXED);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		r = posix_lock(f, cmd, (void __user *)arg);
		break;
	case F_GETOWN:
	case F_SETOWN:
		break;
	case F_GETPIPE_SZ:
		r = S_ISFIFO(f->inode->mode) ? 65536 : -EBADF;
		break;
	case F_SETPIPE_SZ:
		r = !S_ISFIFO(f->inode->mode) ? -EBADF : arg > 65536 ? -EPERM : 65536;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_ioctl(unsigned fd, unsigned cmd, unsigned long arg)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec_checked(cur_files(), fd, cmd == FIOCLEX);
		break;
	case FIONBIO: {
		int on;
		if ((r = get_user(on, (int __user *)arg)))
			break;
		if (on)
			__atomic_or_fetch(&f->flags, O_NONBLOCK, __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&f->flags, ~O_NONBLOCK, __ATOMIC_RELAXED);
		break;
	}
	case FIONREAD:
		if (S_ISREG(f->inode->mode)) {
			int n = f->inode->size > f->pos ? (int)MIN(f->inode->size - f->pos, 0x7fffffffu) : 0;
			r = put_user(n, (int __user *)arg);
			break;
		}
		/* fall through */
	default:
		r = f->fop && f->fop->ioctl ? f->fop->ioctl(f, cmd, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}

long sys_pipe2(int __user *fds, int flags)
{
	struct files_struct *fs = cur_files();
	struct file *rf, *wf;
	int k[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	long r = pipe_create(&rf, &wf, flags);
	if (r)
		return r;
	k[0] = fd_install(fs, rf, flags & O_CLOEXEC);
	if (k[0] < 0) {
		file_put(rf);
		file_put(wf);
		return k[0];
	}
	k[1] = fd_install(fs, wf, flags & O_CLOEXEC);
	if (k[1] < 0) {
		fd_close(fs, k[0]);
		file_put(wf);
		return k[1];
	}
	if (copy_to_user(fds, k, sizeof(k))) {
		fd_close(fs, k[0]);
		fd_close(fs, k[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(int __user *fds)
{
	return sys_pipe2(fds, 0);
}

#define LOCK_MAND	32

long sys_flock(unsigned fd, unsigned cmd)
{
	/* Linux ignores the long-broken LOCK_MAND requests before anything else */
	if (cmd & LOCK_MAND)
		return 0;
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	long r = do_flock(f, cmd);
	file_put(f);
	return r;
}
