/* MAP_SHARED anonymous and /dev/zero memory: pages untouched before fork are shared too */
#include "t.h"

/* prints the permissions and the name /proc/self/maps gives the mapping at a */
static void maps_line(const char *what, void *a)
{
	char line[512], want[32];
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)a);
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)))
			continue;
		line[strcspn(line, "\n")] = 0;
		char *perm = strchr(line, ' ') + 1, *name = strchr(line, '/');
		say("%s maps: %.4s %s\n", what, perm, name ? name : "(none)");
	}
	if (f)
		fclose(f);
}

/* the child writes into pages nobody touched; the parent must read its values */
static void share_test(const char *what, volatile int *m, size_t len)
{
	pid_t p = fork();

	if (p == 0) {
		m[0] = 42;
		m[len / sizeof(int) - 1] = 43;
		_exit(0);
	}
	t_wait(what, p);
	say("%s: parent reads %d %d\n", what, m[0], m[len / sizeof(int) - 1]);
}

int main(void)
{
	t_init();
	size_t len = 3 * 4096;
	volatile int *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	say("anon mapped %d\n", a != MAP_FAILED);
	share_test("anon", a, len);
	maps_line("anon", (void *)a);

	int fd = T(open("/dev/zero", O_RDWR));
	volatile int *z = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	say("zero mapped %d\n", z != MAP_FAILED);
	share_test("zero", z, len);
	maps_line("zero", (void *)z);
	volatile int *zp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	pid_t p = fork();
	if (p == 0) {
		zp[0] = 7;
		_exit(0);
	}
	t_wait("private zero", p);
	say("private /dev/zero stays private: %d\n", zp[0]);

	/* the mapping keeps its memory through mremap (moved) and partial munmap */
	volatile int *b = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
	b[0] = 5;
	volatile int *c = mremap((void *)b, 2 * 4096, 4096, 0);
	say("mremap shrink in place %d, value %d\n", c == b, c[0]);
	void *hole = mmap(NULL, 16 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile int *d = mremap((void *)c, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	say("mremap moved %d, value %d\n", d == hole, d[0]);
	share_test("moved", d, 4096);
	T(munmap((void *)a, 4096));
	say("after partial munmap %d\n", a[1024 * 2 - 1] == 0 && a[len / sizeof(int) - 1] == 43);
	share_test("rest", a + 1024, 2 * 4096);
	T(munmap((void *)a, len));
	T(munmap((void *)z, len));
	return 0;
}
