/*
 * itimer.c - alarm(2) and setitimer/getitimer: SIGALRM, SIGVTALRM, SIGPROF.
 *
 * The timer callback runs in interrupt context, so p->itimer_real is guarded by
 * p->sighand->lock (always taken with interrupts off) rather than p->lock.
 *
 * ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time; Aegis does not
 * split user from system time, so both count the same clock, p->cpu_ns (time of
 * threads switched out) plus the running thread's time since it was switched in.
 * The scheduler is tickless, so nothing samples that clock while a thread runs
 * alone: instead, when a thread of a process with an armed CPU timer is switched
 * in, a per-CPU kernel timer is armed for the remaining CPU budget, and cancelled
 * when it is switched out (itimer_cpu_switch).
 */
#include <aegis/errno.h>
#include <aegis/proc.h>
#include <aegis/time_abi.h>
#include <aegis/uaccess.h>

#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2

static struct timer cpu_timer[MAX_CPUS];	/* the running process's CPU itimer */
static void cpu_timer_fire(struct timer *tm);

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

/* The current process's CPU clock (interrupts off, current is one of its threads). */
static uint64_t cpu_now(struct process *p)
{
	return __atomic_load_n(&p->cpu_ns, __ATOMIC_RELAXED) +
	       (time_ns() - current_task()->last_run);
}

static void cpu_deadline_update(struct process *p)
{
	uint64_t d = 0;

	for (int i = 0; i < 2; i++) {
		uint64_t v = p->itimer_cpu[i].value_ns;

		if (v && (!d || v < d))
			d = v;
	}
	__atomic_store_n(&p->cpu_deadline_ns, d, __ATOMIC_RELAXED);
}

/* Arms this CPU's timer for current's process at time now (interrupts off). */
static void cpu_timer_arm(struct process *p, uint64_t now)
{
	struct timer *t = &cpu_timer[this_cpu()->id];
	uint64_t d = p ? __atomic_load_n(&p->cpu_deadline_ns, __ATOMIC_RELAXED) : 0;
	uint64_t used = p ? __atomic_load_n(&p->cpu_ns, __ATOMIC_RELAXED) : 0;

	if (!d) {
		timer_cancel(t);
		return;
	}
	if (!t->fn)
		timer_init(t, cpu_timer_fire, NULL);
	t->data = p;
	timer_add(t, now + (d > used ? d - used : 0));
}

static void cpu_timer_fire(struct timer *tm)
{
	static const int sig[2] = { SIGVTALRM, SIGPROF };
	struct task *cur = current_task();
	struct process *p = cur->proc;
	bool fired[2] = { false, false };
	unsigned long flags;
	uint64_t cpu;

	if (!p || p != tm->data)
		return;
	flags = spin_lock_irqsave(&p->sighand->lock);
	cpu = cpu_now(p);
	for (int i = 0; i < 2; i++) {
		struct itimer *it = &p->itimer_cpu[i];

		if (!it->value_ns || it->value_ns > cpu)
			continue;
		fired[i] = true;
		if (it->interval_ns) {
			it->value_ns += it->interval_ns;
			if (it->value_ns <= cpu)
				it->value_ns = cpu + it->interval_ns;
		} else {
			it->value_ns = 0;
		}
	}
	cpu_deadline_update(p);
	/* re-arm relative to the running thread's switch-in, as at switch time */
	cpu_timer_arm(p, cur->last_run);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	for (int i = 0; i < 2; i++) {
		siginfo_t info = { .si_signo = sig[i], .si_code = SI_KERNEL };

		if (fired[i])
			signal_send_proc(p, sig[i], &info);
	}
}

/*
 * Called by schedule() with the run-queue lock held and interrupts off, before
 * prev->runtime_ns is updated: charges prev's process and arms the CPU timer for
 * next's.
 */
void itimer_cpu_switch(struct task *prev, struct task *next, uint64_t now)
{
	if (prev->proc)
		__atomic_add_fetch(&prev->proc->cpu_ns, now - prev->last_run, __ATOMIC_RELAXED);
	cpu_timer_arm(next->proc, now);
}

/* Reads the CPU timer's remaining time and interval (caller holds sighand->lock). */
static void itimer_cpu_get(struct process *p, int i, uint64_t *left, uint64_t *interval)
{
	uint64_t now = cpu_now(p), v = p->itimer_cpu[i].value_ns;

	*left = v ? (v > now ? v - now : 1) : 0;
	*interval = p->itimer_cpu[i].interval_ns;
}

static void itimer_cpu_set(struct process *p, int i, uint64_t value, uint64_t interval,
			   uint64_t *old_left, uint64_t *old_interval)
{
	unsigned long flags = spin_lock_irqsave(&p->sighand->lock);

	itimer_cpu_get(p, i, old_left, old_interval);
	p->itimer_cpu[i].interval_ns = interval;
	p->itimer_cpu[i].value_ns = value ? cpu_now(p) + value : 0;
	cpu_deadline_update(p);
	cpu_timer_arm(p, current_task()->last_run);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
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

	if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	flags = spin_lock_irqsave(&p->sighand->lock);
	if (which == ITIMER_REAL)
		itimer_get(p, &left, &interval);
	else
		itimer_cpu_get(p, which - 1, &left, &interval);
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

	if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
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
	if (which == ITIMER_REAL)
		itimer_set(current_proc(), timeval_ns(&v.it_value), timeval_ns(&v.it_interval),
			   &left, &interval);
	else
		itimer_cpu_set(current_proc(), which - 1, timeval_ns(&v.it_value),
			       timeval_ns(&v.it_interval), &left, &interval);
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

/* Process exit: no SIGALRM/SIGVTALRM/SIGPROF after this (signal_exit_process). */
void itimer_real_cancel(struct process *p)
{
	unsigned long flags;

	flags = spin_lock_irqsave(&p->sighand->lock);
	if (p->itimer_timer.fn)
		timer_cancel(&p->itimer_timer);
	p->itimer_real.value_ns = 0;
	p->itimer_real.interval_ns = 0;
	__builtin_memset(p->itimer_cpu, 0, sizeof(p->itimer_cpu));
	cpu_deadline_update(p);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
}
