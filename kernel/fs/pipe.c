/*
 * pipe.c - anonymous pipes and FIFOs.
 *
 * The buffer is a ring of PIPE_PAGES physical pages addressed through the direct
 * map; head and tail are free-running byte counters.  Data moves with one copy
 * each way (user -> ring -> user) under the pipe's mutex, which may be held across
 * a user-space fault.  Writes of at most PIPE_BUF bytes wait for room for all of
 * them, so they are never interleaved.
 *
 * Locking: [lock] the pipe mutex for head/tail/readers/writers; the wait queues
 * are woken after every change that could end a wait.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>

#include "internal.h"

#define PIPE_PAGES	16
#define PIPE_SIZE	(PIPE_PAGES * PAGE_SIZE)

struct pipe {
	struct mutex lock;
	uint64_t head, tail;		/* [lock] bytes written / read so far */
	int readers, writers;		/* [lock] open ends */
	unsigned r_opens, w_opens;	/* [lock] ever opened: FIFO open waits on these */
	paddr_t pages[PIPE_PAGES];
	struct wait_queue rd_wq, wr_wq;
};

static struct spinlock fifo_lock = SPINLOCK_INIT("fifo");
struct super_block *anon_super(void);

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	for (int k = 0; k < PIPE_PAGES; k++) {
		if (!(p->pages[k] = pmm_alloc_page())) {
			pipe_free(p);
			return NULL;
		}
	}
	mutex_init(&p->lock);
	wq_init(&p->rd_wq);
	wq_init(&p->wr_wq);
	return p;
}

void pipe_free(struct pipe *p)
{
	for (int k = 0; k < PIPE_PAGES; k++)
		if (p->pages[k])
			pmm_free_page(p->pages[k]);
	kfree(p);
}

static bool can_read(void *arg)
{
	struct pipe *p = arg;
	return p->head != p->tail || !p->writers;
}


struct wcond {
	struct pipe *p;
	size_t want;
};

static bool can_write(void *arg)
{
	struct wcond *w = arg;
	return PIPE_SIZE - (w->p->head - w->p->tail) >= w->want || !w->p->readers;
}

static ssize_t pipe_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct pipe *p = f->inode->pipe;
	size_t done = 0;

	if (!b->len)
		return 0;
	mutex_lock(&p->lock);
	while (p->head == p->tail) {
		if (!p->writers) {
			mutex_unlock(&p->lock);
			return 0;
		}
		if (f->flags & O_NONBLOCK) {
			mutex_unlock(&p->lock);
			return -EAGAIN;
		}
		mutex_unlock(&p->lock);
		if (wq_wait(&p->rd_wq, can_read, p, true, 0))
			return -ERESTARTSYS;
		mutex_lock(&p->lock);
	}
	while (done < b->len && p->head != p->tail) {
		size_t off = p->tail % PIPE_SIZE, in = off % PAGE_SIZE;
		size_t n = MIN(b->len - done, p->head - p->tail);
		n = MIN(n, PAGE_SIZE - in);
		const char *src = (const char *)phys_to_virt(p->pages[off / PAGE_SIZE]) + in;
		if (iob_copy_to(b, done, src, n)) {
			if (!done)
				done = (size_t)-EFAULT;
			break;
		}
		done += n;
		p->tail += n;
	}
	mutex_unlock(&p->lock);
	wq_wake_all(&p->wr_wq);
	return (ssize_t)done;
}

