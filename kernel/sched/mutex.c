/*
 * mutex.c - sleeping locks.  The owner is recorded so that unlocking by another
 * task and recursive locking are caught.  Priority inheritance comes with the
 * real-time scheduling class.
 */
#include <aegis/panic.h>
#include <aegis/sched.h>

void mutex_init(struct mutex *m)
{
	spin_init(&m->lock, "mutex");
	m->owner = NULL;
	m->waiters = 0;
	wq_init(&m->wq);
}

static bool try_take(void *arg)
{
	struct mutex *m = arg;
	bool got = false;

	spin_lock(&m->lock);
	if (!m->owner) {
		m->owner = current_task();
		got = true;
	}
	spin_unlock(&m->lock);
	return got;
}

void mutex_lock(struct mutex *m)
{
	if (m->owner == current_task())
		panic("mutex_lock: recursive lock by %s", current_task()->name);
	/* Uncontended: take it without the wait-queue setup (most locks, most times). */
	if (try_take(m))
		return;
	/*
	 * Counted before waiting, under m->lock: an unlock that clears the owner
	 * after this sees waiters and wakes the queue; one that cleared it before
	 * lets wq_wait's first try_take succeed.  Either way no wakeup is lost.
	 */
	spin_lock(&m->lock);
	m->waiters++;
	spin_unlock(&m->lock);
	wq_wait(&m->wq, try_take, m, false, 0);
	spin_lock(&m->lock);
	m->waiters--;
	spin_unlock(&m->lock);
}

bool mutex_trylock(struct mutex *m)
{
	return try_take(m);
}

void mutex_unlock(struct mutex *m)
{
	spin_lock(&m->lock);
	if (m->owner != current_task())
		panic("mutex_unlock: not the owner");
	m->owner = NULL;
	bool waiters = m->waiters;
	spin_unlock(&m->lock);
	if (waiters)	/* nobody waiting: no wait-queue lock to take */
		wq_wake_one(&m->wq);
}
