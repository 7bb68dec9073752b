/*
 * ops.c - name-space operations behind the path syscalls: open/create, mknod,
 * mkdir, unlink/rmdir, rename, link, symlink, readlink, stat, truncate.  Each
 * takes vfs_ns_lock for the walk and the change, so they are atomic with respect
 * to each other; error precedence follows Linux (ENOENT/ENOTDIR from the walk,
 * then EEXIST, then EACCES on the parent).
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/mm.h>
#include <aegis/string.h>

#include "internal.h"

/* "." and "..", and "/" which path_walk reports for a path with no final name. */
static bool is_dot(const char *n) { return !strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "/"); }

static int may_create(struct dentry *dir)
{
	if (!S_ISDIR(dir->inode->mode))
		return -ENOTDIR;
	if (!dir->hashed)
		return -ENOENT;
	return inode_permission(dir->inode, MAY_WRITE | MAY_EXEC);	/* EROFS too */
}

/* Sticky directories: only the owner of the file or of the directory may remove. */
static int may_delete(struct dentry *dir, struct dentry *victim)
{
	int err = inode_permission(dir->inode, MAY_WRITE | MAY_EXEC);
	const struct cred *c = cur_cred();

	if (err)
		return err;
	if ((dir->inode->mode & S_ISVTX) && c && c->fsuid &&
	    c->fsuid != victim->inode->uid && c->fsuid != dir->inode->uid)
		return -EPERM;
	if (victim->mounted || victim == victim->sb->root)
		return -EBUSY;
	return 0;
}

/* Creates name under dir with a new inode; returns the dentry (referenced). */
static struct dentry *create_node(struct dentry *dir, const char *name, unsigned mode,
				  uint32_t rdev)
{
	int err = may_create(dir);

	/* procfs lookups fail with ENOENT rather than give a name to create */
	if (err != -ENOTDIR && dir->sb->magic == PROC_SUPER_MAGIC)
		return ERR_PTR(-ENOENT);
	if (err)
		return ERR_PTR(err);
	if (!dir->inode->iop || !dir->inode->iop->mknod)
		return ERR_PTR(-EPERM);
	struct inode *i = dir->inode->iop->mknod(dir->sb, mode, rdev);
	if (!i)
		return ERR_PTR(-ENOSPC);
	if (dir->inode->mode & S_ISGID) {
		i->gid = dir->inode->gid;
		if (S_ISDIR(mode))
			i->mode |= S_ISGID;
	}
	struct dentry *d = d_alloc(dir->sb, dir, name, strlen(name));
	if (!d) {
		iput(i);
		return ERR_PTR(-ENOMEM);
	}
	d_instantiate(d, i);
	d_add(d);
	if (S_ISDIR(mode))
		dir->inode->nlink++;
	inode_touch(dir->inode, true, true);
	return d;
}

static unsigned cur_umask(void)
{
	return cur_fs()->umask;
}

/*
 * O_CREAT through a dangling symlink creates its target, as Linux does: follow
 * the chain of (text) links from dir/name until a name is missing.  [ns] held.
 */
static struct dentry *create_via_link(struct dentry *dir, const char *name, unsigned mode)
{
	char *t = kmalloc(PATH_MAX);
	struct dentry *d = ERR_PTR(-ENOENT);

	if (!t)
		return ERR_PTR(-ENOMEM);
	dget(dir);
	strlcpy(t, name, PATH_MAX);
	for (int depth = 0; depth <= SYMLOOP_MAX; depth++) {
		struct nameidata np = { .depth = depth };
		int err = path_walk(dir, t, LOOKUP_PARENT, &np);
		dput(dir);
		dir = NULL;
		if (err) {
			d = ERR_PTR(err);
			break;
		}
		dir = np.parent;
		if (np.trailing_slash || !strcmp(np.last, "/")) {
			d = ERR_PTR(-EISDIR);
			break;
		}
		struct dentry *c = lookup_child(dir, np.last, strlen(np.last));
		if (IS_ERR(c) && PTR_ERR(c) == -ENOENT) {
			d = create_node(dir, np.last, S_IFREG | (mode & 07777 & ~cur_umask()), 0);
			break;
		}
		if (IS_ERR(c) || !S_ISLNK(c->inode->mode) || !c->inode->symlink) {
			d = c;			/* exists after all, or a magic link */
			break;
		}
		strlcpy(t, c->inode->symlink, PATH_MAX);
		dput(c);
		d = ERR_PTR(-ELOOP);
	}
	if (dir)
		dput(dir);
	kfree(t);
	return d;
}

