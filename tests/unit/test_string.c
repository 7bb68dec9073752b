/*
 * test_string.c - kernel/lib/string.c against libc on random inputs, including
 * overlapping memmove in both directions and every length/alignment up to 64.
 */
#define memcpy k_memcpy
#define memmove k_memmove
#define memset k_memset
#define memcmp k_memcmp
#define strlen k_strlen
#define strnlen k_strnlen
#define strcmp k_strcmp
#define strncmp k_strncmp
#define strchr k_strchr
#define strrchr k_strrchr
#undef strlcpy
#undef strlcat
#define strlcpy k_strlcpy
#define strlcat k_strlcat
#define strstr k_strstr
#include "../../kernel/lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strstr

static int failures;
#define EXPECT(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)
static int sign(int x) { return (x > 0) - (x < 0); }

int main(void)
{
	unsigned char a[256], b[256], c[256];

	srand(1);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = rand() % 64, so = rand() % 64, dof = rand() % 64;
		for (int i = 0; i < 256; i++)
			a[i] = b[i] = rand();
		memcpy(c, a, 256);
		k_memmove(a + dof, a + so, len);
		memmove(b + dof, b + so, len);
		EXPECT(!memcmp(a, b, 256));
		k_memcpy(c + 128, a + so, len);
		EXPECT(!memcmp(c + 128, a + so, len));
		k_memset(a + so, iter & 0xff, len);
		memset(b + so, iter & 0xff, len);
		EXPECT(!memcmp(a, b, 256));
		EXPECT(sign(k_memcmp(a, c, len)) == sign(memcmp(a, c, len)));
	}
	const char *strs[] = { "", "a", "abc", "abd", "ab", "hello world", "\xff\x01", "zz" };
	for (size_t i = 0; i < 8; i++) {
		EXPECT(k_strlen(strs[i]) == strlen(strs[i]));
		EXPECT(k_strnlen(strs[i], 2) == strnlen(strs[i], 2));
		for (size_t j = 0; j < 8; j++) {
			EXPECT(sign(k_strcmp(strs[i], strs[j])) == sign(strcmp(strs[i], strs[j])));
			for (size_t n = 0; n < 5; n++)
				EXPECT(sign(k_strncmp(strs[i], strs[j], n)) ==
				       sign(strncmp(strs[i], strs[j], n)));
			EXPECT(k_strstr(strs[i], strs[j]) == strstr(strs[i], strs[j]));
		}
		EXPECT(k_strchr(strs[i], 'b') == strchr(strs[i], 'b'));
		EXPECT(k_strchr(strs[i], 0) == strchr(strs[i], 0));
		EXPECT(k_strrchr(strs[i], 'z') == strrchr(strs[i], 'z'));
	}
	char buf[8];
	EXPECT(k_strlcpy(buf, "hello world", sizeof(buf)) == 11 && !strcmp(buf, "hello w"));
	EXPECT(k_strlcpy(buf, "hi", sizeof(buf)) == 2 && !strcmp(buf, "hi"));
	EXPECT(k_strlcat(buf, "there", sizeof(buf)) == 7 && !strcmp(buf, "hithere"));
	EXPECT(k_strlcat(buf, "xyz", sizeof(buf)) == 10 && !strcmp(buf, "hithere"));
	printf("%s string (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}
