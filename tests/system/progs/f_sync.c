/* fsync/fdatasync/syncfs/sync_file_range on files, EINVAL on pipes, O_SYNC/O_DSYNC writes */
#include "t.h"
int main(void)
{
	t_init();
	t_workdir("f_sync");
	int fd = open("f", O_RDWR | O_CREAT | O_SYNC, 0644);
	T(write(fd, "data", 4));
	T(fsync(fd));
	T(fdatasync(fd));
	T(syncfs(fd));
	T(sync_file_range(fd, 0, 4, SYNC_FILE_RANGE_WRITE));
	T(sync_file_range(fd, -1, 4, 0));
	T(sync_file_range(fd, 0, 4, 0x100));
	T(fcntl(fd, F_GETFL) & O_SYNC) ;
	int p[2];
	pipe(p);
	T(fsync(p[0]));
	T(fdatasync(p[1]));
	int d = open(".", O_RDONLY);
	T(fsync(d));
	T(fsync(99));
	sync();
	int n = open("/dev/null", O_WRONLY);
	T(fsync(n));
	return 0;
}
