/*
 * internal.h - the VFS's private structures, shared by kernel/fs/ only.
 *
 * The name space is a tree of dentries.  Every positive dentry of an in-memory
 * file system (tmpfs, devfs, sysfs) is pinned by its parent for as long as it is
 * linked, so the dentry tree *is* the directory contents and lookups never miss
 * into the file system; procfs builds its dentries on lookup instead.  Mounts are
 * one per super block (no bind mounts yet): a dentry's super block says which
 * mount it is under, and sb->covered is the dentry the mount hides.
 *
 * Locking key: [ns] the global name-space mutex (vfs_ns_lock) - held across every
 * path walk and every change to the tree (link, unlink, rename, mount); [i->lock]
 * the inode's mutex (file data, size); [a] atomic; [I] immutable.
 */
#ifndef AEGIS_FS_INTERNAL_H
#define AEGIS_FS_INTERNAL_H

#include <aegis/list.h>
#include <aegis/sched.h>
#include <aegis/spinlock.h>
#include <aegis/types.h>
#include <aegis/vfs.h>
#include <aegis/fs_abi.h>

struct super_block;
struct dentry;
struct inode;

struct inode_operations {
	/* Creates a dentry for name under dir, or returns ERR_PTR(-ENOENT). */
	struct dentry *(*lookup)(struct inode *dir, struct dentry *parent, const char *name);
	/* New inode (tmpfs-like file systems); dir->lock not held. */
	struct inode *(*mknod)(struct super_block *sb, unsigned mode, uint32_t rdev);
	int (*readlink)(struct dentry *d, char *buf, size_t size);	/* returns length */
	/* Magic links (/proc/<pid>/fd/N, exe, cwd): the target itself, referenced. */
	struct dentry *(*get_link)(struct dentry *d);
	int (*setsize)(struct inode *i, uint64_t size);			/* i->lock held */
	/* false: the cached dentry is stale (procfs); [ns] held */
	bool (*revalidate)(struct dentry *d);
	/* Lists dir entries after cookie *pos; procfs only (dentry lists otherwise). */
	int (*iterate)(struct file *f, int (*emit)(void *ctx, const char *name,
		       uint64_t ino, unsigned type, uint64_t next), void *ctx);
};

struct inode {
	uint64_t ino;				/* [I] */
	unsigned mode;				/* [ns] type + permission bits */
	uint32_t uid, gid;			/* [ns] */
	unsigned nlink;				/* [ns] */
	bool linkable;				/* [ns] O_TMPFILE: may get a name at nlink 0 */
	uint32_t rdev;				/* [I] */
	int refcount;				/* [a] dentries + open files */
	uint64_t size;				/* [lock] */
	int64_t atime, mtime, ctime;		/* ns since the epoch */
	struct mutex lock;
	struct super_block *sb;			/* [I] */
	const struct inode_operations *iop;	/* [I] */
	const struct file_operations *fop;	/* [I] */
	/* tmpfs: data pages (radix of page pointers), symlink text, pipe */
	paddr_t **pages;			/* [lock] 512 x 512 page table, lazily */
	size_t npages_alloc;			/* [lock] pages held */
	char *symlink;				/* [I] */
	struct pipe *pipe;			/* FIFO: created on first open [ns] */
	void *priv;				/* file system's */
	struct file_lock *locks;		/* [lock] POSIX record locks */
};

#define DNAME_INLINE	32

struct dentry {
	char *name;				/* [ns] d_iname or kmalloc */
	size_t namelen;				/* [ns] */
	char d_iname[DNAME_INLINE];
	struct dentry *parent;			/* [ns] referenced; NULL at a root */
	struct inode *inode;			/* [ns] NULL once unlinked */
	int refcount;				/* [a] */
	struct dentry *hash_next;		/* [ns] */
	struct list_head children;		/* [ns] linked children, in creation order */
	struct list_head sibling;		/* [ns] */
	uint64_t seq;				/* [ns] readdir cookie within parent */
	uint64_t next_seq;			/* [ns] for children */
	uint64_t children_gen;			/* [ns] bumped when a child leaves children */
	struct super_block *sb;			/* [I] */
	struct super_block *mounted;		/* [ns] what is mounted on top, or NULL */
	bool hashed;				/* [ns] */
	void *priv;				/* procfs */
};

