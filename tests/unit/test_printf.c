/*
 * test_printf.c - the kernel's vsnprintf against the host libc's on every
 * conversion, flag, width and precision combination it supports, plus truncation.
 */
static int libc_snprintf(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

#define vsnprintf k_vsnprintf
#define snprintf k_snprintf
#include "../../kernel/lib/vsnprintf.c"
#undef vsnprintf
#undef snprintf

static int failures;

#define CHECK(fmt, ...)							\
	do {								\
		char a[128], b[128];					\
		int ra = k_snprintf(a, sizeof(a), fmt, __VA_ARGS__);	\
		int rb = libc_snprintf(b, sizeof(b), fmt, __VA_ARGS__);	\
		if (ra != rb || strcmp(a, b)) {				\
			printf("FAIL printf \"%s\": kernel \"%s\" (%d), libc \"%s\" (%d)\n", \
			       fmt, a, ra, b, rb);			\
			failures++;					\
		}							\
	} while (0)

int main(void)
{
	static const char *flags[] = { "", "-", "0", "+", " ", "#", "-#", "0#", "+0" };
	static const char *widths[] = { "", "1", "5", "12", "*" };
	static const char *precs[] = { "", ".0", ".3", ".10", ".*" };
	static const char *convs[] = { "d", "i", "u", "x", "X", "o" };
	static const long long values[] = { 0, 1, -1, 42, -42, 255, 65536, 2147483647,
					    -2147483647 - 1, 0x7fffffffffffffffLL };
	char fmt[32], a[256], b[256];

	for (size_t f = 0; f < sizeof(flags) / sizeof(*flags); f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++)
	for (size_t p = 0; p < sizeof(precs) / sizeof(*precs); p++)
	for (size_t c = 0; c < sizeof(convs) / sizeof(*convs); c++)
	for (size_t v = 0; v < sizeof(values) / sizeof(*values); v++) {
		bool sgn = convs[c][0] == 'd' || convs[c][0] == 'i';
		if (!sgn && (flags[f][0] == '+' || flags[f][0] == ' '))
			continue;	/* undefined for unsigned conversions */
		if (sgn && strchr(flags[f], '#'))
			continue;	/* undefined for %d */
		snprintf(fmt, sizeof(fmt), "[%%%s%s%sll%s]", flags[f], widths[w], precs[p], convs[c]);
		int star_w = 7, star_p = 4;
		int ra, rb;
		if (widths[w][0] == '*' && strchr(precs[p], '*')) {
			ra = k_snprintf(a, sizeof(a), fmt, star_w, star_p, values[v]);
			rb = libc_snprintf(b, sizeof(b), fmt, star_w, star_p, values[v]);
		} else if (widths[w][0] == '*') {
			ra = k_snprintf(a, sizeof(a), fmt, star_w, values[v]);
			rb = libc_snprintf(b, sizeof(b), fmt, star_w, values[v]);
		} else if (strchr(precs[p], '*')) {
			ra = k_snprintf(a, sizeof(a), fmt, star_p, values[v]);
			rb = libc_snprintf(b, sizeof(b), fmt, star_p, values[v]);
		} else {
			ra = k_snprintf(a, sizeof(a), fmt, values[v]);
			rb = libc_snprintf(b, sizeof(b), fmt, values[v]);
		}
		if (ra != rb || strcmp(a, b)) {
			printf("FAIL printf \"%s\" %lld: kernel \"%s\", libc \"%s\"\n", fmt,
			       values[v], a, b);
			failures++;
		}
	}
	CHECK("%s|%10s|%-10s|%.2s|%5.1s", "abc", "abc", "abc", "abc", "abc");
	CHECK("%c%c%5c%-3c|", 'a', 'b', 'c', 'd');
	CHECK("%p %p", (void *)0x1234, (void *)0xffffffff80000000);
	CHECK("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	CHECK("%ld %lu %lx", -5L, 5UL, 0xdeadbeefUL);
	CHECK("%zu %zd %td", (size_t)12345, (ssize_t)-1, (ptrdiff_t)-9);
	CHECK("100%% %d", 1);
	CHECK("%s", "");
	CHECK("%-5d|%05d|%+d|% d", 42, 42, 42, 42);

	/* truncation: C99 return value, always NUL-terminated */
	char small[5];
	int r = k_snprintf(small, sizeof(small), "%s", "hello world");
	if (r != 11 || strcmp(small, "hell")) {
		printf("FAIL truncation: %d \"%s\"\n", r, small);
		failures++;
	}
	r = k_snprintf(NULL, 0, "%d", 12345);
	if (r != 5) {
		printf("FAIL size 0: %d\n", r);
		failures++;
	}
	printf("%s printf (%d mismatches)\n", failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}
