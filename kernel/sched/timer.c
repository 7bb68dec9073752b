/*
 * timer.c - one-shot kernel timers.
 *
 * Pending timers sit in a list sorted by deadline; the clock event (local APIC
 * timer) is armed for the first.  timer_interrupt() runs every expired timer's
 * function with the list unlocked, so a function may add timers, including itself.
 */
#include <aegis/sched.h>
#include <aegis/spinlock.h>
#include <aegis/time.h>

static struct spinlock timer_lock = SPINLOCK_INIT("timers");
static struct timer *timer_list;	/* [timer_lock] sorted by deadline */
/*
 * [timer_lock] The deadline the clock event is armed for, UINT64_MAX when it is
 * not armed.  Cancelling a timer leaves the clock event alone (an early interrupt
 * finds nothing due and re-arms), and adding one re-arms it only when the new
 * deadline comes sooner.  Reprogramming is not free: under QEMU every write of the
 * deadline goes through the emulator's timer code, and a futex ping-pong re-armed
 * it on every switch (each wake arms a slice timer, each switch to a lone task
 * cancels it): half a round trip took 6.4 us (median, TCG wall clock) re-arming
 * every time, 5.2 us like this.
 */
static uint64_t armed = UINT64_MAX;

static void arm_locked(uint64_t deadline)
{
	armed = clockevent_arm(deadline) ? deadline : UINT64_MAX;
}

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data)
{
	t->fn = fn;
	t->data = data;
	t->next = NULL;
	t->pending = false;
}

static void unlink_locked(struct timer *t)
{
	for (struct timer **pp = &timer_list; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->pending = false;
}

void timer_add(struct timer *t, uint64_t deadline)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	struct timer **pp;

	if (t->pending)
		unlink_locked(t);
	t->deadline = deadline;
	for (pp = &timer_list; *pp && (*pp)->deadline <= deadline; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->pending = true;
	if (timer_list == t && deadline < armed)
		arm_locked(deadline);
	spin_unlock_irqrestore(&timer_lock, flags);
}

bool timer_cancel(struct timer *t)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	bool was = t->pending;

	if (was)
		unlink_locked(t);
	spin_unlock_irqrestore(&timer_lock, flags);
	return was;
}

void timer_interrupt(void)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);

	armed = UINT64_MAX;	/* it fired */
	while (timer_list && timer_list->deadline <= time_ns()) {
		struct timer *t = timer_list;
		timer_list = t->next;
		t->pending = false;
		spin_unlock_irqrestore(&timer_lock, flags);
		t->fn(t);
		flags = spin_lock_irqsave(&timer_lock);
	}
	if (timer_list && timer_list->deadline < armed)
		arm_locked(timer_list->deadline);
	spin_unlock_irqrestore(&timer_lock, flags);
	sched_tick();
}

void timer_rearm(void)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);

	armed = UINT64_MAX;
	if (timer_list)
		arm_locked(timer_list->deadline);
	spin_unlock_irqrestore(&timer_lock, flags);
}

void sleep_ns(uint64_t ns)
{
	struct wait_queue wq;
	uint64_t deadline = time_ns() + ns;

	wq_init(&wq);
	while (time_ns() < deadline)
		wq_wait(&wq, NULL, NULL, false, deadline);
}