#define __O_TMPFILE	020000000

/*
 * O_TMPFILE: a regular file with no name in the directory at path (as Linux,
 * an unhashed dentry under it), gone at its last close.  [ns] held.
 */
static struct dentry *create_tmpfile(struct dentry *base, const char *path, unsigned mode,
				     bool linkable)
{
	struct nameidata nd = { 0 };
	int err = path_walk(base, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nd);

	if (err)
		return ERR_PTR(err);
	struct dentry *dir = nd.d, *d = NULL;
	if (!S_ISDIR(dir->inode->mode))
		err = -ENOTDIR;
	else
		err = may_create(dir);
	if (!err && (!dir->inode->iop || !dir->inode->iop->mknod))
		err = -EOPNOTSUPP;
	struct inode *i = err ? NULL
			: dir->inode->iop->mknod(dir->sb, S_IFREG | (mode & 07777 & ~cur_umask()), 0);
	if (!err && !i)
		err = -ENOSPC;
	if (!err && !(d = d_alloc(dir->sb, dir, "#tmpfile", 8))) {
		iput(i);
		err = -ENOMEM;
	}
	if (!err) {
		i->nlink = 0;
		i->linkable = linkable;
		d_instantiate(d, i);
	}
	dput(dir);
	return err ? ERR_PTR(err) : d;
}

struct file *do_open(int dfd, const char *path, int flags, unsigned mode)
{
	struct dentry *base;
	struct nameidata nd = { 0 };
	struct dentry *d;
	bool created = false;
	int err;

	if ((flags & __O_TMPFILE) &&
	    ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (flags & O_ACCMODE) == O_RDONLY))
		return ERR_PTR(-EINVAL);
	base = at_base(dfd, path);
	if (IS_ERR(base))
		return (void *)base;
	mutex_lock(&vfs_ns_lock);
	if (flags & __O_TMPFILE) {
		d = create_tmpfile(base, path, mode, !(flags & O_EXCL));
		if (IS_ERR(d)) {
			err = PTR_ERR(d);
			goto out;
		}
		created = true;
		flags &= ~(O_TMPFILE | O_EXCL);
	} else if (flags & O_CREAT) {
		if ((err = path_walk(base, path, LOOKUP_PARENT, &nd)))
			goto out;
		if (is_dot(nd.last) || nd.trailing_slash) {
			err = -EISDIR;
			goto out_parent;
		}
		d = lookup_child(nd.parent, nd.last, strlen(nd.last));
		if (IS_ERR(d) && PTR_ERR(d) == -ENOENT) {
			d = create_node(nd.parent, nd.last, S_IFREG | (mode & 07777 & ~cur_umask()), 0);
			created = !IS_ERR(d);
		} else if (!IS_ERR(d) && (flags & O_EXCL)) {
			dput(d);
			d = ERR_PTR(-EEXIST);
		} else if (!IS_ERR(d) && S_ISLNK(d->inode->mode)) {
			/* Follow the final link from its directory. */
			struct nameidata nd2 = { 0 };
			dput(d);
			if (flags & O_NOFOLLOW) {
				d = ERR_PTR(-ELOOP);
			} else {
				err = path_walk(nd.parent, nd.last, LOOKUP_FOLLOW, &nd2);
				d = err ? ERR_PTR(err) : nd2.d;
				if (err == -ENOENT) {
					d = create_via_link(nd.parent, nd.last, mode);
					created = !IS_ERR(d);
				}
			}
		}
		dput(nd.parent);
		if (IS_ERR(d)) {
			err = PTR_ERR(d);
			goto out;
		}
		while (d->mounted) {
			struct dentry *r = d->mounted->root;
			dget(r);
			dput(d);
			d = r;
		}
	} else {
		unsigned lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			lf |= LOOKUP_DIRECTORY;
		if ((err = path_walk(base, path, lf, &nd)))
			goto out;
		d = nd.d;
	}
	struct inode *i = d->inode;
	unsigned acc = flags & O_ACCMODE;
	if (flags & O_PATH) {
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	} else {
		err = 0;
		if (S_ISLNK(i->mode))
			err = -ELOOP;
		else if ((flags & O_DIRECTORY) && !S_ISDIR(i->mode))
			err = -ENOTDIR;
		else if (S_ISDIR(i->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
			err = -EISDIR;
		else if (!created) {
			int mask = (acc != O_WRONLY ? MAY_READ : 0) |
				   (acc != O_RDONLY || (flags & O_TRUNC) ? MAY_WRITE : 0);
			err = inode_permission(i, mask);
		}
		if (!err && (flags & O_TRUNC) && S_ISREG(i->mode) && !created && i->iop &&
		    i->iop->setsize) {
			mutex_lock(&i->lock);
			err = i->iop->setsize(i, 0);
			inode_touch(i, true, true);
			mutex_unlock(&i->lock);
		}
		if (err) {
			dput(d);
			goto out;
		}
	}
	/* O_NOCTTY stays visible to the driver's open (TTYs), then goes, as on Linux. */
	struct file *f = file_alloc(d, i, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC));
	dput(d);
	mutex_unlock(&vfs_ns_lock);
	if (base)
		dput(base);
	if (!f)
		return ERR_PTR(-ENOMEM);
	if (!(flags & O_PATH) && f->fop && f->fop->open && (err = f->fop->open(f))) {
		f->fop = NULL;		/* open failed: no release */
		file_put(f);
		return ERR_PTR(err);
	}
	f->flags &= ~O_NOCTTY;
	return f;
out_parent:
	dput(nd.parent);
out:
	mutex_unlock(&vfs_ns_lock);
	if (base)
		dput(base);
	return ERR_PTR(err);
}

