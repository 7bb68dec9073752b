/*
 * dcache.c - dentries and inodes: allocation, reference counts, and the hash of
 * (parent, name) that makes every path component a single probe.
 *
 * A linked dentry holds one reference on itself (the "pin") and one on its
 * parent; unlinking (d_drop) removes it from the hash and drops the pin, so it
 * lives on only while open files or cwds still reference it.  Each dentry holds
 * one inode reference; hard links are several dentries on one inode.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include <aegis/time.h>

#include "internal.h"

#define DHASH_BITS	14
#define DHASH_SIZE	(1u << DHASH_BITS)

struct mutex vfs_ns_lock = {
	SPINLOCK_INIT("vfs_ns"), NULL,
	{ SPINLOCK_INIT("vfs_ns_wq"), LIST_HEAD_INIT(vfs_ns_lock.wq.waiters) }, 0,
};
static struct dentry *dhash[DHASH_SIZE];	/* [ns] */
static struct slab_cache *dentry_cache, *inode_cache;

static unsigned dhash_of(const struct dentry *parent, const char *name, size_t len)
{
	uint64_t h = (uint64_t)parent * 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 0x100000001b3ull;
	return (unsigned)(h >> (64 - DHASH_BITS));
}

int64_t vfs_now(void)
{
	return (int64_t)(time_ns() + time_realtime_offset_ns());
}

void inode_touch(struct inode *i, bool m, bool c)
{
	int64_t now = vfs_now();

	if (m)
		i->mtime = now;
	if (c)
		i->ctime = now;
}

static void caches_init(void)
{
	if (!dentry_cache) {
		dentry_cache = slab_cache_create("dentry", sizeof(struct dentry), 8);
		inode_cache = slab_cache_create("inode", sizeof(struct inode), 8);
	}
}

struct inode *inode_alloc(struct super_block *sb, unsigned mode)
{
	caches_init();
	struct inode *i = slab_alloc(inode_cache);

	if (!i)
		return NULL;
	memset(i, 0, sizeof(*i));
	i->sb = sb;
	i->mode = mode;
	i->refcount = 1;
	i->nlink = 1;
	i->ino = __atomic_add_fetch(&sb->next_ino, 1, __ATOMIC_RELAXED);
	i->atime = i->mtime = i->ctime = vfs_now();
	mutex_init(&i->lock);
	return i;
}

void iget(struct inode *i)
{
	__atomic_add_fetch(&i->refcount, 1, __ATOMIC_RELAXED);
}

void tmpfs_evict(struct inode *i);
void pipe_free(struct pipe *p);

void iput(struct inode *i)
{
	if (!i || __atomic_sub_fetch(&i->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (i->sb && i->sb->type && i->sb->type->evict)
		i->sb->type->evict(i);
	tmpfs_evict(i);
	if (i->pipe)
		pipe_free(i->pipe);
	kfree(i->symlink);
	slab_free(inode_cache, i);
}

struct dentry *d_alloc(struct super_block *sb, struct dentry *parent, const char *name,
		       size_t len)
{
	caches_init();
	struct dentry *d = slab_alloc(dentry_cache);

	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->name = d->d_iname;
	if (len >= DNAME_INLINE) {
		d->name = kmalloc(len + 1);
		if (!d->name) {
			slab_free(dentry_cache, d);
			return NULL;
		}
	}
	memcpy(d->name, name, len);
	d->name[len] = 0;
	d->namelen = len;
	d->refcount = 1;
	d->sb = sb;
	d->next_seq = 3;	/* 1 and 2 are "." and ".." */
	list_init(&d->children);
	list_init(&d->sibling);
	if (parent) {
		dget(parent);
		d->parent = parent;
	}
	return d;
}

void d_instantiate(struct dentry *d, struct inode *i)
{
	d->inode = i;
}

void d_add(struct dentry *d)
{
	unsigned h = dhash_of(d->parent, d->name, d->namelen);

	dget(d);				/* the pin */
	d->hash_next = dhash[h];
	dhash[h] = d;
	d->hashed = true;
	if (d->parent) {
		d->seq = d->parent->next_seq++;
		list_add_tail(&d->parent->children, &d->sibling);
	}
}

void d_drop(struct dentry *d)
{
	if (!d->hashed)
		return;
	unsigned h = dhash_of(d->parent, d->name, d->namelen);
	for (struct dentry **pp = &dhash[h]; *pp; pp = &(*pp)->hash_next) {
		if (*pp == d) {
			*pp = d->hash_next;
			break;
		}
	}
	d->hashed = false;
	list_del(&d->sibling);
	if (d->parent)
		d->parent->children_gen++;
	dput(d);
}

/* Unlinks d and everything below it (procfs: a process that is gone). */
void d_drop_tree(struct dentry *d)
{
	while (!list_empty(&d->children))
		d_drop_tree(list_first(&d->children, struct dentry, sibling));
	d_drop(d);
}

struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len)
{
	for (struct dentry *d = dhash[dhash_of(parent, name, len)]; d; d = d->hash_next)
		if (d->parent == parent && d->namelen == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

void dget(struct dentry *d)
{
	__atomic_add_fetch(&d->refcount, 1, __ATOMIC_RELAXED);
}

void dput(struct dentry *d)
{
	while (d && !__atomic_sub_fetch(&d->refcount, 1, __ATOMIC_ACQ_REL)) {
		struct dentry *parent = d->parent;

		iput(d->inode);
		if (d->name != d->d_iname)
			kfree(d->name);
		slab_free(dentry_cache, d);
		d = parent;
	}
}

/* Renames d to name under parent (rename); the pin is kept.  [ns] held. */
int d_move(struct dentry *d, struct dentry *parent, const char *name, size_t len)
{
	char *nn = d->d_iname;

	if (len >= DNAME_INLINE && !(nn = kmalloc(len + 1)))
		return -ENOMEM;
	unsigned h = dhash_of(d->parent, d->name, d->namelen);
	for (struct dentry **pp = &dhash[h]; *pp; pp = &(*pp)->hash_next) {
		if (*pp == d) {
			*pp = d->hash_next;
			break;
		}
	}
	list_del(&d->sibling);
	d->parent->children_gen++;
	if (nn == d->d_iname && d->name != d->d_iname)
		kfree(d->name);
	else if (nn != d->d_iname && d->name != d->d_iname)
		kfree(d->name);
	memmove(nn, name, len);
	nn[len] = 0;
	d->name = nn;
	d->namelen = len;
	struct dentry *old = d->parent;
	dget(parent);
	d->parent = parent;
	h = dhash_of(parent, d->name, len);
	d->hash_next = dhash[h];
	dhash[h] = d;
	d->seq = parent->next_seq++;
	list_add_tail(&parent->children, &d->sibling);
	dput(old);
	return 0;
}
