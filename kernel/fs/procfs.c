/*
 * procfs.c - /proc, in the formats Linux uses so busybox ps, top, free, uptime,
 * mount and df parse it.
 *
 * Files are generated whole at open into a buffer (a snapshot, like seq_file's
 * single-record case) and read from there.  The static part of the tree is made
 * at mount and pinned like tmpfs; /proc/<pid> directories are built by lookup
 * and listed by iterate from the live process list.  A per-pid inode keeps the
 * pid in i->rdev and its generator in i->priv.
 */
#include <aegis/bootinfo.h>
#include <aegis/cpufeature.h>
#include <aegis/errno.h>
#include <aegis/kernel.h>
#include <aegis/mm.h>
#include <aegis/net.h>
#include <aegis/printf.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/random.h>
#include <aegis/string.h>
#include <aegis/vm.h>

#include "internal.h"
#include "sys.h"

#define GEN_SIZE	(64 * 1024)
#define HZ		100

typedef int (*gen_fn)(int pid, char *buf, size_t size);

struct gen_buf {
	char *text;
	size_t len;
};

static int gen_open(struct file *f)
{
	gen_fn gen = f->inode->priv;
	struct gen_buf *g = kzalloc(sizeof(*g));

	if (!g || !(g->text = kmalloc(GEN_SIZE))) {
		kfree(g);
		return -ENOMEM;
	}
	int n = gen((int)f->inode->rdev, g->text, GEN_SIZE);
	if (n < 0) {
		kfree(g->text);
		kfree(g);
		return n;
	}
	g->len = MIN((size_t)n, (size_t)GEN_SIZE - 1);
	f->private = g;
	return 0;
}

static ssize_t gen_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct gen_buf *g = f->private;

	if (*pos >= g->len)
		return 0;
	size_t n = MIN(b->len, g->len - *pos);
	if (iob_copy_to(b, 0, g->text + *pos, n))
		return -EFAULT;
	*pos += n;
	return (ssize_t)n;
}

static void gen_release(struct file *f)
{
	struct gen_buf *g = f->private;
	if (g) {
		kfree(g->text);
		kfree(g);
	}
}

static const struct file_operations gen_fops = {
	.open = gen_open, .read = gen_read, .release = gen_release,
};

static struct inode *proc_inode(struct super_block *sb, unsigned mode, int pid)
{
	struct inode *i = inode_alloc(sb, mode);
	if (i) {
		i->rdev = pid;
		i->nlink = S_ISDIR(mode) ? 2 : 1;
	}
	return i;
}

/* Adds a child dentry (pinned) for inode i. */
static struct dentry *proc_add(struct dentry *dir, const char *name, struct inode *i)
{
	struct dentry *d = i ? d_alloc(dir->sb, dir, name, strlen(name)) : NULL;
	if (!d) {
		iput(i);
		return NULL;
	}
	d_instantiate(d, i);
	d_add(d);
	dput(d);
	return d;
}

static struct dentry *add_gen(struct dentry *dir, const char *name, gen_fn gen, int pid,
			      unsigned mode)
{
	struct inode *i = proc_inode(dir->sb, S_IFREG | mode, pid);
	if (i) {
		i->fop = &gen_fops;
		i->priv = gen;
	}
	return proc_add(dir, name, i);
}

/* ---- per-process files ---- */

static char state_char(struct process *p)
{
	return p->state == PROC_ZOMBIE ? 'Z' : p->stop_signal ? 'T'
	       : p == current_proc() ? 'R' : 'S';
}

#define WITH_PROC(pid, p)						\
	struct process *p = proc_find(pid);				\
	if (!p)								\
		return -ESRCH

static uint64_t ticks(uint64_t ns) { return ns / (NSEC_PER_SEC / HZ); }

