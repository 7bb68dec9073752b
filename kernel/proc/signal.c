/*
 * signal.c - generating signals: pending sets, sending, waking the receiver.
 *
 * As in Linux, a signal is made pending either on one thread (tkill, faults) or on
 * the process (kill); standard signals coalesce, real-time ones queue with their
 * siginfo.  Everything pending, and every thread's blocked mask, is guarded by the
 * process's sighand->lock, always taken with interrupts off because timers (SIGALRM)
 * and terminals send from interrupt context.  Job control at send time (SIGCONT
 * resuming a stopped process, stop signals and SIGCONT cancelling each other) is
 * here too; the stop itself happens in the stopped threads (signal_deliver.c).
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include "internal.h"

bool sig_valid(int sig)
{
	return sig >= 1 && sig <= NSIG;
}

enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return SIGDFL_IGN;
	case SIGCONT:
		return SIGDFL_CONT;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return SIGDFL_STOP;
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
	case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return SIGDFL_CORE;
	default:
		return SIGDFL_TERM;
	}
}

void sigpending_flush(struct sigpending *p, sigset_t which)
{
	struct sigqueue_entry **pp = &p->head;

	while (*pp) {
		struct sigqueue_entry *e = *pp;
		if (which & SIGMASK(e->info.si_signo)) {
			*pp = e->next;
			kfree(e);
		} else {
			pp = &e->next;
		}
	}
	p->set &= ~which;
}

static void sigpending_add(struct sigpending *p, int sig, const siginfo_t *info)
{
	struct sigqueue_entry *e, **pp;

	if (sig < SIGRTMIN && (p->set & SIGMASK(sig)))
		return;		/* standard signals coalesce */
	p->set |= SIGMASK(sig);
	e = kzalloc(sizeof(*e));
	if (!e)
		return;		/* still pending, with a bare siginfo */
	if (info)
		e->info = *info;
	else
		e->info.si_code = SI_KERNEL;
	e->info.si_signo = sig;
	for (pp = &p->head; *pp; pp = &(*pp)->next)
		;
	*pp = e;
}

/* Synchronous faults first, then the lowest number, as Linux does. */
static int next_signal(sigset_t pending)
{
	sigset_t sync = pending & SIG_SYNC_MASK;

	if (!pending)
		return 0;
	return __builtin_ctzll(sync ? sync : pending) + 1;
}

int sigpending_dequeue(struct sigpending *p, sigset_t allowed, siginfo_t *info)
{
	int sig = next_signal(p->set & allowed);
	struct sigqueue_entry **pp, *found = NULL;
	bool more = false;

	if (!sig)
		return 0;
	for (pp = &p->head; *pp; ) {
		struct sigqueue_entry *e = *pp;
		if (e->info.si_signo == sig && !found) {
			found = e;
			*pp = e->next;
			continue;
		}
		if (e->info.si_signo == sig)
			more = true;
		pp = &e->next;
	}
	if (!more)
		p->set &= ~SIGMASK(sig);
	if (found) {
		*info = found->info;
		kfree(found);
	} else {
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_KERNEL;
	}
	return sig;
}

int signal_dequeue(struct task *t, sigset_t allowed, siginfo_t *info)
{
	int sig = sigpending_dequeue(&t->user.pending, allowed, info);

	if (!sig)
		sig = sigpending_dequeue(&t->proc->shared_pending, allowed, info);
	return sig;
}

bool signal_pending(struct task *t)
{
	struct process *p = t->proc;
	sigset_t pending;

	if (!p)
		return false;
	pending = __atomic_load_n(&t->user.pending.set, __ATOMIC_RELAXED) |
		  __atomic_load_n(&p->shared_pending.set, __ATOMIC_RELAXED);
	return (pending & (~t->user.blocked | SIG_KERNEL_ONLY)) != 0 ||
	       __atomic_load_n(&p->stop_signal, __ATOMIC_RELAXED) != 0 ||
	       __atomic_load_n(&p->group_exiting, __ATOMIC_RELAXED);
}

bool task_signal_pending(struct task *t)
{
	return signal_pending(t);
}

static bool sig_handler_ignored(struct process *p, int sig)
{
	uint64_t h = p->sighand->action[sig - 1].handler;

	return h == SIG_IGN || (h == SIG_DFL && sig_default_action(sig) == SIGDFL_IGN);
}

