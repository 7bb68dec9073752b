/* ENAMETOOLONG at and past NAME_MAX (255) and PATH_MAX (4096) */
#include "t.h"
#include <limits.h>
int main(void)
{
	t_init();
	t_workdir("f_namelen");
	char name[300];
	memset(name, 'n', sizeof(name));
	name[255] = 0;
	T(open(name, O_CREAT | O_WRONLY, 0644) >= 0);
	T(unlink(name));
	name[255] = 'n';
	name[256] = 0;
	T(open(name, O_CREAT | O_WRONLY, 0644));
	T(mkdir(name, 0755));
	T(stat(name, &(struct stat){ 0 }));
	static char path[PATH_MAX + 100];
	/* build a deep tree whose full path is about PATH_MAX */
	mkdir("d", 0755);
	chdir("d");
	memset(name, 'd', 200);
	name[200] = 0;
	int depth = 0;
	while (depth < 25 && mkdir(name, 0755) == 0 && chdir(name) == 0)
		depth++;
	say("depth %d\n", depth);
	char *cwd = getcwd(path, sizeof(path));
	say("getcwd longer than PATH_MAX: %s\n", cwd ? "ok" : t_errname(errno));
	/* remove the tree from the inside: its full path is too long for nftw */
	for (int i = 0; i < depth; i++) {
		chdir("..");
		rmdir(name);
	}
	chdir(t_dirbuf);
	/* relative paths of length 4095 (ok, with the NUL 4096) and 4096 (too long) */
	int n = 0;
	path[0] = 0;
	while (n + 2 <= 4094) {
		strcpy(path + n, "./");
		n += 2;
	}
	strcpy(path + n, "f");
	n += 1;
	t_writefile("f", "x");
	while (n < 4095) {
		memmove(path + 1, path, n + 1);
		path[0] = '/';
		n++;
	}
	say("len %zu\n", strlen(path));
	memmove(path, path + 1, n);
	memmove(path, "./", 0);
	path[0] = '.';
	say("len %zu\n", strlen(path));
	T(access(path, F_OK));
	memmove(path + 1, path, strlen(path) + 1);
	path[0] = '/';
	path[1] = '.';
	say("len %zu\n", strlen(path));
	T(access(path, F_OK));
	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	T(open(path, O_RDONLY));
	T(chdir(path));
	T(symlink(path, "s"));
	memset(path, 'y', 4094);
	path[4094] = 0;
	T(symlink(path, "s4094"));
	char buf[5000];
	T(readlink("s4094", buf, sizeof(buf)));
	return 0;
}
