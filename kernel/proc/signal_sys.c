/*
 * signal_sys.c - the signal system calls: actions, masks, waiting, sending.
 *
 * Permission to send follows Linux's kill(2): root, or the sender's real or
 * effective uid equals the target's real or saved uid (SIGCONT also within the
 * session).  Sleeps are interruptible wq_wait()s on a private queue; the wakeup
 * comes from signal_wake() in signal.c.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include <aegis/syscall.h>
#include <aegis/time_abi.h>
#include <aegis/uaccess.h>
#include "internal.h"

bool on_sig_stack(struct task *t, uint64_t sp)
{
	const struct k_stack_t *ss = &t->user.altstack;

	return ss->ss_size && !(ss->ss_flags & SS_DISABLE) &&
	       sp > ss->ss_sp && sp - ss->ss_sp <= ss->ss_size;
}

int sig_stack_flags(struct task *t, uint64_t sp)
{
	if (!t->user.altstack.ss_size || (t->user.altstack.ss_flags & SS_DISABLE))
		return SS_DISABLE;
	return on_sig_stack(t, sp) ? SS_ONSTACK : 0;
}

long sys_rt_sigaction(int sig, const struct k_sigaction __user *act,
		      struct k_sigaction __user *oact, size_t sigsetsize)
{
	struct sighand *sh = current_proc()->sighand;
	struct k_sigaction new, old;
	unsigned long flags;

	if (sigsetsize != sizeof(sigset_t) || !sig_valid(sig))
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	flags = spin_lock_irqsave(&sh->lock);
	old = sh->action[sig - 1];
	if (act) {
		new.mask &= ~SIG_KERNEL_ONLY;
		sh->action[sig - 1] = new;
		/* POSIX: setting SIG_IGN (or an ignoring SIG_DFL) discards pending ones */
		if (new.handler == SIG_IGN ||
		    (new.handler == SIG_DFL && sig_default_action(sig) == SIGDFL_IGN)) {
			struct list_head *pos;
			sigpending_flush(&current_proc()->shared_pending, SIGMASK(sig));
			list_for_each(pos, &current_proc()->threads)
				sigpending_flush(&list_entry(pos, struct task,
							     user.thread_node)->user.pending,
						 SIGMASK(sig));
		}
	}
	spin_unlock_irqrestore(&sh->lock, flags);
	if (oact && copy_to_user(oact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, const sigset_t __user *set, sigset_t __user *oset,
			size_t sigsetsize)
{
	struct task *t = current_task();
	sigset_t old = t->user.blocked, new;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (set) {
		if (copy_from_user(&new, set, sizeof(new)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: new |= old; break;
		case SIG_UNBLOCK: new = old & ~new; break;
		case SIG_SETMASK: break;
		default: return -EINVAL;
		}
		signal_set_blocked(new);
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(sigset_t __user *set, size_t sigsetsize)
{
	struct task *t = current_task();
	sigset_t pending;

	if (sigsetsize > sizeof(sigset_t))
		return -EINVAL;
	pending = (t->user.pending.set | t->proc->shared_pending.set) & t->user.blocked;
	return copy_to_user(set, &pending, sigsetsize) ? -EFAULT : 0;
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

/* Sleeps until a signal (or the deadline); returns -EINTR or -ETIMEDOUT. */
static int sleep_for_signal(uint64_t deadline)
{
	struct wait_queue wq;

	wq_init(&wq);
	return wq_wait(&wq, never, NULL, true, deadline);
}

long sys_rt_sigsuspend(const sigset_t __user *set, size_t sigsetsize)
{
	struct task *t = current_task();
	sigset_t mask;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, set, sizeof(mask)))
		return -EFAULT;
	t->user.saved_mask = t->user.blocked;
	t->user.restore_mask = true;
	signal_set_blocked(mask);
	while (sleep_for_signal(0) != -EINTR)
		;
	return -ERESTARTNOHAND;
}

long sys_pause(void)
{
	while (sleep_for_signal(0) != -EINTR)
		;
	return -ERESTARTNOHAND;
}

long sys_rt_sigtimedwait(const sigset_t __user *uset, siginfo_t __user *uinfo,
			 const struct k_timespec __user *uts, size_t sigsetsize)
{
	struct task *t = current_task();
	struct sighand *sh = t->proc->sighand;
	uint64_t deadline = 0;
	struct k_timespec ts;
	sigset_t set, saved;
	unsigned long flags;
	siginfo_t info;
	int sig;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (!timespec_valid(&ts))
			return -EINVAL;
		deadline = deadline_after(timespec_to_ns(&ts));
		if (!deadline)
			deadline = 1;
	}
	flags = spin_lock_irqsave(&sh->lock);
	sig = signal_dequeue(t, set, &info);
	if (!sig && !(uts && !ts.tv_sec && !ts.tv_nsec)) {
		/* let the waited-for signals wake us, then look again */
		saved = t->user.blocked;
		t->user.blocked &= ~set;
		spin_unlock_irqrestore(&sh->lock, flags);
		sleep_for_signal(deadline);
		flags = spin_lock_irqsave(&sh->lock);
		t->user.blocked = saved;
		sig = signal_dequeue(t, set, &info);
	}
	spin_unlock_irqrestore(&sh->lock, flags);
	if (!sig)	/* timed out, or woken by a signal it was not waiting for */
		return uts && (!deadline || time_ns() >= deadline || (!ts.tv_sec && !ts.tv_nsec)) ?
		       -EAGAIN : -EINTR;
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

/* kill(2)'s permission rule. */
static bool may_signal(struct process *p, int sig)
{
	const struct cred *c = &current_proc()->cred;

	if (p == current_proc() || cred_is_root(c))
		return true;
	if (c->uid == p->cred.uid || c->uid == p->cred.suid ||
	    c->euid == p->cred.uid || c->euid == p->cred.suid)
		return true;
	return sig == SIGCONT && p->sid == current_proc()->sid;
}

static void user_info(siginfo_t *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->kill.pid = current_proc()->pid;
	info->kill.uid = current_proc()->cred.uid;
}

static int kill_one(struct process *p, int sig, const siginfo_t *info)
{
	if (!may_signal(p, sig))
		return -EPERM;
	return signal_send_proc(p, sig, info);
}

int kill_pid_info(int pid, int sig, const siginfo_t *info)
{
	struct process *p = proc_find(pid);
	int ret;

	if (!p)
		return -ESRCH;
	ret = p->state == PROC_ALIVE ? kill_one(p, sig, info) : (sig ? 0 : 0);
	proc_put(p);
	return ret;
}

#define KILL_MAX	1024

struct kill_collect {
	int pgid;		/* -1: every process */
	int n;
	int *pids;
};

static void collect(struct process *p, void *arg)
{
	struct kill_collect *c = arg;

	if (c->n >= KILL_MAX || p->state != PROC_ALIVE)
		return;
	if (c->pgid == -1 ? (p->pid > 1 && p != current_proc()) : p->pgid == c->pgid)
		c->pids[c->n++] = p->pid;
}

static int kill_many(int pgid, int sig, const siginfo_t *info)
{
	struct kill_collect c = { .pgid = pgid };
	int found = 0, ok = 0, err = -ESRCH;

	c.pids = kmalloc(KILL_MAX * sizeof(int));
	if (!c.pids)
		return -ENOMEM;
	proc_for_each(collect, &c);
	for (int i = 0; i < c.n; i++) {
		int r = kill_pid_info(c.pids[i], sig, info);
		found++;
		if (r == 0)
			ok++;
		else
			err = r;
	}
	kfree(c.pids);
	if (!found)
		return -ESRCH;
	return ok ? 0 : err;
}

long sys_kill(int pid, int sig)
{
	siginfo_t info;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	user_info(&info, sig, SI_USER);
	if (pid > 0)
		return kill_pid_info(pid, sig, &info);
	if (pid == 0)
		return kill_many(current_proc()->pgid, sig, &info);
	if (pid == -1)
		return kill_many(-1, sig, &info);
	if (pid == (int)0x80000000)
		return -ESRCH;
	return kill_many(-pid, sig, &info);
}

/* Finds thread tid of process tgid (tgid <= 0: any process); referenced process. */
struct tid_search {
	int tid, pid;
};

static void search_tid(struct process *p, void *arg)
{
	struct tid_search *s = arg;
	struct list_head *pos;

	if (s->pid)
		return;
	spin_lock(&p->lock);
	list_for_each(pos, &p->threads) {
		if (list_entry(pos, struct task, user.thread_node)->tid == s->tid)
			s->pid = p->pid;
	}
	spin_unlock(&p->lock);
}

static int send_to_thread(int tgid, int tid, int sig, const siginfo_t *info)
{
	struct tid_search s = { .tid = tid };
	struct list_head *pos;
	struct process *p;
	int ret = -ESRCH;

	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	if (tgid > 0) {
		s.pid = tgid;
	} else {
		proc_for_each(search_tid, &s);
		if (!s.pid)
			return -ESRCH;
	}
	p = proc_find(s.pid);
	if (!p)
		return -ESRCH;
	spin_lock(&p->lock);
	list_for_each(pos, &p->threads) {
		struct task *t = list_entry(pos, struct task, user.thread_node);
		if (t->tid != tid || t->state == TASK_DEAD)
			continue;
		if (!may_signal(p, sig))
			ret = -EPERM;
		else
			ret = sig ? signal_send_task(t, sig, info) : 0;
		break;
	}
	spin_unlock(&p->lock);
	proc_put(p);
	return ret;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	siginfo_t info;

	if (tgid <= 0)
		return -EINVAL;
	user_info(&info, sig, SI_TKILL);
	return send_to_thread(tgid, tid, sig, &info);
}

long sys_tkill(int tid, int sig)
{
	siginfo_t info;

	user_info(&info, sig, SI_TKILL);
	return send_to_thread(0, tid, sig, &info);
}

static int copy_queue_info(siginfo_t *info, const siginfo_t __user *uinfo, int sig, int target)
{
	if (copy_from_user(info, uinfo, sizeof(*info)))
		return -EFAULT;
	/* only the kernel may claim to be the kernel, or kill(2) */
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) && target != current_proc()->pid)
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

long sys_rt_sigqueueinfo(int pid, int sig, const siginfo_t __user *uinfo)
{
	siginfo_t info;
	int ret = copy_queue_info(&info, uinfo, sig, pid);

	if (ret)
		return ret;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	return kill_pid_info(pid, sig, &info);
}

long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, const siginfo_t __user *uinfo)
{
	siginfo_t info;
	int ret;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	ret = copy_queue_info(&info, uinfo, sig, tgid);
	if (ret)
		return ret;
	return send_to_thread(tgid, tid, sig, &info);
}

#define MINSIGSTKSZ	2048

long sys_sigaltstack(const struct k_stack_t __user *uss, struct k_stack_t __user *uoss)
{
	struct task *t = current_task();
	uint64_t sp = current_user_frame()->rsp;
	struct k_stack_t old = t->user.altstack, ss;

	old.ss_flags = sig_stack_flags(t, sp);
	old.pad = 0;
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		if (on_sig_stack(t, sp))
			return -EPERM;
		if (ss.ss_flags != 0 && ss.ss_flags != SS_DISABLE && ss.ss_flags != SS_ONSTACK)
			return -EINVAL;
		if (ss.ss_flags == SS_DISABLE) {
			ss.ss_sp = 0;
			ss.ss_size = 0;
		} else if (ss.ss_size < MINSIGSTKSZ) {
			return -ENOMEM;
		}
		t->user.altstack.ss_sp = ss.ss_sp;
		t->user.altstack.ss_size = ss.ss_size;
		t->user.altstack.ss_flags = ss.ss_flags & SS_DISABLE;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_restart_syscall(void)
{
	struct restart_block *rb = &current_task()->user.restart;
	long (*fn)(struct restart_block *) = rb->fn;

	rb->fn = NULL;
	return fn ? fn(rb) : -EINTR;
}
