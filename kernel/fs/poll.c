/*
 * poll.c - poll, ppoll, select, pselect6.
 *
 * One sleep covers many wait queues: each pass registers a poll_entry on every
 * queue a file's ->poll hands to poll_wait(), with the task already marked
 * asleep, so a wakeup between the check and schedule() is never lost.  The
 * entry's first two fields mirror sched's wq_entry (task, node), which is what
 * wq_wake_*() expects to find on a queue.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <aegis/uaccess.h>

#include "internal.h"

struct poll_entry {
	struct task *task;		/* as struct wq_entry */
	struct list_head node;		/* [wq->lock]; emptied by the waker */
	struct wait_queue *wq;
	struct poll_entry *next;	/* in the poll_table */
};

void poll_wait(struct file *f, struct wait_queue *wq, struct poll_table *pt)
{
	if (!pt || !wq)
		return;
	struct poll_entry *e = kmalloc(sizeof(*e));
	if (!e)
		return;			/* falls back to the timeout or another wakeup */
	e->task = pt->task;
	e->wq = wq;
	e->next = pt->entries;
	pt->entries = e;
	unsigned long fl = spin_lock_irqsave(&wq->lock);
	list_add_tail(&wq->waiters, &e->node);
	spin_unlock_irqrestore(&wq->lock, fl);
}

/* True if a waker has already taken one of our entries off its queue. */
static bool poll_woken(struct poll_table *pt)
{
	for (struct poll_entry *e = pt->entries; e; e = e->next)
		if (__atomic_load_n(&e->node.next, __ATOMIC_ACQUIRE) == &e->node)
			return true;
	return false;
}

static void poll_unregister(struct poll_table *pt)
{
	while (pt->entries) {
		struct poll_entry *e = pt->entries;
		unsigned long fl = spin_lock_irqsave(&e->wq->lock);
		if (!list_empty(&e->node))
			list_del(&e->node);
		spin_unlock_irqrestore(&e->wq->lock, fl);
		pt->entries = e->next;
		kfree(e);
	}
}

static unsigned file_poll(struct file *f, struct poll_table *pt)
{
	if (!f->fop || !f->fop->poll)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;	/* regular files */
	return f->fop->poll(f, pt);
}

static void poll_timeout(struct timer *t)
{
	struct task *task = t->data;
	task->wake_reason = -ETIMEDOUT;
	sched_wake(task);
}

/*
 * The common loop: scan(arg, pt) returns the number of ready descriptors (or
 * -errno).  deadline: 0 none, 1 = don't wait.  Returns scan's count, 0 on
 * timeout, or -EINTR.
 */
