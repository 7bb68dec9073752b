/* internal.h - shared between the signal files of kernel/proc (not a public API). */
#ifndef PROC_INTERNAL_H
#define PROC_INTERNAL_H

#include <aegis/proc.h>
#include <asm/trap.h>

#define SIG_KERNEL_ONLY	(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))
#define SIG_STOP_MASK	(SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) | \
			 SIGMASK(SIGTTOU))
#define SIG_SYNC_MASK	(SIGMASK(SIGSEGV) | SIGMASK(SIGBUS) | SIGMASK(SIGILL) | \
			 SIGMASK(SIGTRAP) | SIGMASK(SIGFPE) | SIGMASK(SIGSYS))

enum sig_default { SIGDFL_TERM, SIGDFL_CORE, SIGDFL_STOP, SIGDFL_CONT, SIGDFL_IGN };

enum sig_default sig_default_action(int sig);
bool sig_valid(int sig);

/* Pending sets (caller holds sighand->lock). */
void sigpending_flush(struct sigpending *p, sigset_t which);
int sigpending_dequeue(struct sigpending *p, sigset_t allowed, siginfo_t *info);
/* Dequeues the next deliverable signal of t (thread first, then process). */
int signal_dequeue(struct task *t, sigset_t allowed, siginfo_t *info);

/* Sends sig to t with the default action forced if it is blocked or ignored. */
void signal_force(struct task *t, int sig, const siginfo_t *info);
/* Tells the parent about a stop or continue (CLD_STOPPED/CLD_CONTINUED). */
void signal_notify_parent_stop(struct process *p, int why, int sig);
/* Sets the blocked mask of the current thread (SIGKILL/SIGSTOP never blocked). */
void signal_set_blocked(sigset_t mask);

/* Linux's x86-64 signal frame (arch/x86/include/uapi/asm/sigcontext.h). */
struct sigcontext64 {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct ucontext64 {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct k_stack_t uc_stack;
	struct sigcontext64 uc_mcontext;
	sigset_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext64 uc;
	siginfo_t info;
};

#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4

/* Restart bookkeeping for ERESTART_RESTARTBLOCK (nanosleep). */
#define NR_restart_syscall	219

/* Altstack helpers (signal_sys.c). */
bool on_sig_stack(struct task *t, uint64_t sp);
int sig_stack_flags(struct task *t, uint64_t sp);

#endif
