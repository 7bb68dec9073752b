/*
 * pgrp.c - process groups and sessions (setpgid, getpgid, getpgrp, setsid, getsid).
 *
 * pgid and sid are guarded by proc_lock.  Checks that need every process (does
 * the group exist in my session?) walk proc_for_each first and then change the
 * target under proc_lock; on one CPU nothing can create or dissolve the group in
 * between except an exit, which at worst leaves a group with one fewer member.
 */
#include <aegis/errno.h>
#include <aegis/proc.h>

struct group_search {
	int pgid, sid;
	bool found;
};

static void search_group(struct process *p, void *arg)
{
	struct group_search *s = arg;

	if (p->state == PROC_ALIVE && p->pgid == s->pgid && (s->sid < 0 || p->sid == s->sid))
		s->found = true;
}

static bool group_exists(int pgid, int sid)
{
	struct group_search s = { .pgid = pgid, .sid = sid };

	proc_for_each(search_group, &s);
	return s.found;
}

long sys_setpgid(int pid, int pgid)
{
	struct process *me = current_proc(), *p;
	long ret = 0;

	if (pgid < 0)
		return -EINVAL;
	if (!pid)
		pid = me->pid;
	if (!pgid)
		pgid = pid;
	p = pid == me->pid ? NULL : proc_find(pid);
	if (pid != me->pid && !p)
		return -ESRCH;
	if (pgid != pid && !group_exists(pgid, me->sid)) {
		ret = -EPERM;
		goto out;
	}
	spin_lock(&proc_lock);
	/* as Linux: a child is found until it is reaped, zombie or not */
	if (p && p->parent != me)
		ret = -ESRCH;
	else if (p && p->sid != me->sid)
		ret = -EPERM;
	else if (p && p->did_exec)
		ret = -EACCES;
	else if ((p ? p : me)->sid == (p ? p : me)->pid)
		ret = -EPERM;	/* a session leader cannot move */
	else
		(p ? p : me)->pgid = pgid;
	spin_unlock(&proc_lock);
out:
	if (p)
		proc_put(p);
	return ret;
}

static long get_id(int pid, bool session)
{
	struct process *p;
	int v;

	if (pid < 0)
		return -EINVAL;
	if (!pid || pid == current_proc()->pid) {
		spin_lock(&proc_lock);
		v = session ? current_proc()->sid : current_proc()->pgid;
		spin_unlock(&proc_lock);
		return v;
	}
	p = proc_find(pid);
	if (!p)
		return -ESRCH;
	spin_lock(&proc_lock);
	v = session ? p->sid : p->pgid;
	spin_unlock(&proc_lock);
	proc_put(p);
	return v;
}

long sys_getpgid(int pid) { return get_id(pid, false); }
long sys_getpgrp(void) { return get_id(0, false); }
long sys_getsid(int pid) { return get_id(pid, true); }

long sys_setsid(void)
{
	struct process *me = current_proc();

	/* a group leader, or anyone whose pid names a group, cannot start a session */
	if (me->pgid == me->pid || group_exists(me->pid, -1))
		return -EPERM;
	spin_lock(&proc_lock);
	me->sid = me->pid;
	me->pgid = me->pid;
	me->tty = NULL;
	spin_unlock(&proc_lock);
	return me->pid;
}
