/* getrandom: lengths, flags, not all zero, two calls differ, bad buffer */
#include "t.h"
#include <sys/random.h>
int main(void)
{
	t_init();
	unsigned char a[256], b[256];
	T(getrandom(a, sizeof(a), 0));
	T(getrandom(b, sizeof(b), GRND_NONBLOCK));
	say("differ %d\n", memcmp(a, b, sizeof(a)) != 0);
	int zero = 0;
	for (int i = 0; i < 256; i++)
		zero += a[i] == 0;
	say("few zero bytes %d\n", zero < 20);
	T(getrandom(a, 0, 0));
	T(getrandom(a, 16, 0x100));
	T(getrandom((void *)8, 16, 0));
	T(getrandom(a, 16, GRND_RANDOM));
	static char big[1 << 20];
	long n = getrandom(big, sizeof(big), 0);
	say("1MiB read got > 0 %d\n", n > 0);
	int fd = open("/dev/urandom", O_RDONLY);
	T(read(fd, a, 100));
	return 0;
}