static int gen_stat(int pid, char *buf, size_t size)
{
	WITH_PROC(pid, p);
	size_t vsz = p->mm ? vm_total_pages(p->mm) * PAGE_SIZE : 0;
	size_t rss = p->mm ? vm_rss_pages(p->mm) : 0;
	int n = snprintf(buf, size,
		"%d (%s) %c %d %d %d 0 -1 4194304 %llu 0 %llu 0 %llu %llu %llu %llu 20 0 %d 0 "
		"%llu %zu %zu 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
		p->pid, p->comm, state_char(p), p->parent ? p->parent->pid : 0, p->pgid, p->sid,
		(unsigned long long)p->min_flt, (unsigned long long)p->maj_flt,
		(unsigned long long)ticks(p->utime_ns), (unsigned long long)ticks(p->stime_ns),
		(unsigned long long)ticks(p->cutime_ns), (unsigned long long)ticks(p->cstime_ns),
		p->nr_threads ? p->nr_threads : 1, (unsigned long long)ticks(p->start_ns),
		vsz, rss, p->exit_status);
	proc_put(p);
	return n;
}

static int gen_status(int pid, char *buf, size_t size)
{
	WITH_PROC(pid, p);
	static const char *names[] = { "S (sleeping)", "Z (zombie)", "T (stopped)", "R (running)" };
	const char *st = p->state == PROC_ZOMBIE ? names[1] : p->stop_signal ? names[2]
			 : p == current_proc() ? names[3] : names[0];
	size_t vsz = p->mm ? vm_total_pages(p->mm) * 4 : 0;
	size_t rss = p->mm ? vm_rss_pages(p->mm) * 4 : 0;
	size_t hwm = p->mm ? vm_rss_peak_pages(p->mm) * 4 : 0;
	struct cred *c = &p->cred;
	int n = snprintf(buf, size,
		"Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
		"TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t\n"
		"VmPeak:\t%8zu kB\nVmSize:\t%8zu kB\nVmHWM:\t%8zu kB\nVmRSS:\t%8zu kB\n"
		"Threads:\t%d\n"
		"SigQ:\t0/0\nSigPnd:\t0000000000000000\nSigBlk:\t0000000000000000\n",
		p->comm, p->fs ? p->fs->umask : 022, st, p->pid, p->pid,
		p->parent ? p->parent->pid : 0, c->uid, c->euid, c->suid, c->fsuid,
		c->gid, c->egid, c->sgid, c->fsgid, vsz, vsz, hwm, rss,
		p->nr_threads ? p->nr_threads : 1);
	proc_put(p);
	return n;
}

static int gen_blob(int pid, char *buf, size_t size, bool env)
{
	WITH_PROC(pid, p);
	size_t n = env ? p->environ_len : p->cmdline_len;
	const void *src = env ? p->environ_copy : p->cmdline_copy;
	n = src ? MIN(n, size) : 0;
	if (n)
		memcpy(buf, src, n);
	proc_put(p);
	return (int)n;
}

static int gen_cmdline(int pid, char *buf, size_t size) { return gen_blob(pid, buf, size, false); }
static int gen_environ(int pid, char *buf, size_t size) { return gen_blob(pid, buf, size, true); }

static int gen_comm(int pid, char *buf, size_t size)
{
	WITH_PROC(pid, p);
	int n = snprintf(buf, size, "%s\n", p->comm);
	proc_put(p);
	return n;
}

static int gen_maps(int pid, char *buf, size_t size)
{
	WITH_PROC(pid, p);
	size_t n = p->mm ? vm_format_maps(p->mm, buf, size) : 0;
	proc_put(p);
	return (int)n;
}

static int gen_statm(int pid, char *buf, size_t size)
{
	WITH_PROC(pid, p);
	size_t vsz = p->mm ? vm_total_pages(p->mm) : 0, rss = p->mm ? vm_rss_pages(p->mm) : 0;
	proc_put(p);
	return snprintf(buf, size, "%zu %zu 0 0 0 0 0\n", vsz, rss);
}

static int gen_pid_mounts(int pid, char *buf, size_t size)
{
	return (int)vfs_format_mounts(buf, size);
}

static int gen_mountinfo(int pid, char *buf, size_t size)
{
	return (int)vfs_format_mountinfo(buf, size);
}

