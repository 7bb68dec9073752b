/* test_cmdline.c - the command-line parser on ordinary, odd and hostile input. */
#include "../../kernel/core/cmdline.c"

static int failures;
#define EXPECT(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

int main(void)
{
	char v[32];
	const char *cl = "console=ttyS0 ktest loglevel=7 mode=safe init=\"/bin/my init\" x= "
			 "loglevel=3 hex=0x1F neg=-12 big=99999999999999999999 bad=12a";

	EXPECT(cmdline_get(cl, "console", v, sizeof(v)) && !strcmp(v, "ttyS0"));
	EXPECT(cmdline_has(cl, "ktest"));
	EXPECT(cmdline_get(cl, "ktest", v, sizeof(v)) && !strcmp(v, ""));
	EXPECT(!cmdline_has(cl, "kt"));
	EXPECT(!cmdline_has(cl, "ktestx"));
	EXPECT(cmdline_get_long(cl, "loglevel", -1) == 3);	/* last one wins */
	EXPECT(cmdline_get(cl, "init", v, sizeof(v)) && !strcmp(v, "/bin/my init"));
	EXPECT(cmdline_get(cl, "x", v, sizeof(v)) && !strcmp(v, ""));
	EXPECT(cmdline_get_long(cl, "hex", 0) == 31);
	EXPECT(cmdline_get_long(cl, "neg", 0) == -12);
	EXPECT(cmdline_get_long(cl, "big", 5) == 5);		/* overflow: default */
	EXPECT(cmdline_get_long(cl, "bad", 5) == 5);
	EXPECT(cmdline_get_long(cl, "absent", 9) == 9);
	EXPECT(cmdline_get(cl, "mode", v, 3) && !strcmp(v, "sa"));	/* truncated copy */
	EXPECT(!cmdline_has("", "a"));
	EXPECT(!cmdline_has(NULL, "a"));
	EXPECT(cmdline_has("   a   ", "a"));
	EXPECT(cmdline_get("q=\"unterminated", "q", v, sizeof(v)) && !strcmp(v, "unterminated"));
	/* random bytes: must not crash or read past the end (ASan) */
	srand(7);
	for (int i = 0; i < 20000; i++) {
		char junk[64];
		int n = rand() % 63;
		for (int j = 0; j < n; j++)
			junk[j] = "a= \"\t\n=x0"[rand() % 10];
		junk[n] = 0;
		cmdline_get(junk, "a", v, sizeof(v));
		cmdline_get_long(junk, "x", 0);
	}
	printf("%s cmdline (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}
