/*
 * Mutation fuzzer for the unit parser, run under ASan/UBSan. Seeds are valid
 * unit files; each iteration flips, inserts, deletes or splices bytes and
 * parses the result as both a service and a target. Any memory error aborts
 * the run; the invariant checked is that every parse either succeeds or
 * reports at least one error with a line number inside the input.
 * Usage: fuzz_parse [iterations] [seed]
 */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include "unit.h"

static const char *seeds[] = {
	"[Unit]\nDescription=x\nRequires=a.service\nAfter=a.service b.target\n[Service]\n"
	"Type=notify\nExecStart=/bin/sh -c 'echo \"hi\"'\nRestart=on-failure\nRestartSec=1s\n"
	"Environment=A=1 \"B=2 3\"\nLimitNOFILE=10:20\nWatchdogSec=5\n[Install]\nWantedBy=m.target\n",
	"[Unit]\nWants=x.service\\\n y.service\n[Service]\nExecStart=-/bin/true\nKillMode=mixed\n"
	"TimeoutSec=1min 5s\nKillSignal=SIGINT\nUser=nobody\n",
	"[Service]\nExecStart=/a\nExecStart=\nExecStart=/b\n[X-Foo]\nBar=baz\n",
};

static unsigned long long state;
static unsigned rnd(void)
{
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(state >> 33);
}

static int max_line_seen, lines_in_input, bad_line;

static void diag(void *ctx, const char *file, int line, const char *sev, const char *msg)
{
	(void)ctx, (void)file, (void)sev, (void)msg;
	if (line < 0 || line > lines_in_input + 1)
		bad_line = 1;
	if (line > max_line_seen)
		max_line_seen = line;
}

static size_t mutate(char *buf, size_t len, size_t cap)
{
	int nmut = 1 + (int)(rnd() % 8);
	static const char *tokens[] = { "[Service]", "=", "\\", "\"", "'", "\n", "\0",
					"ExecStart=", "[Unit]", "Requires=", "%", "$",
					"infinity", "\xff\xfe", "LimitNOFILE=", "\r\n" };
	for (int m = 0; m < nmut; m++) {
		size_t pos = len ? rnd() % len : 0;
		switch (rnd() % 5) {
		case 0:
			if (len)
				buf[pos] = (char)rnd();
			break;
		case 1:
			if (len) {
				memmove(buf + pos, buf + pos + 1, len - pos - 1);
				len--;
			}
			break;
		case 2: {
			const char *tok = tokens[rnd() % ARRAY_SIZE(tokens)];
			size_t tl = strlen(tok) ? strlen(tok) : 1;
			if (len + tl < cap) {
				memmove(buf + pos + tl, buf + pos, len - pos);
				memcpy(buf + pos, tok, tl);
				len += tl;
			}
			break;
		}
		case 3: /* duplicate a chunk */
			if (len) {
				size_t n = rnd() % (len - pos + 1);
				if (len + n < cap) {
					memmove(buf + pos + n, buf + pos, len - pos);
					len += n;
				}
			}
			break;
		default:
			if (len)
				len = pos;
			break;
		}
	}
	return len;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 20000;
	state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	int bad = 0;
	for (long i = 0; i < iters; i++) {
		const char *s = seeds[rnd() % ARRAY_SIZE(seeds)];
		size_t len = strlen(s);
		memcpy(buf, s, len);
		for (int r = (int)(rnd() % 4); r >= 0; r--)
			len = mutate(buf, len, cap);
		lines_in_input = 1;
		for (size_t k = 0; k < len; k++)
			lines_in_input += buf[k] == '\n';
		for (int kind = 0; kind < 2; kind++) {
			struct unit_conf c;
			struct unit_diag d = { .fn = diag };
			unit_conf_init(&c, kind ? UNIT_TARGET : UNIT_SERVICE);
			bad_line = 0;
			unit_parse_buffer(&c, "fuzz.service", buf, len, &d);
			unit_conf_verify(&c, "fuzz.service", "fuzz.service", &d);
			if (bad_line)
				bad++;
			unit_conf_free(&c);
		}
	}
	free(buf);
	printf("%s parse.fuzz_%ld_iterations%s\n", bad ? "FAIL" : "PASS", iters,
	       bad ? " line numbers out of range" : "");
	return bad != 0;
}
