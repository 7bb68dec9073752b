/*
 * sched.c - the run queue and the switch between tasks.
 *
 * Round robin over one queue per CPU.  Preemption is tickless: when a task is
 * switched in while others wait, a slice timer is armed; when it fires it sets
 * need_resched, and the switch happens on the way out of the interrupt
 * (sched_irq_exit) or at the next preempt_enable().  The run-queue lock is held
 * across arch_context_switch and released by whichever task runs next
 * (sched_finish_switch), so no wakeup can slip between choosing and switching.
 */
#include <aegis/arch.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/string.h>
#include <aegis/time.h>

void arch_context_switch(uint64_t *save_rsp, uint64_t load_rsp);
void arch_switch_to(struct task *prev, struct task *next);
void kthread_reap(struct task *t);
void kthread_register(struct task *t);

struct runqueue {
	struct spinlock lock;
	struct list_head queue;		/* [lock] runnable tasks, not the current one */
	size_t nr_queued;		/* [lock] */
	struct task *idle;		/* [I] runs when nothing else can */
	struct task *prev;		/* [lock] the task being switched away from */
	struct timer slice_timer;	/* ends the current time slice */
	uint64_t switches;
};

static struct runqueue runqueues[MAX_CPUS];
static struct task boot_task;

static struct runqueue *this_rq(void)
{
	return &runqueues[this_cpu()->id];
}

void preempt_disable(void)
{
	this_cpu()->preempt_count++;
	__asm__ volatile("" ::: "memory");
}

static void __schedule(bool preempted);

void preempt_enable(void)
{
	struct cpu *c = this_cpu();

	__asm__ volatile("" ::: "memory");
	if (--c->preempt_count == 0 && c->need_resched && arch_irqs_enabled())
		__schedule(true);
}

static void slice_expired(struct timer *t)
{
	(void)t;
	this_cpu()->need_resched = true;
}

static void enqueue(struct runqueue *rq, struct task *t)
{
	list_add_tail(&rq->queue, &t->run_node);
	rq->nr_queued++;
}

static struct task *pick_next(struct runqueue *rq)
{
	struct task *t;

	if (list_empty(&rq->queue))
		return rq->idle;
	t = list_first(&rq->queue, struct task, run_node);
	list_del(&t->run_node);
	rq->nr_queued--;
	return t;
}

/*
 * Runs in the task that was just switched to, with the run-queue lock still held
 * by the task that switched away: release it and free that task if it died.
 * The caller then restores its own interrupt state.
 */
void sched_finish_switch(void)
{
	struct runqueue *rq = this_rq();
	struct task *prev = rq->prev;
	bool reap = prev->state == TASK_DEAD && !prev->joinable;

	rq->prev = NULL;
	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	if (reap)
		kthread_reap(prev);
}

/*
 * A task going to sleep sets its state, then checks its condition, then calls
 * schedule().  If an interrupt or preempt_enable() switches it away in between
 * (preempted), it must stay on the run queue whatever its state says: it has not
 * gone to sleep yet, and no wakeup may be coming (a nanosleep whose deadline has
 * passed, say).  Taking it off then lost the task for good: an idle CPU with a
 * sleeper that nothing would wake.  A dying task is never put back.
 */
static void __schedule(bool preempted)
{
	struct runqueue *rq = this_rq();
	struct cpu *c = this_cpu();
	unsigned long flags;
	struct task *prev = c->current, *next;
	uint64_t now;

	if (c->preempt_count)
		panic("schedule() with preemption disabled (count %d)", c->preempt_count);
	flags = spin_lock_irqsave(&rq->lock);
	c->need_resched = false;
	if ((prev->state == TASK_RUNNABLE || (preempted && prev->state != TASK_DEAD)) &&
	    prev != rq->idle && !prev->on_rq) {
		enqueue(rq, prev);
		prev->on_rq = true;
	}
	next = pick_next(rq);
	next->on_rq = false;
	now = time_ns();
	if (rq->nr_queued)
		timer_add(&rq->slice_timer, now + TIME_SLICE_NS);
	else
		timer_cancel(&rq->slice_timer);
	if (next == prev) {
		spin_unlock_irqrestore(&rq->lock, flags);
		return;
	}
	itimer_cpu_switch(prev, next, now);
	prev->runtime_ns += now - prev->last_run;
	next->last_run = now;
	rq->prev = prev;
	next->on_cpu = true;
	rq->switches++;
	c->current = next;
	arch_switch_to(prev, next);
	arch_context_switch(&prev->rsp, next->rsp);
	/* prev runs again: whoever switched to it left the lock held */
	sched_finish_switch();
	arch_irq_restore(flags);
}

void schedule(void)
{
	__schedule(false);
}

void sched_yield(void)
{
	schedule();
}

/* Makes t runnable.  Safe from interrupt handlers. */
void sched_wake(struct task *t)
{
	struct runqueue *rq = &runqueues[0];
	unsigned long flags = spin_lock_irqsave(&rq->lock);

	if (t->state == TASK_SLEEPING || t->state == TASK_UNINTERRUPTIBLE ||
	    t->state == TASK_STOPPED) {
		t->state = TASK_RUNNABLE;
		/* a task still on its way into schedule() is re-queued there */
		if (t != this_cpu()->current && !t->on_rq) {
			enqueue(rq, t);
			t->on_rq = true;
			if (this_cpu()->current == rq->idle)
				this_cpu()->need_resched = true;
			else if (rq->nr_queued == 1 && !rq->slice_timer.pending)
				/* the running task had the CPU alone, with no slice
				 * timer: give it one slice from now, then switch */
				timer_add(&rq->slice_timer, time_ns() + TIME_SLICE_NS);
		}
	}
	spin_unlock_irqrestore(&rq->lock, flags);
}

/* Called on every timer interrupt, for accounting; slices end by their timer. */
void sched_tick(void)
{
}

void sched_irq_exit(void)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->preempt_count == 0 && c->current)
		__schedule(true);
}

size_t sched_task_count(void)
{
	return this_rq()->nr_queued + 1;
}

static void idle_loop(void)
{
	for (;;) {
		arch_irq_disable();
		if (this_cpu()->need_resched || this_rq()->nr_queued) {
			arch_irq_enable();
			schedule();
			continue;
		}
		arch_idle();	/* sti; hlt: an interrupt wakes us */
	}
}

/* The boot flow becomes task 0 of CPU 0, so it can block like any thread. */
void sched_init(void)
{
	struct runqueue *rq = &runqueues[0];
	extern char boot_stack_bottom[];

	spin_init(&rq->lock, "runqueue");
	list_init(&rq->queue);
	timer_init(&rq->slice_timer, slice_expired, NULL);
	boot_task.state = TASK_RUNNABLE;
	boot_task.kstack = boot_stack_bottom;
	strlcpy(boot_task.name, "boot", sizeof(boot_task.name));
	boot_task.last_run = time_ns();
	this_cpu()->current = &boot_task;
	kthread_register(&boot_task);
}

/*
 * Creates the idle task and lets the scheduler run.  The boot flow carries on as
 * an ordinary task; idle only runs when nothing else can.
 */
void sched_start(void)
{
	struct runqueue *rq = &runqueues[0];

	rq->idle = kthread_create((void (*)(void *))idle_loop, NULL, "idle");
	if (!rq->idle)
		panic("cannot create the idle task");
	rq->idle->state = TASK_RUNNABLE;
	arch_irq_enable();
}
