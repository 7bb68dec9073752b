/*
 * vfs.h - the virtual file system (kernel/fs/).
 *
 * This header starts as the contract between the VFS and the rest of the kernel
 * (processes, exec, mmap, procfs, TTYs); the VFS implementation extends it.
 */
#ifndef AEGIS_VFS_H
#define AEGIS_VFS_H

#include <aegis/types.h>

struct file;
struct files_struct;
struct fs_struct;
struct process;

/* Open files (refcounted open file descriptions). */
struct file *vfs_open(const char *path, int flags, int mode);	/* ERR_PTR on error */
void file_get(struct file *f);
/* The open file at fd in the current process, referenced (file_put), or NULL. */
struct file *fget(int fd);
void file_put(struct file *f);
ssize_t vfs_read_at(struct file *f, void *kbuf, size_t n, uint64_t off);
/* -EACCES unless f is a regular file the current credentials may execute. */
int vfs_check_exec(struct file *f);
/* For mmap: a referenced physical page holding the file's bytes at pgoff (page
 * index).  Pages past EOF: -EIO.  shared: the page-cache page itself. */
int vfs_mmap_page(struct file *f, uint64_t pgoff, paddr_t *page);
/* True if mmap of f gives anonymous memory instead (/dev/zero). */
bool vfs_mmap_anon(struct file *f);
uint64_t vfs_file_size(struct file *f);
/* The path of f as /proc/<pid>/exe shows it. */
int vfs_file_path(struct file *f, char *buf, size_t size);

/* Per-process tables. */
struct files_struct *files_create(void);
struct files_struct *files_clone(struct files_struct *src);	/* fork */
void files_get(struct files_struct *fs);			/* CLONE_FILES */
void files_put(struct files_struct *fs);
void files_close_on_exec(struct files_struct *fs);
/* Installs f as the lowest free descriptor >= 0; returns it or -EMFILE. */
int fd_install(struct files_struct *fs, struct file *f, bool cloexec);

struct fs_struct *fs_create_root(void);				/* "/" as root and cwd */
struct fs_struct *fs_clone(struct fs_struct *src);
void fs_get(struct fs_struct *fs);				/* CLONE_FS */
void fs_put(struct fs_struct *fs);

/*
 * A buffer that is either in user space or in the kernel, so the same read and
 * write paths serve syscalls (user buffers, copied once) and the kernel (exec).
 */
struct io_buf {
	char *ptr;
	size_t len;
	bool user;
};
/* Copy n bytes between a driver's kernel buffer and b at offset off: 0/-EFAULT. */
int iob_copy_to(struct io_buf *b, size_t off, const void *src, size_t n);
int iob_copy_from(struct io_buf *b, size_t off, void *dst, size_t n);

struct wait_queue;
struct poll_table;
/* Registers wq with a poll/select in progress (no-op when pt is NULL). */
void poll_wait(struct file *f, struct wait_queue *wq, struct poll_table *pt);

#define POLLIN		0x001
#define POLLPRI		0x002
#define POLLOUT		0x004
#define POLLERR		0x008
#define POLLHUP		0x010
#define POLLNVAL	0x020
#define POLLRDNORM	0x040
#define POLLWRNORM	0x100

/* What a file system or driver implements for an open file. */
struct file_operations {
	int (*open)(struct file *f);			/* optional */
	void (*release)(struct file *f);		/* last close; optional */
	ssize_t (*read)(struct file *f, struct io_buf *b, uint64_t *pos);
	ssize_t (*write)(struct file *f, struct io_buf *b, uint64_t *pos);
	long (*ioctl)(struct file *f, unsigned cmd, unsigned long arg);	/* -ENOTTY default */
	unsigned (*poll)(struct file *f, struct poll_table *pt);	/* POLL* mask */
	int (*mmap_page)(struct file *f, uint64_t pgoff, paddr_t *page);
	/* optional: the whole lseek (the VFS's default moves within the size) */
	int64_t (*llseek)(struct file *f, int64_t off, unsigned whence);
	bool mmap_anon;		/* mapped as anonymous memory, as /dev/zero */
};

/* The open-file fields drivers use; the VFS adds its own after these. */
void *file_private(struct file *f);		/* driver's per-open pointer */
void file_set_private(struct file *f, void *p);
unsigned file_flags(struct file *f);		/* O_* flags (O_NONBLOCK etc.) */
/* an open() that hands the file to another driver's operations (misc, chrdev) */
void file_set_fops(struct file *f, const struct file_operations *fops);
uint32_t file_rdev(struct file *f);		/* device number of a device node */
/* lseek for a file of `size` bytes (SEEK_SET/CUR/END), for drivers' llseek */
int64_t generic_llseek_size(struct file *f, int64_t off, unsigned whence, uint64_t size);
unsigned file_minor(struct file *f);		/* device minor of a char device */

/* Character devices: major/minor -> operations; devfs shows them in /dev. */
#define MKDEV(ma, mi)	(((uint32_t)(ma) << 20) | (mi))
#define MAJOR(d)	((d) >> 20)
#define MINOR(d)	((d) & 0xfffff)
int chrdev_register(unsigned major, const char *name, const struct file_operations *fops);
/* Creates /dev/<name> (may contain one '/': "pts/3"); mode includes S_IFCHR. */
int devfs_create(const char *name, unsigned mode, uint32_t dev, uint32_t uid, uint32_t gid);
int devfs_remove(const char *name);

/*
 * A file with no name (sockets, eventfd...): a fresh inode of type mode (S_IFSOCK
 * etc.) in a hidden file system, with fops and private data priv.  ERR_PTR on error.
 */
struct file *anon_file_create(const struct file_operations *fops, void *priv, unsigned flags,
			      unsigned mode);
/*
 * An unlinked tmpfs file of size bytes, opened read-write: the memory behind a
 * MAP_SHARED anonymous (or /dev/zero) mapping, freed with its last reference.
 * ERR_PTR on error.  May sleep.
 */
struct file *tmpfs_anon_file(size_t size);

/* AF_UNIX names (socknode.c): node is a referenced opaque inode (vfs_sock_put). */
const struct file_operations *file_fops(struct file *f);
int vfs_sock_bind(const char *path, void **node);	/* -EADDRINUSE if it exists */
int vfs_sock_lookup(const char *path, void **node);	/* -ECONNREFUSED: not a socket */
void vfs_sock_put(void *node);
void vfs_sock_unlink(const char *path);

/* Boot: mount the root tmpfs, unpack the initramfs into it, mount devfs etc. */
void vfs_init(void);

/* Building /sys (fs/sysfs.c), for drivers: a directory, a file holding a
 * snapshot of len bytes, a symlink, under dir (NULL dir: nothing, NULL). */
struct dentry;
struct dentry *sysfs_add_dir(struct dentry *dir, const char *name);
struct dentry *sysfs_add_file(struct dentry *dir, const char *name, unsigned mode,
			      const void *data, size_t len);
struct dentry *sysfs_add_link(struct dentry *dir, const char *name, const char *target);

#endif
