/*
 * signal_deliver.c - acting on signals on the way back to user mode.
 *
 * trap_return_to_user() runs before every return to user mode.  It parks the thread
 * while its process is stopped, takes the next unblocked signal and either applies
 * the default action (terminate, stop, ignore) or builds Linux's x86-64 rt_sigframe
 * on the user stack and points the registers at the handler.  A system call that
 * returned one of the -ERESTART* codes is restarted (rip -= 2, rax = number) or
 * fails with -EINTR depending on whether a handler runs and on SA_RESTART, exactly
 * as Linux's arch/x86/kernel/signal.c.  rt_sigreturn undoes the frame.
 */
#include <aegis/arch.h>
#include <aegis/cpufeature.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include <aegis/syscall.h>
#include <aegis/uaccess.h>
#include <asm/cpu.h>
#include "internal.h"

void fpu_save_current(void);
void fpu_restore_current(void);
size_t fpu_area_size(void);	/* arch/x86_64/fpu.c: bytes of t->user.fpu in use */

#define FLAG_TF		(1ull << 8)
#define FLAG_IF		(1ull << 9)
#define FLAG_DF		(1ull << 10)
#define FLAG_USER_CHANGEABLE	(0x1ull | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | \
				 0x800 | 0x10000 | 0x40000)	/* CF PF AF ZF SF TF DF OF RF AC */

#define FP_XSTATE_MAGIC1	0x46505853u
#define FP_XSTATE_MAGIC2	0x46505845u

_Static_assert(__builtin_offsetof(struct sigcontext64, r8) == 0, "sigcontext");
_Static_assert(__builtin_offsetof(struct sigcontext64, rdi) == 64, "sigcontext");
_Static_assert(__builtin_offsetof(struct sigcontext64, rip) == 128, "sigcontext");
_Static_assert(__builtin_offsetof(struct sigcontext64, eflags) == 136, "sigcontext");
_Static_assert(__builtin_offsetof(struct sigcontext64, cs) == 144, "sigcontext");
_Static_assert(__builtin_offsetof(struct sigcontext64, err) == 152, "sigcontext");
_Static_assert(__builtin_offsetof(struct sigcontext64, fpstate) == 184, "sigcontext");
_Static_assert(sizeof(struct sigcontext64) == 256, "sigcontext");
_Static_assert(__builtin_offsetof(struct ucontext64, uc_stack) == 16, "ucontext");
_Static_assert(__builtin_offsetof(struct ucontext64, uc_mcontext) == 40, "ucontext");
_Static_assert(__builtin_offsetof(struct ucontext64, uc_sigmask) == 296, "ucontext");
_Static_assert(__builtin_offsetof(struct rt_sigframe, uc) == 8, "rt_sigframe");
_Static_assert(__builtin_offsetof(struct rt_sigframe, info) == 312, "rt_sigframe");
_Static_assert(sizeof(siginfo_t) == 128, "siginfo");


/* Parks the thread while its process is stopped; returns when continued or killed. */
static void stop_wait(struct task *t)
{
	struct process *p = t->proc;

	for (;;) {
		arch_irq_disable();
		if (!__atomic_load_n(&p->stop_signal, __ATOMIC_ACQUIRE) ||
		    ((t->user.pending.set | p->shared_pending.set) & SIGMASK(SIGKILL)))
			break;
		t->state = TASK_STOPPED;
		schedule();
	}
}

static void kick_thread(struct process *p)
{
	struct list_head *pos;

	list_for_each(pos, &p->threads) {
		struct task *t = list_entry(pos, struct task, user.thread_node);
		if (t != current_task() && t->state == TASK_SLEEPING)
			sched_wake(t);
	}
}