/* exe, cwd, root */
static int pid_readlink(struct dentry *d, char *buf, size_t size)
{
	int pid = (int)d->inode->rdev;
	struct process *p = proc_find(pid);
	int n = -ENOENT;

	if (!p)
		return -ESRCH;
	if (!strcmp(d->name, "exe") && p->exe && p->exe->dentry)
		n = dentry_path(p->exe->dentry, buf, size);
	else if (p->fs && !strcmp(d->name, "cwd"))
		n = dentry_path(p->fs->cwd, buf, size);
	else if (p->fs && !strcmp(d->name, "root"))
		n = dentry_path(p->fs->root, buf, size);
	proc_put(p);
	return n;
}

/* A dentry for f: its own, or an unlinked stand-in for a nameless file (pipe). */
static struct dentry *file_dentry(struct file *f)
{
	if (f->dentry) {
		dget(f->dentry);
		return f->dentry;
	}
	struct dentry *d = d_alloc(f->inode->sb, NULL, "anon", 4);
	if (!d)
		return ERR_PTR(-ENOMEM);
	iget(f->inode);
	d_instantiate(d, f->inode);
	return d;
}

static struct dentry *pid_get_link(struct dentry *d)
{
	struct process *p = proc_find((int)d->inode->rdev);
	struct dentry *t = ERR_PTR(-ENOENT);

	if (!p)
		return ERR_PTR(-ENOENT);
	if (!strcmp(d->name, "exe") && p->exe)
		t = file_dentry(p->exe);
	else if (p->fs && !strcmp(d->name, "cwd"))
		dget(t = p->fs->cwd);
	else if (p->fs && !strcmp(d->name, "root"))
		dget(t = p->fs->root);
	proc_put(p);
	return t;
}

static const struct inode_operations pid_link_iops = {
	.readlink = pid_readlink, .get_link = pid_get_link,
};

/* /proc/<pid>/fd/<n> */
static int fd_readlink(struct dentry *d, char *buf, size_t size)
{
	struct process *p = proc_find((int)d->inode->rdev);
	int fd = 0, n = -ENOENT;

	for (const char *s = d->name; *s; s++)
		fd = fd * 10 + (*s - '0');
	if (!p)
		return -ESRCH;
	struct file *f = p->files ? fget_raw(p->files, fd) : NULL;
	if (f) {
		if (f->dentry)
			n = dentry_path(f->dentry, buf, size);
		else
			n = snprintf(buf, size, "%s:[%llu]",
				     S_ISFIFO(f->inode->mode) ? "pipe" : S_ISSOCK(f->inode->mode)
				     ? "socket" : "anon_inode", (unsigned long long)f->inode->ino);
		file_put(f);
	}
	proc_put(p);
	return n;
}

/* Descriptors come and go (and get reused with another mode): look up afresh. */
static bool fd_alive(struct dentry *d)
{
	return false;
}

static struct dentry *fd_get_link(struct dentry *d)
{
	struct process *p = proc_find((int)d->inode->rdev);
	int fd = 0;

	for (const char *s = d->name; *s; s++)
		fd = fd * 10 + (*s - '0');
	if (!p)
		return ERR_PTR(-ENOENT);
	struct file *f = p->files ? fget_raw(p->files, fd) : NULL;
	proc_put(p);
	if (!f)
		return ERR_PTR(-ENOENT);
	struct dentry *t = file_dentry(f);
	file_put(f);
	return t;
}

static const struct inode_operations fd_link_iops_dir_stale = { .revalidate = fd_alive };

static const struct inode_operations fd_link_iops = {
	.readlink = fd_readlink, .revalidate = fd_alive, .get_link = fd_get_link,
};

static bool parse_num(const char *s, int *out)
{
	long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = (int)v;
	return true;
}

static struct dentry *fd_lookup(struct inode *dir, struct dentry *parent, const char *name)
{
	int fd;
	struct process *p = proc_find((int)dir->rdev);
	if (!p)
		return ERR_PTR(-ENOENT);
	struct file *f = parse_num(name, &fd) && p->files ? fget_raw(p->files, fd) : NULL;
	proc_put(p);
	if (!f)
		return ERR_PTR(-ENOENT);
	unsigned acc = f->flags & O_ACCMODE;
	file_put(f);
	/* As Linux: the link's mode shows how the descriptor was opened. */
	unsigned mode = acc == O_RDONLY ? 0500 : acc == O_WRONLY ? 0300 : 0700;
	struct inode *i = proc_inode(dir->sb, S_IFLNK | mode, (int)dir->rdev);
	if (i)
		i->iop = &fd_link_iops;
	struct dentry *d = proc_add(parent, name, i);
	if (!d)
		return ERR_PTR(-ENOMEM);
	dget(d);
	return d;
}