/* Wakes t if it sleeps interruptibly (or is stopped, for SIGKILL). */
static void signal_wake(struct task *t, bool fatal)
{
	enum task_state s = __atomic_load_n(&t->state, __ATOMIC_RELAXED);

	if (s == TASK_SLEEPING || (fatal && s == TASK_STOPPED)) {
		t->wake_reason = -EINTR;
		sched_wake(t);
	}
}

static void for_each_thread(struct process *p, void (*fn)(struct task *t, void *arg),
			    void *arg)
{
	struct list_head *pos;

	list_for_each(pos, &p->threads)
		fn(list_entry(pos, struct task, user.thread_node), arg);
}

static void flush_thread_pending(struct task *t, void *arg)
{
	sigpending_flush(&t->user.pending, *(sigset_t *)arg);
}

static void kill_thread(struct task *t, void *arg)
{
	sigpending_add(&t->user.pending, SIGKILL, arg);
	signal_wake(t, true);
}

/* Picks the thread to wake for a process-directed signal: one not blocking it. */
static struct task *pick_receiver(struct process *p, int sig)
{
	struct task *cur = current_task();
	struct list_head *pos;

	if (cur->proc == p && !(cur->user.blocked & SIGMASK(sig)))
		return cur;
	list_for_each(pos, &p->threads) {
		struct task *t = list_entry(pos, struct task, user.thread_node);
		if (!(t->user.blocked & SIGMASK(sig)) && t->state != TASK_DEAD)
			return t;
	}
	return NULL;
}

void signal_notify_parent_stop(struct process *p, int why, int sig)
{
	struct process *parent;
	unsigned long flags;
	siginfo_t info;
	bool quiet;

	flags = spin_lock_irqsave(&proc_lock);
	parent = p->parent;
	if (parent)
		__atomic_add_fetch(&parent->refcount, 1, __ATOMIC_ACQ_REL);
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!parent)
		return;
	quiet = parent->sighand->action[SIGCHLD - 1].flags & SA_NOCLDSTOP;
	if (!quiet) {
		memset(&info, 0, sizeof(info));
		info.si_signo = SIGCHLD;
		info.si_code = why;
		info.chld.pid = p->pid;
		info.chld.uid = p->cred.uid;
		info.chld.status = sig;
		signal_send_proc(parent, SIGCHLD, &info);
	}
	wq_wake_all(&parent->child_wq);
	proc_put(parent);
}

static void resume_stopped(struct task *t, void *arg)
{
	(void)arg;
	if (t->state == TASK_STOPPED)
		sched_wake(t);
}

