/*
 * tty.h - terminals: Linux's termios ABI, the line discipline (kernel/tty/ldisc.c)
 * and the TTY core (kernel/tty/tty.c) that serial ports, the framebuffer console
 * and pseudo-terminals plug into.
 *
 * The line discipline is pure: it edits and queues input and produces echo and
 * signals through callbacks, never sleeps and takes no locks, so it also builds in
 * host unit tests.  The TTY core wraps it with a lock, wait queues, job control and
 * the file operations.
 *
 * Locking key: [I] immutable after creation, [t->lock] the tty's spinlock (taken
 * with interrupts off), [proc_lock] the process-tree lock.
 */
#ifndef AEGIS_TTY_H
#define AEGIS_TTY_H

#include <aegis/sched.h>
#include <aegis/termios.h>
#include <aegis/vfs.h>
#include <aegis/ldisc.h>
#include <aegis/spinlock.h>

#include <aegis/types.h>

struct file;
struct process;
struct tty;

struct tty_driver_ops {
	/* Sends bytes to the hardware or the pty peer; returns how many it took. */
	size_t (*write)(struct tty *t, const char *s, size_t n);
	/* Room for output (pty: the master's input buffer); NULL = always room. */
	size_t (*write_room)(struct tty *t);
	void (*open)(struct tty *t);		/* optional */
	void (*close)(struct tty *t);		/* last close; optional */
	/* Driver ioctls (TIOCGSERIAL, VT_*); -ENOTTY for unknown.  Optional. */
	long (*ioctl)(struct tty *t, unsigned cmd, unsigned long arg);
};

struct tty {
	char name[16];				/* [I] "ttyS0", "pts/3" */
	uint32_t dev;				/* [I] MKDEV(major, minor) */
	const struct tty_driver_ops *drv;	/* [I] */
	void *driver_data;			/* [I] */
	struct spinlock lock;
	struct termios termios;			/* [lock] */
	struct winsize winsize;			/* [lock] */
	struct ldisc ld;			/* [lock] */
	int pgrp;				/* [lock] foreground process group, 0 = none */
	int session;				/* [lock] session it controls, 0 = none */
	int opens;				/* [lock], pty ends [pty_lock]: open files */
	bool hungup;				/* [lock] reads give EOF, writes EIO */
	bool pty_master, locked;		/* [I], [lock] pty slave locked (TIOCSPTLCK) */
	int index;				/* [I] pty number */
	struct tty *peer;			/* [I] the other end of a pty */
	struct mutex write_mutex;		/* serialises writers so output is not interleaved */
	struct wait_queue read_wq;		/* input arrived, hang-up */
	struct wait_queue write_wq;		/* output room, ^Q */
	sigset_t pending_sigs;			/* [lock] ISIG signals not sent yet */
};

/* Brings up the serial, console, pty and framebuffer TTYs; call after vfs_init(). */
void tty_init(void);
void tty_setup(struct tty *t, const char *name, uint32_t dev, const struct tty_driver_ops *drv,
	       void *data);
/* Input from a driver (process context or the tty input thread, not IRQ context). */
void tty_receive(struct tty *t, const char *s, size_t n);
/* Input from interrupt context: queued and handed to tty_receive by a thread. */
void tty_receive_irq(struct tty *t, char c);
ssize_t tty_read(struct tty *t, struct io_buf *b, bool nonblock);
ssize_t tty_write(struct tty *t, struct io_buf *b, bool nonblock);
long tty_ioctl(struct tty *t, struct file *f, unsigned cmd, unsigned long arg);
unsigned tty_poll(struct tty *t, struct file *f, struct poll_table *pt);
/* Hang-up: SIGHUP+SIGCONT to the session, later reads see EOF. */
void tty_hangup(struct tty *t);
/* A session leader exits (the lead's exit path calls this): its session loses the tty. */
void tty_session_leader_exit(struct process *p);
/* The kernel console's tty (for /dev/console). */
struct tty *tty_console(void);

/* A pty pair; the master is returned (kernel/tty/pty.c). */
struct tty *pty_alloc(void);
void pty_close_end(struct tty *t);
/* The framebuffer console's tty (NULL without a framebuffer) and its keyboard input. */
struct tty *fbcon_tty(void);
void fbcon_init(void);
bool fbcon_peek(unsigned x, unsigned y, unsigned *glyph, uint8_t *fg, uint8_t *bg);		/* maps the boot framebuffer; called by tty_init */

#endif
