/*
 * blktest: checks a virtio disk through /dev/vda from user space (tests/pci).
 * usage: blktest DEV SIZE rw|ro
 *   rw: writes two patterns (3,000 bytes at offset 1,000; 66,048 bytes at
 *       1 MiB - 512, across the driver's 64 KiB requests) and reads them back;
 *       the host then checks the image file (run.sh).
 *   ro: the disk is read-only: opening it for writing is EROFS.
 * Prints one line per check; exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BLKSSZGET	0x1268		/* <linux/fs.h>, which musl does not ship */
#define BLKGETSIZE64	0x80081272

static int failed;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAILED", what);
	failed |= !ok;
}

static void pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 7 + seed) ^ (i >> 8));
}

int main(int argc, char **argv)
{
	static unsigned char a[70000], b[70000];
	unsigned long long size = 0, want;
	int ssz = 0, fd;

	if (argc != 4)
		return 2;
	want = strtoull(argv[2], NULL, 0);
	fd = open(argv[1], strcmp(argv[3], "ro") ? O_RDWR : O_RDONLY);
	check(fd >= 0, "open");
	if (fd < 0)
		return 1;
	check(ioctl(fd, BLKGETSIZE64, &size) == 0 && size == want, "BLKGETSIZE64 is the disk's size");
	check(ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz == 512, "BLKSSZGET is 512");
	check(lseek(fd, 0, SEEK_END) == (off_t)want, "SEEK_END is the size");
	check(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL, "a negative offset is EINVAL");
	check(pread(fd, a, 100, want - 10) == 10, "a read across the end stops there");
	check(pread(fd, a, 100, want) == 0, "a read at the end is 0");
	check(pread(fd, (void *)16, 512, 0) == -1 && errno == EFAULT, "a bad buffer is EFAULT");
	check(ioctl(fd, 0x1234, 0) == -1 && errno == ENOTTY, "an unknown ioctl is ENOTTY");
	if (!strcmp(argv[3], "ro")) {
		int w = open(argv[1], O_RDWR);
		check(w < 0 && errno == EROFS, "a read-only disk does not open for writing");
		check(pread(fd, a, 4096, 0) == 4096, "but reads");
		return failed;
	}
	pattern(a, 3000, 1);
	check(pwrite(fd, a, 3000, 1000) == 3000, "an unaligned write");
	pattern(a, 66048, 2);
	check(pwrite(fd, a, 66048, (1 << 20) - 512) == 66048, "a write across requests");
	check(pread(fd, b, 66048, (1 << 20) - 512) == 66048 && !memcmp(a, b, 66048), "reads back");
	pattern(a, 3000, 1);
	check(pread(fd, b, 3000, 1000) == 3000 && !memcmp(a, b, 3000), "reads back unaligned");
	check(pwrite(fd, a, 100, want - 10) == 10, "a write across the end stops there");
	errno = 0;
	check(pwrite(fd, a, 100, want) == -1 && errno == ENOSPC, "a write at the end is ENOSPC");
	check(fsync(fd) == 0 || errno == EINVAL, "fsync");
	close(fd);
	return failed;
}
