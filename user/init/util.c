/*
 * Helpers used by every part of aegis-init. Allocation failure is fatal here
 * because aegis-init cannot do anything useful without memory; callers that
 * process untrusted sizes bound them before allocating.
 */
#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
	static const char msg[] = "aegis-init: out of memory\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void strv_push(struct strv *sv, const char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 4;
		sv->v = xrealloc(sv->v, sizeof(char *) * (size_t)(sv->cap + 1));
	}
	sv->v[sv->n++] = xstrdup(s);
	sv->v[sv->n] = NULL;
}

void strv_clear(struct strv *sv)
{
	for (int i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

int strv_contains(const struct strv *sv, const char *s)
{
	for (int i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

void intv_push(struct intv *iv, int x)
{
	if (iv->n == iv->cap) {
		iv->cap = iv->cap ? iv->cap * 2 : 4;
		iv->v = xrealloc(iv->v, sizeof(int) * (size_t)iv->cap);
	}
	iv->v[iv->n++] = x;
}

int intv_contains(const struct intv *iv, int x)
{
	for (int i = 0; i < iv->n; i++)
		if (iv->v[i] == x)
			return 1;
	return 0;
}

void intv_remove(struct intv *iv, int x)
{
	int j = 0;
	for (int i = 0; i < iv->n; i++)
		if (iv->v[i] != x)
			iv->v[j++] = iv->v[i];
	iv->n = j;
}

char *str_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

int str_endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

int parse_bool(const char *s, int *out)
{
	static const char *yes[] = { "1", "yes", "true", "on", "y", "t" };
	static const char *no[] = { "0", "no", "false", "off", "n", "f" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (*s)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * Accepts systemd time spans: "5", "5s", "500ms", "1min 30s", "2h", "infinity".
 * A bare number means seconds, as in systemd.
 */
int parse_timespan_ms(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t ms;
	} units[] = {
		{ "ms", 1 },	  { "msec", 1 },   { "s", 1000 },      { "sec", 1000 },
		{ "second", 1000 }, { "seconds", 1000 }, { "m", 60000 },  { "min", 60000 },
		{ "minute", 60000 }, { "minutes", 60000 }, { "h", 3600000 }, { "hr", 3600000 },
		{ "hour", 3600000 }, { "hours", 3600000 }, { "d", 86400000 }, { "day", 86400000 },
		{ "days", 86400000 }, { "us", 0 },      { "usec", 0 },
	};
	uint64_t total = 0;
	int any = 0;

	while (*s == ' ')
		s++;
	if (!strcmp(s, "infinity")) {
		*out = MS_INFINITY;
		return 0;
	}
	while (*s) {
		uint64_t v = 0;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		while (isdigit((unsigned char)*s)) {
			if (v > 1000000000000ULL)
				return -ERANGE;
			v = v * 10 + (uint64_t)(*s++ - '0');
		}
		while (*s == ' ')
			s++;
		const char *u = s;
		while (isalpha((unsigned char)*s))
			s++;
		size_t ulen = (size_t)(s - u);
		uint64_t mult = 1000;
		if (ulen) {
			size_t i;
			for (i = 0; i < ARRAY_SIZE(units); i++)
				if (strlen(units[i].suffix) == ulen &&
				    !strncmp(units[i].suffix, u, ulen))
					break;
			if (i == ARRAY_SIZE(units))
				return -EINVAL;
			mult = units[i].ms;
		}
		total += mult ? v * mult : v / 1000;
		any = 1;
		while (*s == ' ')
			s++;
	}
	if (!any)
		return -EINVAL;
	*out = total;
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "SIGHUP", SIGHUP },	{ "SIGINT", SIGINT },	{ "SIGQUIT", SIGQUIT },
	{ "SIGABRT", SIGABRT }, { "SIGKILL", SIGKILL }, { "SIGUSR1", SIGUSR1 },
	{ "SIGUSR2", SIGUSR2 }, { "SIGPIPE", SIGPIPE }, { "SIGALRM", SIGALRM },
	{ "SIGTERM", SIGTERM }, { "SIGCONT", SIGCONT }, { "SIGSTOP", SIGSTOP },
	{ "SIGSEGV", SIGSEGV }, { "SIGBUS", SIGBUS },	{ "SIGFPE", SIGFPE },
	{ "SIGILL", SIGILL },	{ "SIGTRAP", SIGTRAP }, { "SIGWINCH", SIGWINCH },
};

int parse_signal(const char *s, int *out)
{
	uint64_t v;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
		if (!strcmp(s, signals[i].name) || !strcmp(s, signals[i].name + 3)) {
			*out = signals[i].sig;
			return 0;
		}
	}
	if (parse_uint(s, 64, &v) == 0 && v > 0) {
		*out = (int)v;
		return 0;
	}
	return -EINVAL;
}

const char *signal_name(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return "SIG?";
}

uint64_t now_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t now_real_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int mkdir_p(const char *path, int mode)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}
