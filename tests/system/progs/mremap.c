/* mremap grow in place, move, shrink; contents follow */
#include "t.h"
int main(void)
{
	t_init();
	char *a = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 4 * 4096; i++)
		a[i] = i % 251;
	munmap(a + 2 * 4096, 2 * 4096);
	char *b = mremap(a, 2 * 4096, 4 * 4096, 0);
	say("grow in place: same %d\n", b == a);
	b = mremap(a, 2 * 4096, 2 * 4096, 0);
	b = mmap(a + 2 * 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	char *c = mremap(a, 2 * 4096, 16 * 4096, 0);
	say("grow blocked without MAYMOVE: %s\n", c == MAP_FAILED ? t_errname(errno) : "ok");
	c = mremap(a, 2 * 4096, 16 * 4096, MREMAP_MAYMOVE);
	int ok = c != MAP_FAILED;
	for (int i = 0; ok && i < 2 * 4096; i++)
		ok = c[i] == (char)(i % 251);
	say("moved, contents kept %d, new part zero %d\n", ok, c[15 * 4096] == 0);
	c[15 * 4096] = 1;
	char *d = mremap(c, 16 * 4096, 4096, 0);
	say("shrink same %d value %d\n", d == c, d[100] == 100);
	T((long)mremap(c, 4096, 0, 0) == -1 ? -1 : 0);
	T((long)mremap(c + 1, 4096, 8192, MREMAP_MAYMOVE) == -1 ? -1 : 0);
	char *tgt = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *e = mremap(d, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, tgt + 4096);
	say("fixed move to target %d value %d\n", e == tgt + 4096, e[100] == 100);
	return 0;
}