struct file *vfs_open(const char *path, int flags, int mode)
{
	return do_open(AT_FDCWD, path, flags, mode);
}

/* Walks to the parent of path, rejecting an existing final name: mknod etc. */
static int create_at(int dfd, const char *path, unsigned mode, uint32_t rdev,
		     const char *target)
{
	struct dentry *base = at_base(dfd, path);
	struct nameidata nd = { 0 };
	int err;

	if (IS_ERR(base))
		return PTR_ERR(base);
	mutex_lock(&vfs_ns_lock);
	if ((err = path_walk(base, path, LOOKUP_PARENT, &nd)))
		goto out;
	struct dentry *d = lookup_child(nd.parent, nd.last, strlen(nd.last));
	if (is_dot(nd.last) || !IS_ERR(d)) {
		err = -EEXIST;
		if (!IS_ERR(d))
			dput(d);
	} else if (PTR_ERR(d) != -ENOENT) {
		err = PTR_ERR(d);
	} else if (nd.trailing_slash && !S_ISDIR(mode)) {
		err = -ENOENT;
	} else {
		char *copy = NULL;
		if (target && !(copy = kmalloc(strlen(target) + 1))) {
			err = -ENOMEM;
		} else {
			d = create_node(nd.parent, nd.last, mode, rdev);
			err = IS_ERR(d) ? PTR_ERR(d) : 0;
			if (!err && target) {
				strlcpy(copy, target, strlen(target) + 1);
				d->inode->symlink = copy;
				d->inode->size = strlen(target);
				copy = NULL;
			}
			kfree(copy);
			if (!err)
				dput(d);
		}
	}
	dput(nd.parent);
out:
	mutex_unlock(&vfs_ns_lock);
	if (base)
		dput(base);
	return err;
}

int do_mknod(int dfd, const char *path, unsigned mode, uint32_t dev)
{
	unsigned type = mode & S_IFMT;
	const struct cred *c = cur_cred();

	if (!type)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK &&
	    type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && c && c->euid)
		return -EPERM;
	return create_at(dfd, path, type | (mode & 07777 & ~cur_umask()), dev, NULL);
}

int do_mkdir(int dfd, const char *path, unsigned mode)
{
	return create_at(dfd, path, S_IFDIR | (mode & 07777 & ~cur_umask()), 0, NULL);
}