static ssize_t pipe_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	struct pipe *p = f->inode->pipe;
	size_t done = 0;
	ssize_t err = 0;

	mutex_lock(&p->lock);
	while (done < b->len) {
		size_t room = PIPE_SIZE - (p->head - p->tail);
		size_t want = b->len <= PIPE_BUF ? b->len : 1;
		if (!p->readers) {
			signal_send_task(current_task(), SIGPIPE, NULL);
			err = -EPIPE;
			break;
		}
		if (room < want) {
			if (f->flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			struct wcond w = { p, want };
			mutex_unlock(&p->lock);
			if (done)
				wq_wake_all(&p->rd_wq);
			int r = wq_wait(&p->wr_wq, can_write, &w, true, 0);
			mutex_lock(&p->lock);
			if (r) {
				err = -ERESTARTSYS;
				break;
			}
			continue;
		}
		while (done < b->len && room) {
			size_t off = p->head % PIPE_SIZE, in = off % PAGE_SIZE;
			size_t n = MIN(MIN(b->len - done, room), PAGE_SIZE - in);
			char *dst = (char *)phys_to_virt(p->pages[off / PAGE_SIZE]) + in;
			if (iob_copy_from(b, done, dst, n)) {
				err = -EFAULT;
				goto out;
			}
			done += n;
			room -= n;
			p->head += n;
		}
	}
out:
	mutex_unlock(&p->lock);
	if (done)
		wq_wake_all(&p->rd_wq);
	return done ? (ssize_t)done : err;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->inode->pipe;
	unsigned acc = f->flags & O_ACCMODE, mask = 0;

	if (acc != O_WRONLY) {
		poll_wait(f, &p->rd_wq, pt);
		if (p->head != p->tail)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers && p->w_opens)
			mask |= POLLHUP;
	}
	if (acc != O_RDONLY) {
		poll_wait(f, &p->wr_wq, pt);
		if (PIPE_SIZE - (p->head - p->tail) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned cmd, unsigned long arg);

static void pipe_release(struct file *f)
{
	struct pipe *p = f->inode->pipe;
	unsigned acc = f->flags & O_ACCMODE;

	mutex_lock(&p->lock);
	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	if (!p->readers && !p->writers)
		p->tail = p->head;	/* a FIFO forgets its data when the last end closes */
	mutex_unlock(&p->lock);
	wq_wake_all(&p->rd_wq);
	wq_wake_all(&p->wr_wq);
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

#include <aegis/uaccess.h>

static long pipe_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct pipe *p = f->inode->pipe;

	if (cmd != FIONREAD)
		return -ENOTTY;
	int n = (int)(p->head - p->tail);
	return put_user(n, (int __user *)arg) ? -EFAULT : 0;
}

struct open_wait {
	struct pipe *p;
	unsigned *counter, seen;
};

static bool other_end_opened(void *arg)
{
	struct open_wait *w = arg;
	return *w->counter != w->seen;
}

/* FIFO open: blocks until the other end is opened too (unless O_NONBLOCK/O_RDWR). */
static int fifo_open(struct file *f)
{
	struct inode *i = f->inode;
	unsigned acc = f->flags & O_ACCMODE;

	spin_lock(&fifo_lock);
	struct pipe *p = i->pipe;
	spin_unlock(&fifo_lock);
	if (!p) {
		struct pipe *np = pipe_alloc();
		if (!np)
			return -ENOMEM;
		spin_lock(&fifo_lock);
		/* Another opener may have won the race while we allocated. */
		// cppcheck-suppress identicalInnerCondition
		if (!i->pipe)
			i->pipe = np, np = NULL;
		p = i->pipe;
		spin_unlock(&fifo_lock);
		if (np)
			pipe_free(np);
	}
	f->fop = &pipe_fops;
	/* An anonymous pipe reopened through /proc never waits (Linux's is_pipe). */
	bool is_pipe = i->sb == anon_super();
	mutex_lock(&p->lock);
	if (!is_pipe && acc == O_WRONLY && !p->readers && (f->flags & O_NONBLOCK)) {
		mutex_unlock(&p->lock);
		f->fop = NULL;
		return -ENXIO;
	}
	if (acc != O_WRONLY) {
		p->readers++;
		p->r_opens++;
	}
	if (acc != O_RDONLY) {
		p->writers++;
		p->w_opens++;
	}
	struct open_wait w = { p, NULL, 0 };
	if (is_pipe)
		;
	else if (acc == O_RDONLY && !p->writers && !(f->flags & O_NONBLOCK))
		w.counter = &p->w_opens;
	else if (acc == O_WRONLY && !p->readers)
		w.counter = &p->r_opens;
	if (w.counter)
		w.seen = *w.counter;
	mutex_unlock(&p->lock);
	wq_wake_all(&p->rd_wq);
	wq_wake_all(&p->wr_wq);
	if (w.counter) {
		struct wait_queue *wq = acc == O_RDONLY ? &p->rd_wq : &p->wr_wq;
		if (wq_wait(wq, other_end_opened, &w, true, 0)) {
			pipe_release(f);
			f->fop = NULL;
			return -ERESTARTSYS;
		}
	}
	return 0;
}

const struct file_operations fifo_fops = {
	.open = fifo_open,
};

int pipe_create(struct file **rf, struct file **wf, unsigned flags)
{
	struct super_block *sb = anon_super();
	struct inode *i = sb ? inode_alloc(sb, S_IFIFO | 0600) : NULL;
	if (!i)
		return -ENFILE;
	const struct cred *c = cur_cred();
	if (c) {
		i->uid = c->fsuid;
		i->gid = c->fsgid;
	}
	if (!(i->pipe = pipe_alloc())) {
		iput(i);
		return -ENFILE;
	}
	/* Reopening through /proc/<pid>/fd goes through the FIFO open. */
	i->fop = &fifo_fops;
	i->pipe->readers = i->pipe->writers = 1;
	i->pipe->r_opens = i->pipe->w_opens = 1;
	*rf = file_alloc(NULL, i, O_RDONLY | (flags & O_NONBLOCK));
	*wf = file_alloc(NULL, i, O_WRONLY | (flags & O_NONBLOCK));
	if (*rf)
		(*rf)->fop = &pipe_fops;
	if (*wf)
		(*wf)->fop = &pipe_fops;
	iput(i);
	if (!*rf || !*wf) {
		/* Release both ends by hand: the counts above assume both exist. */
		if (*rf)
			file_put(*rf);
		if (*wf)
			file_put(*wf);
		return -ENFILE;
	}
	return 0;
}
