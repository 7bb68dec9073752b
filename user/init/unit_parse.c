/*
 * INI-style unit file parser. One pass over the bytes: lines are split,
 * continuation lines joined, sections tracked, and each KEY=VALUE goes to
 * unit_apply_key (unit_directives.c), whose table knows the key's section and
 * how to check and store its value.
 *
 * Bad input never aborts loading: every problem is reported with file and
 * line through the diag callback. Errors (unknown key, bad value, binary data,
 * oversized file) make the unit bad; known systemd keys that Aegis does not
 * implement only warn, so a unit written for systemd still loads and the
 * admin can see what was ignored.
 */
#define _GNU_SOURCE
#include "unit.h"

#include "arena.h"
#include "unit_parse_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void parse_diag(struct pctx *p, const char *sev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sev[0] == 'e')
		p->d->errors++;
	else
		p->d->warnings++;
	if (p->d->fn)
		p->d->fn(p->d->ctx, p->file, p->line, sev, msg);
}

void unit_conf_init(struct unit_conf *c, enum unit_kind kind)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->type = SVC_SIMPLE;
	c->restart = RESTART_NO;
	c->restart_ms = 100;
	c->restart_reset_ms = 10000;
	c->start_limit_burst = 5;
	c->start_limit_interval_ms = 10000;
	c->timeout_start_ms = 90000;
	c->timeout_stop_ms = 90000;
	c->kill_signal = SIGTERM;
	c->kill_mode = KILL_CONTROL_GROUP;
	c->notification_fd = -1;
	c->std_in = STDIN_NULL;
	c->std_out = STDOUT_LOG;
	c->std_err = STDOUT_LOG;
}

void unit_conf_free(struct unit_conf *c)
{
	if (c->arena) { /* everything is in the arena */
		arena_unref(c->arena);
		memset(c, 0, sizeof(*c));
		return;
	}
	free(c->description);
	for (int i = 0; i < DEP__COUNT; i++)
		strv_clear(&c->deps[i]);
	strv_clear(&c->exec_start);
	strv_clear(&c->exec_start_pre);
	strv_clear(&c->exec_start_post);
	strv_clear(&c->exec_stop);
	strv_clear(&c->exec_reload);
	strv_clear(&c->environment);
	strv_clear(&c->environment_files);
	free(c->working_directory);
	free(c->user);
	free(c->group);
	free(c->pid_file);
	free(c->tty_path);
	free(c->limits);
	memset(c, 0, sizeof(*c));
}

/* 1 for the bytes allowed in unit names: [A-Za-z0-9-_.@:\\]. */
static const unsigned char name_chars[256] = {
	['-'] = 1, ['_'] = 1, ['.'] = 1, ['@'] = 1, [':'] = 1, ['\\'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};
#define name_char_ok(ch) (name_chars[(unsigned char)(ch)])

/* Length of a valid name, 0 if invalid; one pass over the string. */
static size_t name_check(const char *name)
{
	const char *s = name, *dot = NULL;
	/* name_chars['\0'] is 0: the loop stops at the end or at a bad byte */
	for (; name_char_ok(*s); s++)
		dot = *s == '.' ? s : dot;
	if (*s)
		return 0;
	size_t n = (size_t)(s - name);
	if (n == 0 || n > UNIT_NAME_MAX || !dot || dot == name)
		return 0;
	return n;
}

int unit_name_valid(const char *name)
{
	return name_check(name) != 0;
}

int unit_kind_from_name(const char *name)
{
	size_t n = name_check(name);
	if (!n)
		return -1;
	if (n >= 8 && !memcmp(name + n - 8, ".service", 8))
		return UNIT_SERVICE;
	if (n >= 7 && !memcmp(name + n - 7, ".target", 7))
		return UNIT_TARGET;
	return -1;
}

static int section_id(const char *name)
{
	if (!strcmp(name, "Unit"))
		return SEC_UNIT;
	if (!strcmp(name, "Service"))
		return SEC_SERVICE;
	if (!strcmp(name, "Install"))
		return SEC_INSTALL;
	return 0;
}

/* A section name is "" when none seen yet, "?" when skipped (X- section). */
/* s is trimmed on both sides (str_trim); end points at its NUL. */
static void handle_line(struct pctx *p, char *s, char *end_of_line, int *sec)
{
	if (!*s || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		char *end = s + 1; /* strchr(s, ']'): a header is short */
		while (*end && *end != ']')
			end++;
		if (!*end)
			end = NULL;
		/* s is trimmed: only blanks can follow the ']' in a valid header */
		if (!end || (end + 1 < end_of_line && str_trim(end + 1)[0])) {
			parse_diag(p, "error", "malformed section header");
			*sec = -1;
			return;
		}
		*end = 0;
		*sec = section_id(s + 1);
		if (*sec == SEC_SERVICE && p->c->kind != UNIT_SERVICE) {
			parse_diag(p, "error", "[Service] section in a target unit");
			*sec = -1;
		} else if (!*sec && strncmp(s + 1, "X-", 2)) {
			parse_diag(p, "error", "unknown section [%s]", s + 1);
			*sec = -1;
		} else if (!*sec) {
			*sec = -2; /* vendor section: ignored */
		}
		return;
	}
	if (*sec == -2 || *sec == -1)
		return; /* already reported for the header */
	char *eq = s; /* strchr(s, '='): keys are short, a plain loop is cheaper */
	while (*eq && *eq != '=')
		eq++;
	if (!*eq)
		eq = NULL;
	if (!eq) {
		parse_diag(p, "error", "expected KEY=VALUE");
		return;
	}
	if (*sec == 0) {
		parse_diag(p, "error", "assignment outside of any section");
		return;
	}
	*eq = 0;
	/* s has no leading blanks, the value no trailing ones. */
	char *ke = eq;
	while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t' || ke[-1] == '\r'))
		*--ke = 0;
	char *v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	unit_apply_key(p, *sec, s, (size_t)(ke - s), v);
}

/* Rejects bytes that cannot be in a text unit file: NUL and control chars. */
static int check_text(struct pctx *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch != 0x7f)
			continue; /* the common case: one test per byte */
		if (ch == 0 || (ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f) {
			parse_diag(p, "error", "binary data (byte 0x%02x at column %zu); rest of file ignored",
			     ch, i + 1);
			return -1;
		}
	}
	return 0;
}