struct fs_type {
	const char *name;
	/* Creates a super block with its root dentry (referenced); flags are
	 * the mount's MS_* (ext2 needs MS_RDONLY). */
	struct super_block *(*mount)(const char *source, const void *data, unsigned long flags);
	/* an inode of this file system is freed: release its priv */
	void (*evict)(struct inode *i);
	bool nodev;				/* "nodev" in /proc/filesystems */
};

struct super_block {
	const struct fs_type *type;		/* [I] */
	struct dentry *root;			/* [I] */
	struct dentry *covered;			/* [ns] mount point (referenced), NULL for / */
	char source[32];			/* [I] */
	unsigned long flags;			/* [ns] MS_RDONLY etc. */
	uint64_t magic;				/* [I] statfs f_type */
	uint64_t next_ino;			/* [a] */
	uint64_t pages_used;			/* [a] tmpfs data pages */
	uint32_t dev;				/* [I] st_dev */
	struct list_head mounts_node;		/* [ns] */
	void *priv;
};

struct file {
	int refcount;				/* [a] */
	unsigned flags;				/* [a] O_* status flags */
	struct mutex pos_lock;
	uint64_t pos;				/* [pos_lock] */
	struct dentry *dentry;			/* [I] referenced; NULL for anonymous */
	struct inode *inode;			/* [I] referenced */
	const struct file_operations *fop;	/* [I] */
	void *private;				/* driver's */
	void *dir_cursor;			/* readdir state */
	/* getdents resumes after this child (the last one returned) while the
	 * directory's children_gen is unchanged: no child has left the list, so the
	 * pointer is still linked (pinned).  Saves rescanning from the start. */
	struct dentry *dir_last;		/* [pos_lock] */
	uint64_t dir_last_gen;			/* [pos_lock] */
	bool flock_held;
	int flock_type;
};

struct files_struct {
	int refcount;				/* [a] */
	struct spinlock lock;
	int max;				/* [lock] size of fd[] */
	struct file **fd;			/* [lock] */
	uint64_t *cloexec;			/* [lock] bitmap */
};

struct fs_struct {
	int refcount;				/* [a] */
	struct spinlock lock;
	struct dentry *root, *cwd;		/* [lock] referenced */
	unsigned umask;				/* [a] */
};

extern struct mutex vfs_ns_lock;
extern struct dentry *vfs_root;			/* the root file system's root */
extern struct list_head vfs_mounts;		/* [ns] super blocks, mount order */

/* dcache.c */
struct dentry *d_alloc(struct super_block *sb, struct dentry *parent, const char *name,
		       size_t len);
void d_instantiate(struct dentry *d, struct inode *i);
void d_add(struct dentry *d);			/* hash + link under parent (pinned) */
void d_drop(struct dentry *d);			/* unhash + unlink; drops the pin */
void d_drop_tree(struct dentry *d);
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len);
int d_move(struct dentry *d, struct dentry *parent, const char *name, size_t len);
void dget(struct dentry *d);
void dput(struct dentry *d);
struct inode *inode_alloc(struct super_block *sb, unsigned mode);
void iget(struct inode *i);
void iput(struct inode *i);
int64_t vfs_now(void);
void inode_touch(struct inode *i, bool m, bool c);

/* namei.c */
#define LOOKUP_FOLLOW	0x1			/* follow a final symlink */
#define LOOKUP_DIRECTORY 0x2			/* the final component must be a directory */
#define LOOKUP_PARENT	0x4			/* stop at the parent, return last name */
struct nameidata {
	struct dentry *d;			/* result (referenced) */
	struct dentry *parent;			/* LOOKUP_PARENT: parent (referenced) */
	char last[NAME_MAX + 1];		/* LOOKUP_PARENT: final component */
	bool trailing_slash;
	int depth;				/* symlinks followed */
};
/* Resolves path relative to base (NULL: cwd); [ns] held.  0 or -errno. */
int path_walk(struct dentry *base, const char *path, unsigned flags, struct nameidata *nd);
struct dentry *lookup_child(struct dentry *dir, const char *name, size_t len);
int dentry_path(struct dentry *d, char *buf, size_t size);
int inode_permission(struct inode *i, int mask);	/* MAY_* */
struct cred;
int inode_permission_cred(struct inode *i, int mask, const struct cred *c);
#define MAY_EXEC	1
#define MAY_WRITE	2
#define MAY_READ	4
bool cur_is_owner_or_root(struct inode *i);
const struct cred *cur_cred(void);
struct fs_struct *cur_fs(void);
struct files_struct *cur_files(void);
/* Base dentry for *at() calls (referenced) or ERR_PTR. */
struct dentry *at_base(int dfd, const char *path);

