/*
 * cmdline.c - command line parsing.  Pure code (no kernel state): also built into
 * the host unit tests.  The line is scanned afresh on each query; it is short and
 * queried a handful of times at boot.
 */
#include <aegis/cmdline.h>
#include <aegis/string.h>

/* Advances over one word; sets key/value spans. Returns the position after it. */
static const char *next_word(const char *p, const char **key, size_t *klen,
			     const char **val, size_t *vlen, bool *has_val)
{
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	*key = p;
	while (*p && *p != '=' && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	*klen = p - *key;
	*has_val = *p == '=';
	*val = p;
	*vlen = 0;
	if (!*has_val)
		return p;
	p++;
	if (*p == '"') {
		*val = ++p;
		while (*p && *p != '"')
			p++;
		*vlen = p - *val;
		if (*p == '"')
			p++;
		return p;
	}
	*val = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	*vlen = p - *val;
	return p;
}

static bool find(const char *cmdline, const char *key, const char **val,
		 size_t *vlen)
{
	size_t want = strlen(key);
	bool found = false;
	const char *p = cmdline;

	while (p && *p) {
		const char *k, *v;
		size_t kl, vl;
		bool has_val;

		p = next_word(p, &k, &kl, &v, &vl, &has_val);
		if (kl == 0 && !has_val)
			break;
		if (kl == want && !strncmp(k, key, kl)) {
			*val = v;
			*vlen = vl;
			found = true;	/* keep going: the last occurrence wins */
		}
	}
	return found;
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	const char *v;
	size_t vl;

	if (!find(cmdline, key, &v, &vl))
		return false;
	if (size) {
		size_t n = vl < size - 1 ? vl : size - 1;
		memcpy(buf, v, n);
		buf[n] = '\0';
	}
	return true;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	const char *v;
	size_t vl;

	return find(cmdline, key, &v, &vl);
}

long cmdline_get_long(const char *cmdline, const char *key, long def)
{
	char buf[24];
	const char *p = buf;
	unsigned base = 10;
	long v = 0;
	bool neg = false;

	if (!cmdline_get(cmdline, key, buf, sizeof(buf)) || !buf[0])
		return def;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return def;
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return def;
		if (v > (0x7fffffffffffffffL - (long)d) / (long)base)
			return def;	/* overflow */
		v = v * base + d;
	}
	return neg ? -v : v;
}