/* Default action "stop": the whole process stops and the parent hears of it. */
static void group_stop(struct task *t, int sig)
{
	struct process *p = t->proc;
	unsigned long flags;
	bool first = false;

	arch_irq_enable();
	flags = spin_lock_irqsave(&proc_lock);
	if (!p->stop_signal) {
		__atomic_store_n(&p->stop_signal, sig, __ATOMIC_RELEASE);
		p->wait_report = CLD_STOPPED;
		first = true;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	flags = spin_lock_irqsave(&p->sighand->lock);
	kick_thread(p);
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	if (first)
		signal_notify_parent_stop(p, CLD_STOPPED, sig);
	stop_wait(t);
}

struct orphan_check {
	int pgid;
	bool has_outside_parent;
};

static void check_member(struct process *p, void *arg)
{
	struct orphan_check *c = arg;
	struct process *parent = p->parent;

	if (p->pgid == c->pgid && p->state == PROC_ALIVE && parent &&
	    parent->pgid != c->pgid && parent->sid == p->sid)
		c->has_outside_parent = true;
}

/*
 * POSIX: a group is orphaned when no member has a parent in another group of the
 * same session; nobody could continue it, so terminal stop signals are dropped.
 */
static bool pgrp_orphaned(struct process *p)
{
	struct orphan_check c = { .pgid = p->pgid };

	proc_for_each(check_member, &c);
	return !c.has_outside_parent;
}

__noreturn static void die(int sig)
{
	arch_irq_enable();
	proc_exit_group(sig);
}

/* Adjusts the interrupted system call's result for a handler (or none). */
static void syscall_restart(struct task *t, struct trap_frame *f,
			    const struct k_sigaction *ka)
{
	long ret = (long)f->rax;
	bool restart = false;

	if (!t->user.in_syscall)
		return;
	t->user.in_syscall = false;
	switch (ret) {
	case -ERESTARTNOINTR:
		restart = true;
		break;
	case -ERESTARTSYS:
		restart = !ka || (ka->flags & SA_RESTART);
		break;
	case -ERESTARTNOHAND:
		restart = !ka;
		break;
	case -ERESTART_RESTARTBLOCK:
		if (!ka) {
			f->rax = NR_restart_syscall;
			f->rip -= 2;
			return;
		}
		break;
	default:
		return;
	}
	if (restart) {
		f->rax = (uint64_t)t->user.syscall_nr;
		f->rip -= 2;
	} else {
		f->rax = (uint64_t)-EINTR;
	}
}

static void fill_sigcontext(struct sigcontext64 *sc, const struct trap_frame *f,
			    uint64_t fpstate, sigset_t oldmask)
{
	sc->r8 = f->r8; sc->r9 = f->r9; sc->r10 = f->r10; sc->r11 = f->r11;
	sc->r12 = f->r12; sc->r13 = f->r13; sc->r14 = f->r14; sc->r15 = f->r15;
	sc->rdi = f->rdi; sc->rsi = f->rsi; sc->rbp = f->rbp; sc->rbx = f->rbx;
	sc->rdx = f->rdx; sc->rax = f->rax; sc->rcx = f->rcx; sc->rsp = f->rsp;
	sc->rip = f->rip; sc->eflags = f->rflags;
	sc->cs = (uint16_t)f->cs;
	sc->ss = (uint16_t)f->ss;
	sc->err = f->vector < 32 ? f->error : 0;
	sc->trapno = f->vector < 32 ? f->vector : 0;
	sc->oldmask = oldmask;
	sc->cr2 = f->vector == 14 ? read_cr2() : 0;
	sc->fpstate = fpstate;
}

/* Copies the thread's FPU state to user memory at buf (64-byte aligned). */
static int save_fpu_to_user(struct task *t, uint64_t buf)
{
	size_t size = fpu_area_size();
	uint8_t *area = t->user.fpu;

	fpu_save_current();
	if (cpu_features.xsave) {
		/* struct _fpx_sw_bytes in the FXSAVE area's software-reserved bytes */
		uint32_t sw[12] = { FP_XSTATE_MAGIC1, (uint32_t)size + 4 };
		uint32_t magic2 = FP_XSTATE_MAGIC2;
		memcpy(&sw[2], &cpu_features.xcr0, 8);
		sw[4] = (uint32_t)size;
		memcpy(area + 464, sw, sizeof(sw));
		if (copy_to_user((void __user *)(buf + size), &magic2, 4))
			return -EFAULT;
	}
	return copy_to_user((void __user *)buf, area, size) ? -EFAULT : 0;
}

/* Reads FPU state back from user memory, sanitised so XRSTOR cannot fault. */
static int restore_fpu_from_user(struct task *t, uint64_t buf)
{
	size_t size = fpu_area_size();
	uint8_t *area = kmalloc(size);
	uint32_t mxcsr;

	/* via a copy: a context switch during the fault would overwrite t->user.fpu */
	if (!area)
		return -EFAULT;
	if (copy_from_user(area, (const void __user *)buf, size)) {
		kfree(area);
		return -EFAULT;
	}
	memcpy(&mxcsr, area + 24, 4);
	mxcsr &= 0xffff;
	memcpy(area + 24, &mxcsr, 4);
	if (cpu_features.xsave) {
		uint64_t bv;
		memcpy(&bv, area + 512, 8);
		bv &= cpu_features.xcr0;
		memcpy(area + 512, &bv, 8);
		memset(area + 520, 0, 56);	/* xcomp_bv and reserved: standard form */
	}
	preempt_disable();
	memcpy(t->user.fpu, area, size);
	fpu_restore_current();
	preempt_enable();
	kfree(area);
	return 0;
}

/* Builds the frame and redirects f to the handler.  Returns -EFAULT if it cannot. */
static int setup_frame(struct task *t, struct trap_frame *f, int sig,
		       const siginfo_t *info, const struct k_sigaction *ka, sigset_t oldmask)
{
	struct rt_sigframe frame;
	uint64_t sp = f->rsp, fpbuf = 0, addr;

	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;	/* x86-64 has no default return trampoline */

	if ((ka->flags & SA_ONSTACK) && !(t->user.altstack.ss_flags & SS_DISABLE) &&
	    t->user.altstack.ss_size && !on_sig_stack(t, sp))
		sp = t->user.altstack.ss_sp + t->user.altstack.ss_size;
	else
		sp -= 128;	/* the red zone */
	if (t->user.fpu) {
		sp -= fpu_area_size() + 4;
		sp &= ~63ull;
		fpbuf = sp;
	}
	addr = ((sp - sizeof(frame)) & ~15ull) - 8;
	if (on_sig_stack(t, f->rsp) && !on_sig_stack(t, addr))
		return -EFAULT;	/* would overflow the alternate stack */

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ka->restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			    (cpu_features.xsave && fpbuf ? UC_FP_XSTATE : 0);
	frame.uc.uc_stack.ss_sp = t->user.altstack.ss_sp;
	frame.uc.uc_stack.ss_size = t->user.altstack.ss_size;
	frame.uc.uc_stack.ss_flags = sig_stack_flags(t, f->rsp);
	fill_sigcontext(&frame.uc.uc_mcontext, f, fpbuf, oldmask);
	frame.uc.uc_sigmask = oldmask;
	frame.info = *info;
	if (fpbuf && save_fpu_to_user(t, fpbuf))
		return -EFAULT;
	if (copy_to_user((void __user *)addr, &frame, sizeof(frame)))
		return -EFAULT;

	f->rsp = addr;
	f->rip = ka->handler;
	f->rdi = (uint64_t)sig;
	f->rsi = addr + __builtin_offsetof(struct rt_sigframe, info);
	f->rdx = addr + __builtin_offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rflags &= ~(FLAG_TF | FLAG_DF);
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	return 0;
}

/* Returns false if the frame could not be written (SIGSEGV is then forced). */
static bool handle_signal(struct task *t, struct trap_frame *f, int sig,
			  const siginfo_t *info, const struct k_sigaction *ka)
{
	sigset_t oldmask = t->user.restore_mask ? t->user.saved_mask : t->user.blocked;
	sigset_t newmask;

	syscall_restart(t, f, ka);
	arch_irq_enable();
	if (setup_frame(t, f, sig, info, ka, oldmask)) {
		siginfo_t si = { .si_signo = SIGSEGV, .si_code = SI_KERNEL };
		if (sig == SIGSEGV)
			die(SIGSEGV);
		signal_force(t, SIGSEGV, &si);
		return false;
	}
	t->user.restore_mask = false;
	newmask = t->user.blocked | ka->mask;
	if (!(ka->flags & SA_NODEFER))
		newmask |= SIGMASK(sig);
	signal_set_blocked(newmask);
	return true;
}

/* Signals to deliver, a system call to restart or a mask to restore. */
static __attribute__((noinline)) void deliver_pending(struct task *t, struct trap_frame *f)
{
	struct process *p = t->proc;
	struct k_sigaction ka;
	unsigned long flags;
	siginfo_t info;
	int sig;

	while (signal_pending(t)) {
		if (__atomic_load_n(&p->group_exiting, __ATOMIC_ACQUIRE))
			die(SIGKILL);	/* another thread called exit_group: its status wins */
		if (__atomic_load_n(&p->stop_signal, __ATOMIC_ACQUIRE)) {
			stop_wait(t);
			if (!((t->user.pending.set | p->shared_pending.set) & SIGMASK(SIGKILL)))
				continue;
		}
		flags = spin_lock_irqsave(&p->sighand->lock);
		sig = signal_dequeue(t, ~t->user.blocked | SIG_KERNEL_ONLY, &info);
		if (sig) {
			ka = p->sighand->action[sig - 1];
			if ((ka.flags & SA_RESETHAND) && ka.handler > SIG_IGN &&
			    sig != SIGKILL && sig != SIGSTOP) {
				p->sighand->action[sig - 1].handler = SIG_DFL;
				p->sighand->action[sig - 1].flags &= ~SA_SIGINFO;
			}
		}
		spin_unlock_irqrestore(&p->sighand->lock, flags);
		if (!sig)
			break;
		if (sig == SIGKILL || sig == SIGSTOP)
			ka.handler = SIG_DFL;
		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler != SIG_DFL) {
			bool ok = handle_signal(t, f, sig, &info, &ka);
			arch_irq_disable();
			if (ok)
				return;
			continue;
		}
		switch (sig_default_action(sig)) {
		case SIGDFL_IGN:
		case SIGDFL_CONT:
			break;
		case SIGDFL_STOP:
			if (sig != SIGSTOP && (arch_irq_enable(), pgrp_orphaned(p))) {
				arch_irq_disable();
				break;
			}
			group_stop(t, sig);
			break;
		case SIGDFL_TERM:
		case SIGDFL_CORE:
			die(sig);
		}
	}
	syscall_restart(t, f, NULL);
	if (t->user.restore_mask) {
		t->user.restore_mask = false;
		signal_set_blocked(t->user.saved_mask);
	}
	arch_irq_disable();
}

