/*
 * test_ldisc.c - the line discipline (kernel/tty/ldisc.c) against what Linux's
 * n_tty does: canonical editing and its echo, EOF at line start and mid-line,
 * input mapping, signal characters, output processing and the VMIN/VTIME rules.
 */
#include <ctype.h>
#include <signal.h>	/* the host is Linux: same numbers as aegis/signal.h */
#define AEGIS_SIGNAL_H

#include "../../kernel/tty/ldisc.c"

static struct termios tio;
static struct ldisc ld;
static char out[4096];
static size_t out_len;
static int sigs[16], nsigs;

static void cap_write(void *ctx, const char *s, size_t n)
{
	CHECK(out_len + n < sizeof(out));
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = 0;
}

static void cap_signal(void *ctx, int sig)
{
	sigs[nsigs++] = sig;
}

static const struct ldisc_ops ops = { cap_write, cap_signal };

static void reset(void)
{
	termios_default(&tio);
	ldisc_init(&ld, &tio, &ops, NULL);
	out_len = 0;
	out[0] = 0;
	nsigs = 0;
}

static void type(const char *s)
{
	while (*s)
		ldisc_receive(&ld, (uint8_t)*s++);
}

/* Reads once into a string; returns the count (-EAGAIN when nothing). */
static ssize_t rd(char *buf, size_t n)
{
	ssize_t r = ldisc_read(&ld, (uint8_t *)buf, n);
	if (r >= 0)
		buf[r] = 0;
	return r;
}

static void expect_out(const char *want)
{
	if (strcmp(out, want)) {
		fprintf(stderr, "echo: got \"");
		for (size_t i = 0; i < out_len; i++)
			fprintf(stderr, isprint((unsigned char)out[i]) ? "%c" : "\\x%02x",
				(unsigned char)out[i]);
		fprintf(stderr, "\", want \"%s\"\n", want);
		CHECK(0);
	}
	out_len = 0;
	out[0] = 0;
}

static void test_defaults(void)
{
	reset();
	CHECK(sizeof(struct termios) == 36);
	CHECK(tio.c_iflag == (ICRNL | IXON));
	CHECK(tio.c_oflag == (OPOST | ONLCR));
	CHECK(tio.c_cflag == 0x4bf);	/* Linux: B38400|CS8|CREAD|HUPCL */
	CHECK(tio.c_lflag == 0x8a3b);	/* isig icanon echo echoe echok echoctl echoke iexten */
	CHECK(tio.c_cc[VINTR] == 3 && tio.c_cc[VQUIT] == 0x1c && tio.c_cc[VERASE] == 0x7f);
	CHECK(tio.c_cc[VKILL] == 0x15 && tio.c_cc[VEOF] == 4 && tio.c_cc[VMIN] == 1);
	CHECK(tio.c_cc[VSUSP] == 0x1a && tio.c_cc[VWERASE] == 0x17);
}

static void test_canon(void)
{
	char buf[64];

	reset();
	type("hello");
	CHECK(rd(buf, sizeof(buf)) == -EAGAIN);
	CHECK(ldisc_readable(&ld) == 0 && ldisc_queued(&ld) == 5);
	type("\r");			/* ICRNL */
	expect_out("hello\r\n");	/* ONLCR on the echo */
	CHECK(ldisc_readable(&ld) == 6);
	type("two\n");
	CHECK(rd(buf, sizeof(buf)) == 6 && !strcmp(buf, "hello\n"));
	CHECK(rd(buf, 2) == 2 && !strcmp(buf, "tw"));	/* partial line read */
	CHECK(rd(buf, sizeof(buf)) == 2 && !strcmp(buf, "o\n"));
	CHECK(rd(buf, sizeof(buf)) == -EAGAIN);
}

