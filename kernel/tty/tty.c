/*
 * tty.c - the TTY core: a line discipline behind a lock, blocking reads and
 * writes, poll, input from drivers (and from interrupt handlers through a small
 * queue drained by the "ttyrx" thread, so signals are never sent from IRQ
 * context), and hang-up.  Ioctls and job control are in tty_ioctl.c, the device
 * files in tty_dev.c, pseudo-terminals in pty.c.
 *
 * Lock order: t->lock of a pty slave before its master's (slave output and echo
 * go into the master's input); nothing else nests tty locks.  A driver's write
 * runs under t->lock with interrupts off, so it must not sleep.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/time.h>	/* proc.h needs struct timer */
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <aegis/tty.h>
#include "internal.h"

static void ld_write(void *ctx, const char *s, size_t n)
{
	struct tty *t = ctx;

	if (t->drv && t->drv->write)
		t->drv->write(t, s, n);
}

static void ld_signal(void *ctx, int sig)
{
	struct tty *t = ctx;

	t->pending_sigs |= SIGMASK(sig);	/* sent by the caller once t->lock is dropped */
}

static const struct ldisc_ops tty_ldisc_ops = { ld_write, ld_signal };

void tty_setup(struct tty *t, const char *name, uint32_t dev, const struct tty_driver_ops *drv,
	       void *data)
{
	memset(t, 0, sizeof(*t));
	strlcpy(t->name, name, sizeof(t->name));
	t->dev = dev;
	t->drv = drv;
	t->driver_data = data;
	spin_init(&t->lock, "tty");
	termios_default(&t->termios);
	t->winsize.ws_row = 24;
	t->winsize.ws_col = 80;
	ldisc_init(&t->ld, &t->termios, &tty_ldisc_ops, t);
	mutex_init(&t->write_mutex);
	wq_init(&t->read_wq);
	wq_init(&t->write_wq);
}

/* Sends the ISIG signals collected under t->lock; called without it. */
static void send_pending_signals(struct tty *t, sigset_t sigs, int pgrp)
{
	for (int sig = 1; sig < NSIG; sig++)
		if ((sigs & SIGMASK(sig)) && pgrp > 0)
			tty_signal_pgrp(pgrp, sig);
}

void tty_receive(struct tty *t, const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	bool was_stopped = t->ld.stopped;
	sigset_t sigs;
	int pgrp;

	for (size_t i = 0; i < n; i++)
		ldisc_receive(&t->ld, (uint8_t)s[i]);
	t->ld.last_rx_ns = time_ns();
	sigs = t->pending_sigs;
	t->pending_sigs = 0;
	pgrp = t->pgrp;
	spin_unlock_irqrestore(&t->lock, flags);
	wq_wake_all(&t->read_wq);
	if (was_stopped)
		wq_wake_all(&t->write_wq);
	send_pending_signals(t, sigs, pgrp);
}

/* ---- input from interrupt handlers ---- */

#define RXQ_SIZE 512
static struct {
	struct spinlock lock;
	struct wait_queue wq;
	struct { struct tty *t; char c; } q[RXQ_SIZE];	/* [lock] */
	unsigned head, tail;				/* [lock] */
} rxq;

void tty_receive_irq(struct tty *t, char c)
{
	unsigned long flags = spin_lock_irqsave(&rxq.lock);

	if (rxq.head - rxq.tail < RXQ_SIZE) {
		rxq.q[rxq.head % RXQ_SIZE].t = t;
		rxq.q[rxq.head % RXQ_SIZE].c = c;
		rxq.head++;
	}
	spin_unlock_irqrestore(&rxq.lock, flags);
	wq_wake_one(&rxq.wq);
}

static bool rxq_nonempty(void *arg)
{
	return rxq.head != rxq.tail;	/* racy read; wq_wait re-checks after wakeups */
}

static void rx_thread(void *arg)
{
	for (;;) {
		wq_wait(&rxq.wq, rxq_nonempty, NULL, false, 0);
		for (;;) {
			unsigned long flags = spin_lock_irqsave(&rxq.lock);
			struct tty *t;
			char c;
			if (rxq.head == rxq.tail) {
				spin_unlock_irqrestore(&rxq.lock, flags);
				break;
			}
			t = rxq.q[rxq.tail % RXQ_SIZE].t;
			c = rxq.q[rxq.tail % RXQ_SIZE].c;
			rxq.tail++;
			spin_unlock_irqrestore(&rxq.lock, flags);
			tty_receive(t, &c, 1);
		}
	}
}

void tty_core_init(void)
{
	struct task *th;

	spin_init(&rxq.lock, "ttyrx");
	wq_init(&rxq.wq);
	th = kthread_create(rx_thread, NULL, "ttyrx");
	if (!th) {
		pr_err("tty: cannot start the input thread\n");
		return;
	}
	kthread_detach(th);
	kthread_start(th);
}

/* ---- reading ---- */

struct read_wait {
	struct tty *t;
	size_t want;
	uint64_t start, deadline;
};

static bool read_ready_locked(struct read_wait *w)
{
	struct tty *t = w->t;

	if (t->hungup)
		return true;
	if (t->termios.c_lflag & ICANON)
		return ldisc_readable(&t->ld) > 0;
	return ldisc_nc_ready(&t->ld, w->want, w->start, time_ns(), &w->deadline);
}

/*
 * wq_wait's condition.  A changed deadline (the VTIME inter-byte timer starts
 * with the first byte) also ends the wait, so tty_read sleeps again with it.
 */
