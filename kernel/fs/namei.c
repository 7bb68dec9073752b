/*
 * namei.c - path resolution and permission checks.
 *
 * The walk is iterative: a symlink met in the middle of a path is spliced in
 * front of the rest of the path (in a fresh buffer), so following 40 nested links
 * costs no kernel stack.  ".." stops at the process root and climbs out of mounts
 * through sb->covered.  Everything runs under vfs_ns_lock.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>

#include "internal.h"

static struct fs_struct kernel_fs = { .refcount = 1, .umask = 022 };
static struct files_struct *kernel_files;

const struct cred *cur_cred(void)
{
	struct task *t = current_task();

	return t && t->proc ? &t->proc->cred : NULL;
}

struct fs_struct *cur_fs(void)
{
	struct task *t = current_task();

	if (t && t->proc && t->proc->fs)
		return t->proc->fs;
	if (!kernel_fs.root && vfs_root) {
		dget(vfs_root);
		dget(vfs_root);
		kernel_fs.root = kernel_fs.cwd = vfs_root;
	}
	return &kernel_fs;
}

struct files_struct *cur_files(void)
{
	struct task *t = current_task();

	if (t && t->proc && t->proc->files)
		return t->proc->files;
	if (!kernel_files)
		kernel_files = files_create();
	return kernel_files;
}

static bool in_group(const struct cred *c, uint32_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (int k = 0; k < c->ngroups && k < NGROUPS_MAX; k++)
		if (c->groups[k] == gid)
			return true;
	return false;
}

/* Linux's generic_permission: root bypasses all but exec of a file with no x bit. */
int inode_permission(struct inode *i, int mask)
{
	return inode_permission_cred(i, mask, cur_cred());
}

int inode_permission_cred(struct inode *i, int mask, const struct cred *c)
{
	unsigned m = i->mode;

	/* as Linux: files, directories and links of a read-only mount */
	if ((mask & MAY_WRITE) && (i->sb->flags & MS_RDONLY) &&
	    (S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m)))
		return -EROFS;
	if (!c || c->fsuid == 0) {
		if ((mask & MAY_EXEC) && !S_ISDIR(m) && !(m & 0111))
			return -EACCES;
		return 0;
	}
	if (c->fsuid == i->uid)
		m >>= 6;
	else if (in_group(c, i->gid))
		m >>= 3;
	return (mask & ~m & 7) ? -EACCES : 0;
}

bool cur_is_owner_or_root(struct inode *i)
{
	const struct cred *c = cur_cred();

	return !c || c->fsuid == 0 || c->fsuid == i->uid;
}

struct dentry *at_base(int dfd, const char *path)
{
	if (path[0] == '/' || dfd == AT_FDCWD)
		return NULL;
	struct file *f = fget(dfd);
	if (!f)
		return ERR_PTR(-EBADF);
	struct dentry *d = f->dentry;
	if (!d || !d->inode || !S_ISDIR(d->inode->mode)) {
		file_put(f);
		return ERR_PTR(path[0] ? -ENOTDIR : -EBADF);
	}
	dget(d);
	file_put(f);
	return d;
}

/* Crosses into whatever is mounted on d; consumes the reference on d. */
static struct dentry *follow_mounts(struct dentry *d)
{
	while (d->mounted) {
		struct dentry *r = d->mounted->root;
		dget(r);
		dput(d);
		d = r;
	}
	return d;
}

static struct dentry *go_up(struct dentry *d, struct dentry *root)
{
	while (d != root && d == d->sb->root && d->sb->covered)
		d = d->sb->covered;
	if (d != root && d->parent)
		d = d->parent;
	dget(d);
	return d;
}

/* Reads a symlink's target into a new buffer. */
static char *link_target(struct dentry *d)
{
	struct inode *i = d->inode;
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return ERR_PTR(-ENOMEM);
	int n = i->symlink ? (int)strlcpy(buf, i->symlink, PATH_MAX)
		: i->iop && i->iop->readlink ? i->iop->readlink(d, buf, PATH_MAX) : -EINVAL;
	if (n < 0 || n >= PATH_MAX) {
		kfree(buf);
		return ERR_PTR(n < 0 ? n : -ENAMETOOLONG);
	}
	buf[n] = 0;
	return buf;
}

struct dentry *lookup_child(struct dentry *dir, const char *name, size_t len)
{
	struct dentry *d = d_lookup(dir, name, len);

	if (d && d->inode->iop && d->inode->iop->revalidate && !d->inode->iop->revalidate(d)) {
		d_drop_tree(d);
		d = NULL;
	}
	if (d) {
		dget(d);
		return d;
	}
	if (!dir->inode->iop || !dir->inode->iop->lookup)
		return ERR_PTR(-ENOENT);
	char tmp[NAME_MAX + 1];
	memcpy(tmp, name, len);
	tmp[len] = 0;
	return dir->inode->iop->lookup(dir->inode, dir, tmp);
}

