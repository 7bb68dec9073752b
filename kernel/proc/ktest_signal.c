/*
 * ktest_signal.c - self-tests for signal generation on a detached process: pending
 * sets, coalescing and queueing, blocking, discarding ignored signals, stop/continue
 * cancellation, delivery order, forced faults, and the sigframe layout.  The fake
 * process is never scheduled, so nothing here needs user mode.
 */
#include <aegis/ktest.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include "internal.h"

struct sighand *sighand_alloc(const struct sighand *copy);
void sighand_put(struct sighand *sh);

struct fake {
	struct process *p;
	struct task *t;
};

static bool fake_make(struct fake *f)
{
	f->p = kzalloc(sizeof(*f->p));
	f->t = kzalloc(sizeof(*f->t));
	if (!f->p || !f->t)
		return false;
	f->p->pid = 99999;
	f->p->state = PROC_ALIVE;
	f->p->refcount = 1;
	spin_init(&f->p->lock, "fake");
	list_init(&f->p->threads);
	list_init(&f->p->children);
	wq_init(&f->p->child_wq);
	f->p->sighand = sighand_alloc(NULL);
	if (!f->p->sighand)
		return false;
	f->t->proc = f->p;
	f->t->tid = 99999;
	f->t->state = TASK_RUNNABLE;
	list_add_tail(&f->p->threads, &f->t->user.thread_node);
	return true;
}

static void fake_free(struct fake *f)
{
	if (f->p && f->p->sighand) {
		signal_exit_thread(f->t);
		signal_exit_process(f->p);
		sighand_put(f->p->sighand);
	}
	kfree(f->t);
	kfree(f->p);
}

static int take(struct fake *f, siginfo_t *info)
{
	unsigned long flags = spin_lock_irqsave(&f->p->sighand->lock);
	int sig = signal_dequeue(f->t, ~f->t->user.blocked | SIG_KERNEL_ONLY, info);

	spin_unlock_irqrestore(&f->p->sighand->lock, flags);
	return sig;
}

KTEST(signal_standard_coalesce_rt_queue)
{
	struct fake f;
	siginfo_t info = { 0 }, out;

	KT_ASSERT(fake_make(&f));
	signal_send_proc(f.p, SIGUSR1, NULL);
	signal_send_proc(f.p, SIGUSR1, NULL);
	KT_ASSERT(signal_pending(f.t));
	KT_ASSERT_EQ(take(&f, &out), SIGUSR1);
	KT_ASSERT_EQ(take(&f, &out), 0);
	KT_ASSERT(!signal_pending(f.t));

	for (int i = 1; i <= 3; i++) {
		info.si_code = SI_QUEUE;
		info.rt.value = (uint64_t)i;
		signal_send_task(f.t, SIGRTMIN + 2, &info);
	}
	for (int i = 1; i <= 3; i++) {
		KT_ASSERT_EQ(take(&f, &out), SIGRTMIN + 2);
		KT_ASSERT_EQ(out.rt.value, i);
		KT_ASSERT_EQ(out.si_code, SI_QUEUE);
	}
	KT_ASSERT_EQ(take(&f, &out), 0);
	fake_free(&f);
}

KTEST(signal_blocked_and_order)
{
	struct fake f;
	siginfo_t out;

	KT_ASSERT(fake_make(&f));
	f.t->user.blocked = SIGMASK(SIGUSR2);
	signal_send_proc(f.p, SIGUSR2, NULL);
	KT_ASSERT(!signal_pending(f.t));
	KT_ASSERT_EQ(take(&f, &out), 0);
	f.t->user.blocked = 0;
	KT_ASSERT(signal_pending(f.t));
	signal_send_proc(f.p, SIGTERM, NULL);
	signal_send_task(f.t, SIGSEGV, NULL);
	KT_ASSERT_EQ(take(&f, &out), SIGSEGV);	/* synchronous first */
	KT_ASSERT_EQ(take(&f, &out), SIGUSR2);	/* then the lowest */
	KT_ASSERT_EQ(take(&f, &out), SIGTERM);
	f.t->user.blocked = ~0ull;
	signal_send_proc(f.p, SIGKILL, NULL);
	KT_ASSERT(signal_pending(f.t));		/* SIGKILL ignores the mask */
	KT_ASSERT_EQ(take(&f, &out), SIGKILL);
	fake_free(&f);
}

