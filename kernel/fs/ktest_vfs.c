/*
 * ktest_vfs.c - self-tests of the VFS through its internal entry points (the
 * do_* functions and struct file), from a kernel thread running as root unless a
 * test installs a fake credential.
 */
#include <aegis/errno.h>
#include <aegis/ktest.h>
#include <aegis/mm.h>
#include <aegis/printf.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>

#include "cpio.h"
#include "internal.h"
#include "sys.h"

static ssize_t kwrite(struct file *f, const void *buf, size_t n)
{
	struct io_buf b = { (char *)buf, n, false };
	mutex_lock(&f->pos_lock);
	ssize_t r = vfs_write(f, &b, &f->pos);
	mutex_unlock(&f->pos_lock);
	return r;
}

static ssize_t kread(struct file *f, void *buf, size_t n)
{
	struct io_buf b = { buf, n, false };
	mutex_lock(&f->pos_lock);
	ssize_t r = vfs_read(f, &b, &f->pos);
	mutex_unlock(&f->pos_lock);
	return r;
}

static int open_err(const char *path, int flags)
{
	struct file *f = do_open(AT_FDCWD, path, flags, 0644);
	if (IS_ERR(f))
		return PTR_ERR(f);
	file_put(f);
	return 0;
}

KTEST(vfs_create_read_write)
{
	do_mkdir(AT_FDCWD, "/kt", 0755);
	struct file *f = do_open(AT_FDCWD, "/kt/a", O_RDWR | O_CREAT | O_TRUNC, 0644);
	KT_ASSERT(!IS_ERR(f));
	if (IS_ERR(f))
		return;
	size_t len = 9000;
	char *buf = kmalloc(len), *out = kmalloc(len);
	for (size_t k = 0; k < len; k++)
		buf[k] = (char)(k * 7);
	KT_ASSERT_EQ(kwrite(f, buf, len), len);
	f->pos = 0;
	KT_ASSERT_EQ(kread(f, out, len), len);
	KT_ASSERT(!memcmp(buf, out, len));
	KT_ASSERT_EQ(kread(f, out, 10), 0);
	/* Sparse: a hole reads as zeros. */
	f->pos = 100000;
	KT_ASSERT_EQ(kwrite(f, "x", 1), 1);
	KT_ASSERT_EQ(vfs_file_size(f), 100001);
	KT_ASSERT_EQ(vfs_read_at(f, out, 10, 50000), 10);
	KT_ASSERT(out[0] == 0 && out[9] == 0);
	kfree(buf);
	kfree(out);
	file_put(f);
	KT_ASSERT_EQ(open_err("/kt/a", O_CREAT | O_EXCL | O_RDWR), -EEXIST);
	KT_ASSERT_EQ(open_err("/kt/nope", O_RDONLY), -ENOENT);
	KT_ASSERT_EQ(open_err("/kt/a/b", O_RDONLY), -ENOTDIR);
	KT_ASSERT_EQ(open_err("/kt", O_RDWR), -EISDIR);
	KT_ASSERT_EQ(open_err("/kt/a/", O_RDONLY), -ENOTDIR);
	KT_ASSERT_EQ(open_err("/kt/a", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/kt/a", false), 0);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/kt/a", false), -ENOENT);
}

