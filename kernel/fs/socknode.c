/*
 * socknode.c - what AF_UNIX needs from the name space: socket inodes made by
 * bind() and found by connect()/sendto().  The socket layer keeps the inode as an
 * opaque, referenced key; the VFS never points back at the socket.
 */
#include <aegis/errno.h>

#include "internal.h"

const struct file_operations *file_fops(struct file *f)
{
	return f->fop;
}

static int sock_inode(const char *path, unsigned flags, bool check, struct inode **out)
{
	struct dentry *base = at_base(AT_FDCWD, path);
	struct nameidata nd = { 0 };
	int err;

	if (IS_ERR(base))
		return PTR_ERR(base);
	mutex_lock(&vfs_ns_lock);
	err = path_walk(base, path, flags, &nd);
	if (!err) {
		struct inode *i = nd.d->inode;
		if (check && !S_ISSOCK(i->mode))
			err = -ECONNREFUSED;
		else if (check && (err = inode_permission(i, MAY_WRITE)))
			;
		else
			iget(i), *out = i;
		dput(nd.d);
	}
	mutex_unlock(&vfs_ns_lock);
	if (base)
		dput(base);
	return err;
}

int vfs_sock_bind(const char *path, void **node)
{
	int err = do_mknod(AT_FDCWD, path, S_IFSOCK | 0777, 0);

	if (err)
		return err == -EEXIST ? -EADDRINUSE : err;
	return sock_inode(path, 0, false, (struct inode **)node);
}

int vfs_sock_lookup(const char *path, void **node)
{
	return sock_inode(path, LOOKUP_FOLLOW, true, (struct inode **)node);
}

void vfs_sock_put(void *node)
{
	iput(node);
}

/* Undoes vfs_sock_bind when the socket turned out to be bound already. */
void vfs_sock_unlink(const char *path)
{
	do_unlink(AT_FDCWD, path, false);
}