int do_symlink(const char *target, int dfd, const char *path)
{
	if (!*target)
		return -ENOENT;
	return create_at(dfd, path, S_IFLNK | 0777, 0, target);
}

int do_unlink(int dfd, const char *path, bool dir)
{
	struct dentry *base = at_base(dfd, path);
	struct nameidata nd = { 0 };
	int err;

	if (IS_ERR(base))
		return PTR_ERR(base);
	mutex_lock(&vfs_ns_lock);
	if ((err = path_walk(base, path, LOOKUP_PARENT, &nd)))
		goto out;
	if (is_dot(nd.last)) {
		err = !dir ? -EISDIR : !strcmp(nd.last, "/") ? -EBUSY
		      : !strcmp(nd.last, ".") ? -EINVAL : -ENOTEMPTY;
		goto out_parent;
	}
	if (nd.parent->sb->flags & MS_RDONLY) {	/* before the lookup, as Linux */
		err = -EROFS;
		goto out_parent;
	}
	struct dentry *d = lookup_child(nd.parent, nd.last, strlen(nd.last));
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out_parent;
	}
	struct inode *i = d->inode;
	if (dir && !S_ISDIR(i->mode))
		err = -ENOTDIR;
	else if (!dir && S_ISDIR(i->mode))
		err = -EISDIR;
	else if (!dir && nd.trailing_slash)
		err = -ENOTDIR;
	else
		err = may_delete(nd.parent, d);
	if (!err && dir && !list_empty(&d->children))
		err = -ENOTEMPTY;
	if (!err) {
		if (dir) {
			i->nlink = 0;
			nd.parent->inode->nlink--;
		} else {
			i->nlink--;
		}
		inode_touch(i, false, true);
		inode_touch(nd.parent->inode, true, true);
		d_drop(d);
	}
	dput(d);
out_parent:
	dput(nd.parent);
out:
	mutex_unlock(&vfs_ns_lock);
	if (base)
		dput(base);
	return err;
}

static bool is_ancestor(struct dentry *a, struct dentry *d)
{
	for (; d; d = d->parent)
		if (d == a)
			return true;
	return false;
}

