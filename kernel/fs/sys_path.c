/*
 * sys_path.c - path syscalls: the stat family, creating and removing names,
 * links, attributes (mode, owner, times), access, cwd/chroot, statfs, mount,
 * and the xattr calls (tmpfs has no extended attributes).
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "internal.h"
#include "sys.h"

/* A path as an O_PATH file, honouring AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH. */
static struct file *path_file(int dfd, const char __user *upath, int flags)
{
	char *k = getname(upath);

	if (IS_ERR(k))
		return (void *)k;
	struct file *f;
	if (!*k && (flags & AT_EMPTY_PATH)) {
		f = dfd == AT_FDCWD ? do_open(AT_FDCWD, ".", O_PATH, 0) : fget(dfd);
		if (!f)
			f = ERR_PTR(-EBADF);
	} else {
		f = do_open(dfd, k, O_PATH | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
	}
	kfree(k);
	return f;
}

static long put_stat(struct linux_stat __user *u, const struct kstat *st)
{
	struct linux_stat s;

	memset(&s, 0, sizeof(s));
	s.st_dev = st->dev;
	s.st_ino = st->ino;
	s.st_nlink = st->nlink;
	s.st_mode = st->mode;
	s.st_uid = st->uid;
	s.st_gid = st->gid;
	s.st_rdev = st->rdev;
	s.st_size = st->size;
	s.st_blksize = st->blksize;
	s.st_blocks = st->blocks;
	s.st_atime = st->atime / 1000000000;
	s.st_atime_nsec = st->atime % 1000000000;
	s.st_mtime = st->mtime / 1000000000;
	s.st_mtime_nsec = st->mtime % 1000000000;
	s.st_ctime = st->ctime / 1000000000;
	s.st_ctime_nsec = st->ctime % 1000000000;
	return copy_to_user(u, &s, sizeof(s)) ? -EFAULT : 0;
}

long sys_newfstatat(int dfd, const char __user *path, struct linux_stat __user *st, int flags)
{
	struct kstat ks;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	char small[SHORT_NAME_MAX];
	char *k = getname_buf(path, small, sizeof(small));
	if (IS_ERR(k))
		return PTR_ERR(k);
	long r = do_stat(dfd, k, flags, &ks);
	putname(k, small);
	return r ? r : put_stat(st, &ks);
}

long sys_stat(const char __user *path, struct linux_stat __user *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, 0);
}

long sys_lstat(const char __user *path, struct linux_stat __user *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(unsigned fd, struct linux_stat __user *st)
{
	struct file *f = fget(fd);
	struct kstat ks;

	if (!f)
		return -EBADF;
	inode_stat(f->inode, &ks);
	file_put(f);
	return put_stat(st, &ks);
}

struct statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct linux_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare2[14];
};

static struct statx_ts to_sx(int64_t ns)
{
	return (struct statx_ts){ ns / 1000000000, (uint32_t)(ns % 1000000000), 0 };
}

