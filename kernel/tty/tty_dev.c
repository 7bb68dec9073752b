/*
 * tty_dev.c - the terminal device files and tty_init(): /dev/ttyS0-3 (the
 * 16550 ports), /dev/tty1 (framebuffer console and keyboard), /dev/console,
 * /dev/tty (the caller's controlling terminal), /dev/ptmx and /dev/pts/N.
 *
 * Majors and minors are Linux's: 4/1 tty1, 4/64+ ttyS, 5/0 tty, 5/1 console,
 * 5/2 ptmx, 136/N pts.  Opening a terminal without O_NOCTTY makes it the
 * controlling terminal of a session leader that has none, as on Linux.
 */
#include <aegis/bootinfo.h>
#include <aegis/cmdline.h>
#include <aegis/errno.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/time.h>	/* proc.h needs struct timer */
#include <aegis/proc.h>
#include <aegis/sched.h>
#include <aegis/serial.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <aegis/uaccess.h>
#include <aegis/vfs.h>
#include "internal.h"

static struct tty serial_ttys[UART_NPORTS];
static struct tty *console_tty;

struct tty *serial_tty(unsigned port)
{
	return port < UART_NPORTS && uart_port_present(port) ? &serial_ttys[port] : NULL;
}

struct tty *tty_console(void)
{
	return console_tty;
}

static size_t serial_write(struct tty *t, const char *s, size_t n)
{
	uart_port_write((unsigned)(uintptr_t)t->driver_data, s, n);
	return n;
}

/* TIOCGSERIAL: busybox cttyhack asks it which ttyS the console is. */
struct serial_struct {
	int type, line;
	unsigned port;
	int irq, flags, xmit_fifo_size, custom_divisor, baud_base;
	unsigned short close_delay;
	char io_type, reserved_char;
	int hub6;
	unsigned short closing_wait, closing_wait2;
	uint64_t iomem_base;
	unsigned short iomem_reg_shift;
	unsigned port_high;
	uint64_t iomap_base;
};
_Static_assert(sizeof(struct serial_struct) == 72, "Linux x86-64 layout");
#define TIOCGSERIAL	0x541E
#define PORT_16550A	4

static long serial_ioctl(struct tty *t, unsigned cmd, unsigned long arg)
{
	static const uint16_t io[UART_NPORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	unsigned port = (unsigned)(uintptr_t)t->driver_data;
	struct serial_struct ss;

	if (cmd != TIOCGSERIAL)
		return -ENOTTY;
	memset(&ss, 0, sizeof(ss));
	ss.type = PORT_16550A;
	ss.line = port;
	ss.port = io[port];
	ss.irq = port & 1 ? 3 : 4;
	ss.xmit_fifo_size = 16;
	ss.baud_base = 115200;
	return copy_to_user((void __user *)arg, &ss, sizeof(ss)) ? -EFAULT : 0;
}

static const struct tty_driver_ops serial_ops = { .write = serial_write, .ioctl = serial_ioctl };

/* COM1's receive interrupt (platform.c); the byte goes through the ttyrx thread. */
void tty_serial_input(char c)
{
	if (uart_port_present(0))
		tty_receive_irq(&serial_ttys[0], c);
}

/* COM2-COM4 have no interrupt route: poll them while any is open. */
static void serial_poll_thread(void *arg)
{
	for (;;) {
		for (unsigned i = 1; i < UART_NPORTS; i++) {
			int c;
			if (!serial_ttys[i].opens)
				continue;
			while ((c = uart_port_getc(i)) >= 0) {
				char ch = (char)c;
				tty_receive(&serial_ttys[i], &ch, 1);
			}
		}
		sleep_ns(10 * 1000 * 1000);
	}
}

/* ---- file operations ---- */

static struct tty *tty_of(struct file *f)
{
	return file_private(f);
}

/* The tty a (major, minor) names; ptmx allocates a pair. */
static struct tty *lookup(unsigned major, unsigned minor)
{
	struct process *p;
	struct tty *t;

	switch (major) {
	case TTY_MAJOR:
		if (minor == 1)
			return fbcon_tty() ? fbcon_tty() : ERR_PTR(-ENXIO);
		if (minor >= 64 && minor < 64 + UART_NPORTS && serial_tty(minor - 64))
			return serial_tty(minor - 64);
		return ERR_PTR(-ENXIO);
	case TTYAUX_MAJOR:
		if (minor == 0) {
			p = current_proc();
			if (!p)
				return ERR_PTR(-ENXIO);
			spin_lock(&proc_lock);
			t = p->tty;
			spin_unlock(&proc_lock);
			if (t && t->peer)	/* a pty slave counts its opens in pty.c */
				t = pty_slave_get(t->index);
			return t ? t : ERR_PTR(-ENXIO);
		}
		if (minor == 1)
			return console_tty ? console_tty : ERR_PTR(-ENXIO);
		if (minor == 2)
			return pty_alloc();
		return ERR_PTR(-ENXIO);
	case PTS_MAJOR:
		t = pty_slave_get(minor);
		return t ? t : ERR_PTR(-EIO);
	}
	return ERR_PTR(-ENXIO);
}

static int tty_fop_open(struct file *f, unsigned major)
{
	unsigned minor = file_minor(f);
	struct tty *t = lookup(major, minor);
	unsigned long flags;

	if (IS_ERR(t))
		return PTR_ERR(t);
	file_set_private(f, t);
	if (!t->peer) {		/* pty ends count their opens in pty.c */
		flags = spin_lock_irqsave(&t->lock);
		t->opens++;
		spin_unlock_irqrestore(&t->lock, flags);
	}
	/* as Linux: /dev/console never becomes a controlling terminal (init opens it
	 * for its standard streams; "setsid cttyhack sh" finds the real device) */
	if (!(file_flags(f) & O_NOCTTY) && !t->pty_master && major != TTYAUX_MAJOR)
		tty_make_ctty(t, false);	/* failing is fine: not a leader, or taken */
	return 0;
}

static int open_tty(struct file *f)
{
	return tty_fop_open(f, TTY_MAJOR);
}

static int open_aux(struct file *f)
{
	return tty_fop_open(f, TTYAUX_MAJOR);
}

static int open_pts(struct file *f)
{
	return tty_fop_open(f, PTS_MAJOR);
}

static void tty_fop_release(struct file *f)
{
	struct tty *t = tty_of(f);
	unsigned long flags;

	if (!t)
		return;
	if (t->peer) {
		pty_release(t);
		return;
	}
	flags = spin_lock_irqsave(&t->lock);
	t->opens--;
	spin_unlock_irqrestore(&t->lock, flags);
}

static ssize_t tty_fop_read(struct file *f, struct io_buf *b, uint64_t *pos)
{
	return tty_read(tty_of(f), b, file_flags(f) & O_NONBLOCK);
}

static ssize_t tty_fop_write(struct file *f, struct io_buf *b, uint64_t *pos)
{
	return tty_write(tty_of(f), b, file_flags(f) & O_NONBLOCK);
}

static long tty_fop_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	return tty_ioctl(tty_of(f), f, cmd, arg);
}

