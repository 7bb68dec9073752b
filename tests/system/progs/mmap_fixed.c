/* MAP_FIXED over an existing mapping replaces it; partial munmap splits mappings */
#include "t.h"
#include <setjmp.h>
static sigjmp_buf jb;
static void onsegv(int s) { siglongjmp(jb, 1); }
static int readable(volatile char *p)
{
	if (sigsetjmp(jb, 1))
		return 0;
	(void)*p;
	return 1;
}
int main(void)
{
	t_init();
	signal(SIGSEGV, onsegv);
	char *a = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(a, 'a', 8 * 4096);
	char *b = mmap(a + 2 * 4096, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	say("fixed at same address %d\n", b == a + 2 * 4096);
	say("replaced pages are zero %d %d, neighbours kept %c %c\n", a[2 * 4096] == 0, a[4 * 4096 - 1] == 0, a[2 * 4096 - 1], a[4 * 4096]);
	T(munmap(a + 4096, 4096));
	T(munmap(a + 5 * 4096, 2 * 4096));
	for (int i = 0; i < 8; i++)
		say("page %d readable %d\n", i, readable(a + i * 4096));
	say("page 7 value %c\n", a[7 * 4096]);
	T(munmap(a, 8 * 4096));
	for (int i = 0; i < 8; i += 3)
		say("after full unmap page %d readable %d\n", i, readable(a + i * 4096));
	return 0;
}
