/*
 * kthread.c - creating, finishing and reaping threads.
 *
 * A thread's struct task and kernel stack are freed by whoever reaps it: the
 * joiner for joinable threads, otherwise the next task to run after it died
 * (sched_finish_switch), since a thread cannot free the stack it is running on.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/proc.h>
#include <aegis/sched.h>
#include <aegis/string.h>

void arch_thread_init(struct task *t, void (*fn)(void *), void *arg);
void arch_task_free(struct task *t);

static struct spinlock tasks_lock = SPINLOCK_INIT("tasks");
static struct list_head all_tasks = LIST_HEAD_INIT(all_tasks);	/* [tasks_lock] */
static size_t nr_tasks;						/* [tasks_lock] */

/* Gives t an id (unless it has one already) and lists it. */
void kthread_register(struct task *t)
{
	unsigned long flags;

	if (!t->tid)
		t->tid = tid_alloc();
	flags = spin_lock_irqsave(&tasks_lock);
	list_add_tail(&all_tasks, &t->all_node);
	nr_tasks++;
	spin_unlock_irqrestore(&tasks_lock, flags);
}

/*
 * A task with a kernel stack and an id (tid, or a fresh one when 0), not yet
 * runnable; the caller lays out its first stack frame.
 */
struct task *task_alloc(const char *name, int tid)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->kstack = kstack_alloc();
	t->join_wq = kmalloc(sizeof(*t->join_wq));
	if (!t->kstack || !t->join_wq) {
		kstack_free(t->kstack);
		kfree(t->join_wq);
		kfree(t);
		return NULL;
	}
	wq_init(t->join_wq);
	t->state = TASK_SLEEPING;	/* until kthread_start */
	t->joinable = true;
	t->tid = tid;
	list_init(&t->run_node);
	list_init(&t->user.thread_node);
	strlcpy(t->name, name, sizeof(t->name));
	kthread_register(t);
	if (t->tid < 0) {
		kthread_reap(t);
		return NULL;
	}
	return t;
}

struct task *kthread_create(void (*fn)(void *), void *arg, const char *name)
{
	struct task *t = task_alloc(name, 0);

	if (!t)
		return NULL;
	t->entry = fn;
	t->arg = arg;
	arch_thread_init(t, fn, arg);
	return t;
}

void kthread_start(struct task *t)
{
	sched_wake(t);
}

void kthread_reap(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&tasks_lock);

	list_del(&t->all_node);
	nr_tasks--;
	spin_unlock_irqrestore(&tasks_lock, flags);
	if (t->user.fpu)
		arch_task_free(t);
	if (!t->proc || t->tid != t->proc->pid)
		tid_free(t->tid);	/* a process's id lives until it is reaped */
	kstack_free(t->kstack);
	kfree(t->join_wq);
	kfree(t);
}

static bool task_is_dead(void *arg)
{
	return __atomic_load_n(&((struct task *)arg)->state, __ATOMIC_ACQUIRE) == TASK_DEAD;
}

int kthread_join(struct task *t)
{
	wq_wait(t->join_wq, task_is_dead, t, false, 0);
	/* dead, but on another CPU it may still be switching away */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		sched_yield();
	int code = t->exit_code;
	kthread_reap(t);
	return code;
}

void kthread_detach(struct task *t)
{
	t->joinable = false;
}

void kthread_exit(int code)
{
	struct task *t = current_task();

	t->exit_code = code;
	arch_irq_disable();	/* nothing may run us again between DEAD and the switch */
	__atomic_store_n(&t->state, TASK_DEAD, __ATOMIC_RELEASE);
	if (t->joinable)
		wq_wake_all(t->join_wq);
	schedule();
	panic("a dead thread was scheduled");
}

size_t kthread_count(void)
{
	return nr_tasks;
}
