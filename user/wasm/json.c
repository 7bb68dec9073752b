/*
 * A small recursive JSON reader, enough for the command files that wabt's
 * wast2json writes (objects, arrays, strings with escapes, numbers).  It is
 * only used by the `wast` test subcommand, on trusted input, but still
 * bounds its recursion and fails cleanly on malformed text.
 */
#include <stdlib.h>
#include <string.h>
#include "json.h"

struct jp {
	const char *p;
	int depth;
};

static void skip_ws(struct jp *s)
{
	while (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t')
		s->p++;
}

static int parse_value(struct jp *s, struct json *out);
static void free_inner(struct json *j);

static void put_utf8(char **o, unsigned cp)
{
	if (cp < 0x80) {
		*(*o)++ = (char)cp;
	} else if (cp < 0x800) {
		*(*o)++ = (char)(0xc0 | cp >> 6);
		*(*o)++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*(*o)++ = (char)(0xe0 | cp >> 12);
		*(*o)++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*(*o)++ = (char)(0x80 | (cp & 0x3f));
	}
}

static char *parse_string(struct jp *s, size_t *len)
{
	const char *start = ++s->p;
	char *out, *o;

	while (*s->p && *s->p != '"')
		s->p += (*s->p == '\\' && s->p[1]) ? 2 : 1;
	if (*s->p != '"')
		return NULL;
	out = o = malloc((size_t)(s->p - start) * 3 + 1);
	if (!out)
		return NULL;
	for (const char *q = start; q < s->p; q++) {
		if (*q != '\\') {
			*o++ = *q;
			continue;
		}
		q++;
		switch (*q) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u': {
			char hex[5] = { 0 };
			strncpy(hex, q + 1, 4);
			put_utf8(&o, (unsigned)strtoul(hex, NULL, 16));
			q += strlen(hex);
			break;
		}
		default: *o++ = *q; break;
		}
	}
	*o = 0;
	if (len)
		*len = (size_t)(o - out);
	s->p++;
	return out;
}

static int parse_items(struct jp *s, struct json *out, char close, int keyed)
{
	size_t cap = 0;

	s->p++;
	skip_ws(s);
	if (*s->p == close) {
		s->p++;
		return 0;
	}
	for (;;) {
		struct json item = { 0 };
		skip_ws(s);
		if (keyed) {
			if (*s->p != '"' || !(item.key = parse_string(s, NULL)))
				return -1;
			skip_ws(s);
			if (*s->p++ != ':') {
				free(item.key);
				return -1;
			}
		}
		if (parse_value(s, &item)) {
			free_inner(&item); /* item itself is on the stack */
			return -1;
		}
		if (out->n == cap) {
			struct json *nk;
			cap = cap ? cap * 2 : 8;
			nk = realloc(out->kids, cap * sizeof(*nk));
			if (!nk)
				return -1;
			out->kids = nk;
		}
		out->kids[out->n++] = item;
		skip_ws(s);
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p++ != close)
			return -1;
		return 0;
	}
}

static int parse_value(struct jp *s, struct json *out)
{
	int rc = -1;

	skip_ws(s);
	if (++s->depth > 64)
		return -1;
	if (*s->p == '{') {
		out->type = J_OBJ;
		rc = parse_items(s, out, '}', 1);
	} else if (*s->p == '[') {
		out->type = J_ARR;
		rc = parse_items(s, out, ']', 0);
	} else if (*s->p == '"') {
		out->type = J_STR;
		out->str = parse_string(s, &out->len);
		rc = out->str ? 0 : -1;
	} else if (!strncmp(s->p, "true", 4) || !strncmp(s->p, "null", 4)) {
		out->type = *s->p == 't' ? J_BOOL : J_NULL;
		s->p += 4;
		rc = 0;
	} else if (!strncmp(s->p, "false", 5)) {
		out->type = J_BOOL;
		s->p += 5;
		rc = 0;
	} else if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) {
		const char *start = s->p;
		while (*s->p && strchr("+-0123456789.eE", *s->p))
			s->p++;
		out->type = J_NUM;
		out->str = strndup(start, (size_t)(s->p - start));
		rc = out->str ? 0 : -1;
	}
	s->depth--;
	return rc;
}

/* frees what j owns (not j itself when it is embedded) */
static void free_inner(struct json *j)
{
	for (size_t i = 0; i < j->n; i++)
		free_inner(&j->kids[i]);
	free(j->kids);
	free(j->str);
	free(j->key);
}

void json_free(struct json *j)
{
	if (j) {
		free_inner(j);
		free(j);
	}
}

struct json *json_parse(const char *text)
{
	struct jp s = { text, 0 };
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	if (parse_value(&s, j)) {
		json_free(j);
		return NULL;
	}
	return j;
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->kids[i].key, key))
			return &obj->kids[i];
	return NULL;
}

const char *json_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);
	return v && (v->type == J_STR || v->type == J_NUM) ? v->str : NULL;
}