/* file.c */
struct file *file_alloc(struct dentry *d, struct inode *i, unsigned flags);
struct file *fget_raw(struct files_struct *fs, int fd);
/* RLIMIT_NOFILE of the caller, capped at 2^20 (fs.nr_open). */
int fd_nofile_limit(void);
int fd_alloc_from(struct files_struct *fs, struct file *f, int minfd, bool cloexec);
long fd_close(struct files_struct *fs, int fd);
ssize_t vfs_read(struct file *f, struct io_buf *b, uint64_t *pos);
ssize_t vfs_write(struct file *f, struct io_buf *b, uint64_t *pos);
int file_open_inode(struct file *f);

/* open.c / namei ops */
struct file *do_open(int dfd, const char *path, int flags, unsigned mode);
int do_mknod(int dfd, const char *path, unsigned mode, uint32_t dev);
int do_mkdir(int dfd, const char *path, unsigned mode);
int do_unlink(int dfd, const char *path, bool dir);
int do_rename(int odfd, const char *oldp, int ndfd, const char *newp, unsigned flags);
int do_link(int odfd, const char *oldp, int ndfd, const char *newp, int flags);
int do_symlink(const char *target, int dfd, const char *path);
int do_readlink(int dfd, const char *path, char *buf, size_t size);
int do_stat(int dfd, const char *path, int flags, struct kstat *st);
void inode_stat(struct inode *i, struct kstat *st);
int do_truncate_inode(struct inode *i, uint64_t size);
int do_mount(const char *source, const char *target, const char *type,
	     unsigned long flags, const void *data);

/* tmpfs.c */
extern const struct fs_type tmpfs_type;
extern const struct file_operations tmpfs_file_fops, tmpfs_dir_fops, tmpfs_anon_fops;
struct super_block *sb_alloc(const struct fs_type *t, uint64_t magic);
struct super_block *anon_super(void);	/* anon.c: the hidden super block of unnamed files */
int tmpfs_getpage(struct inode *i, uint64_t idx, bool create, paddr_t *pa);
/* Zeroes [off, off+len), freeing whole pages; the size stays.  i->lock held. */
void tmpfs_punch_hole(struct inode *i, uint64_t off, uint64_t len);
struct inode *tmpfs_new_inode(struct super_block *sb, unsigned mode, uint32_t rdev);
struct inode *tmpfs_make(struct super_block *sb, unsigned mode, uint32_t rdev);
struct super_block *tmpfs_fill(const struct fs_type *t, uint64_t magic, unsigned mode);
int fd_replace(struct files_struct *fs, int fd, struct file *f, bool cloexec);
int fd_get_cloexec(struct files_struct *fs, int fd);
int fd_set_cloexec_checked(struct files_struct *fs, int fd, bool on);
int register_filesystem(const struct fs_type *t);
const struct fs_type *fs_type_find(const char *name);
int fs_type_list(char *buf, size_t size);

/* dir.c */
ssize_t dir_getdents(struct file *f, struct io_buf *b);

/* devfs.c, pipe.c */
const struct file_operations *chrdev_fops(uint32_t dev);
extern const struct file_operations fifo_fops;
void pipe_free(struct pipe *p);
int pipe_create(struct file **rf, struct file **wf, unsigned flags);
void devfs_init(void);
void procfs_init(void);
void sysfs_init(void);
extern const struct fs_type devfs_type, procfs_type, sysfs_type;

/* initramfs.c */
int initramfs_unpack(const uint8_t *buf, size_t len, const char *what);

/* lock.c */
void locks_remove_posix(struct file *f, struct files_struct *owner);

/* poll */
struct poll_table {
	struct poll_entry *entries;		/* registered queue entries */
	struct task *task;
};

#endif