/* SIGCONT: resume a stopped process.  Process context only (takes proc_lock). */
static void signal_continue(struct process *p)
{
	unsigned long flags;
	bool was_stopped;

	flags = spin_lock_irqsave(&proc_lock);
	was_stopped = p->stop_signal != 0;
	if (was_stopped) {
		__atomic_store_n(&p->stop_signal, 0, __ATOMIC_RELEASE);
		p->wait_report = CLD_CONTINUED;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	flags = spin_lock_irqsave(&p->sighand->lock);
	for_each_thread(p, resume_stopped, NULL);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	if (was_stopped)
		signal_notify_parent_stop(p, CLD_CONTINUED, SIGCONT);
}

/*
 * The common path: t is the target thread, or NULL for the whole process.
 * Context: any, but SIGCONT only from process context.
 */
static int send_signal(struct process *p, struct task *t, int sig, const siginfo_t *info)
{
	sigset_t mask = SIGMASK(sig);
	struct sighand *sh = p->sighand;
	struct task *recv;
	unsigned long flags;

	if (sig == SIGCONT)
		signal_continue(p);
	flags = spin_lock_irqsave(&sh->lock);
	if (sig == SIGCONT || sig == SIGKILL) {
		sigset_t stops = SIG_STOP_MASK;
		sigpending_flush(&p->shared_pending, stops);
		for_each_thread(p, flush_thread_pending, &stops);
	} else if (mask & SIG_STOP_MASK) {
		sigset_t cont = SIGMASK(SIGCONT);
		sigpending_flush(&p->shared_pending, cont);
		for_each_thread(p, flush_thread_pending, &cont);
	}
	if (sig != SIGKILL && sig_handler_ignored(p, sig)) {
		recv = t ? t : pick_receiver(p, sig);
		if (recv && !(recv->user.blocked & mask))
			goto out;	/* discarded */
	}
	if (sig == SIGKILL) {
		/* every thread must see it: each gets its own, none can consume another's */
		for_each_thread(p, kill_thread, (void *)info);
	} else {
		sigpending_add(t ? &t->user.pending : &p->shared_pending, sig, info);
		recv = t ? t : pick_receiver(p, sig);
		if (recv && !(recv->user.blocked & mask))
			signal_wake(recv, false);
	}
out:
	spin_unlock_irqrestore(&sh->lock, flags);
	return 0;
}

int signal_send_proc(struct process *p, int sig, const siginfo_t *info)
{
	if (!sig_valid(sig))
		return sig == 0 ? 0 : -EINVAL;
	if (p->state != PROC_ALIVE)
		return 0;
	return send_signal(p, NULL, sig, info);
}

int signal_send_task(struct task *t, int sig, const siginfo_t *info)
{
	if (!sig_valid(sig))
		return sig == 0 ? 0 : -EINVAL;
	if (!t->proc)
		return -ESRCH;
	return send_signal(t->proc, sig == SIGKILL ? NULL : t, sig, info);
}

/* Up to this many processes per group send; more would need a second pass. */
#define PGRP_MAX	1024

struct pgrp_collect {
	int pgid, n;
	int *pids;
};

static void collect_pgrp(struct process *p, void *arg)
{
	struct pgrp_collect *c = arg;

	if (p->pgid == c->pgid && p->state == PROC_ALIVE && c->n < PGRP_MAX)
		c->pids[c->n++] = p->pid;
}

int signal_send_pgrp(int pgid, int sig, const siginfo_t *info)
{
	struct pgrp_collect c = { .pgid = pgid };
	int sent = 0;

	c.pids = kmalloc(PGRP_MAX * sizeof(int));
	if (!c.pids)
		return -ENOMEM;
	proc_for_each(collect_pgrp, &c);
	for (int i = 0; i < c.n; i++) {
		struct process *p = proc_find(c.pids[i]);
		if (!p)
			continue;
		if (signal_send_proc(p, sig, info) == 0)
			sent++;
		proc_put(p);
	}
	kfree(c.pids);
	return sent ? 0 : -ESRCH;
}

void signal_force(struct task *t, int sig, const siginfo_t *info)
{
	struct sighand *sh = t->proc->sighand;
	unsigned long flags = spin_lock_irqsave(&sh->lock);
	struct k_sigaction *ka = &sh->action[sig - 1];

	if (ka->handler == SIG_IGN || (t->user.blocked & SIGMASK(sig))) {
		ka->handler = SIG_DFL;
		t->user.blocked &= ~SIGMASK(sig);
	}
	sigpending_add(&t->user.pending, sig, info);
	spin_unlock_irqrestore(&sh->lock, flags);
}

void signal_set_blocked(sigset_t mask)
{
	struct task *t = current_task();
	unsigned long flags = spin_lock_irqsave(&t->proc->sighand->lock);

	t->user.blocked = mask & ~SIG_KERNEL_ONLY;
	spin_unlock_irqrestore(&t->proc->sighand->lock, flags);
}

void itimer_real_cancel(struct process *p);	/* kernel/sys/itimer.c */

void signal_exit_process(struct process *p)
{
	unsigned long flags;

	itimer_real_cancel(p);
	flags = spin_lock_irqsave(&p->sighand->lock);
	sigpending_flush(&p->shared_pending, ~0ull);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
}

void signal_exit_thread(struct task *t)
{
	unsigned long flags;

	if (!t->proc)
		return;
	flags = spin_lock_irqsave(&t->proc->sighand->lock);
	sigpending_flush(&t->user.pending, ~0ull);
	spin_unlock_irqrestore(&t->proc->sighand->lock, flags);
}

/* Thread exit: drops whatever was still queued for it. */
void sigpending_clear(struct sigpending *sp)
{
	sigpending_flush(sp, ~0ull);
}