static long poll_loop(long (*scan)(void *arg, struct poll_table *pt), void *arg,
		      uint64_t deadline)
{
	struct task *self = current_task();
	struct poll_table pt = { .task = self };
	struct timer timer;
	long r;

	timer_init(&timer, poll_timeout, self);
	for (;;) {
		r = scan(arg, deadline == 1 ? NULL : &pt);
		if (r || deadline == 1)
			break;
		if (deadline && time_ns() >= deadline)
			break;
		if (deadline)
			timer_add(&timer, deadline);
		/* Asleep first, then look for wakeups that came during the scan. */
		self->wake_reason = 0;
		__atomic_store_n(&self->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		if (signal_pending(self)) {
			self->state = TASK_RUNNABLE;
			r = -EINTR;
			break;
		}
		if (!poll_woken(&pt) && !(deadline && time_ns() >= deadline))
			schedule();
		self->state = TASK_RUNNABLE;
		timer_cancel(&timer);
		poll_unregister(&pt);
	}
	timer_cancel(&timer);
	poll_unregister(&pt);
	return r;
}

struct linux_pollfd {
	int fd;
	short events, revents;
};

struct poll_args {
	struct linux_pollfd *fds;
	unsigned n;
};

static long poll_scan(void *arg, struct poll_table *pt)
{
	struct poll_args *a = arg;
	long ready = 0;

	for (unsigned k = 0; k < a->n; k++) {
		struct linux_pollfd *p = &a->fds[k];
		p->revents = 0;
		if (p->fd < 0)
			continue;
		struct file *f = fget(p->fd);
		if (!f) {
			p->revents = POLLNVAL;
		} else {
			unsigned m = file_poll(f, pt);
			p->revents = m & ((unsigned short)p->events | POLLERR | POLLHUP);
			file_put(f);
		}
		if (p->revents)
			ready++;
	}
	return ready;
}

static uint64_t deadline_of(const struct linux_timespec *ts)
{
	if (!ts)
		return 0;
	if (!ts->tv_sec && !ts->tv_nsec)
		return 1;
	return time_ns() + ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static long do_poll(struct linux_pollfd __user *ufds, unsigned n, const struct linux_timespec *ts)
{
	struct poll_args a = { NULL, n };
	long r;

	if (n > (1u << 20))
		return -EINVAL;
	if (n && !(a.fds = kmalloc(n * sizeof(*a.fds))))
		return -ENOMEM;
	if (n && copy_from_user(a.fds, ufds, n * sizeof(*a.fds))) {
		kfree(a.fds);
		return -EFAULT;
	}
	r = poll_loop(poll_scan, &a, deadline_of(ts));
	for (unsigned k = 0; r >= 0 && k < n; k++)
		if (put_user(a.fds[k].revents, &ufds[k].revents))
			r = -EFAULT;
	kfree(a.fds);
	return r;
}

long sys_poll(struct linux_pollfd __user *fds, unsigned n, int timeout_ms)
{
	struct linux_timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000l };
	long r = do_poll(fds, n, timeout_ms < 0 ? NULL : &ts);
	return r == -EINTR ? -ERESTARTNOHAND : r;
}

/* Signal masks around the sleep are the signal code's business (restore_mask). */
static long swap_mask(const sigset_t __user *um, size_t size)
{
	sigset_t m;
	struct task *t = current_task();

	if (!um)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&m, um, sizeof(m)))
		return -EFAULT;
	t->user.saved_mask = t->user.blocked;
	t->user.blocked = m & ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
	t->user.restore_mask = true;
	return 0;
}

static void restore_mask(bool interrupted)
{
	struct task *t = current_task();
	/* Interrupted: the signal code restores the mask after delivering. */
	if (!interrupted && t->user.restore_mask) {
		t->user.blocked = t->user.saved_mask;
		t->user.restore_mask = false;
	}
}

long sys_ppoll(struct linux_pollfd __user *fds, unsigned n,
	       const struct linux_timespec __user *tsp, const sigset_t __user *mask,
	       size_t size)
{
	struct linux_timespec ts;
	long r;

	if (tsp && copy_from_user(&ts, tsp, sizeof(ts)))
		return -EFAULT;
	if (tsp && (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000))
		return -EINVAL;
	if ((r = swap_mask(mask, size)))
		return r;
	r = do_poll(fds, n, tsp ? &ts : NULL);
	restore_mask(r == -EINTR);
	return r == -EINTR ? -ERESTARTNOHAND : r;
}

struct select_args {
	int n;
	uint64_t in[16], out[16], ex[16];	/* requested (1024 fds) */
	uint64_t rin[16], rout[16], rex[16];	/* results */
};

#define BIT(s, k)	((s)[(k) / 64] >> ((k) % 64) & 1)

