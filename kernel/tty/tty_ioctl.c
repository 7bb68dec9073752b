/*
 * tty_ioctl.c - terminal ioctls and job control: the controlling terminal of a
 * session, the foreground process group, SIGTTIN/SIGTTOU for background groups,
 * and hang-up of a session (Linux's tty_jobctrl.c and tty_ioctl.c, reduced).
 *
 * A pty master answers the settings ioctls for its slave (TCGETS, TIOCGWINSZ,
 * TIOCGPGRP...), as Linux's real_tty does.  Process fields (pgid, sid, tty) are
 * read and written under proc_lock; t->pgrp and t->session under t->lock.
 */
#include <aegis/errno.h>
#include <aegis/time.h>	/* proc.h needs struct timer */
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>
#include <aegis/tty.h>
#include "internal.h"

static siginfo_t kernel_info(int sig)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = SI_KERNEL;
	return info;
}

void tty_signal_pgrp(int pgrp, int sig)
{
	siginfo_t info = kernel_info(sig);

	signal_send_pgrp(pgrp, sig, &info);
}

void tty_signal_pid(int pid, int sig)
{
	siginfo_t info = kernel_info(sig);
	struct process *p = proc_find(pid);

	if (p) {
		signal_send_proc(p, sig, &info);
		proc_put(p);
	}
}

static void forget_one(struct process *p, void *arg)
{
	if (p->tty == arg)
		p->tty = NULL;
}

void tty_forget_session(struct tty *t)
{
	proc_for_each(forget_one, t);
}

/* ---- orphaned process groups (POSIX: no member has a parent in another
 * group of the same session, so nobody can continue a stopped job) ---- */

struct orphan_scan {
	int pgrp;
	bool orphaned;
};

static void orphan_one(struct process *p, void *arg)
{
	struct orphan_scan *s = arg;
	struct process *pp = p->parent;

	if (p->pgid != s->pgrp || p->state != PROC_ALIVE || !pp)
		return;
	if (pp->pgid != s->pgrp && pp->sid == p->sid)
		s->orphaned = false;
}

static bool pgrp_orphaned(int pgrp)
{
	struct orphan_scan s = { pgrp, true };

	proc_for_each(orphan_one, &s);
	return s.orphaned;
}

static bool sig_ignored_or_blocked(int sig)
{
	struct process *p = current_proc();
	struct task *self = current_task();
	bool r;

	if (self->user.blocked & SIGMASK(sig))
		return true;
	spin_lock(&p->sighand->lock);
	r = p->sighand->action[sig - 1].handler == SIG_IGN;
	spin_unlock(&p->sighand->lock);
	return r;
}

int tty_job_check(struct tty *t, int sig)
{
	struct process *p = current_proc();
	int pgid, fg;
	bool ours;

	if (!p || t->pty_master)
		return 0;
	spin_lock(&proc_lock);
	ours = p->tty == t;
	pgid = p->pgid;
	spin_unlock(&proc_lock);
	if (!ours)
		return 0;
	fg = t->pgrp;
	if (!fg || pgid == fg)
		return 0;
	if (sig == SIGTTOU && sig_ignored_or_blocked(sig))
		return 0;		/* writes (and settings) go ahead, as on Linux */
	if (sig == SIGTTIN && sig_ignored_or_blocked(sig))
		return -EIO;
	if (pgrp_orphaned(pgid))
		return -EIO;
	tty_signal_pgrp(pgid, sig);
	return -ERESTARTSYS;
}

/* Output job control applies to writes only with TOSTOP. */
int tty_write_job_check(struct tty *t)
{
	if (!(t->termios.c_lflag & TOSTOP))
		return 0;
	return tty_job_check(t, SIGTTOU);
}

/*
 * The session t controls still has its leader with t as controlling terminal.
 * False means a leader exited without tty_session_leader_exit(): the session
 * lost the terminal then (disassociate_ctty on Linux), so it is free.
 */
static bool session_holds(struct tty *t, int sid)
{
	struct process *leader = proc_find(sid);
	bool r;

	if (!leader)
		return false;
	spin_lock(&proc_lock);
	r = leader->state == PROC_ALIVE && leader->tty == t;
	spin_unlock(&proc_lock);
	proc_put(leader);
	return r;
}