KTEST(signal_ignored_discarded)
{
	struct fake f;
	siginfo_t out;

	KT_ASSERT(fake_make(&f));
	signal_send_proc(f.p, SIGCHLD, NULL);	/* default: ignore */
	signal_send_proc(f.p, SIGWINCH, NULL);
	KT_ASSERT_EQ(take(&f, &out), 0);
	f.p->sighand->action[SIGUSR1 - 1].handler = SIG_IGN;
	signal_send_proc(f.p, SIGUSR1, NULL);
	KT_ASSERT_EQ(take(&f, &out), 0);
	f.t->user.blocked = SIGMASK(SIGUSR1);	/* blocked: kept, it may be unignored */
	signal_send_proc(f.p, SIGUSR1, NULL);
	f.t->user.blocked = 0;
	KT_ASSERT_EQ(take(&f, &out), SIGUSR1);
	f.p->sighand->action[SIGCHLD - 1].handler = 0x400000;	/* a handler */
	signal_send_proc(f.p, SIGCHLD, NULL);
	KT_ASSERT_EQ(take(&f, &out), SIGCHLD);
	fake_free(&f);
}

KTEST(signal_stop_cont_cancel)
{
	struct fake f;
	siginfo_t out;

	KT_ASSERT(fake_make(&f));
	f.t->user.blocked = ~0ull;
	signal_send_proc(f.p, SIGTSTP, NULL);
	signal_send_task(f.t, SIGTTIN, NULL);
	signal_send_proc(f.p, SIGCONT, NULL);
	f.t->user.blocked = 0;
	KT_ASSERT_EQ(take(&f, &out), SIGCONT);
	KT_ASSERT_EQ(take(&f, &out), 0);
	f.t->user.blocked = ~0ull;
	signal_send_proc(f.p, SIGCONT, NULL);
	signal_send_proc(f.p, SIGSTOP, NULL);
	f.t->user.blocked = 0;
	KT_ASSERT_EQ(take(&f, &out), SIGSTOP);
	KT_ASSERT_EQ(take(&f, &out), 0);
	fake_free(&f);
}

KTEST(signal_force_unblocks_and_undoes_ignore)
{
	struct fake f;
	siginfo_t info = { .si_signo = SIGSEGV, .si_code = SEGV_MAPERR }, out;

	KT_ASSERT(fake_make(&f));
	f.t->user.blocked = SIGMASK(SIGSEGV);
	f.p->sighand->action[SIGSEGV - 1].handler = SIG_IGN;
	info.fault.addr = 0xdead000;
	signal_force(f.t, SIGSEGV, &info);
	KT_ASSERT(!(f.t->user.blocked & SIGMASK(SIGSEGV)));
	KT_ASSERT_EQ(f.p->sighand->action[SIGSEGV - 1].handler, SIG_DFL);
	KT_ASSERT_EQ(take(&f, &out), SIGSEGV);
	KT_ASSERT_EQ(out.si_code, SEGV_MAPERR);
	KT_ASSERT_EQ(out.fault.addr, 0xdead000);
	fake_free(&f);
}

KTEST(signal_default_actions)
{
	KT_ASSERT_EQ(sig_default_action(SIGCHLD), SIGDFL_IGN);
	KT_ASSERT_EQ(sig_default_action(SIGURG), SIGDFL_IGN);
	KT_ASSERT_EQ(sig_default_action(SIGCONT), SIGDFL_CONT);
	KT_ASSERT_EQ(sig_default_action(SIGTTOU), SIGDFL_STOP);
	KT_ASSERT_EQ(sig_default_action(SIGSEGV), SIGDFL_CORE);
	KT_ASSERT_EQ(sig_default_action(SIGPIPE), SIGDFL_TERM);
	KT_ASSERT_EQ(sig_default_action(SIGRTMIN + 5), SIGDFL_TERM);
	KT_ASSERT(!sig_valid(0));
	KT_ASSERT(!sig_valid(65));
	KT_ASSERT(sig_valid(64));
}

/* Offsets from Linux's uapi headers (what glibc's ucontext_t mirrors). */
KTEST(signal_frame_layout)
{
	KT_ASSERT_EQ(sizeof(struct rt_sigframe), 440);
	KT_ASSERT_EQ(__builtin_offsetof(struct ucontext64, uc_mcontext) +
		     __builtin_offsetof(struct sigcontext64, rsp), 40 + 120);
	KT_ASSERT_EQ(__builtin_offsetof(struct sigcontext64, oldmask), 168);
	KT_ASSERT_EQ(__builtin_offsetof(struct sigcontext64, cr2), 176);
	KT_ASSERT_EQ(__builtin_offsetof(siginfo_t, fault.addr), 16);
	KT_ASSERT_EQ(__builtin_offsetof(siginfo_t, chld.status), 24);
	KT_ASSERT_EQ(__builtin_offsetof(siginfo_t, chld.utime), 32);
	KT_ASSERT_EQ(__builtin_offsetof(siginfo_t, rt.value), 24);
	KT_ASSERT_EQ(sizeof(struct k_sigaction), 32);
	KT_ASSERT_EQ(sizeof(struct k_stack_t), 24);
}
