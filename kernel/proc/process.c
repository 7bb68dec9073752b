/*
 * process.c - the process table and tree: creating, finding and freeing struct
 * process, and what happens when the last thread of a process is gone (zombie,
 * reparenting, SIGCHLD).  Threads themselves are struct task (sched/).
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/printk.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/tty.h>
#include <aegis/vfs.h>
#include <aegis/vm.h>

struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct list_head all_procs = LIST_HEAD_INIT(all_procs);	/* [proc_lock] */
static struct process *init_proc;				/* [I] pid 1 */

static const struct rlimit64 default_rlimits[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_STACK] = { 8 << 20, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, RLIM_INFINITY },
	[RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NPROC] = { 4096, 4096 },
	[RLIMIT_NOFILE] = { 1024, 1048576 },
	[RLIMIT_MEMLOCK] = { 8 << 20, 8 << 20 },
	[RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_SIGPENDING] = { 4096, 4096 },
	[RLIMIT_MSGQUEUE] = { 819200, 819200 },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
	[RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

/* A new, empty process (no threads, no resources) with id pid. */
struct process *proc_alloc(int pid)
{
	struct process *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->pid = pid;
	p->refcount = 1;
	spin_init(&p->lock, "process");
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->threads);
	list_init(&p->all_node);
	wq_init(&p->child_wq);
	memcpy(p->rlim, default_rlimits, sizeof(p->rlim));
	p->start_ns = time_ns();
	p->exit_signal = SIGCHLD;
	return p;
}

struct sighand *sighand_alloc(const struct sighand *copy)
{
	struct sighand *sh = kzalloc(sizeof(*sh));

	if (!sh)
		return NULL;
	sh->refcount = 1;
	spin_init(&sh->lock, "sighand");
	if (copy)
		memcpy(sh->action, copy->action, sizeof(sh->action));
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (sh && __atomic_sub_fetch(&sh->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(sh);
}

/* Makes p visible: in the process list and its parent's children. */
void proc_link(struct process *p, struct process *parent)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	p->parent = parent;
	if (parent)
		list_add_tail(&parent->children, &p->sibling);
	list_add_tail(&all_procs, &p->all_node);
	if (p->pid == 1)
		init_proc = p;
	spin_unlock_irqrestore(&proc_lock, flags);
}

struct process *proc_find(int pid)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct list_head *pos;
	struct process *found = NULL;

	list_for_each(pos, &all_procs) {
		struct process *p = list_entry(pos, struct process, all_node);
		if (p->pid == pid && p->state != PROC_REAPED) {
			found = p;
			__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return found;
}

void proc_put(struct process *p)
{
	if (!p || __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	kfree(p->cmdline_copy);
	kfree(p->environ_copy);
	kfree(p);
}

void proc_for_each(void (*fn)(struct process *p, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct list_head *pos;

	list_for_each(pos, &all_procs) {
		struct process *p = list_entry(pos, struct process, all_node);
		if (p->state != PROC_REAPED)
			fn(p, arg);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
}

/* Drops what a dead process holds; its struct stays for the parent's wait. */
static void proc_release_resources(struct process *p)
{
	struct mm_space *mm = p->mm;

	p->mm = NULL;
	if (mm) {
		p->maxrss_kb = MAX(p->maxrss_kb, vm_rss_peak_pages(mm) * 4);
		pt_switch(pt_kernel_root());	/* we may be running on its tables */
		vm_put(mm);
	}
	if (p->files)
		files_put(p->files);
	if (p->fs)
		fs_put(p->fs);
	if (p->exe)
		file_put(p->exe);
	p->files = NULL;
	p->fs = NULL;
	p->exe = NULL;
	timer_cancel(&p->itimer_timer);
}

/* The wait status's siginfo for the parent's SIGCHLD. */
static void notify_parent_exit(struct process *p, struct process *parent)
{
	siginfo_t info = { .si_signo = SIGCHLD };
	int st = p->exit_status;

	info.chld.pid = p->pid;
	info.chld.uid = p->cred.uid;
	if ((st & 0x7f) == 0) {
		info.si_code = CLD_EXITED;
		info.chld.status = (st >> 8) & 0xff;
	} else {
		info.si_code = (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
		info.chld.status = st & 0x7f;
	}
	if (p->exit_signal)
		signal_send_proc(parent, p->exit_signal, &info);
	wq_wake_all(&parent->child_wq);
}

/* Whether the parent asked not to be bothered with zombies (SIGCHLD ignored). */
static bool parent_autoreaps(struct process *parent)
{
	const struct k_sigaction *sa = &parent->sighand->action[SIGCHLD - 1];

	return sa->handler == SIG_IGN || (sa->flags & SA_NOCLDWAIT);
}

void proc_reap(struct process *p);

/*
 * The last thread of p has exited with wait status `status`: release resources,
 * give the children to init, become a zombie and tell the parent.
 */
void proc_became_dead(struct process *p, int status)
{
	struct list_head *pos, *tmp;
	unsigned long flags;
	struct process *parent, *orphans_to_signal[64];
	int n_orphans = 0;
	bool autoreap;

	signal_exit_process(p);
	if (p->sid == p->pid)
		tty_session_leader_exit(p);	/* hang up its terminal's foreground */
	proc_release_resources(p);
	flags = spin_lock_irqsave(&proc_lock);
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	list_for_each_safe(pos, tmp, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		list_del(&c->sibling);
		c->parent = init_proc;
		if (init_proc)
			list_add_tail(&init_proc->children, &c->sibling);
		if (c->pdeath_signal && c->state == PROC_ALIVE && n_orphans < 64) {
			__atomic_add_fetch(&c->refcount, 1, __ATOMIC_RELAXED);
			orphans_to_signal[n_orphans++] = c;
		}
	}
	parent = p->parent;
	autoreap = parent && parent_autoreaps(parent);
	spin_unlock_irqrestore(&proc_lock, flags);
	/* PR_SET_PDEATHSIG: children asked to hear of their parent's death */
	for (int i = 0; i < n_orphans; i++) {
		signal_send_proc(orphans_to_signal[i], orphans_to_signal[i]->pdeath_signal, NULL);
		proc_put(orphans_to_signal[i]);
	}
	if (init_proc)
		wq_wake_all(&init_proc->child_wq);	/* it may have inherited zombies */
	if (p == init_proc)
		panic("init (pid 1) exited with status %#x", status);
	if (!parent)
		return;
	if (autoreap) {
		proc_reap(p);
		wq_wake_all(&parent->child_wq);
	} else {
		notify_parent_exit(p, parent);
	}
}

/* Removes a zombie for good: its id becomes free, its struct goes with the last ref. */
void proc_reap(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	if (p->state == PROC_REAPED) {
		spin_unlock_irqrestore(&proc_lock, flags);
		return;
	}
	p->state = PROC_REAPED;
	list_del(&p->sibling);
	list_del(&p->all_node);
	if (p->parent) {
		p->parent->cutime_ns += p->utime_ns + p->cutime_ns;
		p->parent->cstime_ns += p->stime_ns + p->cstime_ns;
		p->parent->cmaxrss_kb = MAX(p->parent->cmaxrss_kb,
					    MAX(p->maxrss_kb, p->cmaxrss_kb));
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	sighand_put(p->sighand);
	p->sighand = NULL;
	tid_free(p->pid);
	proc_put(p);
}

struct process *proc_init_process(void)
{
	return init_proc;
}