/* Grows the continuation buffer to at least need bytes, keeping its first used. */
static char *grow_acc(char *acc, char *stack_acc, size_t used, size_t *cap, size_t need)
{
	size_t ncap = need * 2;
	char *na = xmalloc(ncap);
	memcpy(na, acc, used);
	if (acc != stack_acc)
		free(acc);
	*cap = ncap;
	return na;
}

/*
 * The line loop. buf is parsed in place: each line is cut at its newline and
 * handed to handle_line without a copy; only a line continued with a
 * backslash is joined in a separate buffer. buf[len] must be writable.
 */
static void parse_lines(struct pctx *p, char *buf, size_t len)
{
	int sec = 0, start_line = 0;
	/* The buffer for joined continuation lines, grown when needed. */
	char stack_acc[1024];
	char *acc = stack_acc;
	size_t acc_cap = sizeof(stack_acc), acc_len = 0;
	int pending = 0; /* acc holds a line continued with a backslash */
	size_t pos = 0;

	while (pos < len) {
		/* Finds the end of the line and checks its bytes in one pass. */
		const char *ls = buf + pos, *le = ls, *bend = buf + len;
		int odd = 0;
		while (le < bend) {
			/* Eight bytes at a time while none is a control byte (< 0x20 or 0x7f). */
			if (bend - le >= 8) {
				uint64_t w, x;
				memcpy(&w, le, 8);
				x = w ^ 0x7f7f7f7f7f7f7f7fULL;
				uint64_t ctl = ((w - 0x2020202020202020ULL) & ~w) |
					       ((x - 0x0101010101010101ULL) & ~x);
				if (!(ctl & 0x8080808080808080ULL)) {
					le += 8;
					continue;
				}
			}
			const char *stop = bend - le > 8 ? le + 8 : bend;
			for (; le < stop && *le != '\n'; le++)
				if ((unsigned char)*le < 0x20 || *le == 0x7f)
					odd |= *le != '\t';
			if (le < stop)
				break; /* at the newline */
		}
		size_t n = (size_t)(le - ls);
		p->line++;
		if (odd && check_text(p, ls, n) < 0)
			break;
		if (acc_len + n > UNIT_LINE_MAX) {
			parse_diag(p, "error", "line too long (limit %d bytes)", UNIT_LINE_MAX);
			pending = 0;
			acc_len = 0;
			pos += n + 1;
			continue;
		}
		if (!pending)
			start_line = p->line;
		/* The line: in place, or appended to the continued one. */
		char *line = buf + pos;
		size_t line_len = n;
		if (pending) {
			if (acc_len + n + 2 > acc_cap)
				acc = grow_acc(acc, stack_acc, acc_len, &acc_cap, acc_len + n + 2);
			memcpy(acc + acc_len, line, n);
			acc_len += n;
			line = acc;
			line_len = acc_len;
		}
		line[line_len] = 0; /* the newline, or buf[len] */
		pos += n + 1;
		/* str_trim(line), knowing its length. */
		char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		size_t tl = line_len - (size_t)(t - line);
		while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '\r'))
			t[--tl] = 0;
		/* A trailing backslash continues the line (not in comments). */
		if (tl && t[tl - 1] == '\\' && t[0] != '#' && t[0] != ';' && pos < len) {
			size_t keep = (size_t)(t - line) + tl - 1; /* without the backslash */
			if (!pending) {
				if (keep + 2 > acc_cap)
					acc = grow_acc(acc, stack_acc, 0, &acc_cap, keep + 2);
				memcpy(acc, line, keep);
			}
			acc_len = keep;
			acc[acc_len++] = ' ';
			acc[acc_len] = 0;
			pending = 1;
			continue;
		}
		int cur = p->line;
		p->line = start_line;
		handle_line(p, t, t + tl, &sec);
		p->line = cur;
		pending = 0;
		acc_len = 0;
	}
	if (acc != stack_acc)
		free(acc);
}

