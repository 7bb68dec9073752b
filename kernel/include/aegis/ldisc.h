/*
 * ldisc.h - the line discipline (ldisc.c), used by the TTY core and the host
 * unit test: pure input editing and output processing, no locks, no sleeping.
 */
#ifndef AEGIS_LDISC_H
#define AEGIS_LDISC_H

#include <aegis/termios.h>
#include <aegis/types.h>

#define LDISC_BUFSIZE	4096	/* a power of two */

struct ldisc_ops {
	/* Output towards the terminal (already OPOST-processed); may drop bytes. */
	void (*write)(void *ctx, const char *s, size_t n);
	/* An ISIG character arrived: signal the foreground process group. */
	void (*signal)(void *ctx, int sig);
};

/*
 * Input is a ring of bytes readers consume; in canonical mode a line enters the
 * ring only when it is complete (the line being edited lives in line[]), and
 * flags[] marks line ends so read() returns one line at a time.  All fields are
 * guarded by the owner's lock ([t->lock] in the TTY core).
 */
struct ldisc {
	struct termios *tio;
	const struct ldisc_ops *ops;
	void *ctx;
	uint8_t buf[LDISC_BUFSIZE];
	uint8_t flags[LDISC_BUFSIZE];	/* LDF_* for the byte at the same index */
	size_t head, tail;		/* free-running; tail = next byte to read */
	size_t nlines;			/* complete lines (and EOFs) in the ring */
	uint8_t line[LDISC_BUFSIZE / 2];
	size_t line_len;
	unsigned col;			/* output column, for erasing tabs */
	unsigned line_col;		/* column where the edited line started */
	bool lnext;			/* the next character is literal (^V) */
	bool stopped;			/* output stopped by ^S (IXON) */
	uint64_t last_rx_ns;		/* set by the owner: time of the last input */
};
#define LDF_EOL		1	/* last byte of a line */
#define LDF_EOF		2	/* an EOF mark: ends a line, never delivered */

void ldisc_init(struct ldisc *ld, struct termios *tio, const struct ldisc_ops *ops, void *ctx);
/* One input character from the terminal (keyboard, serial line, pty master). */
void ldisc_receive(struct ldisc *ld, uint8_t c);
/* Output from a program: OPOST processing, then ops->write. */
void ldisc_output(struct ldisc *ld, const char *s, size_t n);
/* Bytes a read may return now (canonical: only complete lines). */
size_t ldisc_readable(const struct ldisc *ld);
/* Bytes of input queued, including an unfinished canonical line (FIONREAD). */
size_t ldisc_queued(const struct ldisc *ld);
/* Free room for input. */
size_t ldisc_room(const struct ldisc *ld);
/*
 * Copies up to n readable bytes to dst: at most one line in canonical mode (an
 * EOF mark ends the read; at the start of a read it returns 0).
 * Returns the count, or -EAGAIN when there is nothing to read.
 */
ssize_t ldisc_read(struct ldisc *ld, uint8_t *dst, size_t n);
/* Discards input (TCIFLUSH, signals). */
void ldisc_flush_input(struct ldisc *ld);
/* The termios changed (TCSETS*): leaving canonical mode makes the edited line readable. */
void ldisc_termios_changed(struct ldisc *ld, const struct termios *old);
/*
 * VMIN/VTIME for a non-canonical read of want bytes that started at start_ns:
 * true if it should return now with what is readable; otherwise *deadline is the
 * time to wake and ask again (0: only on new input).
 */
bool ldisc_nc_ready(const struct ldisc *ld, size_t want, uint64_t start_ns, uint64_t now_ns,
		    uint64_t *deadline);

#endif
