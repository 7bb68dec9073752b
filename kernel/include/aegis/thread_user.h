/* thread_user.h - the per-thread Linux-ABI state embedded in struct task. */
#ifndef AEGIS_THREAD_USER_H
#define AEGIS_THREAD_USER_H

#include <aegis/list.h>
#include <aegis/signal.h>

struct sigqueue_entry;

/* How to resume a call interrupted with -ERESTART_RESTARTBLOCK (restart_syscall). */
struct restart_block {
	long (*fn)(struct restart_block *rb);
	uint64_t arg[4];
};

struct sigpending {
	sigset_t set;				/* which signals are pending */
	struct sigqueue_entry *head;		/* their siginfo, in order */
};

/* The per-thread, Linux-ABI part of a task (embedded in struct task). */
struct thread_user {
	sigset_t blocked;			/* signal mask */
	sigset_t saved_mask;			/* restored after sigsuspend & co. */
	bool restore_mask;
	struct sigpending pending;		/* thread-directed signals */
	struct k_stack_t altstack;
	uint64_t clear_child_tid;		/* futex-woken at exit */
	uint64_t robust_list, robust_len;
	uint64_t fs_base, gs_base;
	void *fpu;				/* XSAVE area (64-byte aligned), NULL for kthreads */
	struct list_head thread_node;		/* in proc->threads */
	int syscall_nr;				/* in progress, for restarts */
	uint64_t trace_args[6];			/* the tracer's copy of the arguments */
	bool in_syscall;
	struct restart_block restart;		/* for sys_restart_syscall */
};

#endif