int do_rename(int odfd, const char *oldp, int ndfd, const char *newp, unsigned flags)
{
	struct dentry *ob = at_base(odfd, oldp), *nb;
	struct nameidata on = { 0 }, nn = { 0 };
	struct dentry *od = NULL, *ndt = NULL;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)))
		return -EINVAL;
	if (IS_ERR(ob))
		return PTR_ERR(ob);
	nb = at_base(ndfd, newp);
	if (IS_ERR(nb)) {
		if (ob)
			dput(ob);
		return PTR_ERR(nb);
	}
	mutex_lock(&vfs_ns_lock);
	if ((err = path_walk(ob, oldp, LOOKUP_PARENT, &on)))
		goto out;
	if ((err = path_walk(nb, newp, LOOKUP_PARENT, &nn)))
		goto out;
	if (is_dot(on.last) || is_dot(nn.last)) {
		err = -EBUSY;
		goto out;
	}
	od = lookup_child(on.parent, on.last, strlen(on.last));
	if (IS_ERR(od)) {
		err = PTR_ERR(od);
		od = NULL;
		goto out;
	}
	ndt = lookup_child(nn.parent, nn.last, strlen(nn.last));
	if (IS_ERR(ndt)) {
		err = PTR_ERR(ndt);
		ndt = NULL;
		if (err != -ENOENT || (flags & RENAME_EXCHANGE))
			goto out;
	}
	err = 0;
	struct inode *oi = od->inode, *ni = ndt ? ndt->inode : NULL;
	if (on.parent->sb != nn.parent->sb)
		err = -EXDEV;
	else if (ndt && (flags & RENAME_NOREPLACE))
		err = -EEXIST;
	else if ((on.trailing_slash || nn.trailing_slash) && !S_ISDIR(oi->mode))
		err = -ENOTDIR;
	else if (ni == oi)
		goto out;			/* same file: nothing to do */
	else if (!(flags & RENAME_EXCHANGE) && ni && S_ISDIR(oi->mode) && !S_ISDIR(ni->mode))
		err = -ENOTDIR;
	else if (!(flags & RENAME_EXCHANGE) && ni && !S_ISDIR(oi->mode) && S_ISDIR(ni->mode))
		err = -EISDIR;
	else if ((S_ISDIR(oi->mode) && is_ancestor(od, nn.parent)) ||
		 (ndt && S_ISDIR(ni->mode) && is_ancestor(ndt, on.parent)))
		err = -EINVAL;
	else if (!(flags & RENAME_EXCHANGE) && ni && S_ISDIR(ni->mode) &&
		 !list_empty(&ndt->children))
		err = -ENOTEMPTY;
	if (!err)
		err = may_delete(on.parent, od);
	if (!err)
		err = ndt ? may_delete(nn.parent, ndt) : may_create(nn.parent);
	if (err)
		goto out;
	if (flags & RENAME_EXCHANGE) {
		char tmp[NAME_MAX + 1];
		struct dentry *op = on.parent;
		strlcpy(tmp, od->name, sizeof(tmp));
		if ((err = d_move(od, nn.parent, nn.last, strlen(nn.last))))
			goto out;
		if ((err = d_move(ndt, op, tmp, strlen(tmp))))
			goto out;
		if (S_ISDIR(oi->mode) != S_ISDIR(ni->mode) && op != nn.parent) {
			int dlt = S_ISDIR(oi->mode) ? 1 : -1;
			nn.parent->inode->nlink += dlt;
			op->inode->nlink -= dlt;
		}
	} else {
		if (ndt) {
			ni->nlink = S_ISDIR(ni->mode) ? 0 : ni->nlink - 1;
			if (S_ISDIR(ni->mode))
				nn.parent->inode->nlink--;
			inode_touch(ni, false, true);
			d_drop(ndt);
		}
		if ((err = d_move(od, nn.parent, nn.last, strlen(nn.last))))
			goto out;
		if (S_ISDIR(oi->mode) && on.parent != nn.parent) {
			on.parent->inode->nlink--;
			nn.parent->inode->nlink++;
		}
	}
	inode_touch(oi, false, true);
	inode_touch(on.parent->inode, true, true);
	inode_touch(nn.parent->inode, true, true);
out:
	if (od)
		dput(od);
	if (ndt)
		dput(ndt);
	if (on.parent)
		dput(on.parent);
	if (nn.parent)
		dput(nn.parent);
	mutex_unlock(&vfs_ns_lock);
	if (ob)
		dput(ob);
	if (nb)
		dput(nb);
	return err;
}

