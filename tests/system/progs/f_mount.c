/* mount a tmpfs under /tmp: it works, EXDEV for rename and link across it, EBUSY, umount */
#include "t.h"
#include <sys/mount.h>
#include <sys/statfs.h>
int main(void)
{
	t_init();
	t_workdir("f_mount");
	mkdir("mnt", 0755);
	t_writefile("outside", "x");
	T(mount("none", "mnt", "tmpfs", 0, "size=1m,mode=0700"));
	struct stat s;
	stat("mnt", &s);
	say("root mode %o\n", s.st_mode & 07777);
	struct statfs fs;
	T(statfs("mnt", &fs));
	say("tmpfs magic %d\n", fs.f_type == 0x01021994);
	t_writefile("mnt/inside", "y");
	T(rename("outside", "mnt/moved"));
	T(rename("mnt/inside", "back"));
	T(link("outside", "mnt/hard"));
	T(rename("mnt/inside", "mnt/inside2"));
	int fd = open("mnt/inside2", O_RDONLY);
	T(umount("mnt"));
	close(fd);
	chdir("mnt");
	T(umount("/tmp/st-f_mount/mnt"));
	chdir("..");
	T(umount2("mnt", 0));
	T(access("mnt/inside2", F_OK));
	T(umount("mnt"));
	T(mount("none", "mnt", "nosuchfs", 0, NULL));
	T(mount("none", "missing", "tmpfs", 0, NULL));
	T(mount("none", "outside", "tmpfs", 0, NULL));
	T(mount("none", "mnt", "tmpfs", MS_RDONLY, NULL));
	T(open("mnt/x", O_CREAT | O_WRONLY, 0644));
	T(mkdir("mnt/d", 0755));
	T(umount("mnt"));
	pid_t p = fork();
	if (p == 0) {
		setuid(1000);
		T(mount("none", "/tmp/st-f_mount/mnt", "tmpfs", 0, NULL));
		T(umount("/tmp"));
		_exit(0);
	}
	t_wait("uid 1000", p);
	return 0;
}
