/*
 * waitqueue.c - sleeping until something happens.
 *
 * The condition is checked under the queue's lock and the sleeper marks itself
 * asleep before dropping it; a waker changes the condition and then takes the
 * same lock to wake.  So a wakeup between the check and schedule() only makes
 * schedule() return at once: no wakeup is lost.
 */
#include <aegis/errno.h>
#include <aegis/sched.h>
#include <aegis/time.h>

struct wq_entry {
	struct task *task;
	struct list_head node;		/* [wq->lock] */
};

void wq_init(struct wait_queue *wq)
{
	spin_init(&wq->lock, "waitqueue");
	list_init(&wq->waiters);
}

static void wake_task_timer(struct timer *t)
{
	struct task *task = t->data;

	task->wake_reason = -ETIMEDOUT;
	sched_wake(task);
}

__attribute__((weak)) bool task_signal_pending(struct task *t)
{
	(void)t;
	return false;
}

int wq_wait(struct wait_queue *wq, bool (*cond)(void *), void *arg,
	    bool interruptible, uint64_t deadline)
{
	struct task *self = current_task();
	struct wq_entry e = { .task = self };
	struct timer timeout;
	unsigned long flags;
	int ret = 0;

	timer_init(&timeout, wake_task_timer, self);
	list_init(&e.node);
	for (;;) {
		flags = spin_lock_irqsave(&wq->lock);
		if (cond && cond(arg)) {
			spin_unlock_irqrestore(&wq->lock, flags);
			break;
		}
		if (list_empty(&e.node))
			list_add_tail(&wq->waiters, &e.node);
		self->state = interruptible ? TASK_SLEEPING : TASK_UNINTERRUPTIBLE;
		self->wake_reason = 0;
		spin_unlock_irqrestore(&wq->lock, flags);

		if (interruptible && task_signal_pending(self)) {
			ret = -EINTR;
			break;
		}
		if (deadline && time_ns() >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		if (deadline)
			timer_add(&timeout, deadline);
		schedule();
		if (!cond)
			break;	/* a plain sleep ends at the first wakeup */
	}
	timer_cancel(&timeout);
	flags = spin_lock_irqsave(&wq->lock);
	self->state = TASK_RUNNABLE;
	if (!list_empty(&e.node))
		list_del(&e.node);
	spin_unlock_irqrestore(&wq->lock, flags);
	if (!cond && ret == 0)
		ret = self->wake_reason;
	return ret;
}

static void wake(struct wait_queue *wq, bool all)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &wq->waiters) {
		struct wq_entry *e = list_entry(pos, struct wq_entry, node);
		list_del(&e->node);
		sched_wake(e->task);
		if (!all)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wq_wake_one(struct wait_queue *wq)
{
	wake(wq, false);
}

void wq_wake_all(struct wait_queue *wq)
{
	wake(wq, true);
}

int wq_wait_device(struct wait_queue *wq, bool irq, bool (*cond)(void *), void *arg, uint64_t deadline)
{
	while (!cond(arg)) {
		/* with an interrupt, a completion seen only at the deadline is a
		 * lost interrupt: nothing falls back to polling and hides it */
		bool late = irq ? wq_wait(wq, cond, arg, false, deadline) || time_ns() >= deadline
				: (sleep_ns(10000), time_ns() > deadline);
		if (late)
			return -ETIMEDOUT;
	}
	return 0;
}