KTEST(vfs_dirs_rename_link)
{
	struct kstat st;
	do_mkdir(AT_FDCWD, "/kt2", 0755);
	KT_ASSERT_EQ(do_mkdir(AT_FDCWD, "/kt2", 0755), -EEXIST);
	KT_ASSERT_EQ(do_mkdir(AT_FDCWD, "/kt2/d/e", 0755), -ENOENT);
	KT_ASSERT_EQ(do_mkdir(AT_FDCWD, "/kt2/d", 0755), 0);
	KT_ASSERT_EQ(open_err("/kt2/d/f", O_CREAT | O_WRONLY), 0);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/kt2/d", true), -ENOTEMPTY);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/kt2/d", false), -EISDIR);
	KT_ASSERT_EQ(do_link(AT_FDCWD, "/kt2/d/f", AT_FDCWD, "/kt2/g", 0), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt2/g", 0, &st), 0);
	KT_ASSERT_EQ(st.nlink, 2);
	KT_ASSERT_EQ(do_link(AT_FDCWD, "/kt2/d", AT_FDCWD, "/kt2/h", 0), -EPERM);
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/g", AT_FDCWD, "/kt2/d/f", 0), 0);	/* same inode */
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/g", AT_FDCWD, "/kt2/h", 0), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt2/g", 0, &st), -ENOENT);
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/d", AT_FDCWD, "/kt2/d/x", 0), -EINVAL);
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/h", AT_FDCWD, "/kt2/d", 0), -EISDIR);
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/d", AT_FDCWD, "/kt2/h", 0), -ENOTDIR);
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/h", AT_FDCWD, "/kt2/d/f", RENAME_NOREPLACE), -EEXIST);
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/h", AT_FDCWD, "/kt2/d", RENAME_EXCHANGE), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt2/h/f", 0, &st), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt2/d", 0, &st), 0);
	KT_ASSERT(S_ISREG(st.mode));
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/kt2/d", AT_FDCWD, "/proc/x", 0), -EXDEV);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt2/h/../h/./f", 0, &st), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/../../kt2", 0, &st), 0);
	KT_ASSERT(S_ISDIR(st.mode));
}

KTEST(vfs_symlinks)
{
	char buf[64];
	struct kstat st;
	do_mkdir(AT_FDCWD, "/kt3", 0755);
	open_err("/kt3/target", O_CREAT | O_WRONLY);
	KT_ASSERT_EQ(do_symlink("target", AT_FDCWD, "/kt3/l1"), 0);
	KT_ASSERT_EQ(do_symlink("/kt3/l1", AT_FDCWD, "/kt3/l2"), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt3/l2", 0, &st), 0);
	KT_ASSERT(S_ISREG(st.mode));
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt3/l2", AT_SYMLINK_NOFOLLOW, &st), 0);
	KT_ASSERT(S_ISLNK(st.mode));
	KT_ASSERT_EQ(do_readlink(AT_FDCWD, "/kt3/l2", buf, sizeof(buf)), 7);
	KT_ASSERT_EQ(do_readlink(AT_FDCWD, "/kt3/target", buf, sizeof(buf)), -EINVAL);
	KT_ASSERT_EQ(open_err("/kt3/l2", O_RDONLY | O_NOFOLLOW), -ELOOP);
	KT_ASSERT_EQ(do_symlink("loop", AT_FDCWD, "/kt3/loop"), 0);
	KT_ASSERT_EQ(open_err("/kt3/loop", O_RDONLY), -ELOOP);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt3/l2/", 0, &st), -ENOTDIR);
	/* A chain of 40 links resolves; 41 is ELOOP. */
	char name[32], tgt[32];
	for (int k = 1; k <= 41; k++) {
		snprintf(name, sizeof(name), "/kt3/c%d", k);
		snprintf(tgt, sizeof(tgt), k == 1 ? "target" : "c%d", k - 1);
		do_symlink(tgt, AT_FDCWD, name);
	}
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt3/c40", 0, &st), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt3/c41", 0, &st), -ELOOP);
	do_mkdir(AT_FDCWD, "/kt3/dir", 0755);
	do_symlink("dir", AT_FDCWD, "/kt3/dl");
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/kt3/dl/", AT_SYMLINK_NOFOLLOW, &st), 0);
	KT_ASSERT(S_ISDIR(st.mode));
}

KTEST(vfs_names_too_long)
{
	char *p = kmalloc(PATH_MAX + 10);
	struct kstat st;
	memset(p, 'a', 300);
	p[0] = '/';
	p[257] = 0;		/* a 256-character component */
	KT_ASSERT_EQ(do_stat(AT_FDCWD, p, 0, &st), -ENAMETOOLONG);
	p[256] = 0;		/* 255: fine, just absent */
	KT_ASSERT_EQ(do_stat(AT_FDCWD, p, 0, &st), -ENOENT);
	for (int k = 0; k < PATH_MAX + 5; k++)
		p[k] = k % 2 ? '/' : '.';
	p[PATH_MAX] = 0;
	KT_ASSERT_EQ(do_stat(AT_FDCWD, p, 0, &st), -ENAMETOOLONG);
	p[PATH_MAX - 1] = 0;
	KT_ASSERT_EQ(do_stat(AT_FDCWD, p, 0, &st), 0);
	kfree(p);
}