static bool read_ready(void *arg)
{
	struct read_wait *w = arg;
	unsigned long flags = spin_lock_irqsave(&w->t->lock);
	uint64_t before = w->deadline;
	bool r = read_ready_locked(w) || w->deadline != before;

	spin_unlock_irqrestore(&w->t->lock, flags);
	return r;
}

ssize_t tty_read(struct tty *t, struct io_buf *b, bool nonblock)
{
	struct read_wait w = { .t = t, .want = b->len, .start = time_ns() };
	size_t n = b->len < LDISC_BUFSIZE ? b->len : LDISC_BUFSIZE;
	unsigned long flags;
	uint8_t *kbuf;
	ssize_t r;
	int err;

	if (!b->len)
		return 0;
	err = tty_job_check(t, SIGTTIN);
	if (err)
		return err;
	for (;;) {
		flags = spin_lock_irqsave(&t->lock);
		if (read_ready_locked(&w))
			break;
		spin_unlock_irqrestore(&t->lock, flags);
		if (nonblock)
			return -EAGAIN;
		err = wq_wait(&t->read_wq, read_ready, &w, true, w.deadline);
		if (err == -EINTR)
			return -ERESTARTSYS;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	kbuf = kmalloc(n);
	if (!kbuf)
		return -ENOMEM;
	flags = spin_lock_irqsave(&t->lock);
	r = ldisc_read(&t->ld, kbuf, n);
	if (r == -EAGAIN)	/* VTIME expired with nothing, or hang-up */
		r = (t->hungup && t->pty_master) ? -EIO : 0;
	spin_unlock_irqrestore(&t->lock, flags);
	if (r > 0 && iob_copy_to(b, 0, kbuf, r))
		r = -EFAULT;
	kfree(kbuf);
	if (t->peer)
		wq_wake_all(&t->peer->write_wq);	/* room for the other end's writer */
	return r;
}

/* ---- writing ---- */

#define WCHUNK 256

struct write_wait {
	struct tty *t;
	size_t need;
};

static bool write_ready(void *arg)
{
	struct write_wait *w = arg;
	struct tty *t = w->t;

	if (t->hungup || (t->peer && t->peer->hungup && !t->pty_master))
		return true;
	if (t->ld.stopped)
		return false;
	return !t->drv->write_room || t->drv->write_room(t) >= w->need;
}

ssize_t tty_write(struct tty *t, struct io_buf *b, bool nonblock)
{
	struct write_wait w = { .t = t };
	char kbuf[WCHUNK];
	size_t done = 0;
	int err;

	err = tty_write_job_check(t);
	if (err)
		return err;
	mutex_lock(&t->write_mutex);
	while (done < b->len) {
		size_t n = b->len - done < WCHUNK ? b->len - done : WCHUNK;
		unsigned long flags;

		/* ONLCR can double the size; a pty master feeds raw bytes */
		w.need = t->pty_master ? 1 : 2 * n;
		if (!write_ready(&w)) {
			if (nonblock) {
				err = -EAGAIN;
				break;
			}
			if (wq_wait(&t->write_wq, write_ready, &w, true, 0) == -EINTR) {
				err = -ERESTARTSYS;
				break;
			}
		}
		if (t->hungup) {
			err = -EIO;
			break;
		}
		if (t->pty_master && t->drv->write_room)
			n = n < t->drv->write_room(t) ? n : t->drv->write_room(t);
		if (iob_copy_from(b, done, kbuf, n)) {
			err = -EFAULT;
			break;
		}
		if (t->pty_master) {
			/* into the slave's line discipline; no master lock held (lock order) */
			t->drv->write(t, kbuf, n);
		} else {
			flags = spin_lock_irqsave(&t->lock);
			ldisc_output(&t->ld, kbuf, n);
			spin_unlock_irqrestore(&t->lock, flags);
		}
		done += n;
	}
	mutex_unlock(&t->write_mutex);
	return done ? (ssize_t)done : err;
}

unsigned tty_poll(struct tty *t, struct file *f, struct poll_table *pt)
{
	struct write_wait w = { .t = t, .need = 1 };
	unsigned long flags;
	unsigned mask = 0;

	if (f)
		poll_wait(f, &t->read_wq, pt);
	if (f)
		poll_wait(f, &t->write_wq, pt);
	flags = spin_lock_irqsave(&t->lock);
	if (ldisc_readable(&t->ld) || (!(t->termios.c_lflag & ICANON) && ldisc_queued(&t->ld)))
		mask |= POLLIN | POLLRDNORM;
	if (t->hungup)
		mask |= POLLHUP | POLLIN;
	spin_unlock_irqrestore(&t->lock, flags);
	if (write_ready(&w))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

void tty_hangup(struct tty *t)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int pgrp = t->pgrp, sid = t->session;

	t->hungup = true;
	t->pgrp = 0;
	t->session = 0;
	spin_unlock_irqrestore(&t->lock, flags);
	tty_forget_session(t);
	if (pgrp > 0) {
		tty_signal_pgrp(pgrp, SIGHUP);
		tty_signal_pgrp(pgrp, SIGCONT);
	}
	if (sid > 0)
		tty_signal_pid(sid, SIGHUP);
	if (sid > 0)
		tty_signal_pid(sid, SIGCONT);
	wq_wake_all(&t->read_wq);
	wq_wake_all(&t->write_wq);
}
