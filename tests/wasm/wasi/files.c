/* WASI test: file and directory operations inside the preopened directory
 * /sandbox, and refusal to reach anything outside it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : strerror(errno));
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
	char *names[64];
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		printf("opendir %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) && n < 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp);
	printf("%s:", dir);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(void)
{
	char buf[128];
	struct stat st;
	FILE *f;
	int fd;
	long pos;

	check("mkdir /sandbox/sub", mkdir("/sandbox/sub", 0755) == 0);
	f = fopen("/sandbox/sub/a.txt", "w");
	check("create a.txt", f != NULL);
	if (f) {
		fprintf(f, "line one\nline two\n");
		fclose(f);
	}
	check("stat a.txt", stat("/sandbox/sub/a.txt", &st) == 0);
	printf("size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	fd = open("/sandbox/sub/a.txt", O_RDWR);
	check("open rw", fd >= 0);
	pos = lseek(fd, 5, SEEK_SET);
	printf("seek -> %ld\n", pos);
	memset(buf, 0, sizeof(buf));
	printf("read %zd: %s", read(fd, buf, 4), buf);
	printf("\n");
	check("pwrite", pwrite(fd, "ONE", 3, 5) == 3);
	lseek(fd, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	printf("reread %zd: %s", read(fd, buf, sizeof(buf) - 1), buf);
	check("ftruncate", ftruncate(fd, 4) == 0);
	fstat(fd, &st);
	printf("size after truncate %lld\n", (long long)st.st_size);
	close(fd);
	f = fopen("/sandbox/sub/a.txt", "a");
	if (f) {
		fputs("+appended", f);
		fclose(f);
	}
	f = fopen("/sandbox/sub/a.txt", "r");
	memset(buf, 0, sizeof(buf));
	if (f) {
		printf("after append: %s\n", fgets(buf, sizeof(buf), f));
		fclose(f);
	}
	check("rename", rename("/sandbox/sub/a.txt", "/sandbox/sub/b.txt") == 0);
	f = fopen("/sandbox/sub/c.txt", "w");
	if (f)
		fclose(f);
	list("/sandbox/sub");
	list("/sandbox");
	check("read the given input file", (f = fopen("/sandbox/input.txt", "r")) != NULL);
	if (f) {
		memset(buf, 0, sizeof(buf));
		printf("input: %s", fgets(buf, sizeof(buf), f));
		fclose(f);
	}
	errno = 0;
	printf("open missing: %s\n", open("/sandbox/nope", O_RDONLY) < 0 ? strerror(errno) : "opened?!");
	errno = 0;
	printf("escape with ..: %s\n",
	       open("/sandbox/../../etc/passwd", O_RDONLY) < 0 ? "refused" : "ESCAPED");
	printf("absolute path outside: %s\n",
	       open("/etc/passwd", O_RDONLY) < 0 ? "refused" : "ESCAPED");
	printf("rmdir non-empty: %s\n", rmdir("/sandbox/sub") < 0 ? "refused" : "removed?!");
	check("unlink b.txt", unlink("/sandbox/sub/b.txt") == 0);
	check("unlink c.txt", unlink("/sandbox/sub/c.txt") == 0);
	check("rmdir sub", rmdir("/sandbox/sub") == 0);
	list("/sandbox");
	return 0;
}