static int fd_iterate(struct file *f, int (*emit)(void *, const char *, uint64_t, unsigned, uint64_t),
		      void *ctx)
{
	struct process *p = proc_find((int)f->inode->rdev);
	uint64_t pos = f->pos;
	if (!p)
		return 0;
	struct files_struct *fs = p->files;
	for (int fd = 0; fs && fd < fs->max; fd++) {
		struct file *x = fget_raw(fs, fd);
		if (!x)
			continue;
		file_put(x);
		char name[16];
		snprintf(name, sizeof(name), "%d", fd);
		if ((uint64_t)(3 + fd) <= pos)
			continue;
		if (emit(ctx, name, 1000 + fd, DT_LNK, 3 + fd))
			break;
	}
	proc_put(p);
	return 0;
}

static const struct inode_operations fd_dir_iops = { .lookup = fd_lookup };

/* ---- /proc/<pid>/task: one directory per thread ---- */

/* Copies up to max thread ids of pid; returns how many. */
static int thread_ids(int pid, int *tids, int max)
{
	struct process *p = proc_find(pid);
	struct list_head *pos;
	int n = 0;

	if (!p)
		return 0;
	spin_lock(&p->lock);
	list_for_each(pos, &p->threads) {
		if (n == max)
			break;
		tids[n++] = container_of(pos, struct task, user.thread_node)->tid;
	}
	spin_unlock(&p->lock);
	proc_put(p);
	return n;
}

static struct dentry *task_lookup(struct inode *dir, struct dentry *parent, const char *name)
{
	int tid, tids[64], n = thread_ids((int)dir->rdev, tids, 64);
	bool found = false;

	if (!parse_num(name, &tid))
		return ERR_PTR(-ENOENT);
	for (int k = 0; k < n; k++)
		found |= tids[k] == tid;
	if (!found)
		return ERR_PTR(-ENOENT);
	struct inode *i = proc_inode(dir->sb, S_IFDIR | 0555, (int)dir->rdev);
	if (i) {
		i->fop = &tmpfs_dir_fops;
		i->iop = &fd_link_iops_dir_stale;
	}
	struct dentry *d = proc_add(parent, name, i);
	if (!d)
		return ERR_PTR(-ENOMEM);
	/* A thread's files show its process's figures (good enough for ps -T). */
	add_gen(d, "stat", gen_stat, (int)dir->rdev, 0444);
	add_gen(d, "status", gen_status, (int)dir->rdev, 0444);
	add_gen(d, "comm", gen_comm, (int)dir->rdev, 0644);
	dget(d);
	return d;
}

static int task_iterate(struct file *f, int (*emit)(void *, const char *, uint64_t, unsigned, uint64_t),
			void *ctx)
{
	int tids[64], n = thread_ids((int)f->inode->rdev, tids, 64);
	char name[16];

	if (f->pos < 1 && emit(ctx, ".", f->inode->ino, DT_DIR, 1))
		return 0;
	if (f->pos < 2 && emit(ctx, "..", f->inode->ino, DT_DIR, 2))
		return 0;
	for (int k = 0; k < n; k++) {
		if ((uint64_t)tids[k] + 3 <= f->pos)
			continue;
		snprintf(name, sizeof(name), "%d", tids[k]);
		if (emit(ctx, name, 0x20000 + tids[k], DT_DIR, (uint64_t)tids[k] + 3))
			break;
	}
	return 0;
}

static const struct inode_operations task_dir_iops = {
	.lookup = task_lookup, .iterate = task_iterate,
};

static bool pid_alive(struct dentry *d)
{
	struct process *p = proc_find((int)d->inode->rdev);
	bool alive = p && p->state != PROC_REAPED;

	if (p)
		proc_put(p);
	return alive;
}

