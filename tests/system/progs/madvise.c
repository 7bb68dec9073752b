/* madvise DONTNEED zeroes private anonymous pages but not shared ones */
#include "t.h"
int main(void)
{
	t_init();
	char *a = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(a, 7, 4 * 4096);
	T(madvise(a + 4096, 2 * 4096, MADV_DONTNEED));
	say("%d %d %d %d\n", a[0], a[4096], a[2 * 4096 + 5], a[3 * 4096]);
	char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(s, 9, 4096);
	T(madvise(s, 4096, MADV_DONTNEED));
	say("shared kept %d\n", s[10]);
	T(madvise(a + 1, 4096, MADV_DONTNEED));
	T(madvise(a, 4096, 12345));
	T(madvise(a, 4096, MADV_NORMAL));
	T(madvise(a, 4096, MADV_WILLNEED));
	munmap(a, 4 * 4096);
	T(madvise(a, 4096, MADV_WILLNEED));
	return 0;
}
