/*
 * hwrng: checks /dev/hwrng (virtio-rng) from user space.  Prints one line per
 * check and exits non-zero if any failed.  usage: hwrng [expect-absent]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failed;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAILED", what);
	failed |= !ok;
}

int main(int argc, char **argv)
{
	unsigned char a[64], b[64], big[8192];
	int fd = open("/dev/hwrng", O_RDONLY);
	ssize_t n;
	int same = 1;

	if (argc > 1 && !strcmp(argv[1], "expect-absent")) {
		check(fd < 0 && errno == ENOENT, "no /dev/hwrng without a device");
		return failed;
	}
	check(fd >= 0, "open /dev/hwrng");
	if (fd < 0)
		return 1;
	check(read(fd, a, sizeof(a)) == sizeof(a), "read 64 bytes");
	check(read(fd, b, sizeof(b)) == sizeof(b), "read 64 more");
	check(memcmp(a, b, sizeof(a)) != 0, "two reads differ");
	for (size_t i = 1; i < sizeof(a); i++)
		same &= a[i] == a[0];
	check(!same, "not one repeated byte");
	check(read(fd, a, 0) == 0, "a read of 0 bytes returns 0");
	n = read(fd, big, sizeof(big));
	check(n > 0 && n <= 4096, "a large read returns at most a page");
	errno = 0;
	check(read(fd, (void *)16, 64) == -1 && errno == EFAULT, "a bad buffer is EFAULT");
	check(read(fd, a, sizeof(a)) == sizeof(a), "still works after EFAULT");
	check(write(fd, a, 1) == -1, "not writable");
	close(fd);
	return failed;
}