static unsigned tty_fop_poll(struct file *f, struct poll_table *pt)
{
	return tty_poll(tty_of(f), f, pt);
}

#define TTY_FOPS(opener) {					\
	.open = opener, .release = tty_fop_release,		\
	.read = tty_fop_read, .write = tty_fop_write,		\
	.ioctl = tty_fop_ioctl, .poll = tty_fop_poll }

static const struct file_operations tty_fops = TTY_FOPS(open_tty);
static const struct file_operations aux_fops = TTY_FOPS(open_aux);
static const struct file_operations pts_fops = TTY_FOPS(open_pts);
static const struct file_operations peer_fops = TTY_FOPS(NULL);

long tty_open_peer(struct tty *m, unsigned flags)
{
	struct process *p = current_proc();
	struct tty *s;
	struct file *f;
	int fd;

	if (!p)
		return -EINVAL;
	s = pty_slave_get(m->index);
	if (!s)
		return -EIO;
	f = anon_file_create(&peer_fops, s, O_RDWR | (flags & (O_NONBLOCK | O_NOCTTY)),
			     S_IFCHR | 0620);
	if (IS_ERR(f)) {
		pty_release(s);
		return PTR_ERR(f);
	}
	if (!(flags & O_NOCTTY))
		tty_make_ctty(s, false);
	fd = fd_install(p->files, f, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);		/* releases the slave open */
	return fd;
}

/* /dev/console is tty1 with console=tty0 or console=tty1 (and a framebuffer). */
static struct tty *pick_console(void)
{
	char con[16] = "";

	cmdline_get(boot_info.cmdline, "console", con, sizeof(con));
	if ((!strcmp(con, "tty0") || !strcmp(con, "tty1")) && fbcon_tty())
		return fbcon_tty();
	return serial_tty(0) ? serial_tty(0) : fbcon_tty();
}

void tty_init(void)
{
	char name[16];
	bool poll = false;

	tty_core_init();
	fbcon_init();
	for (unsigned i = 0; i < UART_NPORTS; i++) {
		snprintf(name, sizeof(name), "ttyS%u", i);
		tty_setup(&serial_ttys[i], name, MKDEV(TTY_MAJOR, 64 + i), &serial_ops,
			  (void *)(uintptr_t)i);
		if (!uart_port_present(i))
			continue;
		devfs_create(name, S_IFCHR | 0660, MKDEV(TTY_MAJOR, 64 + i), 0, 5);
		poll |= i > 0;
	}
	pty_init();
	console_tty = pick_console();
	chrdev_register(TTY_MAJOR, "tty", &tty_fops);
	chrdev_register(TTYAUX_MAJOR, "ttyaux", &aux_fops);
	chrdev_register(PTS_MAJOR, "pts", &pts_fops);
	if (fbcon_tty())
		devfs_create("tty1", S_IFCHR | 0620, MKDEV(TTY_MAJOR, 1), 0, 5);
	devfs_create("tty", S_IFCHR | 0666, MKDEV(TTYAUX_MAJOR, 0), 0, 5);
	devfs_create("console", S_IFCHR | 0600, MKDEV(TTYAUX_MAJOR, 1), 0, 0);
	devfs_create("ptmx", S_IFCHR | 0666, MKDEV(TTYAUX_MAJOR, 2), 0, 5);
	if (poll) {
		struct task *th = kthread_create(serial_poll_thread, NULL, "ttySpoll");
		if (th) {
			kthread_detach(th);
			kthread_start(th);
		}
	}
	pr_info("tty: console is %s\n", console_tty ? console_tty->name : "(none)");
}