static const struct inode_operations pid_dir_iops = { .revalidate = pid_alive };

static struct dentry *make_pid_dir(struct dentry *root, const char *name, int pid)
{
	struct process *p = proc_find(pid);
	if (!p)
		return ERR_PTR(-ENOENT);
	struct inode *i = proc_inode(root->sb, S_IFDIR | 0555, pid);
	if (i) {
		i->uid = p->cred.euid;
		i->gid = p->cred.egid;
	}
	proc_put(p);
	struct dentry *d = proc_add(root, name, i);
	if (!d)
		return ERR_PTR(-ENOMEM);
	add_gen(d, "stat", gen_stat, pid, 0444);
	add_gen(d, "status", gen_status, pid, 0444);
	add_gen(d, "cmdline", gen_cmdline, pid, 0444);
	add_gen(d, "environ", gen_environ, pid, 0400);
	add_gen(d, "comm", gen_comm, pid, 0644);
	add_gen(d, "maps", gen_maps, pid, 0444);
	add_gen(d, "statm", gen_statm, pid, 0444);
	add_gen(d, "mounts", gen_pid_mounts, pid, 0444);
	add_gen(d, "mountinfo", gen_mountinfo, pid, 0444);
	static const char *links[] = { "exe", "cwd", "root" };
	for (size_t k = 0; k < ARRAY_SIZE(links); k++) {
		struct inode *l = proc_inode(root->sb, S_IFLNK | 0777, pid);
		if (l)
			l->iop = &pid_link_iops;
		proc_add(d, links[k], l);
	}
	struct inode *fdi = proc_inode(root->sb, S_IFDIR | 0500, pid);
	if (fdi) {
		static struct inode_operations iops;
		iops = fd_dir_iops;
		iops.iterate = fd_iterate;
		fdi->iop = &iops;
		fdi->fop = &tmpfs_dir_fops;
	}
	proc_add(d, "fd", fdi);
	struct inode *ti = proc_inode(root->sb, S_IFDIR | 0555, pid);
	if (ti) {
		ti->iop = &task_dir_iops;
		ti->fop = &tmpfs_dir_fops;
	}
	proc_add(d, "task", ti);
	i->fop = &tmpfs_dir_fops;
	i->iop = &pid_dir_iops;
	dget(d);
	return d;
}

static struct dentry *root_lookup(struct inode *dir, struct dentry *parent, const char *name)
{
	int pid;
	if (!parse_num(name, &pid))
		return ERR_PTR(-ENOENT);
	return make_pid_dir(parent, name, pid);
}

struct pid_list {
	int pids[1024];
	int n;
};

static void collect(struct process *p, void *arg)
{
	struct pid_list *l = arg;
	if (l->n < (int)ARRAY_SIZE(l->pids))
		l->pids[l->n++] = p->pid;
}

#define PID_COOKIE	(1ull << 32)

static int root_iterate(struct file *f, int (*emit)(void *, const char *, uint64_t, unsigned, uint64_t),
			void *ctx)
{
	struct dentry *d = f->dentry;
	uint64_t pos = f->pos;
	struct list_head *it;
	char name[16];

	if (pos < 1 && emit(ctx, ".", d->inode->ino, DT_DIR, 1))
		return 0;
	if (pos < 2 && emit(ctx, "..", d->inode->ino, DT_DIR, 2))
		return 0;
	struct list_head *tmp;
	list_for_each_safe(it, tmp, &d->children) {
		struct dentry *ch = list_entry(it, struct dentry, sibling);
		int pid;
		if (parse_num(ch->name, &pid) && !pid_alive(ch))
			d_drop_tree(ch);
	}
	list_for_each(it, &d->children) {
		struct dentry *ch = list_entry(it, struct dentry, sibling);
		int pid;
		if (ch->seq <= pos || parse_num(ch->name, &pid))
			continue;
		if (emit(ctx, ch->name, ch->inode->ino, (ch->inode->mode >> 12) & 15, ch->seq))
			return 0;
	}
	struct pid_list *l = kmalloc(sizeof(*l));
	if (!l)
		return 0;
	l->n = 0;
	proc_for_each(collect, l);
	for (int k = 0; k < l->n; k++) {
		if (PID_COOKIE + l->pids[k] <= pos)
			continue;
		snprintf(name, sizeof(name), "%d", l->pids[k]);
		if (emit(ctx, name, 0x10000 + l->pids[k], DT_DIR, PID_COOKIE + l->pids[k]))
			break;
	}
	kfree(l);
	return 0;
}