int tty_make_ctty(struct tty *t, bool steal)
{
	struct process *p = current_proc();
	int sid = t->session, err = 0;
	unsigned long flags;

	if (!p || t->pty_master)
		return -EPERM;
	if (sid && sid != p->sid && session_holds(t, sid)) {
		if (!steal)
			return -EPERM;
		tty_forget_session(t);		/* TIOCSCTTY 1 by root */
	}
	spin_lock(&proc_lock);
	if (p->tty == t) {
		spin_unlock(&proc_lock);
		return 0;
	}
	if (p->sid != p->pid || p->tty) {
		spin_unlock(&proc_lock);
		return -EPERM;
	}
	flags = spin_lock_irqsave(&t->lock);
	if (t->session != sid) {
		err = -EPERM;		/* taken meanwhile */
	} else {
		t->session = p->sid;
		t->pgrp = p->pgid;
		t->hungup = false;
		p->tty = t;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	spin_unlock(&proc_lock);
	return err;
}

/* The session leader leaves: its session loses the terminal (disassociate_ctty). */
static void disassociate(struct tty *t, bool on_exit)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int pgrp = t->pgrp;

	t->pgrp = 0;
	t->session = 0;
	spin_unlock_irqrestore(&t->lock, flags);
	if (pgrp > 0) {
		tty_signal_pgrp(pgrp, SIGHUP);
		if (!on_exit)
			tty_signal_pgrp(pgrp, SIGCONT);
	}
	tty_forget_session(t);
}

void tty_session_leader_exit(struct process *p)
{
	struct tty *t;

	spin_lock(&proc_lock);
	t = p->sid == p->pid ? p->tty : NULL;
	spin_unlock(&proc_lock);
	if (t)
		disassociate(t, true);
}

void tty_get_termios(struct tty *t, struct termios *tio)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);

	*tio = t->termios;
	spin_unlock_irqrestore(&t->lock, flags);
}

void tty_set_termios(struct tty *t, const struct termios *tio, unsigned how)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	struct termios old = t->termios;

	/* output is written synchronously, so TCSETSW has nothing to drain */
	if (how == TCSETSF)
		ldisc_flush_input(&t->ld);
	t->termios = *tio;
	ldisc_termios_changed(&t->ld, &old);
	spin_unlock_irqrestore(&t->lock, flags);
	wq_wake_all(&t->read_wq);	/* VMIN/VTIME or ICANON may make a reader ready */
	wq_wake_all(&t->write_wq);
}

void tty_get_winsize(struct tty *t, struct winsize *ws)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);

	*ws = t->winsize;
	spin_unlock_irqrestore(&t->lock, flags);
}

void tty_set_winsize(struct tty *t, const struct winsize *ws)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	bool changed = memcmp(&t->winsize, ws, sizeof(*ws)) != 0;
	int pgrp = t->pgrp;

	t->winsize = *ws;
	spin_unlock_irqrestore(&t->lock, flags);
	if (changed && pgrp > 0)
		tty_signal_pgrp(pgrp, SIGWINCH);
}

struct pgrp_scan {
	int pgrp, sid;
	bool found, same_session;
};

static void pgrp_one(struct process *p, void *arg)
{
	struct pgrp_scan *s = arg;

	if (p->pgid == s->pgrp && p->state == PROC_ALIVE) {
		s->found = true;
		if (p->sid == s->sid)
			s->same_session = true;
	}
}

static int set_pgrp(struct tty *real, int pgrp)
{
	struct process *p = current_proc();
	struct pgrp_scan s = { .pgrp = pgrp };
	unsigned long flags;
	bool ours;

	spin_lock(&proc_lock);
	ours = p->tty == real;
	s.sid = p->sid;
	spin_unlock(&proc_lock);
	if (!ours || real->session != s.sid)
		return -ENOTTY;
	if (pgrp < 0)
		return -EINVAL;
	proc_for_each(pgrp_one, &s);
	if (!s.found)
		return -ESRCH;
	if (!s.same_session)
		return -EPERM;
	flags = spin_lock_irqsave(&real->lock);
	real->pgrp = pgrp;
	spin_unlock_irqrestore(&real->lock, flags);
	return 0;
}

static bool is_our_ctty(struct tty *t)
{
	struct process *p = current_proc();
	bool r;

	if (!p)
		return false;
	spin_lock(&proc_lock);
	r = p->tty == t;
	spin_unlock(&proc_lock);
	return r;
}

