/*
 * exit.c - threads and processes ending: exit, exit_group, and the thread-side
 * cleanup (clear_child_tid, robust futexes).  The process-side part is in
 * process.c (proc_became_dead).
 */
#include <aegis/arch.h>
#include <aegis/panic.h>
#include <aegis/proc.h>
#include <aegis/uaccess.h>

void proc_became_dead(struct process *p, int status);
void futex_wake_address(uint64_t uaddr);
void futex_exit_robust_list(struct task *t);
void vfork_release(struct process *p);
void sigpending_clear(struct sigpending *sp);

void thread_exit(int status)
{
	struct task *t = current_task();
	struct process *p = t->proc;
	unsigned long flags;
	bool last;

	if (t->user.clear_child_tid) {
		int zero = 0;
		/* the pthread library waits on this word for the thread to be gone */
		if (copy_to_user((void *)t->user.clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake_address(t->user.clear_child_tid);
	}
	futex_exit_robust_list(t);
	flags = spin_lock_irqsave(&p->lock);
	list_del(&t->user.thread_node);
	last = --p->nr_threads == 0;
	if (p->group_exiting)
		status = p->exit_status;
	spin_unlock_irqrestore(&p->lock, flags);
	/* the slice running now counts too: short-lived children are not free */
	__atomic_add_fetch(&p->utime_ns, t->runtime_ns + (time_ns() - t->last_run),
			   __ATOMIC_RELAXED);
	sigpending_clear(&t->user.pending);
	if (last) {
		vfork_release(p);
		proc_became_dead(p, status);
	}
	t->joinable = false;	/* freed right after it has switched away */
	kthread_exit(0);
}

void proc_exit_group(int status)
{
	struct process *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&p->lock);
	struct list_head *pos;
	bool first = !p->group_exiting;

	if (first) {
		p->group_exiting = true;
		p->exit_status = status;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (first) {
		/* the other threads die on their way back to user mode */
		flags = spin_lock_irqsave(&p->lock);
		list_for_each(pos, &p->threads) {
			struct task *o = container_of(pos, struct task, user.thread_node);
			if (o != current_task())
				signal_send_task(o, SIGKILL, NULL);
		}
		spin_unlock_irqrestore(&p->lock, flags);
	}
	thread_exit(status);
}

long sys_exit(int code)
{
	thread_exit((code & 0xff) << 8);
}

long sys_exit_group(int code)
{
	proc_exit_group((code & 0xff) << 8);
}
