/*
 * dir.c - getdents64 over the dentry tree (or a file system's iterate hook).
 *
 * The directory offset is a cookie: 1 after ".", 2 after "..", then the seq of
 * the last child returned.  Children are kept in seq order, so a directory that
 * changes between calls never returns an entry twice, as POSIX asks.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/mm.h>
#include <aegis/string.h>

#include "internal.h"

struct dirent_ctx {
	char *buf;
	size_t size, used;
	uint64_t pos;
	bool full;
};

static int emit(void *arg, const char *name, uint64_t ino, unsigned type, uint64_t next)
{
	struct dirent_ctx *c = arg;
	size_t len = strlen(name), reclen = ALIGN_UP(19 + len + 1, 8);

	if (c->used + reclen > c->size) {
		c->full = true;
		return -1;
	}
	/* Records are 8-aligned in a kmalloc buffer: plain stores for the header,
	 * and only the padding after the name's NUL is zeroed. */
	char *p = c->buf + c->used;
	*(uint64_t *)p = ino;
	*(uint64_t *)(p + 8) = next;
	*(uint16_t *)(p + 16) = (uint16_t)reclen;
	p[18] = (char)type;
	memcpy(p + 19, name, len);
	for (size_t k = 19 + len; k < reclen; k++)
		p[k] = 0;
	c->used += reclen;
	c->pos = next;
	return 0;
}

static int list_dentries(struct file *f, struct dirent_ctx *c)
{
	struct dentry *d = f->dentry, *last = f->dir_last;
	struct list_head *pos;

	if (c->pos < 1 && emit(c, ".", d->inode->ino, DT_DIR, 1))
		return 0;
	if (c->pos < 2) {
		struct dentry *p = d->parent ? d->parent : d;
		if (d == d->sb->root && d->sb->covered && d->sb->covered->parent)
			p = d->sb->covered->parent;
		if (emit(c, "..", p->inode->ino, DT_DIR, 2))
			return 0;
	}
	/* Children are in seq order: resume after the last one returned if it is
	 * still linked and still where the offset says, else skip from the start. */
	pos = d->children.next;
	if (last && f->dir_last_gen == d->children_gen && last->parent == d &&
	    last->seq == c->pos)
		pos = last->sibling.next;
	for (; pos != &d->children; pos = pos->next) {
		struct dentry *ch = list_entry(pos, struct dentry, sibling);
		if (ch->seq <= c->pos || !ch->inode)
			continue;
		struct inode *i = ch->mounted ? ch->mounted->root->inode : ch->inode;
		if (emit(c, ch->name, i->ino, (i->mode >> 12) & 15, ch->seq))
			break;
		f->dir_last = ch;
		f->dir_last_gen = d->children_gen;
	}
	return 0;
}

ssize_t dir_getdents(struct file *f, struct io_buf *b)
{
	struct inode *i = f->inode;
	struct dirent_ctx c;

	if (!S_ISDIR(i->mode))
		return -ENOTDIR;
	c.size = MIN(b->len, (size_t)65536);
	c.used = 0;
	c.full = false;
	if (!(c.buf = kmalloc(c.size)))
		return -ENOMEM;
	mutex_lock(&f->pos_lock);
	c.pos = f->pos;
	mutex_lock(&vfs_ns_lock);
	if (!f->dentry->hashed) {
		/* A removed directory is empty. */
	} else if (i->iop && i->iop->iterate) {
		f->pos = c.pos;
		i->iop->iterate(f, emit, &c);
	} else {
		list_dentries(f, &c);
	}
	mutex_unlock(&vfs_ns_lock);
	ssize_t r = c.used;
	if (!c.used && c.full)
		r = -EINVAL;			/* too small for any entry */
	else if (c.used && iob_copy_to(b, 0, c.buf, c.used))
		r = -EFAULT;
	else
		f->pos = c.pos;
	mutex_unlock(&f->pos_lock);
	kfree(c.buf);
	return r;
}
