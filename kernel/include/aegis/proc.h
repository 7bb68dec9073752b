/*
 * proc.h - processes: the Linux-ABI side of a running program.
 *
 * A struct process is a thread group: an address space, open files, file-system
 * context, credentials, signal handlers and the family tree.  Its threads are
 * struct tasks (sched.h) whose ->proc points here and which carry the per-thread
 * parts (signal mask, pending thread-directed signals, TLS base, FPU state).
 *
 * Locking key: [I] immutable after creation, [proc_lock] the global process-tree
 * lock (parent/children/pgid/sid/state), [p->lock] per-process lock, [a] atomic.
 */
#ifndef AEGIS_PROC_H
#define AEGIS_PROC_H

#include <aegis/list.h>
#include <aegis/sched.h>
#include <aegis/signal.h>
#include <aegis/time.h>
#include <aegis/spinlock.h>
#include <aegis/types.h>

struct mm_space;	/* vm.h: the address space */
struct files_struct;	/* vfs.h: the descriptor table */
struct fs_struct;	/* vfs.h: root, cwd, umask */
struct file;		/* vfs.h: an open file description */
struct tty;		/* tty.h: a terminal */

#define NGROUPS_MAX	32

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	int ngroups;
	uint32_t groups[NGROUPS_MAX];
};

struct rlimit64 {
	uint64_t cur, max;
};
#define RLIMIT_CPU	0
#define RLIMIT_FSIZE	1
#define RLIMIT_DATA	2
#define RLIMIT_STACK	3
#define RLIMIT_CORE	4
#define RLIMIT_RSS	5
#define RLIMIT_NPROC	6
#define RLIMIT_NOFILE	7
#define RLIMIT_MEMLOCK	8
#define RLIMIT_AS	9
#define RLIMIT_LOCKS	10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE	12
#define RLIMIT_NICE	13
#define RLIMIT_RTPRIO	14
#define RLIMIT_RTTIME	15
#define RLIM_NLIMITS	16
#define RLIM_INFINITY	(~0ull)

/* Signal handlers, shared by threads (and by CLONE_SIGHAND processes). */
struct sighand {
	int refcount;				/* [a] */
	struct spinlock lock;
	struct k_sigaction action[NSIG];	/* [lock] index = signal - 1 */
};

struct sigqueue_entry {
	siginfo_t info;
	struct sigqueue_entry *next;
};

enum proc_state { PROC_ALIVE, PROC_ZOMBIE, PROC_REAPED };

struct itimer {
	uint64_t interval_ns, value_ns;		/* value_ns: absolute deadline or 0 */
};

struct process {
	int pid;				/* [I] = thread group id */
	int refcount;				/* [a] */
	struct spinlock lock;
	char comm[16];				/* [lock] name (PR_SET_NAME, exec) */
	enum proc_state state;			/* [proc_lock] */
	struct process *parent;			/* [proc_lock] */
	struct list_head children;		/* [proc_lock] */
	struct list_head sibling;		/* [proc_lock] in parent->children */
	struct list_head all_node;		/* [proc_lock] every process */
	int pgid, sid;				/* [proc_lock] */
	struct tty *tty;			/* [proc_lock] controlling terminal */
	struct list_head threads;		/* [lock] struct task.thread_node */
	int nr_threads;				/* [lock] live threads */
	struct mm_space *mm;			/* the address space */
	struct files_struct *files;
	struct fs_struct *fs;
	struct file *exe;			/* the executable, for /proc/<pid>/exe */
	struct cred cred;			/* [lock] */
	struct sighand *sighand;
	struct sigpending shared_pending;	/* [sighand->lock] process-directed */
	int exit_status;			/* [proc_lock] wait status when zombie */
	bool group_exiting;			/* [lock] exit_group in progress */
	int stop_signal;			/* [proc_lock] nonzero while stopped */
	int wait_report;			/* [proc_lock] CLD_STOPPED/CONTINUED to report */
	struct wait_queue child_wq;		/* parent's wait4 sleeps here */
	struct vfork_done *vfork_done;		/* [I] parent waiting for our exec/exit */
	struct rlimit64 rlim[RLIM_NLIMITS];	/* [lock] */
	struct itimer itimer_real;		/* [lock] alarm/setitimer(ITIMER_REAL) */
	struct timer itimer_timer;
	struct itimer itimer_cpu[2];		/* [sighand->lock] VIRTUAL, PROF: value_ns
						 * is a deadline on cpu_ns's clock */
	uint64_t cpu_deadline_ns;		/* [a] earliest itimer_cpu value, 0: none */
	uint64_t cpu_ns;			/* [a] CPU time of threads switched out */
	uint64_t start_ns;			/* [I] time_ns() at creation */
	uint64_t utime_ns, stime_ns;		/* [a] of dead threads */
	uint64_t cutime_ns, cstime_ns;		/* [proc_lock] of waited-for children */
	uint64_t min_flt, maj_flt;		/* [a] */
	uint64_t maxrss_kb;			/* [a] peak RSS of earlier images (exec) */
	uint64_t cmaxrss_kb;			/* [proc_lock] peak RSS of waited-for children */
	int exit_signal;			/* [I] signal sent to the parent (SIGCHLD) */
	void *cmdline_copy;			/* argv copy for /proc (kmalloc), NULL if none */
	size_t cmdline_len;
	void *environ_copy;
	size_t environ_len;
	/* kernel/sys (info.c, pgrp.c): */
	int nice;				/* [lock] getpriority/setpriority; fork copies it */
	int pdeath_signal;			/* [lock] PR_SET_PDEATHSIG */
	bool undumpable;			/* [lock] PR_SET_DUMPABLE(0) */
	bool no_new_privs;			/* [lock] PR_SET_NO_NEW_PRIVS; fork copies it */
	bool child_subreaper;			/* [lock] PR_SET_CHILD_SUBREAPER */
	bool did_exec;				/* [proc_lock] execve succeeded (setpgid EACCES) */
};

extern struct spinlock proc_lock;

static inline struct process *current_proc(void)
{
	return current_task()->proc;
}

/* Process tree and lifetime (kernel/proc/process.c). */
struct process *proc_find(int pid);		/* referenced; proc_put() when done */
void proc_put(struct process *p);
/* Calls fn for each live process under proc_lock (fn must not sleep). */
void proc_for_each(void (*fn)(struct process *p, void *arg), void *arg);
int proc_start_init(const char *path);		/* PID 1 from the root file system */
__noreturn void proc_exit_group(int status);	/* wait status, e.g. code << 8 */
__noreturn void thread_exit(int status);

/* Signals (kernel/proc/signal.c). */
int signal_send_proc(struct process *p, int sig, const siginfo_t *info);
int signal_send_task(struct task *t, int sig, const siginfo_t *info);
int signal_send_pgrp(int pgid, int sig, const siginfo_t *info);
bool signal_pending(struct task *t);		/* an unblocked signal is pending */
/* Process exit: cancels the ITIMER_REAL timer and frees the pending queue. */
void signal_exit_process(struct process *p);
/* Thread exit: frees t's pending queue. */
void signal_exit_thread(struct task *t);
/* Thread exit: drops t's queued signals (kernel/proc/signal.c). */
void sigpending_clear(struct sigpending *sp);

/* Futexes (kernel/ipc/futex.c), for thread exit. */
void futex_exit_robust_list(struct task *t);
void futex_wake_address(uint64_t uaddr);	/* clear_child_tid: wakes one waiter */

/* Credentials (kernel/sys/cred.c). */
bool cred_is_root(const struct cred *c);
bool cred_in_group(const struct cred *c, uint32_t gid);

#endif
