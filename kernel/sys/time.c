/*
 * time.c - clocks and sleeping: clock_gettime & co., nanosleep, times, getrusage.
 *
 * Every clock derives from time_ns() (monotonic since boot); the wall clock adds
 * time_realtime_offset_ns().  CPU-time clocks sum task->runtime_ns (the scheduler
 * does not split user from system time, so it all counts as user time).  A sleep
 * interrupted by a signal returns -ERESTART_RESTARTBLOCK with a restart block that
 * resumes it with the remaining time, as Linux does.
 */
#include <aegis/errno.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/time_abi.h>
#include <aegis/uaccess.h>
#include <aegis/vm.h>

#define CLK_TCK		100
#define NS_PER_TICK	(NSEC_PER_SEC / CLK_TCK)

static uint64_t task_runtime(struct task *t)
{
	uint64_t rt = t->runtime_ns;

	if (t == current_task())
		rt += time_ns() - t->last_run;
	return rt;
}

/* CPU time of every thread of p, live and dead. */
uint64_t proc_cputime_ns(struct process *p)
{
	uint64_t sum = __atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED) +
		       __atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED);
	struct list_head *pos;

	spin_lock(&p->lock);
	list_for_each(pos, &p->threads)
		sum += task_runtime(list_entry(pos, struct task, user.thread_node));
	spin_unlock(&p->lock);
	return sum;
}

