/* mmap argument checks: zero length, unaligned, bad fd, bad flags, NOREPLACE */
#include "t.h"
#define P(x) ((long)(x) == -1 ? -1L : 0L)
int main(void)
{
	t_init();
	T(P(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
	T(P(mmap((void *)0x10001, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
	T(P(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0)));
	T(P(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0));
	T(P(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0)));
	int fd = open("/dev/null", O_RDONLY);
	T(P(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4095)));
	char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("anon ok %d aligned %d zero %d\n", a != MAP_FAILED, ((long)a & 4095) == 0, a[5000] == 0);
	char *b = mmap(a + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	say("NOREPLACE over mapping: %s\n", b == MAP_FAILED ? t_errname(errno) : "mapped");
	munmap(a + 4096, 4096);
	b = mmap(a + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	say("NOREPLACE in hole: same addr %d\n", b == a + 4096);
	T(munmap(a, 0));
	T(munmap(a + 1, 4096));
	T(munmap(a, 3 * 4096));
	T(munmap(a, 3 * 4096));
	T(P(mmap((void *)0xffff800000000000UL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
	T(P(mmap(NULL, 1UL << 60, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
	char *hint = mmap((void *)0x200000000000UL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("hint honoured %d\n", hint == (void *)0x200000000000UL);
	return 0;
}