/* A -ERESTART* value that syscall_restart() would act on. */
static bool restart_pending(const struct task *t, const struct trap_frame *f)
{
	long ret = (long)f->rax;

	return t->user.in_syscall && ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK;
}

void trap_return_to_user(struct trap_frame *f)
{
	struct task *t = current_task();

	if (!t->proc)
		return;
	/* Most returns have nothing to do: keep them out of deliver_pending's frame. */
	if (!signal_pending(t) && !t->user.restore_mask && !restart_pending(t, f)) {
		t->user.in_syscall = false;	/* as syscall_restart() would */
		arch_irq_disable();
		return;
	}
	deliver_pending(t, f);
}

void trap_user_fault(struct trap_frame *f, int signo, int code, uint64_t addr)
{
	struct task *t = current_task();
	siginfo_t info;

	if (!t->proc)
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = signo;
	info.si_code = code;
	info.fault.addr = addr;
	if (signo == SIGKILL) {
		signal_send_proc(t->proc, SIGKILL, &info);
		return;
	}
	signal_force(t, signo, &info);
	(void)f;
}

long sys_rt_sigreturn(void)
{
	struct task *t = current_task();
	struct trap_frame *f = current_user_frame();
	struct ucontext64 uc;
	struct sigcontext64 *sc = &uc.uc_mcontext;
	uint64_t ucp = f->rsp;	/* the handler's ret popped pretcode */

	t->user.in_syscall = false;	/* rax is the interrupted code's, not a result */
	t->user.restart.fn = NULL;
	if (copy_from_user(&uc, (const void __user *)ucp, sizeof(uc)) ||
	    sc->rip >= USER_TOP)
		goto bad;
	signal_set_blocked(uc.uc_sigmask);
	f->r8 = sc->r8; f->r9 = sc->r9; f->r10 = sc->r10; f->r11 = sc->r11;
	f->r12 = sc->r12; f->r13 = sc->r13; f->r14 = sc->r14; f->r15 = sc->r15;
	f->rdi = sc->rdi; f->rsi = sc->rsi; f->rbp = sc->rbp; f->rbx = sc->rbx;
	f->rdx = sc->rdx; f->rcx = sc->rcx; f->rsp = sc->rsp; f->rip = sc->rip;
	f->rflags = (f->rflags & ~FLAG_USER_CHANGEABLE) | (sc->eflags & FLAG_USER_CHANGEABLE);
	f->rflags |= FLAG_IF | 0x2;
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	if (sc->fpstate && t->user.fpu && restore_fpu_from_user(t, sc->fpstate))
		goto bad;
	if (!(uc.uc_stack.ss_flags & SS_ONSTACK)) {
		t->user.altstack.ss_sp = uc.uc_stack.ss_sp;
		t->user.altstack.ss_size = uc.uc_stack.ss_size;
		t->user.altstack.ss_flags = uc.uc_stack.ss_flags & SS_DISABLE;
	}
	return (long)sc->rax;
bad:
	{
		siginfo_t si = { .si_signo = SIGSEGV, .si_code = SI_KERNEL };
		signal_force(t, SIGSEGV, &si);
	}
	return (long)f->rax;
}