static long select_scan(void *arg, struct poll_table *pt)
{
	struct select_args *a = arg;
	long ready = 0;

	memset(a->rin, 0, sizeof(a->rin));
	memset(a->rout, 0, sizeof(a->rout));
	memset(a->rex, 0, sizeof(a->rex));
	for (int k = 0; k < a->n; k++) {
		if (!BIT(a->in, k) && !BIT(a->out, k) && !BIT(a->ex, k))
			continue;
		struct file *f = fget(k);
		if (!f)
			return -EBADF;
		unsigned m = file_poll(f, pt);
		file_put(f);
		uint64_t bit = 1ull << (k % 64);
		if (BIT(a->in, k) && (m & (POLLIN | POLLRDNORM | POLLHUP | POLLERR)))
			a->rin[k / 64] |= bit, ready++;
		if (BIT(a->out, k) && (m & (POLLOUT | POLLWRNORM | POLLERR)))
			a->rout[k / 64] |= bit, ready++;
		if (BIT(a->ex, k) && (m & POLLPRI))
			a->rex[k / 64] |= bit, ready++;
	}
	return ready;
}

static long do_select(int n, void __user *in, void __user *out, void __user *ex,
		      struct linux_timespec *ts)
{
	struct select_args *a;
	size_t bytes = ALIGN_UP((size_t)n, 64) / 8;
	long r;

	if (n < 0)
		return -EINVAL;
	if (n > 1024)
		n = 1024;
	bytes = ALIGN_UP((size_t)n, 64) / 8;
	if (!(a = kzalloc(sizeof(*a))))
		return -ENOMEM;
	a->n = n;
	if ((in && copy_from_user(a->in, in, bytes)) || (out && copy_from_user(a->out, out, bytes)) ||
	    (ex && copy_from_user(a->ex, ex, bytes))) {
		kfree(a);
		return -EFAULT;
	}
	uint64_t start = time_ns(), dl = deadline_of(ts);
	r = poll_loop(select_scan, a, dl);
	if (r >= 0 && ((in && copy_to_user(in, a->rin, bytes)) ||
		       (out && copy_to_user(out, a->rout, bytes)) ||
		       (ex && copy_to_user(ex, a->rex, bytes))))
		r = -EFAULT;
	if (ts && dl > 1) {
		/* Linux writes back the time left. */
		uint64_t now = time_ns(), left = now >= dl ? 0 : dl - now;
		(void)start;
		ts->tv_sec = left / NSEC_PER_SEC;
		ts->tv_nsec = left % NSEC_PER_SEC;
	}
	kfree(a);
	return r;
}

long sys_select(int n, void __user *in, void __user *out, void __user *ex,
		int64_t __user *tvp)
{
	int64_t tv[2];
	struct linux_timespec ts;
	long r;

	if (tvp) {
		if (copy_from_user(tv, tvp, sizeof(tv)))
			return -EFAULT;
		if (tv[0] < 0 || tv[1] < 0)
			return -EINVAL;
		ts.tv_sec = tv[0] + tv[1] / 1000000;
		ts.tv_nsec = (tv[1] % 1000000) * 1000;
	}
	r = do_select(n, in, out, ex, tvp ? &ts : NULL);
	if (tvp && r != -EFAULT) {
		tv[0] = ts.tv_sec;
		tv[1] = ts.tv_nsec / 1000;
		copy_to_user(tvp, tv, sizeof(tv));
	}
	return r == -EINTR ? -ERESTARTNOHAND : r;
}

long sys_pselect6(int n, void __user *in, void __user *out, void __user *ex,
		  struct linux_timespec __user *tsp, const void __user *sig)
{
	struct linux_timespec ts;
	struct { const sigset_t __user *p; size_t size; } s = { NULL, 0 };
	long r;

	if (tsp && copy_from_user(&ts, tsp, sizeof(ts)))
		return -EFAULT;
	if (tsp && (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000))
		return -EINVAL;
	if (sig && copy_from_user(&s, sig, sizeof(s)))
		return -EFAULT;
	if ((r = swap_mask(s.p, s.size)))
		return r;
	r = do_select(n, in, out, ex, tsp ? &ts : NULL);
	restore_mask(r == -EINTR);
	if (tsp && r != -EFAULT)
		copy_to_user(tsp, &ts, sizeof(ts));
	return r == -EINTR ? -ERESTARTNOHAND : r;
}
