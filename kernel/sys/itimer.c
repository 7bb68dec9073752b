/*
 * itimer.c - alarm(2) and setitimer/getitimer(ITIMER_REAL): SIGALRM on a timer.
 *
 * The timer callback runs in interrupt context, so p->itimer_real is guarded by
 * p->sighand->lock (always taken with interrupts off) rather than p->lock.
 * ITIMER_VIRTUAL and ITIMER_PROF would need per-tick user/system accounting,
 * which the scheduler does not do: they return -EINVAL.
 */
#include <aegis/errno.h>
#include <aegis/proc.h>
#include <aegis/time_abi.h>
#include <aegis/uaccess.h>

#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2

static void itimer_fire(struct timer *tm)
{
	struct process *p = tm->data;
	siginfo_t info = { .si_signo = SIGALRM, .si_code = SI_KERNEL };
	unsigned long flags = spin_lock_irqsave(&p->sighand->lock);
	struct itimer *it = &p->itimer_real;

	if (it->interval_ns) {
		it->value_ns = deadline_after(it->interval_ns);
		timer_add(tm, it->value_ns);
	} else {
		it->value_ns = 0;
	}
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	signal_send_proc(p, SIGALRM, &info);
}

/* Reads the remaining time and interval (caller holds sighand->lock). */
static void itimer_get(struct process *p, uint64_t *left, uint64_t *interval)
{
	uint64_t now = time_ns(), v = p->itimer_real.value_ns;

	*left = v ? (v > now ? v - now : 1) : 0;
	*interval = p->itimer_real.interval_ns;
}

/* Arms (value 0: disarms) the real timer; returns the previous setting. */
static void itimer_set(struct process *p, uint64_t value, uint64_t interval,
		       uint64_t *old_left, uint64_t *old_interval)
{
	unsigned long flags = spin_lock_irqsave(&p->sighand->lock);

	if (!p->itimer_timer.fn)
		timer_init(&p->itimer_timer, itimer_fire, p);
	itimer_get(p, old_left, old_interval);
	timer_cancel(&p->itimer_timer);
	p->itimer_real.interval_ns = interval;
	p->itimer_real.value_ns = value ? deadline_after(value) : 0;
	if (value)
		timer_add(&p->itimer_timer, p->itimer_real.value_ns);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
}

static uint64_t timeval_ns(const struct k_timeval *tv)
{
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
}

/* Linux rounds a remaining time up to whole microseconds, never reporting 0. */
static struct k_timeval left_timeval(uint64_t ns)
{
	return ns_to_timeval(ns ? ns + NSEC_PER_USEC - 1 : 0);
}

long sys_getitimer(int which, struct k_itimerval __user *uv)
{
	struct process *p = current_proc();
	struct k_itimerval v;
	uint64_t left, interval;
	unsigned long flags;

	if (which != ITIMER_REAL)
		return which == ITIMER_VIRTUAL || which == ITIMER_PROF ? -EINVAL : -EINVAL;
	flags = spin_lock_irqsave(&p->sighand->lock);
	itimer_get(p, &left, &interval);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	v.it_value = left_timeval(left);
	v.it_interval = ns_to_timeval(interval);
	return copy_to_user(uv, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(int which, const struct k_itimerval __user *unew,
		   struct k_itimerval __user *uold)
{
	struct k_itimerval v, old;
	uint64_t left, interval;

	if (which != ITIMER_REAL)
		return -EINVAL;
	if (unew) {
		if (copy_from_user(&v, unew, sizeof(v)))
			return -EFAULT;
	} else {
		__builtin_memset(&v, 0, sizeof(v));	/* Linux: NULL disarms */
	}
	if (v.it_value.tv_sec < 0 || v.it_value.tv_usec < 0 || v.it_value.tv_usec >= 1000000 ||
	    v.it_interval.tv_sec < 0 || v.it_interval.tv_usec < 0 ||
	    v.it_interval.tv_usec >= 1000000)
		return -EINVAL;
	itimer_set(current_proc(), timeval_ns(&v.it_value), timeval_ns(&v.it_interval),
		   &left, &interval);
	if (uold) {
		old.it_value = left_timeval(left);
		old.it_interval = ns_to_timeval(interval);
		if (copy_to_user(uold, &old, sizeof(old)))
			return -EFAULT;
	}
	return 0;
}

long sys_alarm(unsigned int seconds)
{
	uint64_t left, interval;

	itimer_set(current_proc(), (uint64_t)seconds * NSEC_PER_SEC, 0, &left, &interval);
	/* the old remaining time, rounded to the nearest second and never 0 if armed */
	if (!left)
		return 0;
	return (long)((left + NSEC_PER_SEC / 2) / NSEC_PER_SEC) ?: 1;
}

/* Process exit: no SIGALRM after this (called by signal_exit_process). */
void itimer_real_cancel(struct process *p)
{
	unsigned long flags;

	if (!p->itimer_timer.fn)
		return;
	flags = spin_lock_irqsave(&p->sighand->lock);
	timer_cancel(&p->itimer_timer);
	p->itimer_real.value_ns = 0;
	p->itimer_real.interval_ns = 0;
	spin_unlock_irqrestore(&p->sighand->lock, flags);
}