static int clock_read(int clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = time_ns() + time_realtime_offset_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = time_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = proc_cputime_ns(current_proc());
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = task_runtime(current_task());
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(int clk, struct k_timespec __user *uts)
{
	struct k_timespec ts;
	uint64_t ns;
	int ret = clock_read(clk, &ns);

	if (ret)
		return ret;
	ts = ns_to_timespec(ns);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_clock_getres(int clk, struct k_timespec __user *uts)
{
	struct k_timespec ts = { 0, 1 };
	uint64_t ns;
	int ret = clock_read(clk, &ns);

	if (ret)
		return ret;
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = 4000000;	/* Linux reports the tick: 4 ms at HZ=250 */
	return uts && copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_gettimeofday(struct k_timeval __user *tv, void __user *tz)
{
	struct k_timeval v = ns_to_timeval(time_ns() + time_realtime_offset_ns());
	uint32_t zone[2] = { 0, 0 };

	if (tv && copy_to_user(tv, &v, sizeof(v)))
		return -EFAULT;
	if (tz && copy_to_user(tz, zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}

long sys_time(int64_t __user *t)
{
	int64_t now = (int64_t)((time_ns() + time_realtime_offset_ns()) / NSEC_PER_SEC);

	if (t && put_user(now, t))
		return -EFAULT;
	return now;
}

static long set_wall(uint64_t ns)
{
	if (!cred_is_root(&current_proc()->cred))
		return -EPERM;
	time_set_realtime_ns(ns);
	return 0;
}

long sys_settimeofday(const struct k_timeval __user *tv, const void __user *tz)
{
	struct k_timeval v;

	if (!tv)
		return cred_is_root(&current_proc()->cred) ? 0 : -EPERM;
	if (copy_from_user(&v, tv, sizeof(v)))
		return -EFAULT;
	if (v.tv_sec < 0 || v.tv_usec < 0 || v.tv_usec >= 1000000)
		return -EINVAL;
	return set_wall((uint64_t)v.tv_sec * NSEC_PER_SEC + (uint64_t)v.tv_usec * NSEC_PER_USEC);
}

long sys_clock_settime(int clk, const struct k_timespec __user *uts)
{
	struct k_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (clk != CLOCK_REALTIME)
		return -EINVAL;
	if (!timespec_valid(&ts))
		return -EINVAL;
	return set_wall(timespec_to_ns(&ts));
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

/* Sleeps until the monotonic deadline; 0, or -EINTR when a signal arrived. */
static int sleep_until(uint64_t deadline)
{
	struct wait_queue wq;
	int ret;

	wq_init(&wq);
	do {
		ret = wq_wait(&wq, never, NULL, true, deadline);
	} while (ret == 0);
	return ret == -ETIMEDOUT ? 0 : ret;
}

static long nanosleep_restart(struct restart_block *rb);

/* Sleeps to deadline; on a signal writes the remaining time and arranges the restart. */
static long do_nanosleep(uint64_t deadline, struct k_timespec __user *rem, bool absolute)
{
	struct restart_block *rb = &current_task()->user.restart;
	struct k_timespec left;
	uint64_t now;

	if (sleep_until(deadline) == 0)
		return 0;
	if (absolute)
		return -ERESTARTNOHAND;
	now = time_ns();
	left = ns_to_timespec(deadline > now ? deadline - now : 0);
	if (rem && copy_to_user(rem, &left, sizeof(left)))
		return -EFAULT;
	rb->fn = nanosleep_restart;
	rb->arg[0] = deadline;
	rb->arg[1] = (uint64_t)rem;
	return -ERESTART_RESTARTBLOCK;
}

static long nanosleep_restart(struct restart_block *rb)
{
	return do_nanosleep(rb->arg[0], (struct k_timespec __user *)rb->arg[1], false);
}

long sys_clock_nanosleep(int clk, int flags, const struct k_timespec __user *ureq,
			 struct k_timespec __user *rem)
{
	struct k_timespec req;
	uint64_t ns, deadline, off = 0;

	switch (clk) {
	case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME:
		break;
	case CLOCK_THREAD_CPUTIME_ID:
		return -EINVAL;
	case CLOCK_PROCESS_CPUTIME_ID:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!timespec_valid(&req))
		return -EINVAL;
	ns = timespec_to_ns(&req);
	if (flags & TIMER_ABSTIME) {
		if (clk == CLOCK_REALTIME)
			off = time_realtime_offset_ns();
		deadline = ns > off ? ns - off : 1;
		return do_nanosleep(deadline ? deadline : 1, NULL, true);
	}
	deadline = deadline_after(ns);
	return do_nanosleep(deadline ? deadline : 1, rem, false);
}

long sys_nanosleep(const struct k_timespec __user *req, struct k_timespec __user *rem)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}

struct k_tms {
	int64_t utime, stime, cutime, cstime;
};

long sys_times(struct k_tms __user *buf)
{
	struct process *p = current_proc();
	struct k_tms t = {
		.utime = (int64_t)(proc_cputime_ns(p) / NS_PER_TICK),
		.stime = 0,
		.cutime = (int64_t)((p->cutime_ns + p->cstime_ns) / NS_PER_TICK),
		.cstime = 0,
	};

	if (buf && copy_to_user(buf, &t, sizeof(t)))
		return -EFAULT;
	/* like Linux's jiffies, offset so that it wraps within minutes of boot */
	return (long)(time_ns() / NS_PER_TICK) + (long)(0xffffffffu - 300u * CLK_TCK);
}

struct k_rusage {
	struct k_timeval ru_utime, ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
	int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw;
	int64_t ru_nivcsw;
};

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

long sys_getrusage(int who, struct k_rusage __user *ru)
{
	struct process *p = current_proc();
	struct k_rusage r;

	memset(&r, 0, sizeof(r));
	switch (who) {
	case RUSAGE_SELF:
		r.ru_utime = ns_to_timeval(proc_cputime_ns(p));
		r.ru_maxrss = (int64_t)MAX(p->maxrss_kb, vm_rss_peak_pages(p->mm) * 4);
		r.ru_minflt = (int64_t)p->min_flt;
		r.ru_majflt = (int64_t)p->maj_flt;
		break;
	case RUSAGE_THREAD:
		r.ru_utime = ns_to_timeval(task_runtime(current_task()));
		break;
	case RUSAGE_CHILDREN:
		r.ru_utime = ns_to_timeval(p->cutime_ns);
		r.ru_stime = ns_to_timeval(p->cstime_ns);
		r.ru_maxrss = (int64_t)p->cmaxrss_kb;
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(ru, &r, sizeof(r)) ? -EFAULT : 0;
}
