/*
 * sched.h - threads and the scheduler.
 *
 * A struct task is one thread of execution with its own kernel stack.  The
 * scheduler is preemptive round robin over a per-CPU run queue (one CPU for now);
 * the timer interrupt sets need_resched when a time slice ends, and the switch
 * happens on the way out of the interrupt or at the next preempt_enable().
 */
#ifndef AEGIS_SCHED_H
#define AEGIS_SCHED_H

#include <aegis/list.h>
#include <aegis/percpu.h>
#include <aegis/spinlock.h>
#include <aegis/thread_user.h>
#include <aegis/types.h>

enum task_state {
	TASK_RUNNABLE,		/* on a run queue or running */
	TASK_SLEEPING,		/* on a wait queue; wakes on event or signal */
	TASK_UNINTERRUPTIBLE,	/* on a wait queue; wakes on event only */
	TASK_STOPPED,		/* job-control stop */
	TASK_DEAD,		/* finished, waiting to be reaped */
};

#define KSTACK_SIZE	(16 * 1024)
#define TIME_SLICE_NS	(4 * 1000 * 1000)

struct process;

struct task {
	uint64_t rsp;			/* saved kernel stack pointer when not running */
	void *kstack;			/* [I] bottom of the kernel stack */
	enum task_state state;		/* [rq lock] */
	int tid;			/* [I] */
	char name[16];
	struct list_head run_node;	/* [rq lock] run queue membership */
	bool on_rq;			/* [rq lock] queued on run_node */
	bool on_cpu;			/* [rq lock] running, or still switching away */
	struct list_head all_node;	/* [tasks_lock] every task */
	uint64_t slice_end;		/* time_ns() at which the slice ends */
	uint64_t runtime_ns;		/* time spent running */
	uint64_t last_run;		/* time_ns() when last switched in */
	void (*entry)(void *);		/* [I] kernel thread function */
	void *arg;			/* [I] */
	int exit_code;
	bool joinable;
	struct wait_queue *join_wq;	/* woken when the thread exits */
	struct process *proc;		/* owning process; NULL for kernel threads */
	struct thread_user user;	/* Linux-ABI thread state (user tasks) */
	int wake_reason;		/* why a sleep ended (0, or -EINTR, -ETIMEDOUT) */
};

static inline struct task *current_task(void)
{
	return this_cpu()->current;
}

void sched_init(void);			/* makes the boot flow the first task */
void sched_start(void);			/* enables preemption; boot flow becomes idle */
struct task *kthread_create(void (*fn)(void *), void *arg, const char *name);
struct task *task_alloc(const char *name, int tid);	/* no stack frame yet */
void kthread_reap(struct task *t);
void *kstack_alloc(void);
void kstack_free(void *stack);
bool kstack_guard_hit(const struct task *t, uint64_t addr);
void kthread_start(struct task *t);
int kthread_join(struct task *t);	/* waits for exit, frees it, returns code */
void kthread_detach(struct task *t);	/* freed automatically when it exits */
size_t kthread_count(void);
__noreturn void kthread_exit(int code);
void schedule(void);			/* give up the CPU; state must be set first */
void sched_yield(void);
void sched_wake(struct task *t);	/* make a sleeping task runnable */
void sched_tick(void);			/* from the timer interrupt */
void sched_irq_exit(void);		/* end of an interrupt: preempt if needed */
void preempt_disable(void);
void preempt_enable(void);
size_t sched_task_count(void);
/* kernel/sys/itimer.c: CPU-time itimers follow the process onto the CPU */
void itimer_cpu_switch(struct task *prev, struct task *next, uint64_t now);

/* Thread and process ids (kernel/proc/pid.c). */
int tid_alloc(void);
bool tid_claim(int tid);
void tid_free(int tid);

/* Wait queues: tasks sleeping until an event. */
struct wait_queue {
	struct spinlock lock;
	struct list_head waiters;	/* [lock] */
};
void wq_init(struct wait_queue *wq);
/*
 * Sleeps until cond() is true, a wake_up, a signal (if interruptible), or the
 * deadline (time_ns(), 0 = none).  Returns 0, -EINTR or -ETIMEDOUT.
 */
int wq_wait(struct wait_queue *wq, bool (*cond)(void *), void *arg,
	    bool interruptible, uint64_t deadline);
/*
 * A device's completion: waits until cond(), woken through wq by the device's
 * interrupt (irq) or, for a device without one, checking every 10 us.  0, or
 * -ETIMEDOUT at the deadline -- with irq also when cond() only became true by
 * then, so a lost interrupt is an error rather than a slow success.
 */
int wq_wait_device(struct wait_queue *wq, bool irq, bool (*cond)(void *), void *arg, uint64_t deadline);
void wq_wake_one(struct wait_queue *wq);
void wq_wake_all(struct wait_queue *wq);

/* Sleeping locks; owner may sleep while holding them.  Not for interrupt context. */
struct mutex {
	struct spinlock lock;
	struct task *owner;		/* [lock] */
	struct wait_queue wq;
	int waiters;			/* [lock] tasks in mutex_lock's slow path */
};
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

/* Timed sleep of the current task (uninterruptible). */
void sleep_ns(uint64_t ns);
/* Hook for signals: true if the current task has a signal to handle. */
bool task_signal_pending(struct task *t);

#endif
