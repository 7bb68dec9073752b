/*
 * limits.c - resource limits, nice values and the scheduler-policy calls.
 *
 * Limits live in p->rlim (guarded by p->lock) and are inherited by fork; raising
 * a hard limit needs root.  Aegis has one CPU and one policy (SCHED_OTHER); the
 * calls that query or set affinity and policy answer accordingly.
 */
#include <aegis/arch.h>
#include <aegis/errno.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

static struct process *find_target(int pid)
{
	if (pid == 0 || pid == current_proc()->pid) {
		struct process *p = current_proc();
		__atomic_add_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL);
		return p;
	}
	return pid < 0 ? NULL : proc_find(pid);
}

long sys_prlimit64(int pid, unsigned resource, const struct rlimit64 __user *unew,
		   struct rlimit64 __user *uold)
{
	struct process *p;
	struct rlimit64 new, old;
	long ret = 0;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (unew) {
		if (copy_from_user(&new, unew, sizeof(new)))
			return -EFAULT;
		if (new.cur > new.max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && new.max > 1048576)
			return -EPERM;	/* fs.nr_open */
	}
	p = find_target(pid);
	if (!p)
		return -ESRCH;
	if (p != current_proc() && unew && !cred_is_root(&current_proc()->cred) &&
	    current_proc()->cred.uid != p->cred.uid)
		ret = -EPERM;
	spin_lock(&p->lock);
	old = p->rlim[resource];
	if (!ret && unew) {
		if (new.max > old.max && !cred_is_root(&current_proc()->cred))
			ret = -EPERM;
		else
			p->rlim[resource] = new;
	}
	spin_unlock(&p->lock);
	proc_put(p);
	if (ret)
		return ret;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(unsigned resource, struct rlimit64 __user *rlim)
{
	return sys_prlimit64(0, resource, NULL, rlim);
}

long sys_setrlimit(unsigned resource, const struct rlimit64 __user *rlim)
{
	return sys_prlimit64(0, resource, rlim, NULL);
}

#define PRIO_PROCESS	0
#define PRIO_PGRP	1
#define PRIO_USER	2

struct prio_walk {
	int which, who, nice;
	bool set, found;
	long err;
};

static bool prio_match(struct process *p, const struct prio_walk *w)
{
	switch (w->which) {
	case PRIO_PROCESS: return p->pid == w->who;
	case PRIO_PGRP: return p->pgid == w->who;
	default: return p->cred.uid == (uint32_t)w->who;
	}
}

static void prio_visit(struct process *p, void *arg)
{
	struct prio_walk *w = arg;
	const struct cred *me = &current_proc()->cred;

	if (p->state != PROC_ALIVE || !prio_match(p, w))
		return;
	if (!w->set) {
		if (!w->found || p->nice < w->nice)
			w->nice = p->nice;	/* the highest priority: lowest nice */
		w->found = true;
		return;
	}
	w->found = true;
	if (!cred_is_root(me) && me->euid != p->cred.uid && me->euid != p->cred.euid) {
		w->err = -EPERM;
		return;
	}
	if (w->nice < p->nice && !cred_is_root(me)) {
		w->err = -EACCES;	/* lowering nice needs CAP_SYS_NICE */
		return;
	}
	p->nice = w->nice;
}

static long prio_who(int which, int who, struct prio_walk *w)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	w->which = which;
	w->who = who;
	if (!who)
		w->who = which == PRIO_PROCESS ? current_proc()->pid :
			 which == PRIO_PGRP ? current_proc()->pgid : (int)current_proc()->cred.uid;
	return 0;
}

long sys_getpriority(int which, int who)
{
	struct prio_walk w = { 0 };
	long ret = prio_who(which, who, &w);

	if (ret)
		return ret;
	proc_for_each(prio_visit, &w);
	return w.found ? 20 - w.nice : -ESRCH;	/* the kernel returns 20 - nice */
}

long sys_setpriority(int which, int who, int nice)
{
	struct prio_walk w = { .set = true };
	long ret = prio_who(which, who, &w);

	if (ret)
		return ret;
	w.nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	proc_for_each(prio_visit, &w);
	if (!w.found)
		return -ESRCH;
	return w.err;
}

long sys_sched_yield(void)
{
	sched_yield();
	return 0;
}

/* Whether id names a live thread: 0 (the caller), a process, or one of our threads. */
static bool sched_id_exists(int id)
{
	struct process *p, *me = current_proc();
	struct list_head *pos;
	unsigned long flags;
	bool found = false;

	if (id == 0)
		return true;
	if ((p = proc_find(id))) {
		proc_put(p);
		return true;
	}
	flags = spin_lock_irqsave(&me->lock);
	list_for_each(pos, &me->threads)
		if (container_of(pos, struct task, user.thread_node)->tid == id)
			found = true;
	spin_unlock_irqrestore(&me->lock, flags);
	return found;
}

long sys_sched_getaffinity(int pid, unsigned len, uint64_t __user *mask)
{
	uint64_t one = 1;

	if (len < sizeof(one) || (len & 7))
		return -EINVAL;
	if (pid < 0 || !sched_id_exists(pid))
		return -ESRCH;
	if (copy_to_user(mask, &one, sizeof(one)))
		return -EFAULT;
	return sizeof(one);
}

long sys_sched_setaffinity(int pid, unsigned len, const uint64_t __user *mask)
{
	uint64_t m = 0;

	if (pid < 0 || !sched_id_exists(pid))
		return -ESRCH;
	if (copy_from_user(&m, mask, len < sizeof(m) ? len : sizeof(m)))
		return -EFAULT;
	return (m & 1) ? 0 : -EINVAL;
}

long sys_getcpu(unsigned __user *cpu, unsigned __user *node, void __user *cache)
{
	if (cpu && put_user(0u, cpu))
		return -EFAULT;
	if (node && put_user(0u, node))
		return -EFAULT;
	return 0;
}

#define SCHED_OTHER	0
#define SCHED_BATCH	3
#define SCHED_IDLE	5

long sys_sched_getscheduler(int pid)
{
	return pid < 0 ? -EINVAL : SCHED_OTHER;
}

long sys_sched_setscheduler(int pid, int policy, const int __user *param)
{
	int prio;

	if (pid < 0 || !param)
		return -EINVAL;
	if (get_user(prio, param))
		return -EFAULT;
	if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return -EPERM;	/* no real-time policies */
	return prio ? -EINVAL : 0;
}

long sys_sched_getparam(int pid, int __user *param)
{
	if (pid < 0 || !param)
		return -EINVAL;
	return put_user(0, param) ? -EFAULT : 0;
}

long sys_sched_setparam(int pid, const int __user *param)
{
	int prio;

	if (pid < 0 || !param)
		return -EINVAL;
	if (get_user(prio, param))
		return -EFAULT;
	return prio ? -EINVAL : 0;
}

static bool policy_valid(int policy)
{
	return policy == SCHED_OTHER || policy == 1 || policy == 2 || policy == SCHED_BATCH ||
	       policy == SCHED_IDLE || policy == 6;
}

long sys_sched_get_priority_max(int policy)
{
	if (!policy_valid(policy))
		return -EINVAL;
	return policy == 1 || policy == 2 ? 99 : 0;	/* FIFO, RR */
}

long sys_sched_get_priority_min(int policy)
{
	if (!policy_valid(policy))
		return -EINVAL;
	return policy == 1 || policy == 2 ? 1 : 0;
}
