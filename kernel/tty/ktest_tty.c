/*
 * ktest_tty.c - self-tests of the TTY core on real threads: a pty pair written
 * and read from two kernel threads (a blocked reader woken by the writer, echo,
 * OPOST, EOF, hang-up), termios round trips and the window size.
 */
#include <aegis/errno.h>
#include <aegis/ktest.h>
#include <aegis/sched.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include "internal.h"

static ssize_t kread(struct tty *t, char *buf, size_t n, bool nonblock)
{
	struct io_buf b = { buf, n, false };
	ssize_t r = tty_read(t, &b, nonblock);

	if (r >= 0 && (size_t)r < n)
		buf[r] = 0;
	return r;
}

static ssize_t kwrite(struct tty *t, const char *s)
{
	struct io_buf b = { (char *)s, strlen(s), false };

	return tty_write(t, &b, false);
}

struct pty_arg {
	struct tty *slave;
	char got[64];
	ssize_t r;
	uint64_t woke_ns;
};

static void slave_reader(void *arg)
{
	struct pty_arg *a = arg;

	a->r = kread(a->slave, a->got, sizeof(a->got) - 1, false);
	a->woke_ns = time_ns();
	kthread_exit(0);
}

KTEST(tty_pty_two_threads)
{
	struct tty *m = pty_alloc(), *s;
	struct pty_arg a = { 0 };
	struct task *th;
	uint64_t sent;
	char buf[64];

	KT_ASSERT(!IS_ERR(m));
	if (IS_ERR(m))
		return;
	KT_ASSERT(pty_slave_get(m->index) == NULL);	/* locked until unlockpt */
	m->peer->locked = false;
	s = pty_slave_get(m->index);
	KT_ASSERT(s == m->peer);
	if (!s)
		return;
	a.slave = s;
	th = kthread_create(slave_reader, &a, "ktpty");
	kthread_start(th);
	sleep_ns(20 * 1000 * 1000);		/* let it block in read */
	KT_ASSERT(a.woke_ns == 0);
	sent = time_ns();
	KT_ASSERT_EQ(kwrite(m, "hel"), 3);
	KT_ASSERT_EQ(kwrite(m, "lo\r"), 3);	/* ICRNL on the slave */
	kthread_join(th);
	KT_ASSERT(a.woke_ns >= sent);
	KT_ASSERT_EQ(a.r, 6);
	KT_ASSERT(!strcmp(a.got, "hello\n"));
	/* the echo, through the slave's ONLCR */
	KT_ASSERT_EQ(kread(m, buf, sizeof(buf) - 1, true), 7);
	KT_ASSERT(!strcmp(buf, "hello\r\n"));
	KT_ASSERT_EQ(kread(m, buf, sizeof(buf), true), -EAGAIN);
	/* slave output with OPOST */
	KT_ASSERT_EQ(kwrite(s, "a\nb"), 3);
	KT_ASSERT_EQ(kread(m, buf, sizeof(buf) - 1, true), 4);
	KT_ASSERT(!strcmp(buf, "a\r\nb"));
	/* ^D at line start: EOF on the slave; ^C without a group is harmless */
	kwrite(m, "\003\004");
	KT_ASSERT_EQ(kread(s, buf, sizeof(buf), true), 0);
	kread(m, buf, sizeof(buf) - 1, true);
	KT_ASSERT(!strcmp(buf, "^C"));
	/* master close hangs the slave up: reads see EOF, writes EIO */
	pty_release(m);
	KT_ASSERT_EQ(kread(s, buf, sizeof(buf), false), 0);
	KT_ASSERT_EQ(kwrite(s, "x"), -EIO);
	pty_release(s);
}

static void nc_reader(void *arg)
{
	struct pty_arg *a = arg;

	a->r = kread(a->slave, a->got, sizeof(a->got) - 1, false);
	a->woke_ns = time_ns();
	kthread_exit(0);
}

KTEST(tty_pty_raw_vmin_vtime)
{
	struct tty *m = pty_alloc(), *s;
	struct pty_arg a = { 0 };
	struct termios tio;
	struct task *th;
	uint64_t t0;
	char buf[8];

	if (IS_ERR(m))
		return;
	m->peer->locked = false;
	s = pty_slave_get(m->index);
	tty_get_termios(s, &tio);
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = 3;
	tio.c_cc[VTIME] = 0;
	tty_set_termios(s, &tio, TCSETS);
	a.slave = s;
	th = kthread_create(nc_reader, &a, "ktraw");
	kthread_start(th);
	kwrite(m, "ab");
	sleep_ns(20 * 1000 * 1000);
	KT_ASSERT(a.woke_ns == 0);		/* VMIN=3: two bytes are not enough */
	kwrite(m, "c");
	kthread_join(th);
	KT_ASSERT_EQ(a.r, 3);
	/* VMIN=0 VTIME=1: returns 0 after ~100 ms */
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 1;
	tty_set_termios(s, &tio, TCSETS);
	t0 = time_ns();
	KT_ASSERT_EQ(kread(s, buf, sizeof(buf), false), 0);
	KT_ASSERT(time_ns() - t0 >= 90 * 1000 * 1000);
	/* VMIN=2 VTIME=1: one byte, then the inter-byte timer ends the read */
	tio.c_cc[VMIN] = 2;
	tty_set_termios(s, &tio, TCSETS);
	memset(&a, 0, sizeof(a));
	a.slave = s;
	th = kthread_create(nc_reader, &a, "ktraw2");
	kthread_start(th);
	sleep_ns(20 * 1000 * 1000);
	t0 = time_ns();
	kwrite(m, "q");
	kthread_join(th);
	KT_ASSERT_EQ(a.r, 1);
	KT_ASSERT(a.woke_ns - t0 >= 90 * 1000 * 1000);
	KT_ASSERT(a.woke_ns - t0 < 1000 * 1000 * 1000);
	pty_release(s);
	pty_release(m);
}

KTEST(tty_termios_roundtrip)
{
	struct tty *m = pty_alloc();
	struct termios tio, back;

	if (IS_ERR(m))
		return;
	tty_get_termios(m->peer, &tio);
	KT_ASSERT_EQ(sizeof(tio), 36);
	KT_ASSERT_EQ(tio.c_lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
	KT_ASSERT_EQ(tio.c_cc[VERASE], 0x7f);
	tio.c_lflag &= ~ECHO;
	tio.c_iflag |= IGNCR;
	tio.c_cc[VINTR] = 'x';
	tty_set_termios(m->peer, &tio, TCSETSF);
	tty_get_termios(m->peer, &back);
	KT_ASSERT(!memcmp(&tio, &back, sizeof(tio)));
	pty_release(m);
}

KTEST(tty_winsize)
{
	struct tty *m = pty_alloc();
	struct winsize ws = { 50, 132, 0, 0 }, back;

	if (IS_ERR(m))
		return;
	tty_get_winsize(m->peer, &back);
	KT_ASSERT_EQ(back.ws_row, 24);
	KT_ASSERT_EQ(back.ws_col, 80);
	tty_set_winsize(m->peer, &ws);
	tty_get_winsize(m->peer, &back);
	KT_ASSERT_EQ(back.ws_row, 50);
	KT_ASSERT_EQ(back.ws_col, 132);
	/* unknown ioctls are -ENOTTY */
	KT_ASSERT_EQ(tty_ioctl(m, NULL, 0x1234, 0), -ENOTTY);
	pty_release(m);
}
