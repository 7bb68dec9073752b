/*
 * ldisc.c - the line discipline (Linux's n_tty, reduced): input mapping (ICRNL,
 * INLCR, IGNCR), signal characters (ISIG), canonical line editing with the echo
 * forms (ECHOE, ECHOK, ECHOKE, ECHOCTL, ECHONL), IXON flow control, and OPOST
 * output processing.
 *
 * It never sleeps and takes no locks: the caller holds whatever guards the struct
 * (the tty lock in the kernel) and does the waiting; the VMIN/VTIME decision is a
 * pure function of the queue and the clock for the same reason.  Signals go out
 * through ops->signal, echo and output through ops->write.
 */
#include <aegis/errno.h>
#include <aegis/ldisc.h>
#include <aegis/signal.h>
#include <aegis/string.h>

#define MASK		(LDISC_BUFSIZE - 1)
#define CTRL(c)		((c) & 0x1f)
#define L(ld, f)	((ld)->tio->c_lflag & (f))
#define I(ld, f)	((ld)->tio->c_iflag & (f))
#define O(ld, f)	((ld)->tio->c_oflag & (f))
#define CC(ld, i)	((ld)->tio->c_cc[i])
#define _POSIX_VDISABLE	0

void termios_default(struct termios *t)
{
	static const uint8_t cc[NCCS] = {
		[VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = 0x7f,
		[VKILL] = CTRL('U'), [VEOF] = CTRL('D'), [VTIME] = 0, [VMIN] = 1,
		[VSTART] = CTRL('Q'), [VSTOP] = CTRL('S'), [VSUSP] = CTRL('Z'),
		[VREPRINT] = CTRL('R'), [VDISCARD] = CTRL('O'), [VWERASE] = CTRL('W'),
		[VLNEXT] = CTRL('V'),
	};

	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(t->c_cc, cc, sizeof(cc));
}

void ldisc_init(struct ldisc *ld, struct termios *tio, const struct ldisc_ops *ops, void *ctx)
{
	memset(ld, 0, sizeof(*ld));
	ld->tio = tio;
	ld->ops = ops;
	ld->ctx = ctx;
}

/* ---- output ---- */

static void raw_out(struct ldisc *ld, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '\n' || c == '\r')
			ld->col = 0;
		else if (c == '\t')
			ld->col = (ld->col | 7) + 1;
		else if (c == '\b')
			ld->col = ld->col ? ld->col - 1 : 0;
		else if (c >= 0x20 && c != 0x7f)
			ld->col++;
	}
	if (ld->ops && ld->ops->write)
		ld->ops->write(ld->ctx, s, n);
}