KTEST(vfs_permissions)
{
	struct process fake;
	struct task *t = current_task();
	struct process *saved = t->proc;
	memset(&fake, 0, sizeof(fake));
	fake.cred.uid = fake.cred.euid = fake.cred.fsuid = 1000;
	fake.cred.gid = fake.cred.egid = fake.cred.fsgid = 1000;
	do_mkdir(AT_FDCWD, "/kt4", 0755);
	open_err("/kt4/secret", O_CREAT | O_WRONLY);
	struct nameidata nd = { 0 };
	mutex_lock(&vfs_ns_lock);
	path_walk(NULL, "/kt4/secret", 0, &nd);
	nd.d->inode->mode = S_IFREG | 0600;
	dput(nd.d);
	mutex_unlock(&vfs_ns_lock);
	t->proc = &fake;
	KT_ASSERT_EQ(open_err("/kt4/secret", O_RDONLY), -EACCES);
	KT_ASSERT_EQ(open_err("/kt4/new", O_CREAT | O_WRONLY), -EACCES);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/kt4/secret", false), -EACCES);
	KT_ASSERT_EQ(do_mkdir(AT_FDCWD, "/tmp/mine", 0700), 0);
	KT_ASSERT_EQ(open_err("/tmp/mine/f", O_CREAT | O_WRONLY), 0);
	t->proc = saved;
	/* Root reads anything but executes only with some x bit. */
	KT_ASSERT_EQ(open_err("/kt4/secret", O_RDONLY), 0);
	struct file *f = do_open(AT_FDCWD, "/kt4/secret", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	if (!IS_ERR(f)) {
		KT_ASSERT_EQ(vfs_check_exec(f), -EACCES);
		file_put(f);
	}
}

KTEST(vfs_big_directory)
{
	char name[32];
	int n = 100000, errs = 0;
	do_mkdir(AT_FDCWD, "/big", 0755);
	for (int k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "/big/f%d", k);
		errs += open_err(name, O_CREAT | O_WRONLY) != 0;
	}
	KT_ASSERT_EQ(errs, 0);
	struct file *d = do_open(AT_FDCWD, "/big", O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(!IS_ERR(d));
	char *buf = kmalloc(32768);
	long entries = 0;
	for (;;) {
		struct io_buf b = { buf, 32768, false };
		ssize_t r = dir_getdents(d, &b);
		if (r <= 0)
			break;
		for (ssize_t o = 0; o < r; o += *(uint16_t *)(buf + o + 16))
			entries++;
	}
	KT_ASSERT_EQ(entries, n + 2);
	kfree(buf);
	file_put(d);
	for (int k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "/big/f%d", k);
		errs += do_unlink(AT_FDCWD, name, false) != 0;
	}
	KT_ASSERT_EQ(errs, 0);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/big", true), 0);
}

/* One name per getdents call: the buffer holds one record of a short name. */
static int getdents_one(struct file *d, char *name, size_t size)
{
	char buf[32]; /* a record is 19 bytes + name + NUL, rounded up to 8 */
	struct io_buf b = { buf, sizeof(buf), false };
	ssize_t r = dir_getdents(d, &b);
	if (r <= 0)
		return (int)r;
	strlcpy(name, buf + 19, size);
	return 1;
}

/*
 * getdents resumes after the last entry it returned (dir.c): unlinking that
 * entry, unlinking one not yet returned, renaming into the directory and
 * seeking back to 0 between calls must still give each remaining name once.
 */