static const struct inode_operations root_iops = { .lookup = root_lookup, .iterate = root_iterate };

static int self_readlink(struct dentry *d, char *buf, size_t size)
{
	struct process *p = current_proc();
	return p ? snprintf(buf, size, "%d", p->pid) : -ENOENT;
}

static const struct inode_operations self_iops = { .readlink = self_readlink };

/* ---- system-wide files ---- */

static int gen_meminfo(int pid, char *buf, size_t size)
{
	size_t total = pmm_total_pages_count() * 4, fr = pmm_free_pages_count() * 4;
	return snprintf(buf, size,
		"MemTotal:       %8zu kB\nMemFree:        %8zu kB\nMemAvailable:   %8zu kB\n"
		"Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n"
		"Active:                0 kB\nInactive:              0 kB\nSwapTotal:             0 kB\n"
		"SwapFree:              0 kB\nDirty:                 0 kB\nShmem:                 0 kB\n"
		"Slab:                  0 kB\nSReclaimable:          0 kB\n",
		total, fr, fr);
}

/* The buddy allocator's free blocks per order, in Linux's format. */
static int gen_buddyinfo(int pid, char *buf, size_t size)
{
	size_t blocks[MAX_ORDER + 1];
	int n = snprintf(buf, size, "Node 0, zone   Normal ");

	pmm_free_blocks(blocks);
	for (unsigned o = 0; o <= MAX_ORDER && n < (int)size; o++)
		n += snprintf(buf + n, size - n, "%6zu ", blocks[o]);
	if (n < (int)size)
		n += snprintf(buf + n, size - n, "\n");
	return n;
}

static int gen_uptime(int pid, char *buf, size_t size)
{
	uint64_t ns = time_ns();
	unsigned long long s = ns / NSEC_PER_SEC, cs = ns / 10000000 % 100;
	return snprintf(buf, size, "%llu.%02llu %llu.%02llu\n", s, cs, s, cs);
}

static void count(struct process *p, void *arg) { (*(int *)arg)++; }

static int gen_loadavg(int pid, char *buf, size_t size)
{
	int n = 0;
	proc_for_each(count, &n);
	return snprintf(buf, size, "0.00 0.00 0.00 1/%d %d\n", n, n);
}

static int gen_stat_all(int pid, char *buf, size_t size)
{
	unsigned long long up = ticks(time_ns());
	int n = 0;
	proc_for_each(count, &n);
	return snprintf(buf, size,
		"cpu  0 0 0 %llu 0 0 0 0 0 0\ncpu0 0 0 0 %llu 0 0 0 0 0 0\nintr 0\nctxt 0\n"
		"btime %llu\nprocesses %d\nprocs_running 1\nprocs_blocked 0\nsoftirq 0\n",
		up, up, (unsigned long long)(time_realtime_offset_ns() / NSEC_PER_SEC), n);
}

static int gen_version(int pid, char *buf, size_t size)
{
	return snprintf(buf, size, "Linux version 6.1.0-aegis-%s (aegis@aegis) (gcc) #1 SMP %s\n",
			aegis_version, aegis_commit);
}

static int gen_cmdline_k(int pid, char *buf, size_t size)
{
	return snprintf(buf, size, "%s\n", boot_info.cmdline);
}

static int gen_mounts(int pid, char *buf, size_t size)
{
	return (int)vfs_format_mounts(buf, size);
}

static int gen_filesystems(int pid, char *buf, size_t size)
{
	static const char *names[] = { "tmpfs", "devtmpfs", "proc", "sysfs" };
	size_t n = 0;
	for (size_t k = 0; k < ARRAY_SIZE(names); k++)
		n += snprintf(buf + n, size - n, "nodev\t%s\n", names[k]);
	return (int)n;
}