static long put_int(unsigned long arg, int v)
{
	return copy_to_user((void __user *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long termios_ioctl(struct tty *t, struct tty *real, unsigned cmd, unsigned long arg)
{
	struct termios tio;
	struct winsize ws;
	int err;

	switch (cmd) {
	case TCGETS:
		tty_get_termios(real, &tio);
		return copy_to_user((void __user *)arg, &tio, sizeof(tio)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		err = tty_job_check(real, SIGTTOU);
		if (err)
			return err;
		if (copy_from_user(&tio, (const void __user *)arg, sizeof(tio)))
			return -EFAULT;
		tty_set_termios(real, &tio, cmd);
		return 0;
	case TIOCGWINSZ:
		tty_get_winsize(real, &ws);
		return copy_to_user((void __user *)arg, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&ws, (const void __user *)arg, sizeof(ws)))
			return -EFAULT;
		tty_set_winsize(real, &ws);
		return 0;
	}
	return -ENOIOCTLCMD;
}

long tty_ioctl(struct tty *t, struct file *f, unsigned cmd, unsigned long arg)
{
	struct tty *real = t->pty_master ? t->peer : t;
	struct process *p = current_proc();
	unsigned long flags;
	long r;
	int v, err;

	r = termios_ioctl(t, real, cmd, arg);
	if (r != -ENOIOCTLCMD)
		return r;
	switch (cmd) {
	case TIOCGPGRP:
		if (real == t && !is_our_ctty(t))
			return -ENOTTY;
		return put_int(arg, real->pgrp);
	case TIOCSPGRP:
		if (!p)
			return -ENOTTY;
		err = tty_job_check(real, SIGTTOU);
		if (err)
			return err;
		if (copy_from_user(&v, (const void __user *)arg, sizeof(v)))
			return -EFAULT;
		return set_pgrp(real, v);
	case TIOCGSID:
		if (real == t && !is_our_ctty(t))
			return -ENOTTY;
		if (!real->session)
			return -ENOTTY;
		return put_int(arg, real->session);
	case TIOCSCTTY:
		return tty_make_ctty(t, arg == 1 && p && cred_is_root(&p->cred));
	case TIOCNOTTY:
		if (!is_our_ctty(t))
			return -ENOTTY;
		if (p->sid == p->pid) {
			disassociate(t, false);
		} else {
			spin_lock(&proc_lock);
			p->tty = NULL;
			spin_unlock(&proc_lock);
		}
		return 0;
	case FIONREAD:
		flags = spin_lock_irqsave(&t->lock);
		v = ldisc_queued(&t->ld);
		spin_unlock_irqrestore(&t->lock, flags);
		return put_int(arg, v);
	case TIOCOUTQ:
		return put_int(arg, 0);		/* output is written synchronously */
	case TCFLSH:
		err = tty_job_check(real, SIGTTOU);
		if (err)
			return err;
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg != TCOFLUSH) {
			flags = spin_lock_irqsave(&t->lock);
			ldisc_flush_input(&t->ld);
			spin_unlock_irqrestore(&t->lock, flags);
		}
		return 0;
	case TCXONC:
		err = tty_job_check(real, SIGTTOU);
		if (err)
			return err;
		if (arg > TCION)
			return -EINVAL;
		if (arg == TCOOFF || arg == TCOON) {
			t->ld.stopped = arg == TCOOFF;
			wq_wake_all(&t->write_wq);
		}
		return 0;
	case TIOCSTI: {
		char c;
		if (!is_our_ctty(t) && !(p && cred_is_root(&p->cred)))
			return -EPERM;
		if (copy_from_user(&c, (const void __user *)arg, 1))
			return -EFAULT;
		tty_receive(t, &c, 1);
		return 0;
	}
	case TCSBRK:
	case TCSBRKP:
	case TIOCEXCL:
	case TIOCNXCL:
		return 0;
	case TIOCGPTN:
		if (!t->pty_master)
			return -ENOTTY;
		return put_int(arg, t->index);
	case TIOCGPTPEER:
		if (!t->pty_master)
			return -ENOTTY;
		if (arg & ~(unsigned long)(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
			return -EINVAL;
		return tty_open_peer(t, arg);
	case TIOCSPTLCK:
		if (!t->pty_master)
			return -ENOTTY;
		if (copy_from_user(&v, (const void __user *)arg, sizeof(v)))
			return -EFAULT;
		t->peer->locked = v != 0;
		return 0;
	}
	if (t->drv && t->drv->ioctl)
		return t->drv->ioctl(t, cmd, arg);
	return -ENOTTY;
}
