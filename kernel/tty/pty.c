/*
 * pty.c - pseudo-terminals: opening /dev/ptmx allocates a master/slave pair and
 * creates /dev/pts/N.  What the master writes is the slave's input (through the
 * slave's line discipline); what the slave writes (after OPOST) and its echo are
 * the master's input, which is a raw queue.
 *
 * Lifetime: the pair is allocated at ptmx open and freed when the master and
 * every slave open are closed.  Closing the master hangs the slave up (SIGHUP to
 * its session) and removes /dev/pts/N; closing the last slave makes master reads
 * fail with EIO once drained, as on Linux.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/string.h>
#include <aegis/vfs.h>
#include "internal.h"

#define PTY_MAX 64

struct pty_pair {
	struct tty master, slave;
	bool master_open;		/* [pty_lock] */
};

static struct spinlock pty_lock = SPINLOCK_INIT("pty");
static struct pty_pair *ptys[PTY_MAX];	/* [pty_lock] */

/* Slave output and echo: into the master's input queue (slave lock held). */
static size_t slave_write(struct tty *t, const char *s, size_t n)
{
	struct tty *m = t->peer;
	unsigned long flags = spin_lock_irqsave(&m->lock);
	size_t room = ldisc_room(&m->ld);

	n = n < room ? n : room;		/* echo beyond the room is dropped */
	for (size_t i = 0; i < n; i++)
		ldisc_receive(&m->ld, (uint8_t)s[i]);
	spin_unlock_irqrestore(&m->lock, flags);
	wq_wake_all(&m->read_wq);
	return n;
}

static size_t slave_room(struct tty *t)
{
	struct tty *m = t->peer;
	unsigned long flags = spin_lock_irqsave(&m->lock);
	size_t room = ldisc_room(&m->ld);

	spin_unlock_irqrestore(&m->lock, flags);
	return room;
}

/* Master output: the slave's input. */
static size_t master_write(struct tty *t, const char *s, size_t n)
{
	tty_receive(t->peer, s, n);
	return n;
}

static size_t master_room(struct tty *t)
{
	struct tty *sl = t->peer;
	unsigned long flags = spin_lock_irqsave(&sl->lock);
	size_t room = ldisc_room(&sl->ld);

	spin_unlock_irqrestore(&sl->lock, flags);
	return room;
}

static const struct tty_driver_ops slave_ops = { .write = slave_write, .write_room = slave_room };
static const struct tty_driver_ops master_ops = { .write = master_write, .write_room = master_room };

struct tty *pty_alloc(void)
{
	struct pty_pair *pp = kzalloc(sizeof(*pp));
	unsigned long flags;
	char name[16];
	int idx = -1;

	if (!pp)
		return ERR_PTR(-ENOMEM);
	flags = spin_lock_irqsave(&pty_lock);
	for (int i = 0; i < PTY_MAX; i++) {
		if (!ptys[i]) {
			ptys[i] = pp;
			idx = i;
			break;
		}
	}
	spin_unlock_irqrestore(&pty_lock, flags);
	if (idx < 0) {
		kfree(pp);
		return ERR_PTR(-ENOSPC);
	}
	snprintf(name, sizeof(name), "ptm%d", idx);
	tty_setup(&pp->master, name, MKDEV(TTYAUX_MAJOR, 2), &master_ops, pp);
	snprintf(name, sizeof(name), "pts/%d", idx);
	tty_setup(&pp->slave, name, MKDEV(PTS_MAJOR, idx), &slave_ops, pp);
	pp->master.pty_master = true;
	pp->master.index = pp->slave.index = idx;
	pp->master.peer = &pp->slave;
	pp->slave.peer = &pp->master;
	/* the master side is a raw byte queue */
	pp->master.termios.c_iflag = 0;
	pp->master.termios.c_oflag = 0;
	pp->master.termios.c_lflag = 0;
	pp->master.termios.c_cc[VMIN] = 1;
	pp->slave.locked = true;		/* until unlockpt() (TIOCSPTLCK 0) */
	pp->master_open = true;
	pp->master.opens = 1;
	/* devfs may be absent in early ktests; the pair works without the node */
	devfs_create(name, S_IFCHR | 0620, MKDEV(PTS_MAJOR, idx), 0, 5 /* tty */);
	return &pp->master;
}

struct tty *pty_slave_get(unsigned index)
{
	unsigned long flags = spin_lock_irqsave(&pty_lock);
	struct pty_pair *pp = index < PTY_MAX ? ptys[index] : NULL;
	struct tty *t = NULL;

	if (pp && pp->master_open && !pp->slave.locked) {
		t = &pp->slave;
		spin_lock(&t->lock);
		t->opens++;
		t->hungup = false;
		spin_unlock(&t->lock);
		spin_lock(&pp->master.lock);
		pp->master.hungup = false;
		spin_unlock(&pp->master.lock);
	}
	spin_unlock_irqrestore(&pty_lock, flags);
	return t;
}

/* Last reference of either end: free the pair when both are gone. */
static void maybe_free(struct pty_pair *pp)
{
	unsigned long flags = spin_lock_irqsave(&pty_lock);
	bool free_it = !pp->master_open && pp->slave.opens == 0;

	if (free_it)
		ptys[pp->master.index] = NULL;
	spin_unlock_irqrestore(&pty_lock, flags);
	if (free_it)
		kfree(pp);
}

void pty_release(struct tty *t)
{
	struct pty_pair *pp = t->driver_data;
	unsigned long flags;
	char name[16];

	if (t->pty_master) {
		flags = spin_lock_irqsave(&pty_lock);
		pp->master_open = false;
		spin_unlock_irqrestore(&pty_lock, flags);
		snprintf(name, sizeof(name), "pts/%d", t->index);
		devfs_remove(name);
		tty_hangup(&pp->slave);
	} else {
		flags = spin_lock_irqsave(&pty_lock);
		bool last = --t->opens == 0;
		spin_unlock_irqrestore(&pty_lock, flags);
		if (last) {
			/* master reads drain, then fail with EIO */
			flags = spin_lock_irqsave(&pp->master.lock);
			pp->master.hungup = true;
			spin_unlock_irqrestore(&pp->master.lock, flags);
			wq_wake_all(&pp->master.read_wq);
			wq_wake_all(&pp->master.write_wq);
		}
	}
	maybe_free(pp);
}

void pty_close_end(struct tty *t)
{
	pty_release(t);
}

void pty_init(void)
{
}
