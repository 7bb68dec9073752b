/*
 * pcilist: what /sys says about the PCI devices, in a form that must be the
 * same under Linux and Aegis on the same QEMU machine (tests/pci/run.sh).
 * For every /sys/bus/pci/devices entry, sorted: its name, where its symlink
 * points, the identity attributes, irq, uevent and modalias, the six BAR lines
 * of `resource` (the seventh, the expansion ROM, is left out: Linux reports the
 * boot VGA's ROM at its legacy shadow 0xc0000), the size of `config` and its
 * first 64 bytes (the standard header: IDs, command, BARs as the firmware
 * programmed them).  Bridges (class 0x0604) get their identity only: Linux
 * enables them (command register, I/O window, interrupt routing) and binds its
 * pcieport driver, which Aegis does not do yet.  So does an AHCI controller
 * (0x0106): Aegis binds its driver (MSI on, INTx off), while Linux's ahci is a
 * module that this initramfs does not load.
 * usage: pcilist [SYSFS_ROOT]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every line of a text attribute, or only the first n */
static void lines(const char *dir, const char *name, int n)
{
	char path[1024], buf[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		printf("  %s: missing\n", name);
		return;
	}
	while ((n < 0 || n-- > 0) && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		printf("  %s: %s\n", name, buf);
	}
	fclose(f);
}

static void attr(const char *dir, const char *name)
{
	lines(dir, name, 1);
}

static void config(const char *dir)
{
	char path[1024];
	unsigned char b[64], rest[512];
	size_t n, got, total;
	FILE *f;

	snprintf(path, sizeof(path), "%s/config", dir);
	f = fopen(path, "rb");
	if (!f) {
		printf("  config: missing\n");
		return;
	}
	n = fread(b, 1, sizeof(b), f);
	total = n;
	while ((got = fread(rest, 1, sizeof(rest), f)) > 0)
		total += got;
	fclose(f);
	printf("  config size: %zu\n", total);
	for (size_t i = 0; i < n; i++)
		printf("%s%02x%s", i % 16 ? "" : "  config:", b[i], i % 16 == 15 || i + 1 == n ? "\n" : " ");
}

/* devices one of the two kernels drives and the other does not */
static int is_bridge(const char *dir)
{
	char path[1024], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/class", dir);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	return !strncmp(buf, "0x0604", 6) || !strncmp(buf, "0x0106", 6);
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : "/sys";
	char base[256], path[512], link[512];
	char *names[1024];
	int n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(base, sizeof(base), "%s/bus/pci/devices", root);
	d = opendir(base);
	if (!d) {
		perror(base);
		return 1;
	}
	while ((de = readdir(d)) && n < 1024)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	printf("%d devices\n", n);
	for (int i = 0; i < n; i++) {
		ssize_t l;
		snprintf(path, sizeof(path), "%s/%s", base, names[i]);
		l = readlink(path, link, sizeof(link) - 1);
		link[l > 0 ? l : 0] = 0;
		printf("%s -> %s\n", names[i], link);
		attr(path, "vendor");
		attr(path, "device");
		attr(path, "class");
		attr(path, "revision");
		attr(path, "subsystem_vendor");
		attr(path, "subsystem_device");
		if (is_bridge(path))
			continue;
		attr(path, "irq");
		lines(path, "uevent", -1);
		attr(path, "modalias");
		lines(path, "resource", 6);
		config(path);
	}
	return 0;
}