static int gen_cpuinfo(int pid, char *buf, size_t size)
{
	struct cpu_features *c = &cpu_features;
	return snprintf(buf, size,
		"processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n"
		"cpu MHz\t\t: %llu.000\ncache size\t: 0 KB\nphysical id\t: 0\nsiblings\t: 1\n"
		"core id\t\t: 0\ncpu cores\t: 1\nfpu\t\t: yes\nflags\t\t: fpu tsc%s%s%s%s%s%s\n"
		"bogomips\t: %llu.00\n\n",
		c->vendor, c->family, c->model_id, c->model,
		(unsigned long long)(tsc_hz / 1000000), c->sse2 ? " sse2" : "",
		c->sse3 ? " pni" : "", c->nx ? " nx" : "", c->avx ? " avx" : "",
		c->rdrand ? " rdrand" : "", c->hypervisor ? " hypervisor" : "",
		(unsigned long long)(tsc_hz / 500000));
}

static int gen_uuid(int pid, char *buf, size_t size)
{
	uint8_t u[16];
	get_random_bytes(u, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	return snprintf(buf, size,
		"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
		u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		u[12], u[13], u[14], u[15]);
}

static int gen_net_dev(int pid, char *buf, size_t size)
{
	return net_proc_dev(buf, size);
}

static int gen_net_route(int pid, char *buf, size_t size)
{
	return net_proc_route(buf, size);
}

static int gen_net_pnp(int pid, char *buf, size_t size)
{
	return net_proc_pnp(buf, size);
}

struct dentry *pseudo_add(struct dentry *dir, const char *name, unsigned mode, const char *text);

static struct super_block *procfs_mount(const char *source, const void *data, unsigned long flags)
{
	struct super_block *sb = tmpfs_fill(&procfs_type, PROC_SUPER_MAGIC, 0555);
	if (!sb)
		return NULL;
	struct dentry *r = sb->root;
	r->inode->iop = &root_iops;
	static const struct { const char *name; gen_fn gen; } files[] = {
		{ "meminfo", gen_meminfo }, { "uptime", gen_uptime }, { "loadavg", gen_loadavg },
		{ "stat", gen_stat_all }, { "version", gen_version }, { "cmdline", gen_cmdline_k },
		{ "mounts", gen_mounts }, { "filesystems", gen_filesystems },
		{ "cpuinfo", gen_cpuinfo }, { "buddyinfo", gen_buddyinfo },
	};
	for (size_t k = 0; k < ARRAY_SIZE(files); k++)
		add_gen(r, files[k].name, files[k].gen, 0, 0444);
	struct inode *self = proc_inode(sb, S_IFLNK | 0777, 0);
	if (self)
		self->iop = &self_iops;
	proc_add(r, "self", self);
	struct dentry *net = pseudo_add(r, "net", S_IFDIR | 0555, NULL);
	if (net) {
		add_gen(net, "dev", gen_net_dev, 0, 0444);
		add_gen(net, "route", gen_net_route, 0, 0444);
		add_gen(net, "pnp", gen_net_pnp, 0, 0444);
	}
	struct dentry *sys = pseudo_add(r, "sys", S_IFDIR | 0555, NULL);
	struct dentry *k = sys ? pseudo_add(sys, "kernel", S_IFDIR | 0555, NULL) : NULL;
	if (k) {
		pseudo_add(k, "hostname", S_IFREG | 0644, "aegis\n");
		pseudo_add(k, "ostype", S_IFREG | 0444, "Linux\n");
		pseudo_add(k, "osrelease", S_IFREG | 0444, "6.1.0-aegis\n");
		pseudo_add(k, "pid_max", S_IFREG | 0644, "32768\n");
		struct dentry *rnd = pseudo_add(k, "random", S_IFDIR | 0555, NULL);
		if (rnd) {
			add_gen(rnd, "uuid", gen_uuid, 0, 0444);
			char id[40];
			gen_uuid(0, id, sizeof(id));
			pseudo_add(rnd, "boot_id", S_IFREG | 0444, id);
		}
	}
	return sb;
}

const struct fs_type procfs_type = { .name = "proc", .mount = procfs_mount, .nodev = true };
