/*
 * ktest_sched.c - self-tests for threads, the scheduler, wait queues, mutexes and
 * timed sleep.
 */
#include <aegis/ktest.h>
#include <aegis/sched.h>
#include <aegis/time.h>

static void count_up(void *arg)
{
	__atomic_fetch_add((int *)arg, 1, __ATOMIC_RELAXED);
}

KTEST(sched_1000_threads)
{
	static struct task *threads[100];
	int counter = 0;
	size_t before = kthread_count();

	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 100; i++) {
			threads[i] = kthread_create(count_up, &counter, "counter");
			KT_ASSERT(threads[i] != NULL);
			if (threads[i])
				kthread_start(threads[i]);
		}
		for (int i = 0; i < 100; i++)
			if (threads[i])
				KT_ASSERT_EQ(kthread_join(threads[i]), 0);
	}
	KT_ASSERT_EQ(counter, 1000);
	KT_ASSERT_EQ(kthread_count(), before);
}

struct mutex_test {
	struct mutex m;
	long shared;		/* [m] */
	int inside;		/* [m] threads inside the critical section */
	int violations;
};

static void mutex_worker(void *arg)
{
	struct mutex_test *mt = arg;

	for (int i = 0; i < 200; i++) {
		mutex_lock(&mt->m);
		if (++mt->inside != 1)
			mt->violations++;
		long v = mt->shared;
		if (i % 7 == 0)
			sched_yield();	/* hold the lock across a switch */
		mt->shared = v + 1;
		mt->inside--;
		mutex_unlock(&mt->m);
		if (i % 3 == 0)
			sched_yield();
	}
}

KTEST(sched_mutex_contention)
{
	static struct mutex_test mt;
	struct task *t[8];

	mutex_init(&mt.m);
	mt.shared = 0;
	mt.violations = 0;
	for (int i = 0; i < 8; i++) {
		t[i] = kthread_create(mutex_worker, &mt, "mutex");
		KT_ASSERT(t[i] != NULL);
		kthread_start(t[i]);
	}
	for (int i = 0; i < 8; i++)
		kthread_join(t[i]);
	KT_ASSERT_EQ(mt.shared, 8 * 200);
	KT_ASSERT_EQ(mt.violations, 0);
}

struct sleeper {
	uint64_t ms;
	int *order_pos;
	int *order;
	int id;
	uint64_t late_ns;
};

static void sleeper_fn(void *arg)
{
	struct sleeper *s = arg;
	uint64_t start = time_ns();

	sleep_ns(s->ms * NSEC_PER_MSEC);
	s->late_ns = time_ns() - start - s->ms * NSEC_PER_MSEC;
	s->order[__atomic_fetch_add(s->order_pos, 1, __ATOMIC_RELAXED)] = s->id;
}

KTEST(sched_sleep_ordering)
{
	static const uint64_t ms[5] = { 40, 10, 30, 50, 20 };
	static const int expect[5] = { 1, 4, 2, 0, 3 };
	struct sleeper s[5];
	struct task *t[5];
	int order[5] = { -1, -1, -1, -1, -1 }, pos = 0;

	for (int i = 0; i < 5; i++) {
		s[i] = (struct sleeper){ ms[i], &pos, order, i, 0 };
		t[i] = kthread_create(sleeper_fn, &s[i], "sleeper");
		kthread_start(t[i]);
	}
	for (int i = 0; i < 5; i++)
		kthread_join(t[i]);
	for (int i = 0; i < 5; i++) {
		KT_ASSERT_EQ(order[i], expect[i]);
		/* woken no earlier than asked, and not absurdly late */
		KT_ASSERT(s[i].late_ns < 5 * NSEC_PER_MSEC);
	}
}

static volatile bool spin_stop;

static void spinner(void *arg)
{
	while (!spin_stop)
		__atomic_fetch_add((long *)arg, 1, __ATOMIC_RELAXED);
}

/* Two threads that never yield both make progress: preemption works. */
KTEST(sched_preemption)
{
	long a = 0, b = 0;
	struct task *ta = kthread_create(spinner, &a, "spin-a");
	struct task *tb = kthread_create(spinner, &b, "spin-b");

	spin_stop = false;
	kthread_start(ta);
	kthread_start(tb);
	sleep_ns(50 * NSEC_PER_MSEC);
	spin_stop = true;
	kthread_join(ta);
	kthread_join(tb);
	KT_ASSERT(a > 0);
	KT_ASSERT(b > 0);
}

static void wake_after_sleep(void *arg)
{
	sleep_ns(20 * NSEC_PER_MSEC);
	__atomic_store_n((bool *)arg, true, __ATOMIC_RELEASE);
}

/*
 * A thread that wakes while another spins alone (no slice timer armed then) still
 * gets the CPU: the spinner is preempted within a slice.
 */
KTEST(sched_wakeup_preempts_lone_spinner)
{
	bool woke = false;
	struct task *t = kthread_create(wake_after_sleep, &woke, "sleeper");
	uint64_t deadline;

	kthread_start(t);
	sched_yield();			/* let it start its sleep; we then run alone */
	deadline = time_ns() + 500 * NSEC_PER_MSEC;
	while (!__atomic_load_n(&woke, __ATOMIC_ACQUIRE) && time_ns() < deadline)
		;			/* spin without yielding */
	KT_ASSERT(woke);
	kthread_join(t);
}

/*
 * A task preempted after marking itself asleep but before calling schedule() (the
 * window in every wait loop) stays runnable.  Nothing will wake this one, so it only
 * comes back if preemption kept it on the run queue; it used to be lost, leaving a
 * nanosleep(0) loop asleep for good once a slice ended in that window.
 */
KTEST(sched_preempted_sleeper_stays_runnable)
{
	struct task *self = current_task();
	long other = 0;
	struct task *t = kthread_create(spinner, &other, "spin");

	KT_ASSERT(t != NULL);
	if (!t)
		return;
	spin_stop = false;
	kthread_start(t);
	preempt_disable();
	self->state = TASK_SLEEPING;
	this_cpu()->need_resched = true;
	preempt_enable();		/* switches away: preempted, not asleep */
	self->state = TASK_RUNNABLE;
	spin_stop = true;
	kthread_join(t);
	KT_ASSERT(other > 0);		/* the spinner did run in between */
}