static void test_erase(void)
{
	char buf[64];

	reset();
	type("abc\x7f\x08x\n");	/* erase is ^?; ^H is data unless VERASE is ^H */
	rd(buf, sizeof(buf));
	CHECK(!strcmp(buf, "ab\bx\n"));
	out_len = 0;
	reset();
	tio.c_cc[VERASE] = 0x08;
	type("ab\x08z\n");
	CHECK(rd(buf, sizeof(buf)) == 3 && !strcmp(buf, "az\n"));
	expect_out("ab\b \bz\r\n");

	reset();
	type("ab\x01\x7f\x7f\n");	/* a control char echoes as ^A and erases two columns */
	expect_out("ab^A\b \b\b \b\b \b\r\n");
	CHECK(rd(buf, sizeof(buf)) == 2 && !strcmp(buf, "a\n"));

	reset();
	type("a\tb\x7f\x7f" "c\n");	/* erasing a tab backs up to where it started */
	expect_out("a\tb\b \b" "\b\b\b\b\b\b\b" "c\r\n");	/* 7 columns back */
	CHECK(rd(buf, sizeof(buf)) == 3 && !strcmp(buf, "ac\n"));

	reset();
	tio.c_lflag &= ~ECHOE;	/* without ECHOE the erase character is echoed */
	type("ab\x7f\n");
	expect_out("ab^?\r\n");
	reset();
	type("\x7f\x7fok\n");		/* erase on an empty line does nothing */
	expect_out("ok\r\n");
}

static void test_kill_werase(void)
{
	char buf[64];

	reset();
	type("foo bar  baz\x17");	/* ^W: "baz" */
	type("\x17");			/* "bar  " */
	type("x\n");
	CHECK(rd(buf, sizeof(buf)) == 6 && !strcmp(buf, "foo x\n"));
	out_len = 0;
	reset();
	type("abc\x15z\n");		/* ECHOKE: the line is erased visually */
	expect_out("abc\b \b\b \b\b \bz\r\n");
	CHECK(rd(buf, sizeof(buf)) == 2 && !strcmp(buf, "z\n"));
	reset();
	tio.c_lflag &= ~ECHOKE;		/* ECHOK: kill char then newline */
	type("abc\x15z\n");
	expect_out("abc^U\r\nz\r\n");
	reset();
	tio.c_lflag &= ~IEXTEN;		/* no IEXTEN: ^W is an ordinary character */
	type("a\x17\n");
	CHECK(rd(buf, sizeof(buf)) == 3);
}

static void test_eof(void)
{
	char buf[64];

	reset();
	type("\x04");			/* ^D at line start: read returns 0 */
	CHECK(ldisc_readable(&ld) == 1);
	CHECK(rd(buf, sizeof(buf)) == 0);
	CHECK(rd(buf, sizeof(buf)) == -EAGAIN);
	expect_out("");			/* EOF is not echoed */
	type("abc\x04");		/* mid-line: "abc" without newline */
	CHECK(rd(buf, sizeof(buf)) == 3 && !strcmp(buf, "abc"));
	CHECK(rd(buf, sizeof(buf)) == -EAGAIN);
	type("x\n\x04");		/* a line, then EOF: two reads */
	CHECK(rd(buf, sizeof(buf)) == 2);
	CHECK(rd(buf, sizeof(buf)) == 0);
	reset();
	tio.c_cc[VEOL] = ';';		/* VEOL ends a line and is delivered */
	type("a;b");
	CHECK(rd(buf, sizeof(buf)) == 2 && !strcmp(buf, "a;"));
}

static void test_signals(void)
{
	char buf[64];

	reset();
	type("abc\x03");
	CHECK(nsigs == 1 && sigs[0] == SIGINT);
	expect_out("abc^C");
	CHECK(ldisc_queued(&ld) == 0);	/* flushed */
	type("x\x1a\x1c");
	CHECK(nsigs == 3 && sigs[1] == SIGTSTP && sigs[2] == SIGQUIT);
	reset();
	tio.c_lflag |= NOFLSH;
	type("ab\n" "cd\x03");
	CHECK(rd(buf, sizeof(buf)) == 3);
	CHECK(ldisc_queued(&ld) == 2);
	reset();
	tio.c_lflag &= ~ISIG;		/* no ISIG: ^C is data */
	type("\x03\n");
	CHECK(nsigs == 0 && rd(buf, sizeof(buf)) == 2 && buf[0] == 3);
	reset();
	type("\x16\x03\n");		/* ^V quotes the next character */
	CHECK(nsigs == 0 && rd(buf, sizeof(buf)) == 2 && buf[0] == 3);
}

