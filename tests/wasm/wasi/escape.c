/* WASI sandbox test (aegis-wasm only; compared with escape.expected): the
 * run script puts a symlink to / and one to .. inside the preopen; neither
 * may lead out of it, nor may "..", absolute paths, or renames. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *path)
{
	int fd = open(path, O_RDONLY);
	printf("open %s: %s\n", path, fd < 0 ? "refused" : "opened");
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	struct stat st;

	try_open("/box/../../../etc/passwd");
	try_open("/box/sub/../../etc/passwd");
	try_open("/box/root_link/etc/passwd");
	try_open("/box/root_link");
	try_open("/box/up_link/outside.txt");
	try_open("/etc/passwd");
	try_open("/box/inside_link");
	printf("stat via root link: %s\n", stat("/box/root_link/etc", &st) < 0 ? "refused" : "ESCAPED");
	printf("mkdir outside: %s\n", mkdir("/box/../made", 0755) < 0 ? "refused" : "ESCAPED");
	printf("rename out: %s\n", rename("/box/inside.txt", "/box/../moved.txt") < 0 ? "refused" : "ESCAPED");
	printf("symlink creation: %s\n", symlink("/etc", "/box/new_link") < 0 ? "refused" : "created");
	{
		FILE *f = fopen("/box/inside.txt", "r");
		char buf[64] = "";
		if (f) {
			fgets(buf, sizeof(buf), f);
			fclose(f);
		}
		printf("inside file: %s", f ? buf : "missing\n");
	}
	{
		FILE *f = fopen("/box/sub/../inside.txt", "r");
		printf("inside via sub/..: %s\n", f ? "ok" : strerror(errno));
		if (f)
			fclose(f);
	}
	return 0;
}