long sys_statx(int dfd, const char __user *path, int flags, unsigned mask,
	       struct linux_statx __user *buf)
{
	struct kstat ks;
	struct linux_statx sx;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | 0x6000))
		return -EINVAL;
	if (mask & 0x80000000u)		/* STATX__RESERVED */
		return -EINVAL;
	char small[SHORT_NAME_MAX];
	char *k = getname_buf(path, small, sizeof(small));
	if (IS_ERR(k))
		return PTR_ERR(k);
	long r = do_stat(dfd, k, flags, &ks);
	putname(k, small);
	if (r)
		return r;
	memset(&sx, 0, sizeof(sx));
	sx.mask = 0x7ff;		/* STATX_BASIC_STATS */
	sx.blksize = ks.blksize;
	sx.nlink = ks.nlink;
	sx.uid = ks.uid;
	sx.gid = ks.gid;
	sx.mode = ks.mode;
	sx.ino = ks.ino;
	sx.size = ks.size;
	sx.blocks = ks.blocks;
	sx.atime = to_sx(ks.atime);
	sx.mtime = to_sx(ks.mtime);
	sx.ctime = to_sx(ks.ctime);
	sx.rdev_major = (ks.rdev >> 8) & 0xfff;
	sx.rdev_minor = (ks.rdev & 0xff) | ((ks.rdev >> 12) & ~0xffu);
	sx.dev_minor = ks.dev;
	return copy_to_user(buf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/* Two-path helper: copies both names, calls fn. */
#define WITH_NAME(u, k, body)						\
	({								\
		char *k = getname(u);					\
		long _r = IS_ERR(k) ? PTR_ERR(k) : 0;			\
		if (!_r) {						\
			_r = (body);					\
			kfree(k);					\
		}							\
		_r;							\
	})

long sys_mkdirat(int dfd, const char __user *path, unsigned mode)
{
	return WITH_NAME(path, k, do_mkdir(dfd, k, mode));
}

long sys_mkdir(const char __user *path, unsigned mode)
{
	return sys_mkdirat(AT_FDCWD, path, mode);
}

long sys_mknodat(int dfd, const char __user *path, unsigned mode, unsigned dev)
{
	uint32_t kd = MKDEV((dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00));
	return WITH_NAME(path, k, do_mknod(dfd, k, mode, kd));
}

long sys_mknod(const char __user *path, unsigned mode, unsigned dev)
{
	return sys_mknodat(AT_FDCWD, path, mode, dev);
}

long sys_unlinkat(int dfd, const char __user *path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return WITH_NAME(path, k, do_unlink(dfd, k, flags & AT_REMOVEDIR));
}

long sys_unlink(const char __user *path)
{
	return sys_unlinkat(AT_FDCWD, path, 0);
}

long sys_rmdir(const char __user *path)
{
	return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

long sys_renameat2(int odfd, const char __user *oldp, int ndfd, const char __user *newp,
		   unsigned flags)
{
	return WITH_NAME(oldp, ko, WITH_NAME(newp, kn, do_rename(odfd, ko, ndfd, kn, flags)));
}

long sys_renameat(int odfd, const char __user *oldp, int ndfd, const char __user *newp)
{
	return sys_renameat2(odfd, oldp, ndfd, newp, 0);
}

long sys_rename(const char __user *oldp, const char __user *newp)
{
	return sys_renameat2(AT_FDCWD, oldp, AT_FDCWD, newp, 0);
}

long sys_linkat(int odfd, const char __user *oldp, int ndfd, const char __user *newp, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return WITH_NAME(oldp, ko, WITH_NAME(newp, kn, do_link(odfd, ko, ndfd, kn, flags)));
}

long sys_link(const char __user *oldp, const char __user *newp)
{
	return sys_linkat(AT_FDCWD, oldp, AT_FDCWD, newp, 0);
}

long sys_symlinkat(const char __user *target, int dfd, const char __user *path)
{
	return WITH_NAME(target, kt, WITH_NAME(path, kp, do_symlink(kt, dfd, kp)));
}

long sys_symlink(const char __user *target, const char __user *path)
{
	return sys_symlinkat(target, AT_FDCWD, path);
}

long sys_readlinkat(int dfd, const char __user *path, char __user *buf, int size)
{
	if (size <= 0)
		return -EINVAL;
	char *out = kmalloc(PATH_MAX);
	if (!out)
		return -ENOMEM;
	long r = WITH_NAME(path, k, do_readlink(dfd, k, out, MIN((size_t)size, (size_t)PATH_MAX)));
	if (r > 0 && copy_to_user(buf, out, r))
		r = -EFAULT;
	kfree(out);
	return r;
}

long sys_readlink(const char __user *path, char __user *buf, int size)
{
	return sys_readlinkat(AT_FDCWD, path, buf, size);
}

static long set_dir(struct file *f, bool root)
{
	struct fs_struct *fs = cur_fs();
	const struct cred *c = cur_cred();

	if (IS_ERR(f))
		return PTR_ERR(f);
	long r = !S_ISDIR(f->inode->mode) ? -ENOTDIR : inode_permission(f->inode, MAY_EXEC);
	if (!r && root && c && c->euid)
		r = -EPERM;
	if (!r) {
		dget(f->dentry);
		spin_lock(&fs->lock);
		struct dentry **slot = root ? &fs->root : &fs->cwd;
		struct dentry *old = *slot;
		*slot = f->dentry;
		spin_unlock(&fs->lock);
		dput(old);
	}
	file_put(f);
	return r;
}

long sys_chdir(const char __user *path)
{
	return set_dir(path_file(AT_FDCWD, path, 0), false);
}

long sys_fchdir(unsigned fd)
{
	struct file *f = fget(fd);
	return set_dir(f ? f : ERR_PTR(-EBADF), false);
}

long sys_chroot(const char __user *path)
{
	return set_dir(path_file(AT_FDCWD, path, 0), true);
}

long sys_getcwd(char __user *buf, size_t size)
{
	char *k = kmalloc(PATH_MAX);

	if (!k)
		return -ENOMEM;
	mutex_lock(&vfs_ns_lock);
	int n = dentry_path(cur_fs()->cwd, k, PATH_MAX);
	bool gone = !cur_fs()->cwd->hashed;
	mutex_unlock(&vfs_ns_lock);
	long r = n;
	if (n >= 0 && gone)
		r = -ENOENT;
	else if (n >= 0 && (size_t)n + 1 > size)
		r = -ERANGE;
	else if (n >= 0)
		r = copy_to_user(buf, k, n + 1) ? -EFAULT : n + 1;
	kfree(k);
	return r;
}

static long chmod_file(struct file *f, unsigned mode)
{
	if (IS_ERR(f))
		return PTR_ERR(f);
	struct inode *i = f->inode;
	long r = cur_is_owner_or_root(i) ? 0 : -EPERM;
	if (!r) {
		const struct cred *c = cur_cred();
		mode &= 07777;
		if (c && c->fsuid && !S_ISDIR(i->mode) && (mode & S_ISGID) && c->fsgid != i->gid)
			mode &= ~S_ISGID;
		i->mode = (i->mode & S_IFMT) | mode;
		inode_touch(i, false, true);
	}
	file_put(f);
	return r;
}

long sys_fchmodat(int dfd, const char __user *path, unsigned mode)
{
	return chmod_file(path_file(dfd, path, 0), mode);
}

long sys_chmod(const char __user *path, unsigned mode)
{
	return sys_fchmodat(AT_FDCWD, path, mode);
}

long sys_fchmod(unsigned fd, unsigned mode)
{
	struct file *f = fget(fd);
	return chmod_file(f ? f : ERR_PTR(-EBADF), mode);
}

static long chown_file(struct file *f, uint32_t uid, uint32_t gid)
{
	if (IS_ERR(f))
		return PTR_ERR(f);
	struct inode *i = f->inode;
	const struct cred *c = cur_cred();
	long r = 0;
	bool root = !c || c->fsuid == 0;

	if (!root) {
		bool in = gid == (uint32_t)-1 || gid == i->gid || gid == c->fsgid;
		for (int k = 0; k < c->ngroups && k < NGROUPS_MAX; k++)
			in |= c->groups[k] == gid;
		if ((uid != (uint32_t)-1 && uid != i->uid) || c->fsuid != i->uid || !in)
			r = -EPERM;
	}
	if (!r) {
		if (uid != (uint32_t)-1)
			i->uid = uid;
		if (gid != (uint32_t)-1)
			i->gid = gid;
		if (!S_ISDIR(i->mode) && (uid != (uint32_t)-1 || gid != (uint32_t)-1))
			i->mode &= ~(S_ISUID | ((i->mode & 010) ? S_ISGID : 0));
		inode_touch(i, false, true);
	}
	file_put(f);
	return r;
}

long sys_fchownat(int dfd, const char __user *path, uint32_t uid, uint32_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return chown_file(path_file(dfd, path, flags), uid, gid);
}

long sys_chown(const char __user *path, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

long sys_lchown(const char __user *path, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(unsigned fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fget(fd);
	return chown_file(f ? f : ERR_PTR(-EBADF), uid, gid);
}

long sys_umask(int mask)
{
	struct fs_struct *fs = cur_fs();
	return __atomic_exchange_n(&fs->umask, (unsigned)mask & 0777, __ATOMIC_RELAXED);
}

long sys_faccessat2(int dfd, const char __user *path, int mode, int flags)
{
	if (mode & ~7 || flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct file *f = path_file(dfd, path, flags);
	if (IS_ERR(f))
		return PTR_ERR(f);
	const struct cred *c = cur_cred();
	struct cred real;
	if (c && !(flags & AT_EACCESS)) {
		real = *c;
		real.fsuid = c->uid;
		real.fsgid = c->gid;
		c = &real;
	}
	long r = mode ? inode_permission_cred(f->inode, mode, c) : 0;
	file_put(f);
	return r;
}

long sys_faccessat(int dfd, const char __user *path, int mode)
{
	return sys_faccessat2(dfd, path, mode, 0);
}

long sys_access(const char __user *path, int mode)
{
	return sys_faccessat2(AT_FDCWD, path, mode, 0);
}

static long set_times(struct file *f, const struct linux_timespec *ts)
{
	if (IS_ERR(f))
		return PTR_ERR(f);
	struct inode *i = f->inode;
	bool now_only = !ts || (ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW);
	long r = 0;

	if (!cur_is_owner_or_root(i))
		r = now_only ? inode_permission(i, MAY_WRITE) : -EPERM;
	for (int k = 0; !r && ts && k < 2; k++)
		if (ts[k].tv_nsec != UTIME_NOW && ts[k].tv_nsec != UTIME_OMIT &&
		    (ts[k].tv_nsec < 0 || ts[k].tv_nsec >= 1000000000))
			r = -EINVAL;
	if (!r) {
		int64_t now = vfs_now();
		for (int k = 0; k < 2; k++) {
			int64_t *t = k ? &i->mtime : &i->atime;
			if (!ts || ts[k].tv_nsec == UTIME_NOW)
				*t = now;
			else if (ts[k].tv_nsec != UTIME_OMIT)
				*t = ts[k].tv_sec * 1000000000ll + ts[k].tv_nsec;
		}
		i->ctime = now;
	}
	file_put(f);
	return r;
}

long sys_utimensat(int dfd, const char __user *path, const struct linux_timespec __user *times,
		   int flags)
{
	struct linux_timespec ts[2];
	struct file *f;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (times && copy_from_user(ts, times, sizeof(ts)))
		return -EFAULT;
	if (!path) {
		f = fget(dfd);
		if (!f)
			return -EBADF;
	} else {
		f = path_file(dfd, path, flags);
	}
	return set_times(f, times ? ts : NULL);
}

long sys_futimesat(int dfd, const char __user *path, const int64_t __user *tv)
{
	int64_t k[4];
	struct linux_timespec ts[2];

	if (tv) {
		if (copy_from_user(k, tv, sizeof(k)))
			return -EFAULT;
		if (k[1] < 0 || k[1] >= 1000000 || k[3] < 0 || k[3] >= 1000000)
			return -EINVAL;
		ts[0] = (struct linux_timespec){ k[0], k[1] * 1000 };
		ts[1] = (struct linux_timespec){ k[2], k[3] * 1000 };
	}
	struct file *f = path ? path_file(dfd, path, 0) : fget(dfd);
	return set_times(f ? f : ERR_PTR(-EBADF), tv ? ts : NULL);
}

long sys_utimes(const char __user *path, const int64_t __user *tv)
{
	return sys_futimesat(AT_FDCWD, path, tv);
}

static long do_statfs(struct file *f, struct linux_statfs __user *u)
{
	struct linux_statfs s;

	if (IS_ERR(f))
		return PTR_ERR(f);
	memset(&s, 0, sizeof(s));
	s.f_type = f->inode->sb->magic;
	s.f_bsize = s.f_frsize = PAGE_SIZE;
	if (s.f_type == TMPFS_MAGIC) {
		/* Linux's default tmpfs size: half of memory. */
		struct super_block *sb = f->inode->sb;
		s.f_blocks = pmm_total_pages_count() / 2;
		uint64_t used = MIN(sb->pages_used, s.f_blocks);
		s.f_bfree = s.f_bavail = MIN(s.f_blocks - used, (uint64_t)pmm_free_pages_count());
		s.f_files = s.f_blocks;
		s.f_ffree = s.f_files - MIN(f->inode->sb->next_ino, s.f_files);
	}
	s.f_fsid[0] = f->inode->sb->dev;
	s.f_namelen = NAME_MAX;
	s.f_flags = 0x20;		/* ST_VALID... Linux reports mount flags */
	file_put(f);
	return copy_to_user(u, &s, sizeof(s)) ? -EFAULT : 0;
}

long sys_statfs(const char __user *path, struct linux_statfs __user *buf)
{
	return do_statfs(path_file(AT_FDCWD, path, 0), buf);
}

long sys_fstatfs(unsigned fd, struct linux_statfs __user *buf)
{
	struct file *f = fget(fd);
	return do_statfs(f ? f : ERR_PTR(-EBADF), buf);
}

long sys_mount(const char __user *source, const char __user *target,
	       const char __user *type, unsigned long flags, const void __user *data)
{
	char ksrc[64] = "none", ktype[32] = "";
	long r;

	if (source && (r = strncpy_from_user(ksrc, source, sizeof(ksrc))) < 0)
		return r;
	if (type && (r = strncpy_from_user(ktype, type, sizeof(ktype))) < 0)
		return r == -ENAMETOOLONG ? -ENODEV : r;
	/* as Linux's copy_mount_options: up to a page, text options end at a NUL */
	char *kdata = NULL;
	if (data) {
		if (!(kdata = kmalloc(PAGE_SIZE)))
			return -ENOMEM;
		r = strncpy_from_user(kdata, data, PAGE_SIZE);
		if (r < 0 && r != -ENAMETOOLONG) {
			kfree(kdata);
			return r;
		}
		kdata[PAGE_SIZE - 1] = 0;
	}
	r = WITH_NAME(target, kt, do_mount(ksrc, kt, ktype, flags, kdata));
	kfree(kdata);
	return r;
}

long sys_umount2(const char __user *target, int flags)
{
	return WITH_NAME(target, k, do_umount(k, flags));
}

/* Extended attributes: tmpfs keeps none, so lookups find nothing. */
static long xattr_path(const char __user *path, int flags, long result)
{
	struct file *f = path_file(AT_FDCWD, path, flags);
	if (IS_ERR(f))
		return PTR_ERR(f);
	file_put(f);
	return result;
}

static long xattr_fd(int fd, long result)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return result;
}

long sys_getxattr(const char __user *p, const char __user *n, void __user *v, size_t s)
{ return xattr_path(p, 0, -ENODATA); }
long sys_lgetxattr(const char __user *p, const char __user *n, void __user *v, size_t s)
{ return xattr_path(p, AT_SYMLINK_NOFOLLOW, -ENODATA); }
long sys_fgetxattr(int fd, const char __user *n, void __user *v, size_t s)
{ return xattr_fd(fd, -ENODATA); }
long sys_setxattr(const char __user *p, const char __user *n, const void __user *v, size_t s, int fl)
{ return xattr_path(p, 0, -EOPNOTSUPP); }
long sys_lsetxattr(const char __user *p, const char __user *n, const void __user *v, size_t s, int fl)
{ return xattr_path(p, AT_SYMLINK_NOFOLLOW, -EOPNOTSUPP); }
long sys_fsetxattr(int fd, const char __user *n, const void __user *v, size_t s, int fl)
{ return xattr_fd(fd, -EOPNOTSUPP); }
long sys_listxattr(const char __user *p, char __user *l, size_t s)
{ return xattr_path(p, 0, 0); }
long sys_llistxattr(const char __user *p, char __user *l, size_t s)
{ return xattr_path(p, AT_SYMLINK_NOFOLLOW, 0); }
long sys_flistxattr(int fd, char __user *l, size_t s)
{ return xattr_fd(fd, 0); }
long sys_removexattr(const char __user *p, const char __user *n)
{ return xattr_path(p, 0, -ENODATA); }
long sys_lremovexattr(const char __user *p, const char __user *n)
{ return xattr_path(p, AT_SYMLINK_NOFOLLOW, -ENODATA); }
long sys_fremovexattr(int fd, const char __user *n)
{ return xattr_fd(fd, -ENODATA); }
