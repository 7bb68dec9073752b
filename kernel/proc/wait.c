/*
 * wait.c - wait4 and waitid: a parent collecting its children's exits, stops and
 * continues.  Children are looked at under proc_lock; a parent with nothing to
 * collect sleeps on its child_wq, which exits, stops and continues wake.
 */
#include <aegis/errno.h>
#include <aegis/proc.h>
#include <aegis/uaccess.h>

#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WSTOPPED	WUNTRACED
#define WEXITED		0x00000004
#define WCONTINUED	0x00000008
#define WNOWAIT		0x01000000
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000

#define P_ALL	0
#define P_PID	1
#define P_PGID	2

void proc_reap(struct process *p);

struct wait_req {
	int pid;		/* wait4 convention: >0 pid, -1 any, 0 my group, <-1 group */
	int options;		/* WEXITED etc. (wait4 adds WEXITED itself) */
	/* result */
	int found_pid;
	int status;		/* wait4 status word */
	int code;		/* CLD_* for waitid */
	int si_status;
	uint32_t uid;
	uint64_t utime_ns, stime_ns;
};

static bool child_matches(const struct process *c, const struct wait_req *w,
			  const struct process *me)
{
	if (w->pid > 0)
		return c->pid == w->pid;
	if (w->pid == 0)
		return c->pgid == me->pgid;
	if (w->pid < -1)
		return c->pgid == -w->pid;
	return true;
}

/* What c has to report under w, filling w; false if nothing. [proc_lock] */
static bool child_report(struct process *c, struct wait_req *w)
{
	if (c->state == PROC_ZOMBIE && (w->options & WEXITED)) {
		int st = c->exit_status;
		w->status = st;
		if ((st & 0x7f) == 0) {
			w->code = CLD_EXITED;
			w->si_status = (st >> 8) & 0xff;
		} else {
			w->code = (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
			w->si_status = st & 0x7f;
		}
		return true;
	}
	if (c->wait_report == CLD_STOPPED && (w->options & WSTOPPED)) {
		w->status = (c->stop_signal << 8) | 0x7f;
		w->code = CLD_STOPPED;
		w->si_status = c->stop_signal;
		if (!(w->options & WNOWAIT))
			c->wait_report = 0;
		return true;
	}
	if (c->wait_report == CLD_CONTINUED && (w->options & WCONTINUED)) {
		w->status = 0xffff;
		w->code = CLD_CONTINUED;
		w->si_status = SIGCONT;
		if (!(w->options & WNOWAIT))
			c->wait_report = 0;
		return true;
	}
	return false;
}

/*
 * One look at the children: >0 a child's pid with w filled in (a zombie is reaped
 * unless WNOWAIT), 0 if matching children exist but none has news, -ECHILD if none.
 */
static int wait_scan(struct wait_req *w)
{
	struct process *me = current_proc(), *zombie = NULL;
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct list_head *pos;
	bool any = false;
	int ret = 0;

	list_for_each(pos, &me->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		if (!child_matches(c, w, me))
			continue;
		any = true;
		if (child_report(c, w)) {
			ret = w->found_pid = c->pid;
			w->uid = c->cred.uid;
			w->utime_ns = c->utime_ns + c->cutime_ns;
			w->stime_ns = c->stime_ns + c->cstime_ns;
			if (c->state == PROC_ZOMBIE && !(w->options & WNOWAIT))
				zombie = c;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	if (zombie)
		proc_reap(zombie);
	return any ? ret : -ECHILD;
}

struct wait_cond {
	struct wait_req *w;
	int result;
};

static bool wait_ready(void *arg)
{
	struct wait_cond *wc = arg;

	wc->result = wait_scan(wc->w);
	return wc->result != 0;
}

static int do_wait(struct wait_req *w)
{
	struct wait_cond wc = { w, 0 };
	int err;

	if (w->options & WNOHANG)
		return wait_scan(w);
	err = wq_wait(&current_proc()->child_wq, wait_ready, &wc, true, 0);
	if (err)
		return -ERESTARTSYS;
	return wc.result;
}

struct rusage_k {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};

static int put_rusage(void __user *ru, uint64_t utime_ns, uint64_t stime_ns)
{
	struct rusage_k r = {
		.utime_sec = utime_ns / 1000000000, .utime_usec = utime_ns / 1000 % 1000000,
		.stime_sec = stime_ns / 1000000000, .stime_usec = stime_ns / 1000 % 1000000,
	};

	return ru ? (int)copy_to_user(ru, &r, sizeof(r)) : 0;
}

long sys_wait4(int pid, int __user *wstatus, int options, void __user *ru)
{
	struct wait_req w = { .pid = pid, .options = (options & ~WNOHANG) | WEXITED };
	int ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH;	/* -INT_MIN has no group */
	w.options |= options & WNOHANG;
	ret = do_wait(&w);
	if (ret <= 0)
		return ret;
	if (wstatus && copy_to_user(wstatus, &w.status, sizeof(int)))
		return -EFAULT;
	if (put_rusage(ru, w.utime_ns, w.stime_ns))
		return -EFAULT;
	return ret;
}

long sys_waitid(int idtype, int id, siginfo_t __user *infop, int options, void __user *ru)
{
	struct wait_req w = { .options = options };
	siginfo_t info = { 0 };
	int ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
			__WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL: w.pid = -1; break;
	case P_PID: if (id <= 0) return -EINVAL; w.pid = id; break;
	case P_PGID: if (id < 0) return -EINVAL; w.pid = id ? -id : 0; break;
	default: return -EINVAL;
	}
	ret = do_wait(&w);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		info.si_signo = SIGCHLD;
		info.si_code = w.code;
		info.chld.pid = w.found_pid;
		info.chld.uid = w.uid;
		info.chld.status = w.si_status;
	}
	if (infop && copy_to_user(infop, &info, sizeof(info)))
		return -EFAULT;
	if (put_rusage(ru, w.utime_ns, w.stime_ns))
		return -EFAULT;
	return 0;
}