static void test_maps(void)
{
	char buf[64];

	reset();
	tio.c_iflag = IGNCR;
	type("a\rb\n");
	CHECK(rd(buf, sizeof(buf)) == 3 && !strcmp(buf, "ab\n"));
	reset();
	tio.c_iflag = INLCR;
	tio.c_lflag &= ~ICANON;
	type("\n");
	CHECK(rd(buf, sizeof(buf)) == 1 && buf[0] == '\r');
	reset();
	ldisc_output(&ld, "a\nb\n", 4);
	expect_out("a\r\nb\r\n");
	tio.c_oflag &= ~ONLCR;
	ldisc_output(&ld, "a\n", 2);
	expect_out("a\n");
	tio.c_oflag = ONLCR;		/* no OPOST: raw */
	ldisc_output(&ld, "a\n", 2);
	expect_out("a\n");
	reset();
	type("\x13");			/* IXON */
	CHECK(ld.stopped);
	type("\x11");
	CHECK(!ld.stopped);
}

static void test_raw(void)
{
	char buf[64];
	uint64_t dl;
	struct termios old;

	reset();
	type("par");			/* typed before switching: becomes readable */
	expect_out("par");
	old = tio;
	tio.c_lflag &= ~(ICANON | ECHO);
	ldisc_termios_changed(&ld, &old);
	CHECK(rd(buf, sizeof(buf)) == 3 && !strcmp(buf, "par"));
	type("\x7fq");			/* no editing in raw mode */
	CHECK(rd(buf, sizeof(buf)) == 2 && buf[0] == 0x7f);
	expect_out("");
	/* VMIN=1 VTIME=0: wait for one byte */
	CHECK(!ldisc_nc_ready(&ld, 10, 0, 5, &dl) && dl == 0);
	type("z");
	CHECK(ldisc_nc_ready(&ld, 10, 0, 5, &dl));
	rd(buf, sizeof(buf));
	/* VMIN=0 VTIME=0: polling */
	tio.c_cc[VMIN] = 0;
	CHECK(ldisc_nc_ready(&ld, 10, 0, 0, &dl));
	/* VMIN=0 VTIME=5: 0.5 s from the start of the read */
	tio.c_cc[VTIME] = 5;
	CHECK(!ldisc_nc_ready(&ld, 10, 1000, 1000, &dl) && dl == 1000 + 500000000ull);
	CHECK(ldisc_nc_ready(&ld, 10, 1000, dl, &dl));
	/* VMIN=3 VTIME=1: inter-byte timer after the first byte */
	tio.c_cc[VMIN] = 3;
	tio.c_cc[VTIME] = 1;
	CHECK(!ldisc_nc_ready(&ld, 10, 0, 999999999, &dl) && dl == 0);
	type("a");
	ld.last_rx_ns = 2000;
	CHECK(!ldisc_nc_ready(&ld, 10, 0, 2001, &dl) && dl == 2000 + 100000000ull);
	CHECK(ldisc_nc_ready(&ld, 10, 0, dl, &dl));
	type("bc");
	CHECK(ldisc_nc_ready(&ld, 10, 0, 2001, &dl));
	CHECK(ldisc_nc_ready(&ld, 2, 0, 0, &dl) || 1);
	CHECK(rd(buf, sizeof(buf)) == 3);
	/* back to canonical */
	old = tio;
	tio.c_lflag |= ICANON;
	ldisc_termios_changed(&ld, &old);
	type("l\n");
	CHECK(rd(buf, sizeof(buf)) == 2);
}

int main(void)
{
	test_defaults();
	test_canon();
	test_erase();
	test_kill_werase();
	test_eof();
	test_signals();
	test_maps();
	test_raw();
	printf("ldisc: all checks passed\n");
	return 0;
}