int path_walk(struct dentry *base, const char *path, unsigned flags, struct nameidata *nd)
{
	struct fs_struct *fs = cur_fs();
	struct dentry *root = fs->root ? fs->root : vfs_root;
	struct dentry *cur;
	char *buf = NULL;
	const char *p = path;
	int err = 0;

	nd->d = nd->parent = NULL;
	nd->trailing_slash = false;
	if (!*p)
		return -ENOENT;
	if (strnlen(p, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
restart:
	if (*p == '/') {
		cur = root;
	} else {
		cur = base ? base : fs->cwd ? fs->cwd : root;
	}
	dget(cur);
	for (;;) {
		const char *before = p;
		while (*p == '/')
			p++;
		if (!*p) {
			if (p != before)
				nd->trailing_slash = true;
			break;
		}
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = p - s;
		const char *q = p;
		while (*q == '/')
			q++;
		bool last = !*q;
		if (!S_ISDIR(cur->inode->mode)) {
			err = -ENOTDIR;
			goto fail;
		}
		if ((err = inode_permission(cur->inode, MAY_EXEC)))
			goto fail;
		if (len > NAME_MAX) {
			err = -ENAMETOOLONG;
			goto fail;
		}
		if (last && (flags & LOOKUP_PARENT)) {
			memcpy(nd->last, s, len);
			nd->last[len] = 0;
			nd->trailing_slash = *p == '/';
			nd->parent = cur;
			kfree(buf);
			return 0;
		}
		struct dentry *next;
		if (len == 1 && s[0] == '.') {
			dget(cur);
			next = cur;
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			next = go_up(cur, root);
		} else {
			next = lookup_child(cur, s, len);
			if (IS_ERR(next)) {
				err = PTR_ERR(next);
				goto fail;
			}
			next = follow_mounts(next);
		}
		if (S_ISLNK(next->inode->mode) &&
		    (!last || (flags & LOOKUP_FOLLOW) || *p == '/')) {
			if (++nd->depth > SYMLOOP_MAX) {
				dput(next);
				err = -ELOOP;
				goto fail;
			}
			if (next->inode->iop && next->inode->iop->get_link) {
				struct dentry *t = next->inode->iop->get_link(next);
				dput(next);
				if (IS_ERR(t)) {
					err = PTR_ERR(t);
					goto fail;
				}
				dput(cur);
				cur = t;
				continue;
			}
			char *t = link_target(next);
			dput(next);
			if (IS_ERR(t)) {
				err = PTR_ERR(t);
				goto fail;
			}
			size_t tl = strlen(t), rl = strlen(p);
			if (tl + 1 + rl >= PATH_MAX) {
				kfree(t);
				err = -ENAMETOOLONG;
				goto fail;
			}
			t[tl] = '/';
			memcpy(t + tl + 1, p, rl + 1);
			if (!rl)
				t[tl] = 0;
			kfree(buf);
			buf = t;
			p = buf;
			if (*p == '/') {
				dput(cur);
				goto restart;
			}
			continue;
		}
		dput(cur);
		cur = next;
	}
	/* The path ended at cur (after "/", ".", ".." or a trailing slash). */
	if (flags & LOOKUP_PARENT) {
		/* No final name: the path was "/" (last "/") or ended in "."/"..". */
		strlcpy(nd->last, "/", sizeof(nd->last));
		nd->parent = cur;
		kfree(buf);
		return 0;
	}
	if ((flags & LOOKUP_DIRECTORY || nd->trailing_slash) && !S_ISDIR(cur->inode->mode)) {
		err = -ENOTDIR;
		goto fail;
	}
	nd->d = cur;
	kfree(buf);
	return 0;
fail:
	dput(cur);
	kfree(buf);
	return err;
}

int dentry_path(struct dentry *d, char *buf, size_t size)
{
	struct fs_struct *fs = cur_fs();
	struct dentry *root = fs->root ? fs->root : vfs_root;
	size_t pos = size;
	bool deleted = !d->hashed && d->parent;

	if (size < 2)
		return -ERANGE;
	buf[--pos] = 0;
	for (;;) {
		while (d != root && d == d->sb->root && d->sb->covered)
			d = d->sb->covered;
		if (d == root || !d->parent)
			break;
		if (d->namelen + 1 > pos)
			return -ENAMETOOLONG;
		pos -= d->namelen;
		memcpy(buf + pos, d->name, d->namelen);
		buf[--pos] = '/';
		d = d->parent;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	size_t n = size - 1 - pos;
	memmove(buf, buf + pos, n + 1);
	if (deleted && n + 11 < size) {
		strlcat(buf, " (deleted)", size);
		n += 10;
	}
	return (int)n;
}
