/*
 * initramfs.c - unpacks newc cpio archives into the root tmpfs.
 *
 * The parser (cpio.c) validates every entry before anything is created, and a
 * bad entry stops the unpacking of that image with a message naming the entry
 * and its byte offset: the files before it stay, nothing half-written follows.
 * Hard links are recognised by (ino, nlink > 1) as the kernel's own unpacker does.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/string.h>

#include "cpio.h"
#include "internal.h"

struct hardlink {
	uint32_t ino, major, minor;
	char *path;
	struct hardlink *next;
};

static int set_attrs(const char *path, const struct cpio_entry *e)
{
	struct nameidata nd = { 0 };

	mutex_lock(&vfs_ns_lock);
	int err = path_walk(NULL, path, 0, &nd);
	if (!err) {
		struct inode *i = nd.d->inode;
		if (!S_ISLNK(i->mode))
			i->mode = (i->mode & S_IFMT) | (e->mode & 07777);
		i->uid = e->uid;
		i->gid = e->gid;
		i->mtime = i->ctime = i->atime = (int64_t)e->mtime * 1000000000ll;
		dput(nd.d);
	}
	mutex_unlock(&vfs_ns_lock);
	return err;
}

static int write_file(const char *path, const struct cpio_entry *e)
{
	struct file *f = do_open(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (IS_ERR(f))
		return PTR_ERR(f);
	uint64_t pos = 0;
	struct io_buf b = { (char *)e->data, e->size, false };
	ssize_t n = e->size ? vfs_write(f, &b, &pos) : 0;
	file_put(f);
	return n < 0 ? (int)n : (size_t)n != e->size ? -ENOSPC : 0;
}

static int unpack_one(const struct cpio_entry *e, const char *path, struct hardlink **links)
{
	unsigned type = e->mode & S_IFMT;
	int err;

	if (!*path)
		return set_attrs("/", e);		/* "." : the root's attributes */
	if (type != S_IFDIR)
		do_unlink(AT_FDCWD, path, false);	/* later archives override */
	if (type == S_IFREG && e->nlink > 1) {
		for (struct hardlink *h = *links; h; h = h->next) {
			if (h->ino == e->ino && h->major == e->devmajor && h->minor == e->devminor) {
				if ((err = do_link(AT_FDCWD, h->path, AT_FDCWD, path, 0)))
					return err;
				/* newc stores the data with the last link of the set. */
				if (e->size && (err = write_file(path, e)))
					return err;
				return set_attrs(path, e);
			}
		}
		struct hardlink *h = kzalloc(sizeof(*h));
		if (h && (h->path = kmalloc(strlen(path) + 1))) {
			strlcpy(h->path, path, strlen(path) + 1);
			h->ino = e->ino;
			h->major = e->devmajor;
			h->minor = e->devminor;
			h->next = *links;
			*links = h;
		} else {
			kfree(h);
		}
	}
	switch (type) {
	case S_IFDIR:
		err = do_mkdir(AT_FDCWD, path, 0700);
		if (err == -EEXIST)
			err = 0;
		break;
	case S_IFREG:
		err = write_file(path, e);
		break;
	case S_IFLNK: {
		char *t = kmalloc(e->size + 1);
		if (!t)
			return -ENOMEM;
		memcpy(t, e->data, e->size);
		t[e->size] = 0;
		err = (e->size && e->size < PATH_MAX && strlen(t) == e->size)
			? do_symlink(t, AT_FDCWD, path) : -EINVAL;
		kfree(t);
		break;
	}
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		err = do_mknod(AT_FDCWD, path, type | 0600,
			       MKDEV(e->rdevmajor, e->rdevminor));
		break;
	default:
		err = -EINVAL;
	}
	return err ? err : set_attrs(path, e);
}

int initramfs_unpack(const uint8_t *buf, size_t len, const char *what)
{
	struct hardlink *links = NULL;
	struct cpio_entry e;
	size_t off = 0;
	char err[160];
	char *path = kmalloc(PATH_MAX + 1);
	int r, files = 0, failed = 0;

	if (!path)
		return -ENOMEM;
	path[0] = '/';
	while ((r = cpio_next(buf, len, &off, &e, err, sizeof(err))) > 0) {
		if (cpio_sanitize(e.name, e.namelen, path + 1, PATH_MAX - 1) < 0) {
			pr_warn("initramfs: %s: entry at byte %zu: name too long, skipped\n",
				what, e.offset);
			continue;
		}
		int ue = unpack_one(&e, path[1] ? path : "", &links);
		if (ue) {
			pr_warn("initramfs: %s: '%s' at byte %zu: error %d\n", what, e.name,
				e.offset, ue);
			failed++;
		} else {
			files++;
		}
	}
	if (r < 0)
		pr_err("initramfs: %s: corrupt archive, unpacking stopped: %s\n", what, err);
	else
		pr_info("initramfs: %s: %d entries unpacked%s\n", what, files,
			failed ? " (some failed)" : "");
	while (links) {
		struct hardlink *h = links;
		links = h->next;
		kfree(h->path);
		kfree(h);
	}
	kfree(path);
	return r < 0 ? r : 0;
}