int unit_parse_buffer(struct unit_conf *c, const char *file, const char *buf, size_t len,
		      struct unit_diag *d)
{
	struct pctx p = { .c = c, .file = file, .line = 0, .d = d };
	int errors_before = d->errors;

	if (len > UNIT_FILE_MAX) {
		parse_diag(&p, "error", "file too large (%zu bytes, limit %d)", len, UNIT_FILE_MAX);
		return d->errors - errors_before;
	}
	char *copy = xmalloc(len + 1); /* parsed in place */
	memcpy(copy, buf, len);
	parse_lines(&p, copy, len);
	free(copy);
	return d->errors - errors_before;
}

/* unit_parse_buffer for a buffer of our own: buf[len] writable, buf changed. */
static int parse_own_buffer(struct unit_conf *c, const char *file, char *buf, size_t len,
			    struct unit_diag *d)
{
	struct pctx p = { .c = c, .file = file, .line = 0, .d = d };
	int errors_before = d->errors;

	if (len > UNIT_FILE_MAX)
		parse_diag(&p, "error", "file too large (%zu bytes, limit %d)", len, UNIT_FILE_MAX);
	else
		parse_lines(&p, buf, len);
	return d->errors - errors_before;
}

/*
 * Reads the whole file with as few system calls as possible (openat, read,
 * close): loading 10,000 units is dominated by system calls, not parsing.
 * A short read from a regular file means end of file.
 */
int unit_parse_file_at(struct unit_conf *c, int dirfd, const char *name, const char *path,
		       struct unit_diag *d)
{
	struct pctx p = { .c = c, .file = path, .line = 0, .d = d };
	static char stackbuf[16384];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		parse_diag(&p, "error", "cannot open: %s", strerror(errno));
		return 1;
	}
	char *buf = stackbuf;
	size_t cap = sizeof(stackbuf), len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			parse_diag(&p, "error", "cannot read: %s", strerror(errno));
			close(fd);
			if (buf != stackbuf)
				free(buf);
			return 1;
		}
		len += (size_t)r;
		if (len < cap || r == 0)
			break;
		if (cap > UNIT_FILE_MAX)
			break; /* enough to know it is too large */
		size_t ncap = cap * 4;
		char *nb = xmalloc(ncap);
		memcpy(nb, buf, len);
		if (buf != stackbuf)
			free(buf);
		buf = nb;
		cap = ncap;
	}
	close(fd);
	int r = parse_own_buffer(c, path, buf, len, d); /* len < cap: buf[len] is ours */
	if (buf != stackbuf)
		free(buf);
	return r;
}

int unit_parse_file(struct unit_conf *c, const char *path, struct unit_diag *d)
{
	return unit_parse_file_at(c, AT_FDCWD, path, path, d);
}

int unit_conf_verify(struct unit_conf *c, const char *name, const char *file,
		     struct unit_diag *d)
{
	struct pctx p = { .c = c, .file = file, .line = 0, .d = d };
	int before = d->errors;
	if (c->kind != UNIT_SERVICE)
		return 0;
	if (c->exec_start.n == 0)
		parse_diag(&p, "error", "%s has no ExecStart=", name);
	else if (c->exec_start.n > 1 && c->type != SVC_ONESHOT)
		parse_diag(&p, "error", "%s: several ExecStart= lines need Type=oneshot", name);
	if (c->notification_fd >= 0 && c->type != SVC_NOTIFY)
		parse_diag(&p, "warning", "%s: NotificationFd= only means something with Type=notify",
		     name);
	if (c->restart_max_delay_ms && c->restart_max_delay_ms < c->restart_ms)
		parse_diag(&p, "error", "%s: RestartMaxDelaySec= is below RestartSec=", name);
	if (c->user || c->group) {
		if (geteuid() != 0)
			parse_diag(&p, "warning", "%s: User=/Group= ignored (not running as root)", name);
	}
	return d->errors - before;
}
