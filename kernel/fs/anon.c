/*
 * anon.c - files with no name: pipes, and later sockets, eventfds and the like.
 * They share one hidden super block, so fstat gives them a device and an inode
 * number as on Linux, and /proc/<pid>/fd shows "type:[ino]".
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>

#include <aegis/mm.h>

#include "internal.h"

static struct super_block *anon_sb;
static struct spinlock anon_lock = SPINLOCK_INIT("anon_sb");

struct super_block *anon_super(void)
{
	if (!anon_sb) {
		struct super_block *sb = sb_alloc(&tmpfs_type, 0x09041934);	/* ANON_INODE_FS_MAGIC */
		spin_lock(&anon_lock);
		if (!anon_sb)
			anon_sb = sb, sb = NULL;
		spin_unlock(&anon_lock);
		kfree(sb);
	}
	return anon_sb;
}

struct file *anon_file_create(const struct file_operations *fops, void *priv, unsigned flags,
			      unsigned mode)
{
	struct super_block *sb = anon_super();
	struct inode *i = sb ? inode_alloc(sb, mode) : NULL;
	const struct cred *c = cur_cred();

	if (!i)
		return ERR_PTR(-ENFILE);
	if (c) {
		i->uid = c->fsuid;
		i->gid = c->fsgid;
	}
	i->fop = fops;
	struct file *f = file_alloc(NULL, i, flags);
	iput(i);
	if (!f)
		return ERR_PTR(-ENFILE);
	f->private = priv;
	return f;
}