/* One character with OPOST processing; runs of plain bytes go out in one write. */
void ldisc_output(struct ldisc *ld, const char *s, size_t n)
{
	size_t start = 0;

	if (!O(ld, OPOST)) {
		raw_out(ld, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		const char *rep = NULL;
		if (c == '\n' && O(ld, ONLCR))
			rep = "\r\n";
		else if (c == '\r' && O(ld, OCRNL))
			rep = "\n";
		else if (c == '\r' && O(ld, ONOCR) && ld->col == 0)
			rep = "";
		if (!rep)
			continue;
		raw_out(ld, s + start, i - start);
		raw_out(ld, rep, strlen(rep));
		start = i + 1;
	}
	raw_out(ld, s + start, n - start);
}

static bool is_ctl(uint8_t c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

/* Echo of one input character: control characters as ^X under ECHOCTL. */
static void echo_char(struct ldisc *ld, uint8_t c)
{
	if (L(ld, ECHOCTL) && is_ctl(c)) {
		char s[2] = { '^', (char)(c ^ 0x40) };
		ldisc_output(ld, s, 2);
	} else {
		ldisc_output(ld, (char *)&c, 1);
	}
}

/* ---- the input ring ---- */

size_t ldisc_room(const struct ldisc *ld)
{
	return LDISC_BUFSIZE - (ld->head - ld->tail) - 1;
}

static void put(struct ldisc *ld, uint8_t c, uint8_t flag)
{
	ld->buf[ld->head & MASK] = c;
	ld->flags[ld->head & MASK] = flag;
	ld->head++;
	if (flag)
		ld->nlines++;
}

size_t ldisc_readable(const struct ldisc *ld)
{
	if (!L(ld, ICANON))
		return ld->head - ld->tail;
	if (!ld->nlines)
		return 0;
	/* up to and including the first line end */
	size_t n = 0;
	for (size_t i = ld->tail; i != ld->head; i++) {
		if (ld->flags[i & MASK] == LDF_EOF)
			return n ? n : 1;	/* 1: the EOF mark makes read() return */
		n++;
		if (ld->flags[i & MASK])
			break;
	}
	return n;
}

size_t ldisc_queued(const struct ldisc *ld)
{
	size_t n = 0;
	for (size_t i = ld->tail; i != ld->head; i++)
		n += ld->flags[i & MASK] != LDF_EOF;
	return n + (L(ld, ICANON) ? ld->line_len : 0);
}

ssize_t ldisc_read(struct ldisc *ld, uint8_t *dst, size_t n)
{
	size_t got = 0;
	bool canon = L(ld, ICANON);

	if (ld->tail == ld->head || (canon && !ld->nlines))
		return -EAGAIN;
	while (got < n && ld->tail != ld->head) {
		uint8_t c = ld->buf[ld->tail & MASK];
		uint8_t flag = ld->flags[ld->tail & MASK];
		if (flag == LDF_EOF) {
			if (got)
				break;		/* "abc^D": the EOF mark ends the next read */
			ld->tail++;
			ld->nlines--;
			return 0;
		}
		ld->tail++;
		dst[got++] = c;
		if (flag) {
			ld->nlines--;
			if (canon)
				break;
		}
	}
	return got;
}

void ldisc_flush_input(struct ldisc *ld)
{
	ld->tail = ld->head;
	ld->nlines = 0;
	ld->line_len = 0;
	ld->lnext = false;
}

void ldisc_termios_changed(struct ldisc *ld, const struct termios *old)
{
	/* Leaving canonical mode: what was typed becomes readable, as on Linux. */
	if ((old->c_lflag & ICANON) && !L(ld, ICANON)) {
		for (size_t i = 0; i < ld->line_len; i++)
			put(ld, ld->line[i], 0);
		ld->line_len = 0;
		for (size_t i = ld->tail; i != ld->head; i++)
			ld->flags[i & MASK] = ld->flags[i & MASK] == LDF_EOF ? LDF_EOF : 0;
		ld->nlines = 0;
	}
	if (!(old->c_lflag & ICANON) && L(ld, ICANON))
		ld->line_col = ld->col;
	if (!I(ld, IXON))
		ld->stopped = false;
}

/* ---- canonical editing ---- */

/* Output width of line[0..end) starting at line_col, to erase a tab exactly. */
static unsigned line_width(struct ldisc *ld, size_t end)
{
	unsigned col = ld->line_col;
	for (size_t i = 0; i < end; i++) {
		uint8_t c = ld->line[i];
		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_ctl(c))
			col += L(ld, ECHOCTL) ? 2 : 0;
		else
			col++;
	}
	return col;
}

static void erase_one(struct ldisc *ld, bool visual)
{
	uint8_t c;
	unsigned n;

	if (!ld->line_len)
		return;
	c = ld->line[--ld->line_len];
	if (!L(ld, ECHO))
		return;
	if (!visual) {
		echo_char(ld, CC(ld, VERASE));
		return;
	}
	if (c == '\t') {
		unsigned before = line_width(ld, ld->line_len);
		n = ld->col > before ? ld->col - before : 0;
		while (n--)
			raw_out(ld, "\b", 1);
		return;
	}
	n = is_ctl(c) ? (L(ld, ECHOCTL) ? 2 : 0) : 1;
	while (n--)
		raw_out(ld, "\b \b", 3);
}

static bool is_word_char(uint8_t c)
{
	return c != ' ' && c != '\t';
}

static void erase_word(struct ldisc *ld)
{
	while (ld->line_len && !is_word_char(ld->line[ld->line_len - 1]))
		erase_one(ld, L(ld, ECHOE));
	while (ld->line_len && is_word_char(ld->line[ld->line_len - 1]))
		erase_one(ld, L(ld, ECHOE));
}

static void kill_line(struct ldisc *ld)
{
	if (!L(ld, ECHO)) {
		ld->line_len = 0;
		return;
	}
	if (L(ld, ECHOKE) && L(ld, ECHOE)) {
		while (ld->line_len)
			erase_one(ld, true);
		return;
	}
	ld->line_len = 0;
	echo_char(ld, CC(ld, VKILL));
	if (L(ld, ECHOK))
		ldisc_output(ld, "\n", 1);
	ld->line_col = ld->col;
}

static void reprint(struct ldisc *ld)
{
	if (!L(ld, ECHO))
		return;
	echo_char(ld, CC(ld, VREPRINT));
	ldisc_output(ld, "\n", 1);
	ld->line_col = ld->col;
	for (size_t i = 0; i < ld->line_len; i++)
		echo_char(ld, ld->line[i]);
}

/*
 * Moves the edited line into the ring as a complete line ending in end.  EOF
 * (end < 0) with text delivers the text without a line end; at the start of a
 * line it queues an EOF mark, which makes one read() return 0.
 */
static void commit_line(struct ldisc *ld, int end)
{
	if (ld->line_len + 1 > ldisc_room(ld))
		return;		/* no room: dropped, as Linux drops input when full */
	for (size_t i = 0; i < ld->line_len; i++)
		put(ld, ld->line[i], 0);
	if (end >= 0) {
		put(ld, (uint8_t)end, LDF_EOL);
	} else if (ld->line_len) {
		ld->flags[(ld->head - 1) & MASK] = LDF_EOL;
		ld->nlines++;
	} else {
		put(ld, 0, LDF_EOF);
	}
	ld->line_len = 0;
}

static void isig(struct ldisc *ld, uint8_t c, int sig)
{
	if (!L(ld, NOFLSH))
		ldisc_flush_input(ld);
	ld->stopped = false;
	if (L(ld, ECHO))
		echo_char(ld, c);
	if (L(ld, ICANON))
		ld->line_col = ld->col;
	if (ld->ops && ld->ops->signal)
		ld->ops->signal(ld->ctx, sig);
}

static bool is_cc(struct ldisc *ld, uint8_t c, int idx)
{
	return CC(ld, idx) != _POSIX_VDISABLE && c == CC(ld, idx);
}

static void receive_canon(struct ldisc *ld, uint8_t c)
{
	if (is_cc(ld, c, VERASE)) {
		erase_one(ld, L(ld, ECHOE));
		return;
	}
	if (is_cc(ld, c, VKILL)) {
		kill_line(ld);
		return;
	}
	if (L(ld, IEXTEN) && is_cc(ld, c, VWERASE)) {
		erase_word(ld);
		return;
	}
	if (L(ld, IEXTEN) && is_cc(ld, c, VREPRINT)) {
		reprint(ld);
		return;
	}
	if (is_cc(ld, c, VEOF)) {
		commit_line(ld, -1);
		ld->line_col = ld->col;
		return;
	}
	if (c == '\n' || is_cc(ld, c, VEOL) || (L(ld, IEXTEN) && is_cc(ld, c, VEOL2))) {
		if (L(ld, ECHO) || (c == '\n' && L(ld, ECHONL)))
			echo_char(ld, c);
		commit_line(ld, c);
		ld->line_col = ld->col;
		return;
	}
	if (ld->line_len >= sizeof(ld->line) - 1)
		return;		/* line full: Linux drops (and beeps) too */
	ld->line[ld->line_len++] = c;
	if (L(ld, ECHO))
		echo_char(ld, c);
}

void ldisc_receive(struct ldisc *ld, uint8_t c)
{
	if (ld->lnext) {
		ld->lnext = false;
		goto literal;
	}
	if (c == '\r') {
		if (I(ld, IGNCR))
			return;
		if (I(ld, ICRNL))
			c = '\n';
	} else if (c == '\n' && I(ld, INLCR)) {
		c = '\r';
	}
	if (I(ld, IXON)) {
		if (is_cc(ld, c, VSTOP)) {
			ld->stopped = true;
			return;
		}
		if (is_cc(ld, c, VSTART)) {
			ld->stopped = false;
			return;
		}
		if (ld->stopped && I(ld, IXANY))
			ld->stopped = false;
	}
	if (L(ld, ISIG)) {
		if (is_cc(ld, c, VINTR)) {
			isig(ld, c, SIGINT);
			return;
		}
		if (is_cc(ld, c, VQUIT)) {
			isig(ld, c, SIGQUIT);
			return;
		}
		if (is_cc(ld, c, VSUSP)) {
			isig(ld, c, SIGTSTP);
			return;
		}
	}
	if (L(ld, IEXTEN) && is_cc(ld, c, VLNEXT)) {
		ld->lnext = true;
		if (L(ld, ECHO) && L(ld, ICANON) && L(ld, ECHOCTL))
			raw_out(ld, "^\b", 2);
		return;
	}
	if (L(ld, ICANON)) {
		receive_canon(ld, c);
		return;
	}
literal:
	if (L(ld, ICANON)) {
		if (ld->line_len < sizeof(ld->line) - 1) {
			ld->line[ld->line_len++] = c;
			if (L(ld, ECHO))
				echo_char(ld, c);
		}
		return;
	}
	if (!ldisc_room(ld))
		return;
	put(ld, c, 0);
	if (L(ld, ECHO) || (c == '\n' && L(ld, ECHONL)))
		echo_char(ld, c);
}

bool ldisc_nc_ready(const struct ldisc *ld, size_t want, uint64_t start_ns, uint64_t now_ns,
		    uint64_t *deadline)
{
	size_t avail = ld->head - ld->tail;
	size_t min = CC(ld, VMIN);
	uint64_t time = (uint64_t)CC(ld, VTIME) * 100000000ull;

	*deadline = 0;
	if (min == 0 && time == 0)
		return true;			/* polling read */
	if (min == 0) {				/* overall timer from the start of the read */
		if (avail)
			return true;
		*deadline = start_ns + time;
		return now_ns >= *deadline;
	}
	if (avail >= (want < min ? want : min))
		return true;
	if (time == 0 || avail == 0)
		return false;			/* the inter-byte timer starts with the first byte */
	*deadline = ld->last_rx_ns + time;
	return now_ns >= *deadline;
}