int do_link(int odfd, const char *oldp, int ndfd, const char *newp, int flags)
{
	struct dentry *ob = (flags & AT_EMPTY_PATH) && !*oldp ? NULL : at_base(odfd, oldp), *nb;
	struct nameidata on = { 0 }, nn = { 0 };
	int err;

	if (IS_ERR(ob))
		return PTR_ERR(ob);
	nb = at_base(ndfd, newp);
	if (IS_ERR(nb)) {
		if (ob)
			dput(ob);
		return PTR_ERR(nb);
	}
	mutex_lock(&vfs_ns_lock);
	if ((flags & AT_EMPTY_PATH) && !*oldp) {
		/*
		 * The open file itself.  Linux allows it to CAP_DAC_READ_SEARCH or to
		 * the file's opener (same creds); files record no creds yet, so any
		 * holder of the descriptor may.
		 */
		struct file *f = NULL;
		err = 0;
		if (odfd == AT_FDCWD)
			err = path_walk(NULL, ".", 0, &on);
		else if (!(f = fget(odfd)))
			err = -EBADF;
		else if (!f->dentry)
			err = -ENOENT;
		else
			dget(on.d = f->dentry);
		if (f)
			file_put(f);
		if (err)
			goto out;
	} else if ((err = path_walk(ob, oldp, (flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0,
				    &on))) {
		goto out;
	}
	if ((err = path_walk(nb, newp, LOOKUP_PARENT, &nn)))
		goto out;
	struct dentry *d = lookup_child(nn.parent, nn.last, strlen(nn.last));
	struct inode *i = on.d->inode;
	if (is_dot(nn.last) || !IS_ERR(d)) {
		err = -EEXIST;
		if (!IS_ERR(d))
			dput(d);
	} else if (PTR_ERR(d) != -ENOENT) {
		err = PTR_ERR(d);
	} else if (S_ISDIR(i->mode)) {
		err = -EPERM;
	} else if (on.d->sb != nn.parent->sb) {
		err = -EXDEV;
	} else if ((err = may_create(nn.parent))) {
		;
	} else if (!i->nlink && !i->linkable) {
		err = -ENOENT;			/* unlinked: only O_TMPFILE files come back */
	} else {
		d = d_alloc(nn.parent->sb, nn.parent, nn.last, strlen(nn.last));
		if (!d) {
			err = -ENOMEM;
		} else {
			iget(i);
			d_instantiate(d, i);
			d_add(d);
			dput(d);
			i->nlink++;
			i->linkable = false;
			inode_touch(i, false, true);
			inode_touch(nn.parent->inode, true, true);
		}
	}
out:
	if (on.d)
		dput(on.d);
	if (nn.parent)
		dput(nn.parent);
	mutex_unlock(&vfs_ns_lock);
	if (ob)
		dput(ob);
	if (nb)
		dput(nb);
	return err;
}

int do_readlink(int dfd, const char *path, char *buf, size_t size)
{
	struct dentry *base = at_base(dfd, path);
	struct nameidata nd = { 0 };
	int err;

	if (IS_ERR(base))
		return PTR_ERR(base);
	mutex_lock(&vfs_ns_lock);
	if (!(err = path_walk(base, path, 0, &nd))) {
		struct inode *i = nd.d->inode;
		if (i->symlink) {
			err = MIN(strlen(i->symlink), size);
			memcpy(buf, i->symlink, err);
		} else if (S_ISLNK(i->mode) && i->iop && i->iop->readlink) {
			err = i->iop->readlink(nd.d, buf, size);
			if (err > (int)size)
				err = size;
		} else {
			err = -EINVAL;
		}
		dput(nd.d);
	}
	mutex_unlock(&vfs_ns_lock);
	if (base)
		dput(base);
	return err;
}

void inode_stat(struct inode *i, struct kstat *st)
{
	st->dev = i->sb->dev;
	st->ino = i->ino;
	st->mode = i->mode;
	st->nlink = i->nlink;
	st->uid = i->uid;
	st->gid = i->gid;
	st->rdev = i->rdev ? ((MAJOR(i->rdev) & 0xfff) << 8) | (MINOR(i->rdev) & 0xff) |
		   ((uint64_t)(MINOR(i->rdev) & ~0xffu) << 12) : 0;
	st->size = i->size;
	st->blksize = PAGE_SIZE;
	st->blocks = i->npages_alloc * (PAGE_SIZE / 512);
	st->atime = i->atime;
	st->mtime = i->mtime;
	st->ctime = i->ctime;
}

int do_stat(int dfd, const char *path, int flags, struct kstat *st)
{
	if (!*path && (flags & AT_EMPTY_PATH)) {
		if (dfd == AT_FDCWD) {
			mutex_lock(&vfs_ns_lock);
			inode_stat(cur_fs()->cwd->inode, st);
			mutex_unlock(&vfs_ns_lock);
			return 0;
		}
		struct file *f = fget(dfd);
		if (!f)
			return -EBADF;
		inode_stat(f->inode, st);
		file_put(f);
		return 0;
	}
	struct dentry *base = at_base(dfd, path);
	struct nameidata nd = { 0 };
	int err;

	if (IS_ERR(base))
		return PTR_ERR(base);
	mutex_lock(&vfs_ns_lock);
	err = path_walk(base, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &nd);
	if (!err) {
		inode_stat(nd.d->inode, st);
		dput(nd.d);
	}
	mutex_unlock(&vfs_ns_lock);
	if (base)
		dput(base);
	return err;
}

int do_truncate_inode(struct inode *i, uint64_t size)
{
	int err;

	if (S_ISDIR(i->mode))
		return -EISDIR;
	if (!S_ISREG(i->mode) || !i->iop || !i->iop->setsize)
		return -EINVAL;
	mutex_lock(&i->lock);
	err = i->iop->setsize(i, size);
	inode_touch(i, true, true);
	mutex_unlock(&i->lock);
	return err;
}
