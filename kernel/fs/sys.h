/* sys.h - helpers shared by the fs syscall files. */
#ifndef AEGIS_FS_SYS_H
#define AEGIS_FS_SYS_H

#include <aegis/types.h>

struct file;
/* Copies a user path into a new PATH_MAX buffer (kfree it) or ERR_PTR. */
char *getname(const char __user *u);
/* Short paths (the usual case) are copied to a caller's stack buffer this big. */
#define SHORT_NAME_MAX	256
char *getname_buf(const char __user *u, char *buf, size_t size);
void putname(char *k, char *buf);
long posix_lock(struct file *f, unsigned cmd, void __user *arg);
long do_flock(struct file *f, unsigned cmd);
void flock_release(struct file *f);
size_t vfs_format_mounts(char *buf, size_t size);
size_t vfs_format_mountinfo(char *buf, size_t size);
int do_umount(const char *target, int flags);

#endif