KTEST(vfs_getdents_resume_after_changes)
{
	char name[32];
	int seen[8] = { 0 }, extra = 0, other = 0;
	do_mkdir(AT_FDCWD, "/gd", 0755);
	for (int k = 0; k < 8; k++) {
		snprintf(name, sizeof(name), "/gd/f%d", k);
		KT_ASSERT_EQ(open_err(name, O_CREAT | O_WRONLY), 0);
	}
	KT_ASSERT_EQ(open_err("/gd-moved", O_CREAT | O_WRONLY), 0);
	struct file *d = do_open(AT_FDCWD, "/gd", O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(!IS_ERR(d));
	if (IS_ERR(d))
		return;
	for (int step = 0; getdents_one(d, name, sizeof(name)) > 0; step++) {
		int k;
		if (name[0] == '.')
			continue;
		if (!strcmp(name, "moved"))
			extra++;
		else if (name[0] == 'f' && (k = name[1] - '0') >= 0 && k < 8)
			seen[k]++;
		else
			other++;
		if (!strcmp(name, "f2")) { /* the cursor entry itself goes away */
			KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/gd/f2", false), 0);
			KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/gd/f5", false), 0); /* not yet seen */
			KT_ASSERT_EQ(do_rename(AT_FDCWD, "/gd-moved", AT_FDCWD, "/gd/moved", 0), 0);
		}
	}
	for (int k = 0; k < 8; k++)
		KT_ASSERT_EQ(seen[k], k == 5 ? 0 : 1);
	KT_ASSERT_EQ(extra, 1);
	KT_ASSERT_EQ(other, 0);
	/* back to the start: every current name once more */
	d->pos = 0;
	int again = 0;
	while (getdents_one(d, name, sizeof(name)) > 0)
		again += name[0] != '.';
	KT_ASSERT_EQ(again, 7); /* f0..f7 without f2 and f5, plus moved */
	file_put(d);
	for (int k = 0; k < 8; k++) {
		snprintf(name, sizeof(name), "/gd/f%d", k);
		do_unlink(AT_FDCWD, name, false);
	}
	do_unlink(AT_FDCWD, "/gd/moved", false);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/gd", true), 0);
}

KTEST(tmpfs_truncate_and_mmap)
{
	struct file *f = do_open(AT_FDCWD, "/tmp/t", O_RDWR | O_CREAT | O_TRUNC, 0644);
	KT_ASSERT(!IS_ERR(f));
	if (IS_ERR(f))
		return;
	KT_ASSERT_EQ(kwrite(f, "hello world", 11), 11);
	paddr_t pa;
	KT_ASSERT_EQ(vfs_mmap_page(f, 0, &pa), 0);
	KT_ASSERT(!memcmp(phys_to_virt(pa), "hello", 5));
	page_put(pa);
	KT_ASSERT_EQ(vfs_mmap_page(f, 1, &pa), -EIO);
	KT_ASSERT_EQ(do_truncate_inode(f->inode, 5), 0);
	KT_ASSERT_EQ(do_truncate_inode(f->inode, 11), 0);
	char out[11];
	KT_ASSERT_EQ(vfs_read_at(f, out, 11, 0), 11);
	KT_ASSERT(!memcmp(out, "hello\0\0\0\0\0\0", 11));
	file_put(f);
}

/* ktdir/ and ktdir/file ("hello"), made by a few lines of Python. */
static const char tiny_cpio[] =
	"\x30\x37\x30\x37\x30\x31\x30\x30\x30\x30\x30\x30\x30\x31\x30\x30"
	"\x30\x30\x34\x31\x65\x64\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x32\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x36\x30\x30\x30\x30\x30\x30\x30\x30\x6b\x74"
	"\x64\x69\x72\x00\x30\x37\x30\x37\x30\x31\x30\x30\x30\x30\x30\x30"
	"\x30\x32\x30\x30\x30\x30\x38\x31\x61\x34\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x31\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x35\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x62\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x6b\x74\x64\x69\x72\x2f\x66\x69\x6c\x65\x00\x00\x00\x00"
	"\x68\x65\x6c\x6c\x6f\x00\x00\x00\x30\x37\x30\x37\x30\x31\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x31\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x62\x30\x30"
	"\x30\x30\x30\x30\x30\x30\x54\x52\x41\x49\x4c\x45\x52\x21\x21\x21"
	"\x00\x00\x00\x00";

KTEST(vfs_initramfs_unpack)
{
	struct kstat st;
	char out[8];
	KT_ASSERT_EQ(initramfs_unpack((const uint8_t *)tiny_cpio, sizeof(tiny_cpio) - 1, "ktest"), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/ktdir/file", 0, &st), 0);
	KT_ASSERT_EQ(st.size, 5);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0644);
	struct file *f = do_open(AT_FDCWD, "/ktdir/file", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	if (!IS_ERR(f)) {
		KT_ASSERT_EQ(vfs_read_at(f, out, 8, 0), 5);
		KT_ASSERT(!memcmp(out, "hello", 5));
		file_put(f);
	}
	/* Truncated: rejected, no panic. */
	KT_ASSERT(initramfs_unpack((const uint8_t *)tiny_cpio, 150, "truncated") < 0);
}

KTEST(vfs_devices)
{
	char buf[16];
	struct file *f = do_open(AT_FDCWD, "/dev/zero", O_RDWR, 0);
	KT_ASSERT(!IS_ERR(f));
	if (!IS_ERR(f)) {
		memset(buf, 1, sizeof(buf));
		KT_ASSERT_EQ(kread(f, buf, sizeof(buf)), sizeof(buf));
		KT_ASSERT(buf[0] == 0 && buf[15] == 0);
		file_put(f);
	}
	f = do_open(AT_FDCWD, "/dev/full", O_WRONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	if (!IS_ERR(f)) {
		KT_ASSERT_EQ(kwrite(f, "x", 1), -ENOSPC);
		file_put(f);
	}
	f = do_open(AT_FDCWD, "/dev/null", O_RDWR, 0);
	KT_ASSERT(!IS_ERR(f));
	if (!IS_ERR(f)) {
		KT_ASSERT_EQ(kread(f, buf, 4), 0);
		KT_ASSERT_EQ(kwrite(f, "abc", 3), 3);
		file_put(f);
	}
	uint64_t a = 0, b = 0;
	f = do_open(AT_FDCWD, "/dev/urandom", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	if (!IS_ERR(f)) {
		kread(f, &a, 8);
		kread(f, &b, 8);
		KT_ASSERT(a != b);
		file_put(f);
	}
}

struct pipe_ctx {
	struct file *w;
	size_t total;
};

static void pipe_writer(void *arg)
{
	struct pipe_ctx *c = arg;
	char buf[1000];
	for (size_t k = 0; k < c->total; k += sizeof(buf)) {
		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = (char)(k + j);
		struct io_buf b = { buf, sizeof(buf), false };
		uint64_t pos = 0;
		vfs_write(c->w, &b, &pos);
	}
	file_put(c->w);
	kthread_exit(0);
}

KTEST(pipe_two_threads)
{
	struct file *r, *w;
	KT_ASSERT_EQ(pipe_create(&r, &w, 0), 0);
	struct pipe_ctx c = { w, 1000 * 1000 };
	struct task *t = kthread_create(pipe_writer, &c, "pipe_w");
	kthread_start(t);
	char buf[4096] = { 0 };
	size_t got = 0, bad = 0;
	for (;;) {
		struct io_buf b = { buf, sizeof(buf), false };
		uint64_t pos = 0;
		ssize_t n = vfs_read(r, &b, &pos);
		if (n <= 0)
			break;
		for (ssize_t j = 0; j < n; j++)
			bad += buf[j] != (char)(got + j);
		got += n;
	}
	KT_ASSERT_EQ(got, c.total);
	KT_ASSERT_EQ(bad, 0);
	kthread_join(t);
	/* Reader gone: EPIPE. */
	struct file *r2, *w2;
	KT_ASSERT_EQ(pipe_create(&r2, &w2, O_NONBLOCK), 0);
	struct io_buf b = { buf, 10, false };
	uint64_t pos = 0;
	KT_ASSERT_EQ(vfs_read(r2, &b, &pos), -EAGAIN);
	file_put(r2);
	KT_ASSERT_EQ(vfs_write(w2, &b, &pos), -EPIPE);
	file_put(w2);
	file_put(r);
}

KTEST(vfs_cpio_sanitize)
{
	char out[64];
	KT_ASSERT_EQ(cpio_sanitize("../../etc/passwd", 16, out, sizeof(out)), 10);
	KT_ASSERT(!strcmp(out, "etc/passwd"));
	KT_ASSERT_EQ(cpio_sanitize("/./a//b/..", 10, out, sizeof(out)), 3);
	KT_ASSERT(!strcmp(out, "a/b"));
}

static ssize_t read_file(const char *path, char *buf, size_t n)
{
	struct file *f = do_open(AT_FDCWD, path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ssize_t r = kread(f, buf, n - 1);
	buf[r > 0 ? r : 0] = 0;
	file_put(f);
	return r;
}

KTEST(procfs_system_files)
{
	char *buf = kmalloc(4096);
	KT_ASSERT(read_file("/proc/meminfo", buf, 4096) > 0);
	KT_ASSERT(!strncmp(buf, "MemTotal:", 9));
	KT_ASSERT(read_file("/proc/mounts", buf, 4096) > 0);
	KT_ASSERT(strstr(buf, "proc /proc proc rw 0 0\n") != NULL);
	KT_ASSERT(strstr(buf, "rootfs / tmpfs rw 0 0\n") != NULL);
	KT_ASSERT(read_file("/proc/uptime", buf, 4096) > 0);
	KT_ASSERT(strchr(buf, '.') != NULL);
	KT_ASSERT(read_file("/proc/sys/kernel/ostype", buf, 4096) == 6);
	KT_ASSERT(!strcmp(buf, "Linux\n"));
	KT_ASSERT_EQ(read_file("/proc/99999/stat", buf, 4096), -ENOENT);
	KT_ASSERT_EQ(read_file("/proc/nonexistent", buf, 4096), -ENOENT);
	struct file *d = do_open(AT_FDCWD, "/proc", O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(!IS_ERR(d));
	if (!IS_ERR(d)) {
		struct io_buf b = { buf, 4096, false };
		ssize_t r = dir_getdents(d, &b);
		KT_ASSERT(r > 0);
		bool found = false;
		for (ssize_t o = 0; o < r; o += *(uint16_t *)(buf + o + 16))
			found |= !strcmp(buf + o + 19, "meminfo");
		KT_ASSERT(found);
		file_put(d);
	}
	kfree(buf);
}

static void fifo_writer(void *arg)
{
	struct file *f = do_open(AT_FDCWD, "/tmp/fifo", O_WRONLY, 0);
	if (!IS_ERR(f)) {
		kwrite(f, "ping", 4);
		file_put(f);
	}
	kthread_exit(IS_ERR(f) ? 1 : 0);
}

KTEST(pipe_fifo_open_blocks_until_writer)
{
	char buf[8];
	KT_ASSERT_EQ(do_mknod(AT_FDCWD, "/tmp/fifo", S_IFIFO | 0644, 0), 0);
	KT_ASSERT_EQ(open_err("/tmp/fifo", O_WRONLY | O_NONBLOCK), -ENXIO);
	struct task *t = kthread_create(fifo_writer, NULL, "fifo_w");
	kthread_start(t);
	struct file *r = do_open(AT_FDCWD, "/tmp/fifo", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(r));
	if (!IS_ERR(r)) {
		KT_ASSERT_EQ(kread(r, buf, 4), 4);
		KT_ASSERT(!memcmp(buf, "ping", 4));
		KT_ASSERT_EQ(kthread_join(t), 0);
		KT_ASSERT_EQ(kread(r, buf, 4), 0);	/* writer gone: EOF */
		file_put(r);
	}
	do_unlink(AT_FDCWD, "/tmp/fifo", false);
}

KTEST(vfs_mount_tmpfs)
{
	struct kstat st;
	do_mkdir(AT_FDCWD, "/mnt", 0755);
	KT_ASSERT_EQ(do_mount("none", "/mnt", "tmpfs", 0, NULL), 0);
	KT_ASSERT_EQ(open_err("/mnt/x", O_CREAT | O_WRONLY), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/mnt/../mnt/x", 0, &st), 0);
	KT_ASSERT_EQ(do_rename(AT_FDCWD, "/mnt/x", AT_FDCWD, "/tmp/x", 0), -EXDEV);
	KT_ASSERT_EQ(do_unlink(AT_FDCWD, "/mnt", true), -EBUSY);
	KT_ASSERT_EQ(do_mount("none", "/mnt", "nosuchfs", 0, NULL), -ENODEV);
	KT_ASSERT_EQ(do_umount("/mnt", 0), 0);
	KT_ASSERT_EQ(do_stat(AT_FDCWD, "/mnt/x", 0, &st), -ENOENT);
}

KTEST(vfs_fd_table_limits)
{
	struct process fake;
	struct task *t = current_task();
	struct process *saved = t->proc;
	memset(&fake, 0, sizeof(fake));
	fake.rlim[RLIMIT_NOFILE].cur = fake.rlim[RLIMIT_NOFILE].max = 2000;
	fake.files = files_create();
	fake.fs = saved && saved->fs ? saved->fs : NULL;
	t->proc = &fake;
	struct file *f = do_open(AT_FDCWD, "/dev/null", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	if (!IS_ERR(f)) {
		int last = -1, err = 0;
		for (int k = 0; k < 2100; k++) {
			file_get(f);
			int fd = fd_install(fake.files, f, k & 1);
			if (fd < 0) {
				file_put(f);
				err = fd;
				break;
			}
			last = fd;
		}
		KT_ASSERT_EQ(last, 1999);
		KT_ASSERT_EQ(err, -EMFILE);
		KT_ASSERT_EQ(fd_get_cloexec(fake.files, 1), 1);
		KT_ASSERT_EQ(fd_get_cloexec(fake.files, 2), 0);
		struct files_struct *copy = files_clone(fake.files);
		KT_ASSERT(copy != NULL);
		files_close_on_exec(copy);
		KT_ASSERT_EQ(fd_get_cloexec(copy, 1), -EBADF);
		KT_ASSERT_EQ(fd_get_cloexec(copy, 2), 0);
		files_put(copy);
		KT_ASSERT_EQ(fd_close(fake.files, 1500), 0);
		file_get(f);
		KT_ASSERT_EQ(fd_install(fake.files, f, false), 1500);
		file_get(f);
		KT_ASSERT_EQ(fd_replace(fake.files, 2000, f, false), -EBADF);
		file_put(f);
		file_put(f);
	}
	t->proc = saved;
	files_put(fake.files);
}

KTEST(vfs_flock_conflicts)
{
	struct file *a = do_open(AT_FDCWD, "/tmp/lockme", O_RDWR | O_CREAT, 0644);
	struct file *b = do_open(AT_FDCWD, "/tmp/lockme", O_RDWR, 0);
	KT_ASSERT(!IS_ERR(a) && !IS_ERR(b));
	if (IS_ERR(a) || IS_ERR(b))
		return;
	KT_ASSERT_EQ(do_flock(a, LOCK_EX), 0);
	KT_ASSERT_EQ(do_flock(b, LOCK_SH | LOCK_NB), -EAGAIN);
	KT_ASSERT_EQ(do_flock(a, LOCK_SH), 0);		/* downgrade */
	KT_ASSERT_EQ(do_flock(b, LOCK_SH | LOCK_NB), 0);
	KT_ASSERT_EQ(do_flock(b, LOCK_EX | LOCK_NB), -EAGAIN);
	file_put(a);					/* close releases */
	KT_ASSERT_EQ(do_flock(b, LOCK_EX | LOCK_NB), 0);
	KT_ASSERT_EQ(do_flock(b, 0), -EINVAL);
	file_put(b);
	do_unlink(AT_FDCWD, "/tmp/lockme", false);
}
