/* link/symlink/readlink, nlink counts, dangling links, ELOOP on loops, O_NOFOLLOW */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_links");
	t_writefile("f", "data");
	T(link("f", "h"));
	struct stat s;
	stat("f", &s);
	say("nlink %ld\n", (long)s.st_nlink);
	T(link("f", "h"));
	T(link("missing", "h2"));
	mkdir("d", 0755);
	T(link("d", "d2"));
	T(unlink("f"));
	stat("h", &s);
	say("after unlink nlink %ld size %ld\n", (long)s.st_nlink, (long)s.st_size);
	T(symlink("h", "s"));
	T(symlink("h", "s"));
	T(symlink("nowhere", "dangling"));
	T(symlink("", "empty"));
	char buf[64];
	memset(buf, 0, sizeof(buf));
	T(readlink("s", buf, sizeof(buf)));
	say("target %s\n", buf);
	memset(buf, 0, sizeof(buf));
	T(readlink("s", buf, 1));
	say("truncated %s\n", buf);
	T(readlink("h", buf, sizeof(buf)));
	T(readlink("missing", buf, sizeof(buf)));
	T(readlink("s", buf, 0));
	T(stat("dangling", &s));
	T(lstat("dangling", &s));
	T(open("dangling", O_WRONLY | O_CREAT, 0644) >= 0);
	say("created through dangling link: %d\n", access("nowhere", F_OK) == 0);
	T(symlink("loop1", "loop2"));
	T(symlink("loop2", "loop1"));
	T(open("loop1", O_RDONLY));
	T(stat("loop1", &s));
	T(symlink("self", "self"));
	T(open("self/x", O_RDONLY));
	char name[16], prev[16] = "h";
	for (int i = 0; i < 45; i++) {
		snprintf(name, sizeof(name), "c%02d", i);
		symlink(prev, name);
		strcpy(prev, name);
	}
	T(open("c38", O_RDONLY) >= 0);
	T(open("c39", O_RDONLY) >= 0);
	T(open("c44", O_RDONLY));
	T(open("s", O_RDONLY | O_NOFOLLOW));
	symlink("d", "sd");
	T(open("sd/", O_RDONLY | O_DIRECTORY) >= 0);
	T(linkat(AT_FDCWD, "s", AT_FDCWD, "hs", 0));
	lstat("hs", &s);
	say("linkat without follow links the symlink: %d\n", S_ISLNK(s.st_mode));
	T(linkat(AT_FDCWD, "s", AT_FDCWD, "hf", AT_SYMLINK_FOLLOW));
	lstat("hf", &s);
	say("with follow: regular %d nlink %ld\n", S_ISREG(s.st_mode), (long)s.st_nlink);
	T(symlinkat("abs", AT_FDCWD, "/proc/x"));
	return 0;
}
