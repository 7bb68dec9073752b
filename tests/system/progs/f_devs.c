/* /dev/null, /dev/zero, /dev/full (ENOSPC), /dev/urandom behaviour */
#include "t.h"
int main(void)
{
	t_init();
	char buf[4096];
	int n = open("/dev/null", O_RDWR);
	T(read(n, buf, sizeof(buf)));
	T(write(n, buf, sizeof(buf)));
	T(lseek(n, 100, SEEK_SET));
	int z = open("/dev/zero", O_RDWR);
	memset(buf, 1, sizeof(buf));
	T(read(z, buf, sizeof(buf)));
	say("all zero %d\n", buf[0] == 0 && buf[4095] == 0);
	T(write(z, buf, 100));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
	say("mmap zero ok %d value %d\n", m != MAP_FAILED, m != MAP_FAILED ? m[5000] : -1);
	int f = open("/dev/full", O_RDWR);
	T(write(f, "x", 1));
	memset(buf, 1, sizeof(buf));
	T(read(f, buf, 16));
	say("full reads zero %d\n", buf[0] == 0);
	int u = open("/dev/urandom", O_RDWR);
	unsigned char a[64], b[64];
	T(read(u, a, 64));
	T(read(u, b, 64));
	say("differ %d\n", memcmp(a, b, 64) != 0);
	T(write(u, "seed", 4));
	int r = open("/dev/random", O_RDONLY | O_NONBLOCK);
	T(read(r, a, 16));
	struct stat s;
	fstat(n, &s);
	say("null chr %d\n", S_ISCHR(s.st_mode));
	int t = open("/dev/tty", O_RDWR);
	say("/dev/tty without ctty: %s\n", t < 0 ? t_errname(errno) : "opened");
	return 0;
}
