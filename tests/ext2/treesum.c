/*
 * treesum: one line per file under DIR, sorted by path: its type, permission
 * bits, owner, size, modification time and a hash of its contents (or a
 * symlink's target); a directory's size is left out (it depends on the file
 * system).  The same tree copied by mke2fs -d into an ext2 image and
 * read back through Aegis must print the same (tests/ext2/run.sh).  lost+found
 * is left out.  usage: treesum DIR
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *paths[20000];
static int npaths, errors;

static void collect(const char *root, const char *rel)
{
	char full[4096];
	DIR *d;
	struct dirent *e;

	snprintf(full, sizeof(full), "%s/%s", root, rel);
	d = opendir(full);
	if (!d) {
		printf("%s: cannot list\n", rel);
		errors++;
		return;
	}
	while ((e = readdir(d)) && npaths < 20000) {
		char r[4096];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (!rel[0] && !strcmp(e->d_name, "lost+found")))
			continue;
		snprintf(r, sizeof(r), "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
		paths[npaths++] = strdup(r);
		if (e->d_type == DT_DIR)
			collect(root, r);
	}
	closedir(d);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	collect(argv[1], "");
	qsort(paths, npaths, sizeof(*paths), cmp);
	for (int i = 0; i < npaths; i++) {
		char full[4096], t[4096];
		struct stat st;
		unsigned long long h = 0xcbf29ce484222325ull;
		snprintf(full, sizeof(full), "%s/%s", argv[1], paths[i]);
		if (lstat(full, &st)) {
			printf("%s: lstat failed\n", paths[i]);
			errors++;
			continue;
		}
		printf("%s %o %o %u:%u %lld %lld", paths[i], (unsigned)(st.st_mode >> 12),
		       (unsigned)(st.st_mode & 07777), st.st_uid, st.st_gid,
		       S_ISDIR(st.st_mode) ? -1LL : (long long)st.st_size, (long long)st.st_mtime);
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(full, t, sizeof(t) - 1);
			t[n > 0 ? n : 0] = 0;
			printf(" -> %s", t);
		} else if (S_ISREG(st.st_mode)) {
			int fd = open(full, O_RDONLY);
			ssize_t n;
			long long total = 0;
			while (fd >= 0 && (n = read(fd, t, sizeof(t))) > 0) {
				for (ssize_t k = 0; k < n; k++)
					h = (h ^ (unsigned char)t[k]) * 0x100000001b3ull;
				total += n;
			}
			if (fd < 0 || total != st.st_size)
				errors++;
			printf(" %016llx", h);
			close(fd);
		}
		printf("\n");
	}
	printf("%d entries, %d errors\n", npaths, errors);
	return errors != 0;
}
