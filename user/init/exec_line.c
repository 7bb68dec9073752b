/*
 * Splits an ExecStart=-style command line into argv, following the systemd
 * quoting rules that matter in practice: words separated by blanks, "double"
 * and 'single' quotes, backslash escapes (\n \t \\ \" \'). A leading "-"
 * means a non-zero exit is not a failure. Variable expansion happens later,
 * at spawn time, because it needs the service's environment.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static int unescape(char ch)
{
	switch (ch) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '\\': case '"': case '\'': case ' ': return ch;
	default: return -1;
	}
}

/* Reads one word starting at *sp into a fresh string; advances *sp. */
static char *next_word(const char **sp, const char **err)
{
	const char *s = *sp;
	size_t cap = strlen(s) + 1, n = 0;
	char *out = xmalloc(cap);
	char quote = 0;

	for (; *s; s++) {
		if (!quote && (*s == ' ' || *s == '\t'))
			break;
		if (!quote && (*s == '"' || *s == '\'')) {
			quote = *s;
			continue;
		}
		if (quote && *s == quote) {
			quote = 0;
			continue;
		}
		if (*s == '\\' && quote != '\'') {
			int e = unescape(s[1]);
			if (e < 0) {
				*err = s[1] ? "unknown escape sequence" : "trailing backslash";
				free(out);
				return NULL;
			}
			out[n++] = (char)e;
			s++;
			continue;
		}
		out[n++] = *s;
	}
	if (quote) {
		*err = "unterminated quote";
		free(out);
		return NULL;
	}
	out[n] = 0;
	*sp = s;
	return out;
}

/*
 * The checks of exec_cmd_parse without building argv: 0 if the line parses and
 * its executable (first word, unescaped) starts with '/', else -1 (the caller
 * then runs exec_cmd_parse for the exact message).
 */
int exec_cmd_check(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s == '-')
		s++;
	if (*s == '@' || *s == '+' || *s == '!' || *s == ':')
		return -1;
	int words = 0, first = -1;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		char quote = 0;
		for (; *s; s++) {
			int ch;
			if (!quote && (*s == ' ' || *s == '\t'))
				break;
			if (!quote && (*s == '"' || *s == '\'')) {
				quote = *s;
				continue;
			}
			if (quote && *s == quote) {
				quote = 0;
				continue;
			}
			if (*s == '\\' && quote != '\'') {
				ch = unescape(s[1]);
				if (ch < 0)
					return -1;
				s++;
			} else {
				ch = (unsigned char)*s;
			}
			if (first < 0)
				first = ch;
		}
		if (quote)
			return -1;
		if (!words++ && first < 0)
			first = 0; /* empty first word */
	}
	return words && first == '/' ? 0 : -1;
}

int exec_cmd_parse(const char *line, struct exec_cmd *out, const char **err)
{
	struct strv sv = { 0 };
	memset(out, 0, sizeof(*out));
	while (*line == ' ' || *line == '\t')
		line++;
	while (*line == '-' || *line == '@' || *line == '+' || *line == '!' || *line == ':') {
		if (*line != '-') {
			*err = "only the \"-\" command prefix is supported";
			return -1;
		}
		out->ignore_failure = 1;
		line++;
	}
	for (;;) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			break;
		char *w = next_word(&line, err);
		if (!w) {
			strv_clear(&sv);
			return -1;
		}
		strv_push(&sv, w);
		free(w);
	}
	if (sv.n == 0) {
		*err = "empty command line";
		strv_clear(&sv);
		return -1;
	}
	out->argv = sv.v;
	out->argc = sv.n;
	return 0;
}

void exec_cmd_free(struct exec_cmd *cmd)
{
	for (int i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	free(cmd->argv);
	memset(cmd, 0, sizeof(*cmd));
}
